import type {
  Argument,
  Block,
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
import { NameTable } from "./names.js";
import { NOT_WELL_FORMED, Scanner, T, fail } from "./scanner.js";
import type { Span } from "./span.js";

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

const EQUALS = 0x3d;
const LEFT_BRACE = 0x7b;
const LEFT_PAREN = 0x28;

/**
 * Nodes are plain readonly data, so every node without arguments shares this one (the full
 * parser's lowering gives each its own empty array; the two serialize alike).
 */
const NO_ARGUMENTS: readonly Argument[] = Object.freeze([]);

class WellFormedParser extends Scanner {
  /**
   * A parser that is never used, kept as long as the class is. Why: V8's optimized code for
   * the parser's methods (and NameTable's) checks the shape its fields were added under, and a
   * shape that no live object has is dropped at the next full garbage collection together with
   * all of that code ("weak objects" in --trace-deopt). Without it, every parse that followed
   * a full collection (an editor's re-check after a pause, each of the benchmark's runs) ran
   * unoptimized while TurboFan compiled the whole parser again.
   */
  private static readonly keepsTheShape = new WellFormedParser("", "");

  private depth = 0;
  /**
   * The items of every list being built, innermost last. Each list is copied out at its exact
   * length when it closes: an array grown by `push` keeps room for 17 items, and almost all of
   * them live to the end of the check.
   */
  private readonly pending: unknown[] = [];
  /**
   * How many of `pending` are in use. The array is not shortened when a list closes: setting
   * its `length` lower (to 0 after every declaration's body) drops or trims its backing store,
   * which the next list then allocates again. Later items overwrite the rest.
   */
  private pendingCount = 0;
  private readonly names = new NameTable(this.text.length);

  document(): Document {
    this.advance();
    const items: (Import | Declaration)[] = [];
    while (!this.at(T.End)) {
      if (!this.at(T.Ident)) fail();
      items.push(this.imageIs("import") ? this.importDecl() : this.declaration());
    }
    const span: Span = { file: this.file, offset: 0, length: this.text.length, line: 1, column: 1 };
    return { kind: "Document", file: this.file, items, comments: this.comments, span };
  }

  /** "import" String ("as" NAME)? */
  private importDecl(): Import {
    const keyword = this.tokenSpan();
    this.advance();
    if (!this.at(T.String)) fail();
    const path = this.string();
    let alias: Identifier | undefined;
    if (this.at(T.Ident) && this.imageIs("as")) {
      this.advance();
      alias = this.identifier();
    }
    const span = this.spanFrom(keyword);
    return { kind: "Import", path, ...(alias ? { alias } : {}), span };
  }

  /** KIND NAME? ("=" VARIANT Arguments?)? Block? */
  private declaration(): Declaration {
    const declKind = this.identifier();
    const name = this.at(T.Ident) ? this.identifier() : undefined;
    let variant: Identifier | undefined;
    let args = NO_ARGUMENTS;
    let hasParens = false;
    if (this.at(T.Equals)) {
      this.advance();
      variant = this.identifier();
      if (this.at(T.LParen)) {
        hasParens = true;
        args = this.arguments();
      }
    } else if (name && this.at(T.Ident) && this.line === name.span.line) {
      const after = this.codeAfter();
      if (after === LEFT_BRACE || after === LEFT_PAREN) fail(); // `judge x math_answer {`: the full parser reports the missing `=`.
    }
    const body = this.at(T.LBrace) ? this.block() : undefined;
    const span = this.spanFrom(declKind.span);
    // The usual shapes written out: building an object from conditional spreads costs more
    // than the rest of the declaration.
    if (name && body) {
      if (variant) return { kind: "Declaration", declKind, name, variant, args, hasParens, body, recovered: false, span };
      return { kind: "Declaration", declKind, name, args, hasParens, body, recovered: false, span };
    }
    return {
      kind: "Declaration",
      declKind,
      ...(name ? { name } : {}),
      ...(variant ? { variant } : {}),
      args,
      hasParens,
      ...(body ? { body } : {}),
      recovered: false,
      span,
    };
  }

  /** "{" (Field ("," | ";")?)* "}" */
  private block(): Block {
    const offset = this.start;
    const line = this.line;
    const column = this.column;
    this.open();
    const base = this.pendingCount;
    while (!this.at(T.RBrace)) {
      this.addPending(this.field());
      if (this.at(T.Comma) || this.at(T.Semicolon)) this.advance();
    }
    const fields = this.takePending<Field>(base);
    this.close(T.RBrace);
    const span = this.spanSince(offset, line, column);
    return { kind: "Block", fields, span };
  }

  /** NAME "=" Value | NAME Block */
  private field(): Field {
    const name = this.identifier();
    if (this.at(T.LBrace)) {
      const value = this.block();
      return { kind: "Field", name, value, form: "block", span: this.spanFrom(name.span) };
    }
    if (!this.at(T.Equals)) fail();
    this.advance();
    const value = this.value();
    return { kind: "Field", name, value, form: "assign", span: this.spanFrom(name.span) };
  }

  private value(): Value {
    switch (this.type) {
      case T.String:
        return this.string();
      case T.Number:
        return this.number();
      case T.LBracket:
        return this.list();
      case T.LBrace:
        return this.block();
      case T.Ident: {
        const isTrue = this.imageIs("true");
        if (isTrue || this.imageIs("false")) {
          const span = this.tokenSpan();
          this.advance();
          return { kind: "Boolean", value: isTrue, span };
        }
        // `b = c = 3`: `c =` starts a field, and b lacks its value.
        if (this.codeAfter() === EQUALS) fail();
        return this.reference();
      }
      default:
        return fail();
    }
  }

  /** Path Arguments? Block?, where Path := NAME ("." NAME)* */
  private reference(): Value {
    const first = this.identifier();
    const reference: Reference = this.at(T.Dot) ? this.dottedPath(first) : { kind: "Reference", path: [first], span: first.span };
    const hasParens = this.at(T.LParen);
    const args = hasParens ? this.arguments() : NO_ARGUMENTS;
    const block = this.at(T.LBrace) ? this.block() : undefined;
    if (!hasParens && !block) return reference;
    const span = this.spanFrom(first.span);
    if (block) return { kind: "Call", callee: reference, args, hasParens, block, span };
    return { kind: "Call", callee: reference, args, hasParens, span };
  }

  private dottedPath(first: Identifier): Reference {
    const base = this.pendingCount;
    this.addPending(first);
    while (this.at(T.Dot)) {
      this.advance();
      this.addPending(this.identifier());
    }
    const path = this.takePending<Identifier>(base);
    return { kind: "Reference", path, span: this.spanFrom(first.span) };
  }

  /** "(" (Argument ("," Argument)* ","?)? ")", Argument := (NAME "=")? Value */
  private arguments(): Argument[] {
    this.open();
    const base = this.pendingCount;
    while (!this.at(T.RParen)) {
      this.addPending(this.argument());
      if (!this.at(T.Comma)) break;
      this.advance();
    }
    const args = this.takePending<Argument>(base);
    this.close(T.RParen);
    return args;
  }

  private argument(): Argument {
    if (!this.at(T.Ident) || this.codeAfter() !== EQUALS) {
      const value = this.value();
      return { kind: "Argument", value, span: value.span };
    }
    const name = this.identifier();
    this.advance();
    const value = this.value();
    return { kind: "Argument", name, value, span: this.spanFrom(name.span) };
  }

  /** "[" (Value ("," Value)* ","?)? "]" */
  private list(): ListLiteral {
    const offset = this.start;
    const line = this.line;
    const column = this.column;
    this.open();
    const base = this.pendingCount;
    while (!this.at(T.RBracket)) {
      this.addPending(this.value());
      if (!this.at(T.Comma)) break;
      this.advance();
    }
    const items = this.takePending<Value>(base);
    this.close(T.RBracket);
    return { kind: "List", items, span: this.spanSince(offset, line, column) };
  }

  private string(): StringLiteral {
    const raw = this.image();
    const span = this.tokenSpan();
    let value: string;
    if (this.stringNeedsDecoding) {
      const decoded = decodeString(raw, true);
      if (decoded.problems.length > 0) fail();
      value = decoded.value;
    } else {
      value = this.text.slice(this.start + 1, this.end - 1);
    }
    this.advance();
    return { kind: "String", value, raw, multiline: raw.startsWith('"""'), span };
  }

  private number(): Value {
    const raw = this.image();
    const span = this.tokenSpan();
    const plain = this.numberIsPlain;
    this.advance();
    if (plain) {
      const value = Number(raw);
      if (Number.isFinite(value)) return { kind: "Number", value, raw, span };
    }
    const decoded = decodeNumber(raw);
    // The decoded value has the AST node's fields (value, seconds or bytes) under the same kind.
    return decoded.kind === "Invalid" ? fail() : { ...decoded, raw, span };
  }

  /** A name that is not a keyword (keywords are tokens of their own to the full parser). */
  private identifier(): Identifier {
    if (!this.at(T.Ident)) fail();
    if (this.atKeyword()) fail();
    const name = this.names.nameAt(this.text, this.start, this.end, this.nameHash);
    const span = this.tokenSpan();
    this.advance();
    return { kind: "Identifier", name, span };
  }

  /** `import`, `as`, `true` or `false`: tokens of their own to the full lexer, never names. */
  private atKeyword(): boolean {
    switch (this.end - this.start) {
      case 2:
        return this.imageIs("as");
      case 4:
        return this.imageIs("true");
      case 5:
        return this.imageIs("false");
      case 6:
        return this.imageIs("import");
      default:
        return false;
    }
  }

  private imageIs(word: string): boolean {
    return this.end - this.start === word.length && this.text.startsWith(word, this.start);
  }

  /** An opening bracket; deeper than the full lexer's limit is its to report. */
  private open(): void {
    if (++this.depth >= MAX_NESTING) fail();
    this.advance();
  }

  /** Takes the closing bracket of a group. */
  private close(type: T): void {
    this.depth--;
    if (!this.at(type)) fail();
    this.advance();
  }

  /**
   * The span from `start` through the last token taken: every node ends with its last token,
   * so this is the node's span without reading the span of its last part (of any of the
   * value's shapes, which would make the read megamorphic).
   */
  private spanFrom(start: Span): Span {
    return this.spanSince(start.offset, start.line, start.column);
  }

  private spanSince(offset: number, line: number, column: number): Span {
    return { file: this.file, offset, length: this.previousEnd - offset, line, column };
  }

  /**
   * The pending items from `base` on, as an array of their own. Up to four are copied into an
   * array literal: V8 allocates a literal's arrays where it has seen them live long (these
   * nearly all live to the end of the check), while `slice` makes every array young, and the
   * young collections then copy it.
   */
  private takePending<Item>(base: number): Item[] {
    const pending = this.pending;
    let items: unknown[];
    switch (this.pendingCount - base) {
      case 1:
        items = [pending[base]];
        break;
      case 2:
        items = [pending[base], pending[base + 1]];
        break;
      case 3:
        items = [pending[base], pending[base + 1], pending[base + 2]];
        break;
      case 4:
        items = [pending[base], pending[base + 1], pending[base + 2], pending[base + 3]];
        break;
      default:
        items = pending.slice(base, this.pendingCount);
    }
    this.pendingCount = base;
    return items as Item[];
  }

  private addPending(item: unknown): void {
    this.pending[this.pendingCount++] = item;
  }
}
