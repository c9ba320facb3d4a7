/**
 * length judge: the response has between `min` and `max` characters or words (both bounds
 * inclusive, either may be null). Characters are Unicode code points; words are runs of
 * non-whitespace, so `don't` and `state-of-the-art` are one word each and text in scripts
 * written without spaces counts as one word per run.
 */

import type { Judge, Judgement, Sample } from "../types.js";
import { satisfied, violated } from "../types.js";
import { JudgeConfigError, optionalCount, requireEnum, type ConfigSite } from "./config-error.js";
import { countCodePoints, countWords } from "./text.js";

export interface LengthJudgeConfig {
  readonly unit: "chars" | "words";
  readonly min: number | null;
  readonly max: number | null;
}

export function createLengthJudge(name: string, config: LengthJudgeConfig): Judge {
  const site: ConfigSite = { judge: name, variant: "length" };
  const unit = requireEnum(site, "unit", config.unit, ["chars", "words"] as const);
  const min = optionalCount(site, "min", config.min);
  const max = optionalCount(site, "max", config.max);
  if (min === null && max === null) throw new JudgeConfigError(site, "min", "set min, max or both");
  if (min !== null && max !== null && min > max) {
    throw new JudgeConfigError(site, "min", `min (${min}) is greater than max (${max})`);
  }
  const count = unit === "chars" ? countCodePoints : countWords;
  return {
    name,
    variant: "length",
    evaluate(sample: Sample): Judgement {
      const n = count(sample.response);
      if (min !== null && n < min) return violated("too_short", `${n} ${unit} < min ${min}`);
      if (max !== null && n > max) return violated("too_long", `${n} ${unit} > max ${max}`);
      return satisfied("length_ok", `${n} ${unit}`);
    },
  };
}
