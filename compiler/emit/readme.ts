/** The bundle's README.md: what the bundle is, how to run each target, what it needs. */
import type { Plan } from "../plan/types.js";
import type { LockModel } from "./lockfile.js";

export interface ReadmeInput {
  readonly plan: Plan;
  readonly recipeFile: string;
  readonly header: readonly string[];
  /** The launch files each target wrote, by target name (sorted). */
  readonly targets: Readonly<Record<string, readonly string[]>>;
  readonly envNames: readonly string[];
  readonly models: readonly LockModel[];
  /** Inputs referenced, not copied (large datasets), relative to the recipe's directory. */
  readonly referenced: readonly string[];
  readonly ranksPerNode: number;
}

const code = (s: string) => `\`${s}\``;

export function emitReadme(r: ReadmeInput): string {
  const { plan } = r;
  const cpu = plan.cluster.gpus_per_node === 0;
  const ranks = cpu ? `${r.ranksPerNode} CPU rank${r.ranksPerNode === 1 ? "" : "s"} (gloo)` : `${r.ranksPerNode} GPUs (one rank each)`;
  const lines = [
    ...r.header.map((l) => `<!-- ${l} -->`),
    "",
    `# Launch bundle: recipe ${code(plan.recipe.name)}`,
    "",
    plan.recipe.description === "" ? `Compiled from ${code(r.recipeFile)} by ${code("align build")}.`
      : `${plan.recipe.description}. Compiled from ${code(r.recipeFile)} by ${code("align build")}.`,
    `Stages, in order: ${plan.stage_order.map(code).join(" → ") || "(none)"}. Cluster: ${plan.cluster.nodes} node${plan.cluster.nodes === 1 ? "" : "s"} × ${ranks}.`,
    "",
    "It runs with `node` (20 or newer) and a Python with the worker's dependencies",
    "(`worker/requirements.txt`), without network access and without installing anything else.",
    "",
    "## Run it",
    "",
  ];
  for (const [target, files] of Object.entries(r.targets)) {
    lines.push(`- ${code(target)}: ${files.map((f) => code(f)).join(", ")}`);
  }
  lines.push(
    "",
    "`launch/local.sh` runs every stage on this machine and passes its arguments to the program:",
    "",
    "```",
    "launch/local.sh                      # all stages; finished ones are skipped, interrupted ones resumed",
    "launch/local.sh --stage S            # only stage S (the stages it reads must have finished)",
    "launch/local.sh --restart            # run finished stages again",
    "launch/local.sh --python PATH        # the worker's Python (default: $ALIGN_PYTHON, else a python3 with torch)",
    "launch/local.sh --run-dir DIR        # where outputs go (default: the directory holding this bundle)",
    "launch/local.sh --base-dir DIR       # read inputs from DIR instead of inputs/ (the recipe's directory layout)",
    "launch/local.sh --allow-drift        # run although inputs differ from align.lock.json (logged)",
    "```",
    "",
    "Exit codes: 0 done, 1 a stage failed or the bundle cannot run (changed inputs, missing",
    "environment variables, run directory in use), 2 bad arguments, 130/143 interrupted.",
    "",
    "## Before it starts",
    "",
    "The program re-hashes every input named in `align.lock.json` and refuses to run when one",
    "changed (`align verify` does the same check without running).",
    r.envNames.length === 0 ? "The recipe reads no environment variables."
      : `It needs these environment variables set (their values never enter the bundle): ${r.envNames.map(code).join(", ")}.`,
  );
  if (r.referenced.length > 0) {
    lines.push("", "Large datasets are not copied; `inputs/` links to them (pinned by hash in the lockfile).",
      "Where the links do not resolve, place the files there or pass `--base-dir`:", "",
      ...r.referenced.map((p) => `- ${code(p)}`));
  }
  const unpinned = r.models.filter((m) => !m.pinned);
  if (unpinned.length > 0) {
    lines.push("", "Models named by a moving revision (not pinned; the weights may change):", "",
      ...unpinned.map((m) => `- ${code(m.name)}: ${code(`${m.id ?? ""}@${m.revision ?? ""}`)}`));
  }
  lines.push(
    "",
    "## Layout",
    "",
    "- `main.ts` (and `main.js`): the generated program, one function per stage; `hooks.ts`: your code",
    "  around stages (never overwritten; run `align build` again to compile it to `hooks.js`)",
    "- `plan.json`: the compiled plan; `align.lock.json`: hashes of every input",
    "- `runtime/align-runtime.js`: the align runtime (judge server, judges, orchestrator), one file",
    "- `worker/`: the Python worker (`align_worker`) and its pinned `requirements.txt`",
    "- `inputs/`: the recipe, its imports, templates, judge modules and datasets",
    "- `launch/`: one launcher per target",
    "",
  );
  return lines.join("\n");
}
