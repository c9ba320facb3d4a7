/**
 * `launch/local.sh`: the whole recipe on this machine through the generated program, one rank
 * per GPU (or `cluster.cpu_ranks` on CPU), started by the program's `local` launcher.
 */
import type { BundleFile, TargetContext, TargetEmitter } from "./types.js";

function script(ctx: TargetContext): string {
  const [program = "node", ...args] = ctx.programCommand;
  const where = ctx.cpu ? `${ctx.ranksPerNode} CPU rank${ctx.ranksPerNode === 1 ? "" : "s"} (gloo)` : `${ctx.ranksPerNode} GPU ranks`;
  const env = ctx.envNames.length === 0 ? "none" : ctx.envNames.join(" ");
  return [
    "#!/bin/sh",
    ...ctx.header.map((line) => `# ${line}`),
    "#",
    `# Runs recipe ${ctx.recipeName} on this machine: ${where} per stage.`,
    "# Usage: launch/local.sh [--stage S] [--run-dir DIR] [--python PATH] [--restart] ...",
    "# (every argument is passed to the program; see README.md)",
    `# Environment the run needs: ${env}.`,
    "# The Python with the worker's dependencies: --python PATH, else $ALIGN_PYTHON, else python3.",
    "set -eu",
    "# Shell builtins only: the bundle may run where PATH holds nothing but node and python.",
    'case "$0" in */*) here=${0%/*} ;; *) here=. ;; esac',
    'bundle=$(CDPATH="" cd -- "$here/.." && pwd)',
    `exec "\${NODE:-${program}}" ${args.map((a) => `"$bundle/${a}"`).join(" ")} --launcher local "$@"`,
    "",
  ].join("\n");
}

export const localTarget: TargetEmitter = {
  name: "local",
  emit(ctx: TargetContext): BundleFile[] {
    return [{ path: "launch/local.sh", content: script(ctx), executable: true }];
  },
};
