/**
 * Locates the first syntax error in a JSON text. `JSON.parse` in Node 20 reports a
 * position for some errors and none for others ("Unexpected token '}', ... is not valid
 * JSON"), so a dataset diagnostic could not reliably name the column. This scanner follows
 * RFC 8259 and is only run on text `JSON.parse` already rejected, so speed is irrelevant.
 */

export interface JsonSyntaxError {
  /** 0-based offset into the text. */
  readonly offset: number;
  readonly message: string;
}

class Failure extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

/** Returns the first error, or undefined when the text is valid JSON. */
export function locateJsonError(text: string): JsonSyntaxError | undefined {
  const scanner = new Scanner(text);
  try {
    scanner.skipSpace();
    scanner.value();
    scanner.skipSpace();
    if (scanner.index < text.length) scanner.fail("unexpected text after the JSON value");
    return undefined;
  } catch (error) {
    if (error instanceof Failure) return { offset: error.offset, message: error.message };
    throw error;
  }
}

class Scanner {
  index = 0;
  constructor(private readonly text: string) {}

  fail(message: string, offset = this.index): never {
    throw new Failure(Math.min(offset, this.text.length), message);
  }

  skipSpace(): void {
    while (/[ \t\r\n]/.test(this.text[this.index] ?? "")) this.index += 1;
  }

  value(): void {
    const char = this.text[this.index];
    if (char === undefined) this.fail("unexpected end of input, expected a value");
    if (char === "{") return this.object();
    if (char === "[") return this.array();
    if (char === '"') return this.string();
    if (char === "-" || (char >= "0" && char <= "9")) return this.number();
    for (const word of ["true", "false", "null"]) {
      if (this.text.startsWith(word, this.index)) {
        this.index += word.length;
        return;
      }
    }
    this.fail(`unexpected ${describe(char)}, expected a value`);
  }

  private expect(char: string, what: string): void {
    if (this.text[this.index] !== char) {
      const found = this.text[this.index];
      this.fail(found === undefined ? `unexpected end of input, expected ${what}` : `unexpected ${describe(found)}, expected ${what}`);
    }
    this.index += 1;
  }

  private object(): void {
    this.index += 1;
    this.skipSpace();
    if (this.text[this.index] === "}") {
      this.index += 1;
      return;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.index] !== '"') this.expect('"', "a property name in double quotes");
      this.string();
      this.skipSpace();
      this.expect(":", "`:` after the property name");
      this.skipSpace();
      this.value();
      this.skipSpace();
      if (this.text[this.index] === "}") {
        this.index += 1;
        return;
      }
      this.expect(",", "`,` or `}` after a property value");
    }
  }

  private array(): void {
    this.index += 1;
    this.skipSpace();
    if (this.text[this.index] === "]") {
      this.index += 1;
      return;
    }
    for (;;) {
      this.skipSpace();
      this.value();
      this.skipSpace();
      if (this.text[this.index] === "]") {
        this.index += 1;
        return;
      }
      this.expect(",", "`,` or `]` after an array element");
    }
  }

  private string(): void {
    const start = this.index;
    this.index += 1;
    for (;;) {
      const char = this.text[this.index];
      if (char === undefined) this.fail("unterminated string", start);
      if (char === '"') {
        this.index += 1;
        return;
      }
      if (char < " ") this.fail("control character in a string (escape it as \\n, \\t, ...)");
      if (char === "\\") this.escape();
      else this.index += 1;
    }
  }

  private escape(): void {
    const next = this.text[this.index + 1];
    if (next !== undefined && '"\\/bfnrt'.includes(next)) {
      this.index += 2;
    } else if (next === "u" && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.index + 2, this.index + 6))) {
      this.index += 6;
    } else {
      this.fail("invalid escape sequence in a string");
    }
  }

  private number(): void {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.index));
    if (!match) this.fail("invalid number");
    this.index += match[0].length;
  }
}

function describe(char: string): string {
  return /[\x00-\x1f]/.test(char) ? `character U+${char.charCodeAt(0).toString(16).padStart(4, "0")}` : `\`${char}\``;
}
