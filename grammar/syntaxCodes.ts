/**
 * The syntax diagnostic codes (band AL1xxx), as data. The compiler's central registry imports
 * `syntaxCodes` so that `align explain` and docs/diagnostics.md show them; the grammar refers
 * to them through `SyntaxCode.<Name>.code` so a code is written in exactly one place.
 * Every `example` is a small `.align` snippet that triggers the code (a test checks it).
 */
export interface SyntaxCodeInfo {
  readonly code: string;
  readonly title: string;
  readonly description: string;
  readonly example: string;
}

export const SyntaxCode = {
  UnexpectedCharacter: {
    code: "AL1001",
    title: "unexpected character",
    description:
      "The file contains a character that cannot start any token, such as `@`, `$`, a " +
      "hyphen outside a number, or a non-ASCII letter outside a string. Names are ASCII " +
      "letters, digits and `_`; anything else belongs in a string. Comments start with `#` " +
      "(`//` is reported here too, once, and the line skipped).",
    example: 'model policy { from = hf("org/model")  dtype = @bf16 }\n',
  },
  UnterminatedString: {
    code: "AL1002",
    title: "unterminated string",
    description:
      'A `"` string must close on the line where it starts; a `"""` string must close ' +
      'before the end of the file. Use `"""` for text that spans lines.',
    example: 'dataset chat = jsonl("data/chat.jsonl)\n',
  },
  InvalidNumber: {
    code: "AL1003",
    title: "invalid number or unit",
    description:
      "A number is followed by a suffix that is not a unit, is out of range, or is a size " +
      "that is not a whole number of bytes. Durations take ms, s, m, h or d; sizes take B, " +
      "KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024).",
    example: "judge tests = code_tests { timeout = 10x }\n",
  },
  ExpectedToken: {
    code: "AL1004",
    title: "expected token",
    description:
      "The parser needed a particular token here (a name, `=`, a `,` between list items or " +
      "arguments, ...) and found something else.",
    example: "model policy { dtype bf16 }\n",
  },
  UnexpectedToken: {
    code: "AL1005",
    title: "unexpected token",
    description:
      "A token appears where nothing can start: at the top level of a file only `import` " +
      "and declarations (`KIND NAME ...`) may appear.",
    example: "model policy { dtype = bf16 } }\n",
  },
  InvalidEscape: {
    code: "AL1006",
    title: "invalid escape sequence",
    description:
      'Strings accept the escapes \\n, \\r, \\t, \\", \\\\ and \\u{XXXX} (1 to 6 hex digits, ' +
      "at most 10FFFF). Write `\\\\` for a literal backslash.",
    example: 'judge boxed = regex { pattern = "\\boxed" }\n',
  },
  NestingTooDeep: {
    code: "AL1007",
    title: "nesting too deep",
    description:
      "Blocks, lists and argument lists may nest at most 64 levels deep. A group that opens " +
      "deeper is skipped up to its closing delimiter (or the end of the file).",
    example: "recipe r { x = " + "[".repeat(65) + " }\n",
  },
  UnclosedDelimiter: {
    code: "AL1008",
    title: "unclosed delimiter",
    description:
      "A `{`, `[` or `(` is not closed before the end of the file or before the next " +
      "declaration (a line that starts with `KIND NAME` in column 1). The message says where " +
      "it was opened.",
    example: "model policy {\n  dtype = bf16\n\nmodel judge_llm { dtype = bf16 }\n",
  },
  ExpectedValue: {
    code: "AL1009",
    title: "expected a value",
    description:
      "A value (string, number, duration, size, `true`/`false`, name, call, list or block) " +
      "must follow `=` and fill every list item and argument.",
    example: "task chat { weight = }\n",
  },
  SingleQuotedString: {
    code: "AL1010",
    title: "single-quoted string",
    description:
      "Strings are written in double quotes (`\"gpu\"`), as in JSON; `'gpu'` (or Python's " +
      "triple-quoted form) is Python's or YAML's, and an unquoted `org/name` a shell's. The " +
      "text is read as a string so the rest of the file is checked as usual.",
    example: "launch slurm { partition = 'gpu'  time = 2h }\n",
  },
  ColonForEquals: {
    code: "AL1011",
    title: "`:` instead of `=`",
    description:
      "Fields are written `name = value`; `name: value` is YAML. The value after the `:` is " +
      "read as the field's value so the rest of the file is checked as usual.",
    example: "recipe r { seed: 1 }\n",
  },
  MissingDeclarationEquals: {
    code: "AL1012",
    title: "missing `=` before a variant",
    description:
      "A declaration names its variant after `=`: `judge exact = math_answer { ... }`. " +
      "Without the `=` the variant would read as the start of another declaration.",
    example: "judge exact math_answer { }\n",
  },
  DecimalComma: {
    code: "AL1013",
    title: "decimal comma",
    description:
      "Numbers are written with a decimal point (`0.5`); `0,5` reads as the number 0, a comma " +
      "between fields, and a stray 5. The digits after the comma are reported and skipped.",
    example: "task t { weight = 0,5 }\n",
  },
} as const satisfies Record<string, SyntaxCodeInfo>;

/** Every syntax code, in code order. */
export const syntaxCodes: readonly SyntaxCodeInfo[] = Object.values(SyntaxCode);
