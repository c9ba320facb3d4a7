import type { Comment } from "./ast.js";
import { NameTable } from "./names.js";
import type { Span } from "./span.js";
import * as Tokens from "./tokens.js";

/**
 * The well-formed fast path's lexer (grammar/wellFormed.ts): one token at a time, held in
 * fields instead of a token object per token, scanned with character-code comparisons. Why:
 * the tokens of a file all lived to the end of the parse, so the garbage collector copied
 * every one of them, and a regular expression per token cost more than the comparisons.
 *
 * It takes what the full lexer (grammar/tokens.ts) lexes into the same tokens, and throws
 * NOT_WELL_FORMED at anything else (a character no token starts with, an unterminated string,
 * a `-` not followed by a digit), which the full lexer then reports.
 */
export const NOT_WELL_FORMED = Symbol("not well-formed");

export function fail(): never {
  throw NOT_WELL_FORMED;
}

export const enum T {
  Ident,
  String,
  Number,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  LParen,
  RParen,
  Equals,
  Comma,
  Semicolon,
  Dot,
  End,
}

/** What an ASCII character code starts. Anything else (and every code from 128) starts nothing. */
const enum C {
  None,
  Space,
  Newline,
  Comment,
  Quote,
  Digit,
  Minus,
  Letter,
  Punctuation,
}

const CLASS = new Uint8Array(128);
const PUNCTUATION_TYPE = new Uint8Array(128);
const IDENT_PART = new Uint8Array(128);
for (const c of " \t\f\v") CLASS[c.charCodeAt(0)] = C.Space;
CLASS[0x0a] = C.Newline;
CLASS[0x23] = C.Comment;
CLASS[0x22] = C.Quote;
CLASS[0x2d] = C.Minus;
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[0-9]/.test(ch)) CLASS[c] = C.Digit;
  if (/[A-Za-z_]/.test(ch)) CLASS[c] = C.Letter;
  if (/[A-Za-z0-9_]/.test(ch)) IDENT_PART[c] = 1;
}
const PUNCTUATION: ReadonlyArray<readonly [string, T]> = [
  ["{", T.LBrace],
  ["}", T.RBrace],
  ["[", T.LBracket],
  ["]", T.RBracket],
  ["(", T.LParen],
  [")", T.RParen],
  ["=", T.Equals],
  [",", T.Comma],
  [";", T.Semicolon],
  [".", T.Dot],
];
for (const [ch, type] of PUNCTUATION) {
  CLASS[ch.charCodeAt(0)] = C.Punctuation;
  PUNCTUATION_TYPE[ch.charCodeAt(0)] = type;
}

const BOM = 0xfeff;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/** The full lexer's number pattern, anchored where the scan is: numbers with more than digits take it. */
const NUMBER = new RegExp((Tokens.NumberLiteral.PATTERN as RegExp).source, "y");

/**
 * The current token is `type` from `start` to `end`, at 1-based `line` and `column` (UTF-16
 * units, as chevrotain counts them: only `\n` breaks a line here, since the fast path takes no
 * `\r`). `advance()` moves to the next one, collecting the comments it passes in `comments`.
 */
export class Scanner {
  protected type: T = T.End;
  protected start = 0;
  protected end = 0;
  protected line = 1;
  protected column = 1;
  /** Where the token before the current one ends: where a node that ended with it ends. */
  protected previousEnd = 0;
  /** A string token holds a `\` (its value needs decoding), or is a `"""` string. */
  protected stringNeedsDecoding = false;
  /** The hash of an identifier token's characters (NameTable's). */
  protected nameHash = 0;
  /** A number token is digits only, with an optional `-`: `Number()` reads it as the full decoder does. */
  protected numberIsPlain = false;
  protected readonly comments: Comment[] = [];
  private lineStart = 0;
  private currentLine = 1;

  constructor(
    protected readonly text: string,
    protected readonly file: string,
  ) {}

  protected advance(): void {
    const text = this.text;
    let at = this.end;
    this.previousEnd = at;
    for (;;) {
      const code = text.charCodeAt(at);
      const kind = code < 128 ? CLASS[code]! : code === BOM ? C.Space : C.None;
      if (kind === C.Space) at++;
      else if (kind === C.Newline) this.newLineAt(++at);
      else if (kind === C.Comment) at = this.comment(at);
      else return this.token(kind, at);
    }
  }

  /** Whether the current token is a `type` (a call, so that TypeScript does not narrow `type` across `advance()`). */
  protected at(type: T): boolean {
    return this.type === type;
  }

  /** The current token's text. */
  protected image(): string {
    return this.text.slice(this.start, this.end);
  }

