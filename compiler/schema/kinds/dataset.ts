import { bool, int, map, nullable, pathStr, str } from "../fields.js";
import type { FieldSpec, KindSpec, VariantSpec } from "../types.js";

/**
 * Logical fields with a meaning the runtime knows. Each maps to a column of the file; only
 * `prompt` has a default (the column `prompt`). The plan gathers them into `fields`.
 */
export const logicalFields: Readonly<Record<string, string>> = {
  prompt: "The prompt the model answers.",
  response: "A response already in the data.",
  reference: "A reference answer (a calibrated reward's baseline).",
  answer: "The ground-truth final answer (math_answer).",
  tests: "Unit tests (code_tests).",
  entry_point: "The function the tests call (code_tests).",
  requirements: "Verifiable instructions (instructions judge).",
  chosen: "The preferred response of a pair (dpo).",
  rejected: "The dispreferred response of a pair (dpo).",
  target: "The training target (sft).",
  system: "A system prompt.",
};

function logicalFieldSpecs(): Record<string, FieldSpec> {
  const out: Record<string, FieldSpec> = {};
  for (const [name, doc] of Object.entries(logicalFields)) {
    const column = str(`The column holding the ${name} field. ${doc}`);
    out[name] = name === "prompt" ? str(column.doc, { default: "prompt" }) : nullable(column);
  }
  return out;
}

export const jsonlVariant: VariantSpec = {
  name: "jsonl",
  doc: "A JSON Lines file, one sample per line: `jsonl(\"data/chat.jsonl\") { prompt = \"question\" }`.",
  positional: ["path"],
  fields: {
    path: pathStr("The file, relative to the recipe."),
    ...logicalFieldSpecs(),
    fields: map(str("A column name."), "Other logical fields: `fields { difficulty = \"level\" }`.", { default: {} }),
    limit: nullable(int("Use at most this many rows.", { min: 1 })),
    shuffle: bool("Shuffle the rows (with the recipe's seed).", { default: true }),
  },
};

export const datasetKind: KindSpec = {
  name: "dataset",
  doc: "A source of samples. The compiler reads its first rows and checks every mapped column exists.",
  naming: "named",
  discriminator: "type",
  common: {},
  variants: [jsonlVariant],
  syntax: "dataset NAME = jsonl(\"path\") { prompt = \"column\" ... }",
};
