/** Small pure helpers the cluster targets share: quoting, names, the run id, headers. */
import type { TargetContext } from "./types.js";

/** A POSIX shell word: bare when safe, else single-quoted. */
export function shQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A DNS-1123 label (Kubernetes object names, hostnames): lower case, digits and `-`, ≤ `max` chars. */
export function dnsLabel(name: string, max = 63): string {
  const label = name.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, max).replace(/-+$/, "");
  return label === "" ? "align" : label;
}

/** `# line` for each header line (shell, YAML, Python). */
export function hashHeader(ctx: TargetContext): string[] {
  return ctx.header.map((line) => (line === "" ? "#" : `# ${line}`));
}

/**
 * The run id keys the run directory: stable across requeues, restarts and recoveries (never a
 * job id), so a restarted job finds its checkpoints. Users override it with ALIGN_RUN_ID.
 */
export function defaultRunId(ctx: TargetContext): string {
  return dnsLabel(ctx.recipeName);
}

/** The program command with the bundle root in front of its file argument(s), as shell words. */
export function programWords(ctx: TargetContext, bundleVar: string): string {
  const [program = "node", ...args] = ctx.programCommand;
  return [`"\${NODE:-${program}}"`, ...args.map((a) => `"${bundleVar}/${a}"`)].join(" ");
}

/** `KEY=value` lines of a launch block's `env` map, sorted. */
export function envEntries(config: Readonly<Record<string, unknown>>): [string, string][] {
  const env = (config["env"] ?? {}) as Record<string, string>;
  return Object.keys(env).sort().map((k) => [k, env[k]!]);
}

/** `8:00:00`-style Slurm time (days-hours:minutes:seconds) from seconds. */
export function slurmTime(seconds: number): string {
  const s = Math.ceil(seconds);
  const days = Math.floor(s / 86400);
  const hms = [Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, "0")).join(":");
  return days > 0 ? `${days}-${hms}` : hms;
}