  protected tokenSpan(): Span {
    return { file: this.file, offset: this.start, length: this.end - this.start, line: this.line, column: this.column };
  }

  /**
   * The code of the first character after the current token that is not whitespace or part of
   * a comment (-1 at the end): what the next token starts with, without lexing it.
   */
  protected codeAfter(): number {
    const text = this.text;
    let at = this.end;
    for (;;) {
      const code = text.charCodeAt(at);
      if (Number.isNaN(code)) return -1;
      const kind = code < 128 ? CLASS[code]! : code === BOM ? C.Space : C.None;
      if (kind === C.Space || kind === C.Newline) at++;
      else if (kind === C.Comment) at = endOfLine(text, at);
      else return code;
    }
  }

  private token(kind: C, at: number): void {
    const text = this.text;
    this.start = at;
    this.line = this.currentLine;
    this.column = at - this.lineStart + 1;
    if (kind === C.Punctuation) {
      this.type = PUNCTUATION_TYPE[text.charCodeAt(at)]!;
      this.end = at + 1;
    } else if (kind === C.Letter) {
      let end = at;
      let hash = NameTable.hashStart;
      for (let code = text.charCodeAt(end); code < 128 && IDENT_PART[code] === 1; code = text.charCodeAt(++end)) {
        hash = NameTable.hashStep(hash, code);
      }
      this.nameHash = hash;
      this.type = T.Ident;
      this.end = end;
    } else if (kind === C.Quote) {
      this.type = T.String;
      this.end = text.startsWith('"""', at) ? this.tripleString(at) : this.simpleString(at);
    } else if (kind === C.Digit || kind === C.Minus) {
      this.type = T.Number;
      this.end = this.scanNumber(at);
    } else if (at >= text.length) {
      this.type = T.End;
      this.end = at;
    } else {
      fail();
    }
  }

  /** `"..."` on one line; `\` escapes any character but a line break. */
  private simpleString(at: number): number {
    const text = this.text;
    this.stringNeedsDecoding = false;
    for (let i = at + 1; ; i++) {
      const code = text.charCodeAt(i);
      if (code === QUOTE) return i + 1;
      if (code === BACKSLASH) {
        this.stringNeedsDecoding = true;
        const escaped = text.charCodeAt(++i);
        if (escaped === NEWLINE || Number.isNaN(escaped)) fail();
      } else if (code === NEWLINE || Number.isNaN(code)) {
        fail();
      }
    }
  }

  /** `"""..."""`, lines and all; `\` escapes any character, so `\"""` does not close it. */
  private tripleString(at: number): number {
    const text = this.text;
    this.stringNeedsDecoding = true;
    for (let i = at + 3; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === BACKSLASH) {
        if (text.charCodeAt(++i) === NEWLINE) this.newLineAt(i + 1);
      } else if (code === QUOTE && text.charCodeAt(i + 1) === QUOTE && text.charCodeAt(i + 2) === QUOTE) {
        return i + 3;
      } else if (code === NEWLINE) {
        this.newLineAt(i + 1);
      }
    }
    return fail();
  }

  /**
   * The end of the number at `at`. A run of digits ended by what cannot continue a number is
   * the common case; anything more (a fraction, an exponent, `_`, a unit, a space that a unit
   * may follow) takes the full lexer's pattern, so both cut the same token.
   */
  private scanNumber(at: number): number {
    const text = this.text;
    let end = text.charCodeAt(at) === 0x2d ? at + 1 : at;
    const firstDigit = end;
    while (CLASS[text.charCodeAt(end)] === C.Digit) end++;
    const next = text.charCodeAt(end);
    const continues = next >= 128 || IDENT_PART[next] === 1 || next === 0x2e || next === 0x20 || next === 0x09;
    this.numberIsPlain = end > firstDigit && (Number.isNaN(next) || !continues);
    if (this.numberIsPlain) return end;
    NUMBER.lastIndex = at;
    return NUMBER.test(text) ? NUMBER.lastIndex : fail();
  }

  /** `#` to the end of the line, kept for the formatter. */
  private comment(at: number): number {
    const end = endOfLine(this.text, at);
    const span: Span = { file: this.file, offset: at, length: end - at, line: this.currentLine, column: at - this.lineStart + 1 };
    this.comments.push({ kind: "Comment", text: this.text.slice(at + 1, end), span });
    return end;
  }

  private newLineAt(lineStart: number): void {
    this.currentLine++;
    this.lineStart = lineStart;
  }
}

function endOfLine(text: string, at: number): number {
  const end = text.indexOf("\n", at);
  return end < 0 ? text.length : end;
}
