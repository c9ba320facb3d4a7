/**
 * json judge: the response (or its first fenced JSON block) is valid JSON and, when a schema is
 * declared, matches it. The schema is compiled once, at creation; a violation names the JSON
 * pointer of the first failing value.
 */

import type { ValidateFunction } from "ajv";
import type { Judge, Judgement, Sample } from "../types.js";
import { judgeError, satisfied, violated } from "../types.js";
import { compileJsonSchema } from "../../../compiler/check/rules/support/jsonSchema.js";
import { JudgeConfigError, requireEnum, type ConfigSite } from "./config-error.js";
import { clip } from "./text.js";

export interface SchemaTemplate {
  readonly text: string;
  readonly file: string | null;
  readonly slots: readonly string[];
}

export interface JsonJudgeConfig {
  readonly schema: SchemaTemplate | null;
  readonly extract: "whole" | "fenced";
}

export interface JsonLimits {
  /** Longer responses are not parsed (error `input_too_long`). */
  readonly maxInputChars?: number;
}

/** 1 Mi characters: JSON.parse is linear, this only bounds memory and latency. */
export const JSON_MAX_INPUT_CHARS = 1024 * 1024;

/** Compiled once, at creation; a bad schema is a config error naming its file. */
function compileSchema(site: ConfigSite, template: SchemaTemplate): ValidateFunction {
  const compiled = compileJsonSchema(template.text);
  if ("problem" in compiled) throw new JudgeConfigError(site, template.file === null ? "schema" : `schema (${template.file})`, compiled.problem);
  return compiled.validate;
}

export function createJsonJudge(name: string, config: JsonJudgeConfig, limits: JsonLimits = {}): Judge {
  const site: ConfigSite = { judge: name, variant: "json" };
  const extract = requireEnum(site, "extract", config.extract, ["whole", "fenced"] as const);
  const validate = config.schema === null || config.schema === undefined ? null : compileSchema(site, config.schema);
  const maxInput = limits.maxInputChars ?? JSON_MAX_INPUT_CHARS;
  return {
    name,
    variant: "json",
    evaluate(sample: Sample): Judgement {
      const response = sample.response;
      if (response.length > maxInput) return judgeError("input_too_long", `${response.length} chars > ${maxInput}`);
      const text = extract === "fenced" ? (fencedJson(response) ?? response) : response;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        return violated("invalid_json", clip(error instanceof Error ? error.message : String(error), 120));
      }
      return validate === null ? satisfied("valid_json") : checkSchema(validate, value);
    },
  };
}

function checkSchema(validate: ValidateFunction, value: unknown): Judgement {
  try {
    if (validate(value)) return satisfied("schema_match");
  } catch {
    // A recursive schema ($ref to itself) on absurdly deep data overflows the stack.
    return judgeError("validation_failed", "schema validation overflowed (data nested too deeply)");
  }
  const first = validate.errors?.[0];
  if (!first) return violated("schema_mismatch");
  const pointer = first.instancePath === "" ? "/" : first.instancePath;
  return violated("schema_mismatch", clip(`${pointer}: ${first.message ?? first.keyword}`, 160));
}

/**
 * The body of the first fence tagged `json`, else of the first untagged fence, else null.
 * Models often drop the language tag; a fence tagged with another language is never JSON.
 * Written with indexOf rather than a regex so an unterminated fence stays linear.
 */
export function fencedJson(text: string): string | null {
  let untagged: string | null = null;
  let position = 0;
  for (;;) {
    const open = text.indexOf("```", position);
    if (open === -1) return untagged;
    const lineEnd = text.indexOf("\n", open + 3);
    if (lineEnd === -1) return untagged;
    const info = text.slice(open + 3, lineEnd).trim().toLowerCase();
    const close = text.indexOf("```", lineEnd + 1);
    const body = text.slice(lineEnd + 1, close === -1 ? text.length : close);
    if (info === "json" || info === "jsonc" || info === "json5") return body;
    if (info === "" && untagged === null) untagged = body;
    if (close === -1) return untagged;
    position = close + 3;
  }
}
