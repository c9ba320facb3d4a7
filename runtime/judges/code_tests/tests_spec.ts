/**
 * The shapes in which datasets give unit tests, normalised into one spec the harness runs.
 *
 *  - a string of Python with `assert` lines (MBPP's tests joined, hand-written suites);
 *  - a list of such strings (MBPP `test_list`), joined with newlines;
 *  - a HumanEval test string defining `check(candidate)`, with an entry point (from the
 *    judge's `entry_point` field, the sample's `entry_point`, or the object below);
 *  - an object: HumanEval `{test, entry_point}`, MBPP `{test_list, test_setup_code?,
 *    test_imports?}`, APPS `{inputs, outputs}` (stdin/stdout) or `{inputs, outputs, fn_name}`
 *    (call-based), or any of these as a JSON string (APPS ships `input_output` as one).
 *
 * A suite that could pass without testing anything (empty, no `assert`, a `check` that is
 * never called, no cases) is rejected as `invalid_tests`: a mis-mapped field must not make
 * every response feasible.
 */

export type TestSpec =
  | { readonly kind: "asserts"; readonly source: string }
  | { readonly kind: "check"; readonly source: string; readonly entryPoint: string }
  | { readonly kind: "stdio"; readonly cases: ReadonlyArray<{ readonly input: string; readonly output: string }> }
  | { readonly kind: "call"; readonly fnName: string; readonly cases: ReadonlyArray<{ readonly args: unknown; readonly output: unknown }> };

export type TestSpecResult = { readonly ok: true; readonly spec: TestSpec } | { readonly ok: false; readonly error: string };

const PYTHON_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const fail = (error: string): TestSpecResult => ({ ok: false, error });
const ok = (spec: TestSpec): TestSpecResult => ({ ok: true, spec });

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

function definesCheck(source: string): boolean {
  return /^def[ \t]+check[ \t]*\(/m.test(source);
}

function callsCheckAtTopLevel(source: string): boolean {
  return /^check[ \t]*\(/m.test(source);
}

/** An `assert` statement, or a unittest assertion call (`self.assertEqual(...)`). */
const ASSERTION = /\bassert(\b|[A-Z]\w*\s*\()/;

/** Python source tests: HumanEval `check` when an entry point is known, else plain asserts. */
function fromSource(source: string, entryPoint: string | undefined): TestSpecResult {
  if (source.trim() === "") return fail("the tests are empty");
  if (!ASSERTION.test(source)) return fail("the tests contain no assert statement and no unittest assertion");
  if (definesCheck(source) && !callsCheckAtTopLevel(source)) {
    if (entryPoint === undefined) return fail("the tests define check(candidate) but no entry_point names the function to check");
    return ok({ kind: "check", source, entryPoint });
  }
  return ok({ kind: "asserts", source });
}

function asOutput(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (isStringArray(value)) return value.join("\n");
  return null;
}

/** APPS `input_output`: stdin/stdout cases, or call-based cases when `fn_name` is set. */
function fromApps(obj: Record<string, unknown>): TestSpecResult {
  const { inputs, outputs, fn_name: fnName } = obj;
  if (!Array.isArray(inputs) || !Array.isArray(outputs) || inputs.length !== outputs.length) return fail("APPS tests need inputs and outputs arrays of the same length");
  if (inputs.length === 0) return fail("the tests have no cases");
  if (typeof fnName === "string" && fnName !== "") {
    if (!PYTHON_NAME.test(fnName)) return fail(`fn_name ${JSON.stringify(fnName)} is not a Python name`);
    return ok({ kind: "call", fnName, cases: inputs.map((args, i) => ({ args, output: outputs[i] })) });
  }
  const cases: Array<{ input: string; output: string }> = [];
  for (let i = 0; i < inputs.length; i++) {
    const input = asOutput(inputs[i]);
    const output = asOutput(outputs[i]);
    if (input === null || output === null) return fail(`APPS case ${i}: stdin/stdout cases must be strings`);
    cases.push({ input, output });
  }
  return ok({ kind: "stdio", cases });
}

/** MBPP row: imports, setup, then the asserts. */
function fromMbpp(obj: Record<string, unknown>): TestSpecResult {
  const { test_list: list, test_setup_code: setup, test_imports: imports } = obj;
  if (!isStringArray(list)) return fail("test_list must be a list of strings");
  const parts = [...(isStringArray(imports) ? imports : []), typeof setup === "string" ? setup : "", ...list];
  return fromSource(parts.filter((p) => p !== "").join("\n"), undefined);
}

function fromObject(obj: Record<string, unknown>, entryPoint: string | undefined): TestSpecResult {
  if ("inputs" in obj || "outputs" in obj) return fromApps(obj);
  if ("test_list" in obj) return fromMbpp(obj);
  if (typeof obj.test === "string") {
    const own = typeof obj.entry_point === "string" ? obj.entry_point : undefined;
    return fromSource(obj.test, entryPoint ?? own);
  }
  return fail("unrecognised tests object (expected HumanEval {test, entry_point}, MBPP {test_list} or APPS {inputs, outputs})");
}

function parseJsonObject(text: string): Record<string, unknown> | null {
  if (!text.trimStart().startsWith("{")) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function normalizeTests(value: unknown, entryPoint?: string): TestSpecResult {
  if (entryPoint !== undefined && !PYTHON_NAME.test(entryPoint)) return fail(`entry point ${JSON.stringify(entryPoint)} is not a Python name`);
  if (typeof value === "string") {
    const obj = parseJsonObject(value);
    return obj ? fromObject(obj, entryPoint) : fromSource(value, entryPoint);
  }
  if (isStringArray(value)) {
    if (value.length === 0) return fail("the tests list is empty");
    return fromSource(value.join("\n"), entryPoint);
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return fromObject(value as Record<string, unknown>, entryPoint);
  return fail(value === undefined ? "the sample has no tests field" : `unsupported tests value of type ${Array.isArray(value) ? "array" : typeof value}`);
}

/** Names the extractor should look for when a response has several code blocks. */
export function neededNames(spec: TestSpec, calledIn: (source: string) => string[]): string[] {
  switch (spec.kind) {
    case "check":
      return [spec.entryPoint];
    case "call":
      return [spec.fnName, "Solution"];
    case "asserts":
      return calledIn(spec.source);
    case "stdio":
      return [];
  }
}
