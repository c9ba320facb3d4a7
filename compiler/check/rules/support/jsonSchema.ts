/**
 * Compiles a json judge's schema with the ajv class that matches its `$schema` (draft-07 when
 * absent): the one definition used by `align check` (rule JsonSchemaValid) and by the json
 * judge the server builds, so a schema `check` accepts is never refused by `serve`.
 */

import type { Ajv, Options, ValidateFunction } from "ajv";
import type { Ajv2019 } from "ajv/dist/2019.js";
import type { Ajv2020 } from "ajv/dist/2020.js";
import { createRequire } from "node:module";
import { FORMATS } from "./jsonFormats.js";

// ajv is CommonJS, loaded on the first schema: most recipes have none, and importing it costs
// every `align check` ~35 ms of CPU.
const require = createRequire(import.meta.url);

/**
 * Unknown keywords and formats are errors (a typo must not silently disable a check); ajv's
 * stylistic strictness (types, tuples) is off, it rejects valid schemas. Never log from a judge.
 */
const OPTIONS: Options = {
  strictSchema: true,
  strictNumbers: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  allErrors: false,
  logger: false,
};

type Draft = "draft-06" | "draft-07" | "2019-09" | "2020-12";

function draftOf(schema: unknown): Draft | null {
  const id = typeof schema === "object" && schema !== null ? (schema as { $schema?: unknown }).$schema : undefined;
  if (id === undefined) return "draft-07";
  if (typeof id !== "string") return null;
  if (id.includes("2020-12")) return "2020-12";
  if (id.includes("2019-09")) return "2019-09";
  if (id.includes("draft-07")) return "draft-07";
  if (id.includes("draft-06")) return "draft-06";
  return null;
}

function createAjv(draft: Draft) {
  if (draft === "2020-12") return new (require("ajv/dist/2020.js") as { Ajv2020: typeof Ajv2020 }).Ajv2020(OPTIONS);
  if (draft === "2019-09") return new (require("ajv/dist/2019.js") as { Ajv2019: typeof Ajv2019 }).Ajv2019(OPTIONS);
  const ajv = new (require("ajv") as { Ajv: typeof Ajv }).Ajv(OPTIONS);
  if (draft === "draft-06") ajv.addMetaSchema(require("ajv/dist/refs/json-schema-draft-06.json") as object);
  return ajv;
}

/** The compiled validator, or what is wrong with the schema text. */
export function compileJsonSchema(text: string): { readonly validate: ValidateFunction } | { readonly problem: string } {
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    return { problem: `not valid JSON: ${messageOf(error)}` };
  }
  if (typeof schema !== "boolean" && (typeof schema !== "object" || schema === null || Array.isArray(schema))) {
    return { problem: "a JSON Schema is an object or a boolean" };
  }
  const draft = draftOf(schema);
  if (draft === null) return { problem: "unsupported $schema (use draft-06, draft-07, 2019-09 or 2020-12)" };
  const ajv = createAjv(draft);
  for (const [format, validate] of Object.entries(FORMATS)) ajv.addFormat(format, { type: "string", validate });
  try {
    return { validate: ajv.compile(schema as object) };
  } catch (error) {
    return { problem: `invalid JSON Schema: ${messageOf(error)}` };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
