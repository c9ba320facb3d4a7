import type { Judge, Judgement, Sample } from "../../../runtime/judges/types.js";

export function sample(response: string, fields: Record<string, unknown> = {}): Sample {
  return { prompt: "p", response, fields };
}

/** Rule judges are synchronous; fail loudly if one ever returns a promise. */
export function judge(j: Judge, response: string, fields: Record<string, unknown> = {}): Judgement {
  const result = j.evaluate(sample(response, fields), {});
  if (result instanceof Promise) throw new Error("rule judges are synchronous");
  return result;
}
