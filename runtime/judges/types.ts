/**
 * The judge interface shared by every judge kind, the mixture of judges (MoJ), the judge
 * server and `align judge`. A judge sees one sample and returns one verdict. Rule judges are
 * pure and deterministic; LLM judges are cached; code judges run in the sandbox.
 */

export type VerdictStatus = "satisfied" | "violated" | "error";

export interface Sample {
  /** The prompt as the policy saw it. */
  readonly prompt: string;
  /** The policy's response (hostile input: never executed outside the sandbox). */
  readonly response: string;
  /** The dataset row's fields (after the dataset's field mapping), e.g. `answer`, `tests`. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The prompt source (dataset name) the prompt came from; judges may be scoped to some. */
  readonly source?: string;
}

export interface Verdict {
  readonly status: VerdictStatus;
  /**
   * Short machine-readable reason in snake_case, e.g. `answer_match`, `answer_mismatch`,
   * `no_answer_found`, `tests_failed`, `timeout`, `memory_limit`, `sandbox_unavailable`.
   */
  readonly reason: string;
  /** Optional human-readable detail (truncated, never containing secrets). */
  readonly detail?: string;
  /** Wall-clock time the judge spent on this sample, in milliseconds. */
  readonly latencyMs: number;
}

/** What a judge returns before the caller stamps the latency on. */
export type Judgement = Omit<Verdict, "latencyMs">;

export interface JudgeContext {
  /** Aborted when the batch is cancelled or the server shuts down. */
  readonly signal?: AbortSignal;
}

export interface Judge {
  /** The judge's declared name in the recipe (`math_answer`, `unit_tests`, ...). */
  readonly name: string;
  /** The judge variant (`math_answer`, `code_tests`, `instructions`, `llm_judge`, ...). */
  readonly variant: string;
  /**
   * Judge one sample. Synchronous judges may return the judgement directly; the MoJ measures
   * latency and converts a thrown exception into `{status: "error", reason: "judge_threw"}`.
   */
  evaluate(sample: Sample, context: JudgeContext): Judgement | Promise<Judgement>;
}

export function satisfied(reason: string, detail?: string): Judgement {
  return detail === undefined ? { status: "satisfied", reason } : { status: "satisfied", reason, detail };
}

export function violated(reason: string, detail?: string): Judgement {
  return detail === undefined ? { status: "violated", reason } : { status: "violated", reason, detail };
}

export function judgeError(reason: string, detail?: string): Judgement {
  return detail === undefined ? { status: "error", reason } : { status: "error", reason, detail };
}
