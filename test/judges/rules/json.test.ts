import { describe, expect, it } from "vitest";
import { JudgeConfigError } from "../../../runtime/judges/rules/config-error.js";
import { createJsonJudge, fencedJson, JSON_MAX_INPUT_CHARS } from "../../../runtime/judges/rules/json.js";
import { judge } from "./helpers.js";

const schemaOf = (schema: object | boolean, file: string | null = "answer.schema.json") => ({
  text: JSON.stringify(schema),
  file,
  slots: [],
});

const PERSON = schemaOf({
  type: "object",
  required: ["name", "age"],
  properties: {
    name: { type: "string", minLength: 1 },
    age: { type: "integer", minimum: 0 },
    tags: { type: "array", items: { type: "string" } },
  },
  additionalProperties: false,
});

describe("json judge", () => {
  describe("validity only (schema null)", () => {
    const j = createJsonJudge("j", { schema: null, extract: "whole" });
    it("accepts any valid JSON value", () => {
      expect(judge(j, '{"a": [1, 2, {"b": null}]}')).toEqual({ status: "satisfied", reason: "valid_json" });
      expect(judge(j, "  42  ").reason).toBe("valid_json");
      expect(judge(j, '"text"').reason).toBe("valid_json");
    });
    it("rejects invalid JSON with the parser's message", () => {
      const verdict = judge(j, "{'a': 1}");
      expect(verdict.status).toBe("violated");
      expect(verdict.reason).toBe("invalid_json");
      expect(verdict.detail).toMatch(/JSON/);
      expect(judge(j, "").reason).toBe("invalid_json");
      expect(judge(j, '{"a": 1,}').reason).toBe("invalid_json");
    });
    it("does not look inside fences with extract = whole", () => {
      expect(judge(j, '```json\n{"a": 1}\n```').reason).toBe("invalid_json");
    });
  });

  describe("schema", () => {
    const j = createJsonJudge("j", { schema: PERSON, extract: "fenced" });
    it("is satisfied by a matching document", () => {
      expect(judge(j, '```json\n{"name": "Ada", "age": 36}\n```')).toEqual({ status: "satisfied", reason: "schema_match" });
    });
    it("names the JSON pointer of the failing value", () => {
      expect(judge(j, '{"name": "Ada", "age": -1}')).toEqual({
        status: "violated",
        reason: "schema_mismatch",
        detail: "/age: must be >= 0",
      });
      expect(judge(j, '{"name": "Ada", "age": 3, "tags": ["a", 7]}').detail).toBe("/tags/1: must be string");
    });
    it("reports missing properties and type errors at the root as /", () => {
      expect(judge(j, '{"name": "Ada"}').detail).toBe("/: must have required property 'age'");
      expect(judge(j, "[1]").detail).toBe("/: must be object");
    });
    it("rejects extra properties when the schema forbids them", () => {
      expect(judge(j, '{"name": "Ada", "age": 3, "x": 1}').detail).toBe("/: must NOT have additional properties");
    });
  });

  describe("fenced extraction", () => {
    it("takes the first json-tagged fence, else the first untagged one, else the whole text", () => {
      expect(fencedJson('intro\n```python\nx = 1\n```\n```json\n{"a": 1}\n```\n```json\n{"b": 2}\n```')).toBe('{"a": 1}\n');
      expect(fencedJson('```\n{"a": 1}\n```')).toBe('{"a": 1}\n');
      expect(fencedJson('```JSON \n[1]\n```')).toBe("[1]\n");
      expect(fencedJson('{"a": 1}')).toBeNull();
      expect(fencedJson("```python\nx = 1\n```")).toBeNull();
    });
    it("takes an unterminated fence to the end of the response", () => {
      expect(fencedJson('```json\n{"a": 1}')).toBe('{"a": 1}');
    });
    it("stays linear on many unterminated fences", () => {
      const started = performance.now();
      expect(fencedJson("```python\n".repeat(100_000))).toBeNull();
      expect(performance.now() - started).toBeLessThan(1_000);
    });
    it("falls back to the whole response when there is no fence", () => {
      const j = createJsonJudge("j", { schema: null, extract: "fenced" });
      expect(judge(j, '{"a": 1}').reason).toBe("valid_json");
      expect(judge(j, 'Here you go:\n```json\n{"a": 1}\n```\nAnything else?').reason).toBe("valid_json");
    });
  });

  describe("formats and drafts", () => {
    it("validates the supported string formats", () => {
      const j = createJsonJudge("j", {
        schema: schemaOf({ type: "object", properties: { d: { format: "date" }, e: { format: "email" }, u: { format: "uri" } } }),
        extract: "whole",
      });
      expect(judge(j, '{"d": "2024-02-29", "e": "a@b.org", "u": "https://x.org/p"}').status).toBe("satisfied");
      expect(judge(j, '{"d": "2023-02-29"}').detail).toBe('/d: must match format "date"');
      expect(judge(j, '{"e": "not an email"}').detail).toBe('/e: must match format "email"');
      expect(judge(j, '{"u": "no scheme"}').detail).toBe('/u: must match format "uri"');
    });
    it("uses the draft the schema declares", () => {
      const draft2020 = schemaOf({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "array",
        prefixItems: [{ type: "number" }, { type: "string" }],
      });
      const j = createJsonJudge("j", { schema: draft2020, extract: "whole" });
      expect(judge(j, '[1, "a"]').status).toBe("satisfied");
      expect(judge(j, '["a", 1]').detail).toBe("/0: must be number");
      const draft06 = schemaOf({ $schema: "http://json-schema.org/draft-06/schema#", type: "string" });
      expect(judge(createJsonJudge("j", { schema: draft06, extract: "whole" }), '"x"').status).toBe("satisfied");
    });
    it("accepts boolean schemas", () => {
      expect(judge(createJsonJudge("j", { schema: schemaOf(false), extract: "whole" }), "1").reason).toBe("schema_mismatch");
    });
  });

  describe("hostile input", () => {
    it("errors on responses over the cap without parsing them", () => {
      const verdict = judge(createJsonJudge("j", { schema: null, extract: "whole" }), " ".repeat(JSON_MAX_INPUT_CHARS + 1));
      expect(verdict).toMatchObject({ status: "error", reason: "input_too_long" });
    });
    it("survives deeply nested documents, with and without a recursive schema", () => {
      const deep = "[".repeat(200_000) + "]".repeat(200_000);
      expect(judge(createJsonJudge("j", { schema: null, extract: "whole" }), deep).reason).toBe("valid_json");
      const tree = schemaOf({ type: "array", items: { $ref: "#" } });
      const verdict = judge(createJsonJudge("j", { schema: tree, extract: "whole" }), deep);
      expect(["schema_match", "validation_failed"]).toContain(verdict.reason);
    });
  });

  describe("config errors at creation", () => {
    it("rejects a schema that is not JSON, naming the file", () => {
      expect(() => createJsonJudge("j", { schema: { text: "{oops", file: "s.json", slots: [] }, extract: "whole" })).toThrow(
        /judge j \(json\): schema \(s.json\): not valid JSON/,
      );
    });
    it("rejects an invalid schema, unknown keywords and unknown formats", () => {
      expect(() => createJsonJudge("j", { schema: schemaOf({ type: "strin" }), extract: "whole" })).toThrow(JudgeConfigError);
      expect(() => createJsonJudge("j", { schema: schemaOf({ typo: "string" }), extract: "whole" })).toThrow(/unknown keyword/);
      expect(() => createJsonJudge("j", { schema: schemaOf({ format: "credit-card" }), extract: "whole" })).toThrow(/unknown format/);
    });
    it("rejects unsupported drafts and a bad extract value", () => {
      expect(() =>
        createJsonJudge("j", { schema: schemaOf({ $schema: "http://json-schema.org/draft-04/schema#" }), extract: "whole" }),
      ).toThrow(/unsupported \$schema/);
      expect(() => createJsonJudge("j", { schema: null, extract: "first" as "whole" })).toThrow(/extract: expected one of whole \| fenced/);
    });
  });
});
