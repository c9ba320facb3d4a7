/**
 * `code_tests` runs code the policy wrote. Without the sandbox a reward-hacking policy can
 * read files, open sockets or fork-bomb the judge server; docs/plan.md asks for a warning.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";
import { judgesOf } from "./support/planIndex.js";

export const unsandboxedCodeTestsCode: CodeInfo = {
  code: "AL4011",
  severity: "warning",
  title: "code tests run without a sandbox",
  description:
    "A `code_tests` judge with `sandbox = none` executes model-written code directly on the " +
    "judge server's machine, with its network, files and processes. Only do this for trusted " +
    "code in a throw-away environment; the default `bwrap` isolates each run.",
  example: "judge tests = code_tests { sandbox = none }\n",
};

export const unsandboxedCodeTestsRule: Rule = {
  name: "UnsandboxedCodeTests",
  codes: [unsandboxedCodeTestsCode.code],
  check(context) {
    return judgesOf(context, "code_tests").flatMap(([name, judge]) => {
      if (judge.sandbox !== "none") return [];
      const span = context.spanOf(pointer("judges", name, "sandbox"));
      return [
        context.diagnostic(unsandboxedCodeTestsCode.code, span, `judge \`${name}\` runs model-written code without a sandbox`, {
          help: "use `sandbox = bwrap` (no network, read-only root, resource limits) unless the code is trusted",
          ...(span ? { fix: { title: "use `sandbox = bwrap`", edits: [{ span, newText: "bwrap" }] } } : {}),
        }),
      ];
    });
  },
};
