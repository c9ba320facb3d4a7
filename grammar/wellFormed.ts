import type {
  Argument,
  Block,
  Comment,
  Declaration,
  Document,
  Field,
  Identifier,
  Import,
  ListLiteral,
  Reference,
  StringLiteral,
  Value,
} from "./ast.js";
import { MAX_NESTING } from "./lexer.js";
import { decodeNumber, decodeString } from "./literals.js";
import { spanBetween as between, type Span } from "./span.js";
import * as Tokens from "./tokens.js";

/**
 * The fast path of `parse`: one pass from text straight to the Document, for files with no
 * syntax error at all. Why: the chevrotain parser (tokens, then a CST, then the lowering) is
 * what makes a file recoverable and its errors precise, and it is most of the cost of
 * checking a well-formed file, which is what an editor re-checks on every pause in typing.
 *
 * It accepts a strict subset of what the full parser accepts without errors, and builds the
 * very objects `lowerDocument` builds for it (same shapes, spans and key order). At anything
 * it does not take (a syntax error, an escape or number that decodes with a problem, `\r`,
 * deep nesting, a keyword where a name goes) it gives up, and `parse` runs the full parser,
 * which reports and recovers. test/grammar/wellFormed.test.ts holds the two to the same tree.
 */
export function parseWellFormed(text: string, file: string): Document | undefined {
  // Line ends other than `\n` are counted by chevrotain's own rules: leave them to it.
  if (text.includes("\r")) return undefined;
  try {
    return new WellFormedParser(text, file).document();
  } catch (error) {
    if (error === NOT_WELL_FORMED) return undefined;
    throw error;
  }
}

const NOT_WELL_FORMED = Symbol("not well-formed");

