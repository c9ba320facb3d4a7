/**
 * A json judge's schema is compiled by the judge server when it starts; an invalid one stops
 * `align serve` and every run that uses the judge. The same compile runs here.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { compileJsonSchema } from "./support/jsonSchema.js";
import { pointer } from "./support/pointer.js";
import { judgesOf } from "./support/planIndex.js";

export const jsonSchemaValidCode: CodeInfo = {
  code: "AL4052",
  severity: "error",
  title: "invalid JSON Schema",
  description:
    "A `json` judge's `schema` must be valid JSON holding a JSON Schema (an object or a " +
    "boolean) of draft-06, draft-07 (the default), 2019-09 or 2020-12. Unknown keywords and " +
    "unknown `format` values are errors too: a typo must not silently turn a check off. The " +
    "judge server compiles the schema with the same code.",
  example: 'judge j = json { schema = "{\\"type\\": \\"objekt\\"}" }\n',
};

export const jsonSchemaValidRule: Rule = {
  name: "JsonSchemaValid",
  codes: [jsonSchemaValidCode.code],
  check(context) {
    return judgesOf(context, "json").flatMap(([name, judge]) => {
      if (judge.schema === null) return [];
      const compiled = compileJsonSchema(judge.schema.text);
      if (!("problem" in compiled)) return [];
      const source = judge.schema.file === null ? "" : ` (${judge.schema.file})`;
      return [context.diagnostic(jsonSchemaValidCode.code, context.spanOf(pointer("judges", name, "schema")), `the schema of judge \`${name}\`${source}: ${compiled.problem}`)];
    });
  },
};
