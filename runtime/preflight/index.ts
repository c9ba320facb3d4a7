/**
 * Pre-flight: everything the stages about to run need from this machine, checked before any of
 * them starts, with every problem in one report (docs/run.md, "Pre-flight"). `align run` calls it;
 * a generated bundle program calls the same function.
 */
import type { RunPlan } from "../orchestrator/plan.js";
import { checkEndpoints } from "./endpoints.js";
import { checkEnvVars } from "./envVars.js";
import { runNeeds } from "./needs.js";
import { checkPython } from "./python.js";
import type { PackageNeed } from "./python.js";
import { checkRunDir } from "./runDir.js";
import { checkSandbox } from "./sandbox.js";
import type { PreflightProblem } from "./types.js";

export type { PreflightProblem, PreflightCheck } from "./types.js";
export { runNeeds } from "./needs.js";

export interface PreflightOptions {
  readonly plan: RunPlan;
  /** The stages that will run (skipped ones need nothing). */
  readonly stages: readonly string[];
  readonly runDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `--python`; else $ALIGN_PYTHON, else the usual candidates. */
  readonly python?: string | undefined;
  /** Send one request to each LLM endpoint (default true). */
  readonly checkEndpoints?: boolean;
  readonly endpointTimeoutMs?: number;
}

export interface PreflightResult {
  readonly problems: readonly PreflightProblem[];
  /** The worker's interpreter, when one was found. */
  readonly python?: string;
}

/** `stage a uses` / `stages a, b use`. */
function stagesVerb(stages: readonly string[], one: string, many: string): string {
  return stages.length === 1 ? `stage ${stages[0]} ${one}` : `stages ${stages.join(", ")} ${many}`;
}

function packageNeeds(hfStages: readonly string[], loraStages: readonly string[]): PackageNeed[] {
  const needs: PackageNeed[] = [];
  if (hfStages.length > 0) needs.push({ module: "transformers", why: `${stagesVerb(hfStages, "uses", "use")} a Hugging Face model` });
  if (loraStages.length > 0) needs.push({ module: "peft", why: `${stagesVerb(loraStages, "trains", "train")} LoRA adapters` });
  return needs;
}

/** Runs every check (in parallel where they are independent) and returns all problems found. */
export async function preflight(opts: PreflightOptions): Promise<PreflightResult> {
  if (opts.stages.length === 0) return { problems: [] };
  const needs = runNeeds(opts.plan, opts.stages);
  const [python, sandbox, endpoints] = await Promise.all([
    checkPython({ python: opts.python, env: opts.env }, packageNeeds(needs.hfStages, needs.loraStages)),
    checkSandbox(needs.sandboxStages),
    opts.checkEndpoints === false ? Promise.resolve([]) : checkEndpoints(needs.endpoints, opts.env, opts.endpointTimeoutMs),
  ]);
  const problems = [...checkEnvVars(needs.env, opts.env), ...python.problems, ...sandbox, ...endpoints, ...checkRunDir(opts.runDir)];
  return python.python === undefined ? { problems } : { problems, python: python.python };
}

/** The report: a first line that counts, then one line per problem. */
export function renderPreflight(problems: readonly PreflightProblem[]): string {
  const n = problems.length;
  return [`pre-flight found ${n} problem${n === 1 ? "" : "s"}; nothing was started:`,
    ...problems.map((p) => `  ${p.check}: ${p.message}`)].join("\n");
}
