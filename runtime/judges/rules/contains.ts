/**
 * contains judge: the response contains any / all / none of a list of literal strings.
 * Matching is on substrings after Unicode NFC normalisation (so a composed "é" in the recipe
 * matches a decomposed one from the model); `case_sensitive = false` lower-cases both sides.
 */

import type { Judge, Judgement, Sample } from "../types.js";
import { satisfied, violated } from "../types.js";
import { JudgeConfigError, requireBoolean, requireEnum, type ConfigSite } from "./config-error.js";
import { quote } from "./text.js";

export interface ContainsJudgeConfig {
  readonly values: readonly string[];
  readonly mode: "any" | "all" | "none";
  readonly case_sensitive: boolean;
}

type Mode = ContainsJudgeConfig["mode"];

export function createContainsJudge(name: string, config: ContainsJudgeConfig): Judge {
  const site: ConfigSite = { judge: name, variant: "contains" };
  const mode = requireEnum(site, "mode", config.mode, ["any", "all", "none"] as const);
  const caseSensitive = requireBoolean(site, "case_sensitive", config.case_sensitive);
  const values = prepareValues(site, config.values, caseSensitive);
  const check = CHECKS[mode];
  return {
    name,
    variant: "contains",
    evaluate(sample: Sample): Judgement {
      return check(prepareText(sample.response, caseSensitive), values, config.values);
    },
  };
}

function prepareValues(site: ConfigSite, raw: unknown, caseSensitive: boolean): string[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new JudgeConfigError(site, "values", "expected a non-empty list of strings");
  }
  return raw.map((value, index) => {
    if (typeof value !== "string" || value.length === 0) {
      // An empty string is contained in everything, which is never what the author meant.
      throw new JudgeConfigError(site, `values[${index}]`, "expected a non-empty string");
    }
    return prepareText(value, caseSensitive);
  });
}

const ASCII = /^[\x00-\x7f]*$/;

function prepareText(text: string, caseSensitive: boolean): string {
  // NFC is the identity on ASCII; skipping it keeps the common case allocation-free.
  const normalized = ASCII.test(text) ? text : text.normalize("NFC");
  return caseSensitive ? normalized : normalized.toLowerCase();
}

type Check = (text: string, values: readonly string[], original: readonly string[]) => Judgement;

const CHECKS: Record<Mode, Check> = {
  any(text, values, original) {
    const index = values.findIndex((value) => text.includes(value));
    return index === -1 ? violated("no_value_found") : satisfied("value_found", quote(original[index] ?? ""));
  },
  all(text, values, original) {
    const missing = original.filter((_, index) => !text.includes(values[index] ?? ""));
    return missing.length === 0
      ? satisfied("all_values_found")
      : violated("value_missing", `missing ${missing.slice(0, 5).map((value) => quote(value, 40)).join(", ")}`);
  },
  none(text, values, original) {
    const index = values.findIndex((value) => text.includes(value));
    return index === -1 ? satisfied("no_forbidden_value") : violated("forbidden_value_found", quote(original[index] ?? ""));
  },
};