const enum T {
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

interface Token {
  readonly type: T;
  readonly offset: number;
  readonly image: string;
  readonly line: number;
  readonly column: number;
}

const PUNCTUATION: Record<string, T> = {
  "{": T.LBrace,
  "}": T.RBrace,
  "[": T.LBracket,
  "]": T.RBracket,
  "(": T.LParen,
  ")": T.RParen,
  "=": T.Equals,
  ",": T.Comma,
  ";": T.Semicolon,
  ".": T.Dot,
};

/** The lexer's own patterns (grammar/tokens.ts), anchored where the scan is. */
const sticky = (token: { PATTERN?: unknown }) => new RegExp((token.PATTERN as RegExp).source, "y");
const IDENTIFIER = sticky(Tokens.Identifier);
const NUMBER = sticky(Tokens.NumberLiteral);
const SIMPLE_STRING = sticky(Tokens.SimpleString);
const TRIPLE_STRING = sticky(Tokens.TripleString);
const COMMENT = /#[^\n\r]*/y;
const KEYWORDS = new Set(["import", "as", "true", "false"]);

function fail(): never {
  throw NOT_WELL_FORMED;
}

class WellFormedParser {
  private readonly tokens: Token[] = [];
  private readonly comments: Comment[] = [];
  private at = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {
    this.lex();
  }

  document(): Document {
    const items: (Import | Declaration)[] = [];
    while (this.peek().type !== T.End) {
      const token = this.peek();
      if (token.type !== T.Ident) fail();
      items.push(token.image === "import" ? this.importDecl() : this.declaration());
    }
    const span: Span = { file: this.file, offset: 0, length: this.text.length, line: 1, column: 1 };
    return { kind: "Document", file: this.file, items, comments: this.comments, span };
  }

  private importDecl(): Import {
    const keyword = this.next();
    const pathToken = this.expect(T.String);
    const path = this.string(pathToken);
    let alias: Identifier | undefined;
    if (this.peek().type === T.Ident && this.peek().image === "as") {
      this.next();
      alias = this.identifier(this.name());
    }
    const span = between(this.span(keyword), alias?.span ?? path.span);
    return { kind: "Import", path, ...(alias ? { alias } : {}), span };
  }

  /** KIND NAME? ("=" VARIANT Arguments?)? Block? */
  private declaration(): Declaration {
    const kindToken = this.name();
    const nameToken = this.peek().type === T.Ident ? this.name() : undefined;
    let last = this.span(nameToken ?? kindToken);
    let variantToken: Token | undefined;
    let args: Argument[] = [];
    let hasParens = false;
    if (this.peek().type === T.Equals) {
      last = this.span(this.next());
      variantToken = this.name();
      last = this.span(variantToken);
      if (this.peek().type === T.LParen) {
        hasParens = true;
        const parsed = this.arguments();
        args = parsed.args;
        last = parsed.span;
      }
    } else if (nameToken && this.peek().type === T.Ident && this.peek().line === nameToken.line && (this.peek(1).type === T.LBrace || this.peek(1).type === T.LParen)) {
      fail(); // `judge x math_answer {`: the full parser reports the missing `=`.
    }
    const body = this.peek().type === T.LBrace ? this.block() : undefined;
    const span = between(this.span(kindToken), body?.span ?? last);
    return {
      kind: "Declaration",
      declKind: this.identifier(kindToken),
      ...(nameToken ? { name: this.identifier(nameToken) } : {}),
      ...(variantToken ? { variant: this.identifier(variantToken) } : {}),
      args,
      hasParens,
      ...(body ? { body } : {}),
      recovered: false,
      span,
    };
  }

  /** "{" (Field ("," | ";")?)* "}" */
  private block(): Block {
    const open = this.open();
    const fields: Field[] = [];
    while (this.peek().type !== T.RBrace) {
      fields.push(this.field());
      const separator = this.peek().type;
      if (separator === T.Comma || separator === T.Semicolon) this.next();
    }
    const close = this.close();
    return { kind: "Block", fields, span: between(this.span(open), this.span(close)) };
  }

  /** NAME "=" Value | NAME Block */
  private field(): Field {
    const name = this.identifier(this.name());
    if (this.peek().type === T.LBrace) {
      const value = this.block();
      return { kind: "Field", name, value, form: "block", span: between(name.span, value.span) };
    }
    this.expect(T.Equals);
    const value = this.value();
    return { kind: "Field", name, value, form: "assign", span: between(name.span, value.span) };
  }

  private value(): Value {
    const token = this.peek();
    switch (token.type) {
      case T.String:
        return this.string(this.next());
      case T.Number:
        return this.number(this.next());
      case T.LBracket:
        return this.list();
      case T.LBrace:
        return this.block();
      case T.Ident:
        if (token.image === "true" || token.image === "false") {
          this.next();
          return { kind: "Boolean", value: token.image === "true", span: this.span(token) };
        }
        // `b = c = 3`: `c =` starts a field, and b lacks its value.
        if (this.peek(1).type === T.Equals) fail();
        return this.reference();
      default:
        return fail();
    }
  }

  /** Path Arguments? Block?, where Path := NAME ("." NAME)* */
  private reference(): Value {
    const path = [this.identifier(this.name())];
    while (this.peek().type === T.Dot) {
      this.next();
      path.push(this.identifier(this.name()));
    }
    const reference: Reference = { kind: "Reference", path, span: between(path[0]!.span, path.at(-1)!.span) };
    const hasParens = this.peek().type === T.LParen;
    const parsed = hasParens ? this.arguments() : undefined;
    const block = this.peek().type === T.LBrace ? this.block() : undefined;
    if (!parsed && !block) return reference;
    const span = between(path[0]!.span, block?.span ?? parsed!.span);
    return { kind: "Call", callee: reference, args: parsed?.args ?? [], hasParens, ...(block ? { block } : {}), span };
  }

  /** "(" (Argument ("," Argument)* ","?)? ")", Argument := (NAME "=")? Value */
  private arguments(): { args: Argument[]; span: Span } {
    const open = this.open();
    const args: Argument[] = [];
    while (this.peek().type !== T.RParen) {
      let name: Identifier | undefined;
      if (this.peek().type === T.Ident && this.peek(1).type === T.Equals) {
        name = this.identifier(this.name());
        this.next();
      }
      const value = this.value();
      args.push({ kind: "Argument", ...(name ? { name } : {}), value, span: name ? between(name.span, value.span) : value.span });
      if (this.peek().type !== T.Comma) break;
      this.next();
    }
    const close = this.close(T.RParen);
    return { args, span: between(this.span(open), this.span(close)) };
  }

  /** "[" (Value ("," Value)* ","?)? "]" */
  private list(): ListLiteral {
    const open = this.open();
    const items: Value[] = [];
    while (this.peek().type !== T.RBracket) {
      items.push(this.value());
      if (this.peek().type !== T.Comma) break;
      this.next();
    }
    const close = this.close(T.RBracket);
    return { kind: "List", items, span: between(this.span(open), this.span(close)) };
  }

  private string(token: Token): StringLiteral {
    const decoded = decodeString(token.image, true);
    if (decoded.problems.length > 0) fail();
    return { kind: "String", value: decoded.value, raw: token.image, multiline: token.image.startsWith('"""'), span: this.span(token) };
  }

  private number(token: Token): Value {
    const raw = token.image;
    const span = this.span(token);
    const decoded = decodeNumber(raw);
    // The decoded value has the AST node's fields (value, seconds or bytes) under the same kind.
    return decoded.kind === "Invalid" ? fail() : { ...decoded, raw, span };
  }

  private identifier(token: Token): Identifier {
    return { kind: "Identifier", name: token.image, span: this.span(token) };
  }

  private span(token: Token): Span {
    return { file: this.file, offset: token.offset, length: token.image.length, line: token.line, column: token.column };
  }

  /** A name that is not a keyword (keywords are tokens of their own to the full parser). */
  private name(): Token {
    const token = this.expect(T.Ident);
    if (KEYWORDS.has(token.image)) fail();
    return token;
  }

  /** An opening bracket; deeper than the full lexer's limit is its to report. */
  private open(): Token {
    if (++this.depth >= MAX_NESTING) fail();
    return this.next();
  }

  private close(type: T = T.RBrace): Token {
    this.depth--;
    return this.expect(type);
  }

  private expect(type: T): Token {
    const token = this.next();
    if (token.type !== type) fail();
    return token;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.at + ahead, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (this.at < this.tokens.length - 1) this.at++;
    return token;
  }

  /** Tokens and comments, with chevrotain's lines and columns (1-based, UTF-16 units). */
  private lex(): void {
    const text = this.text;
    let offset = 0;
    let line = 1;
    let lineStart = 0;
    // `test` and a slice, not `exec`: no match array for every token.
    const take = (pattern: RegExp): string | undefined => {
      pattern.lastIndex = offset;
      return pattern.test(text) ? text.slice(offset, pattern.lastIndex) : undefined;
    };
    while (offset < text.length) {
      const c = text[offset]!;
      const column = offset - lineStart + 1;
      let type: T | undefined = PUNCTUATION[c];
      let image: string | undefined;
      if (type !== undefined) image = c;
      else if (c === '"') {
        image = take(text.startsWith('"""', offset) ? TRIPLE_STRING : SIMPLE_STRING);
        type = T.String;
      } else if (c === "-" || (c >= "0" && c <= "9")) {
        image = take(NUMBER);
        type = T.Number;
      } else if (c === "#") {
        const comment = take(COMMENT)!;
        this.comments.push({ kind: "Comment", text: comment.slice(1), span: { file: this.file, offset, length: comment.length, line, column } });
        offset += comment.length;
        continue;
      } else if (c === "_" || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z")) {
        image = take(IDENTIFIER);
        type = T.Ident;
      } else {
        const end = skipWhitespace(text, offset);
        if (end === offset) fail();
        for (let i = offset; i < end; i++) {
          if (text.charCodeAt(i) === 0x0a) {
            line++;
            lineStart = i + 1;
          }
        }
        offset = end;
        continue;
      }
      if (image === undefined) fail();
      this.tokens.push({ type, offset, image, line, column });
      if (type === T.String) {
        for (let i = image.indexOf("\n"); i >= 0; i = image.indexOf("\n", i + 1)) {
          line++;
          lineStart = offset + i + 1;
        }
      }
      offset += image.length;
    }
    this.tokens.push({ type: T.End, offset: text.length, image: "", line, column: text.length - lineStart + 1 });
  }
}

/** The end of the run of whitespace at `offset` (the lexer's: space, tab, \n, \f, \v, BOM). */
function skipWhitespace(text: string, offset: number): number {
  let end = offset;
  for (; end < text.length; end++) {
    const c = text.charCodeAt(end);
    if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0c && c !== 0x0b && c !== 0xfeff) break;
  }
  return end;
}
