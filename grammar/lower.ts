import type { IToken } from "chevrotain";
import type {
  Argument,
  Block,
  Call,
  Comment,
  Declaration,
  Document,
  ErrorValue,
  Field,
  Identifier,
  Import,
  ListLiteral,
  Reference,
  StringLiteral,
  Value,
} from "./ast.js";
import type {
  ArgumentsCstNode,
  BlockCstNode,
  DeclarationCstNode,
  DocumentCstNode,
  FieldCstNode,
  ImportDeclCstNode,
  ListCstNode,
  ReferenceCstNode,
  StrayCstNode,
  ValueCstNode,
} from "./cst.js";
import type { Diagnostic } from "./diagnostic.js";
import type { LineIndex } from "./lineIndex.js";
import { decodeNumber, decodeString, type LiteralProblem } from "./literals.js";
import { spanBetween as between, type Span } from "./span.js";
import { SyntaxCode } from "./syntaxCodes.js";
import { quotedFix } from "./lexer.js";
import { BareSlashedText, SingleQuotedString, UnterminatedString, UnterminatedTripleString } from "./tokens.js";

/**
 * CST → AST (grammar/ast.ts). Works on partial CSTs from error recovery: any child may be
 * missing, and a missing value becomes an ErrorValue. Reports the errors that only show when a
 * literal is decoded (AL1003, AL1006) and stray top-level input (AL1005).
 */
export interface LowerInput {
  readonly file: string;
  readonly text: string;
  readonly lines: LineIndex;
  readonly comments: readonly IToken[];
  /** Sorted offsets of the lexer and parser errors, to mark recovered declarations. */
  readonly errorPoints: readonly number[];
}

export function lowerDocument(cst: DocumentCstNode, input: LowerInput): { document: Document; diagnostics: Diagnostic[] } {
  const lowering = new Lowering(input);
  const document = lowering.document(cst);
  return { document, diagnostics: lowering.diagnostics };
}

type TopLevel =
  | { readonly at: number; readonly import: ImportDeclCstNode }
  | { readonly at: number; readonly declaration: DeclarationCstNode }
  | { readonly at: number; readonly stray: StrayCstNode };

class Lowering {
  readonly diagnostics: Diagnostic[] = [];
  private readonly file: string;

  constructor(private readonly input: LowerInput) {
    this.file = input.file;
  }

  /** Document := (Import | Declaration)* — strays are reported, once per run. */
  document(cst: DocumentCstNode): Document {
    const items: (Import | Declaration)[] = [];
    const ordered = this.topLevelInOrder(cst);
    // Where the next import or declaration starts, for each position (one backward pass).
    const nextItemAt: number[] = new Array<number>(ordered.length);
    for (let i = ordered.length - 1, at = this.input.text.length; i >= 0; i--) {
      nextItemAt[i] = at;
      const item = ordered[i]!;
      if (!("stray" in item)) at = item.at;
    }
    let previousWasStray = false;
    ordered.forEach((item, i) => {
      if ("stray" in item) {
        if (!previousWasStray) this.reportStray(item.stray);
        previousWasStray = true;
        return;
      }
      previousWasStray = false;
      if ("import" in item) {
        items.push(this.importDecl(item.import));
      } else {
        items.push(this.declaration(item.declaration, nextItemAt[i]!));
      }
    });
    const comments: Comment[] = this.input.comments.map((t) => ({
      kind: "Comment",
      text: t.image.slice(1),
      span: this.tokenSpan(t),
    }));
    const span: Span = { file: this.file, offset: 0, length: this.input.text.length, line: 1, column: 1 };
    return { kind: "Document", file: this.file, items, comments, span };
  }

  /** chevrotain groups children by rule name; the document needs them in source order. */
  private topLevelInOrder(cst: DocumentCstNode): TopLevel[] {
    const out: TopLevel[] = [];
    for (const node of cst.children.importDecl ?? []) out.push({ at: offsetOf(node.children.Import?.[0]), import: node });
    for (const node of cst.children.declaration ?? []) out.push({ at: offsetOf(node.children.kind?.[0]), declaration: node });
    for (const node of cst.children.stray ?? []) out.push({ at: strayToken(node)?.startOffset ?? Infinity, stray: node });
    return out.sort((a, b) => a.at - b.at);
  }

  private reportStray(node: StrayCstNode): void {
    const token = strayToken(node);
    if (!token) return;
    this.diagnostics.push({
      code: SyntaxCode.UnexpectedToken.code,
      severity: "error",
      message: `unexpected \`${clipImage(token.image)}\` at the top level: only \`import\` and declarations (\`KIND NAME ...\`) may appear here`,
      span: this.tokenSpan(token),
    });
  }

  /** Import := "import" String ("as" Identifier)? */
  private importDecl(node: ImportDeclCstNode): Import {
    const keyword = node.children.Import?.[0];
    const pathToken = real(node.children.StringLiteral?.[0]);
    const path = pathToken ? this.string(pathToken) : this.emptyString(this.endOf(keyword));
    const alias = real(node.children.alias?.[0]);
    const span = this.cover(keyword, [path.span, alias && this.tokenSpan(alias)]);
    return { kind: "Import", path, ...(alias ? { alias: this.identifier(alias) } : {}), span };
  }

  /**
   * Declaration := Identifier(kind) Identifier(name)? ("=" Identifier(variant) Arguments?)? Block?
   * `regionEnd` is where the next import or declaration starts: every error before it counts
   * against this declaration, including input that recovery skipped and left out of its span.
   */
  private declaration(node: DeclarationCstNode, regionEnd: number): Declaration {
    const before = this.diagnostics.length;
    const c = node.children;
    const kindToken = c.kind?.[0];
    const name = real(c.name?.[0]);
    const variant = real(c.variant?.[0]);
    const argsNode = c.arguments?.[0];
    const args = argsNode ? this.arguments(argsNode) : [];
    const blockNode = c.block?.[0];
    const body = blockNode ? this.block(blockNode) : undefined;
    const span = this.cover(kindToken, [
      name && this.tokenSpan(name),
      real(c.Equals?.[0]) && this.tokenSpan(c.Equals![0]!),
      variant && this.tokenSpan(variant),
      argsNode && this.argumentsSpan(argsNode, args),
      body?.span,
    ]);
    const recovered = this.diagnostics.length > before || this.hasErrorIn(span.offset, regionEnd);
    return {
      kind: "Declaration",
      declKind: kindToken ? this.identifier(kindToken) : { kind: "Identifier", name: "", span },
      ...(name ? { name: this.identifier(name) } : {}),
      ...(variant ? { variant: this.identifier(variant) } : {}),
      args,
      hasParens: argsNode !== undefined,
      ...(body ? { body } : {}),
      recovered,
      span,
    };
  }

  /** Block := "{" (Field ("," | ";")?)* "}" */
  private block(node: BlockCstNode): Block {
    const fields = (node.children.field ?? []).map((f) => this.field(f));
    const open = node.children.LBrace?.[0];
    const close = real(node.children.RBrace?.[0]);
    const span = this.cover(open, [fields.at(-1)?.span, close && this.tokenSpan(close)]);
    return { kind: "Block", fields, span };
  }

  /** Field := Identifier "=" Value | Identifier Block */
  private field(node: FieldCstNode): Field {
    const c = node.children;
    // `a.b.lr = ...` (an error already): the last segment is the field meant.
    const nameToken = c.dotted?.at(-1) ?? c.name?.[0];
    const name: Identifier = nameToken
      ? this.identifier(nameToken)
      : { kind: "Identifier", name: "", span: this.insertionPoint(undefined) };
    const blockNode = c.block?.[0];
    if (blockNode) {
      const value = this.block(blockNode);
      return { kind: "Field", name, value, form: "block", span: between(name.span, value.span) };
    }
    const equals = real(c.Equals?.[0]);
    if (c.yamlItem?.length) {
      // YAML's `name:` and `- item` lines (reported): the list they mean.
      const items = c.yamlItem.map((item) => this.value(item, this.endOf(nameToken)));
      const list: Value = { kind: "List", items, span: between(items[0]!.span, items.at(-1)!.span) };
      return { kind: "Field", name, value: list, form: "assign", span: between(name.span, list.span) };
    }
    const valueNode = c.value?.[0];
    const value = valueNode ? this.value(valueNode, this.endOf(equals ?? nameToken)) : this.errorValue(this.endOf(equals ?? nameToken));
    return { kind: "Field", name, value, form: "assign", span: between(name.span, value.span) };
  }

  /** Value := String | Number | "true" | "false" | List | Block | Path Arguments? Block? */
  private value(node: ValueCstNode, fallbackOffset: number): Value {
    const c = node.children;
    const token = real(c.StringLiteral?.[0] ?? c.NumberLiteral?.[0] ?? c.True?.[0] ?? c.False?.[0]);
    if (token) {
      if (c.StringLiteral && c.quotedBlock?.[0]) return this.quotedVariant(token, c.quotedBlock[0]);
      if (c.StringLiteral) return this.string(token);
      if (c.NumberLiteral) return this.number(token);
      return { kind: "Boolean", value: c.True !== undefined, span: this.tokenSpan(token) };
    }
    if (c.list?.[0]) return this.list(c.list[0]);
    if (c.block?.[0]) return this.block(c.block[0]);
    if (c.reference?.[0]) return this.reference(c.reference[0], fallbackOffset);
    return this.errorValue(fallbackOffset);
  }

  /** `"crpg" { ... }` (reported): the variant `crpg { ... }` it means. */
  private quotedVariant(token: IToken, blockNode: BlockCstNode): Value {
    const quoted = this.tokenSpan(token);
    const name: Identifier = { kind: "Identifier", name: token.image.slice(1, -1), span: quoted };
    const block = this.block(blockNode);
    const callee: Reference = { kind: "Reference", path: [name], span: quoted };
    return { kind: "Call", callee, args: [], hasParens: false, block, span: between(quoted, block.span) };
  }

  /** Path Arguments? Block?, where Path := Identifier ("." Identifier)* */
  private reference(node: ReferenceCstNode, fallbackOffset: number): Value {
    const c = node.children;
    const segments = (c.segment ?? []).filter((t) => real(t) !== undefined);
    if (segments.length === 0) return this.errorValue(fallbackOffset);
    const path = segments.map((t) => this.identifier(t));
    const reference: Reference = { kind: "Reference", path, span: between(path[0]!.span, path.at(-1)!.span) };
    const argsNode = c.arguments?.[0];
    const blockNode = c.block?.[0];
    if (!argsNode && !blockNode) return reference;
    const args = argsNode ? this.arguments(argsNode) : [];
    const block = blockNode ? this.block(blockNode) : undefined;
    const span = this.cover(segments[0], [argsNode && this.argumentsSpan(argsNode, args), block?.span]);
    const call: Call = { kind: "Call", callee: reference, args, hasParens: argsNode !== undefined, ...(block ? { block } : {}), span };
    return call;
  }

  /** Arguments := "(" (Argument ("," Argument)* ","?)? ")" ; Argument := (Identifier "=")? Value */
  private arguments(node: ArgumentsCstNode): Argument[] {
    const out: Argument[] = [];
    let after = this.endOf(node.children.LParen?.[0]);
    for (const arg of node.children.argument ?? []) {
      const nameToken = real(arg.children.name?.[0]);
      const equals = real(arg.children.Equals?.[0]);
      const valueNode = arg.children.value?.[0];
      const valueAt = this.endOf(equals ?? nameToken) || after;
      const value = valueNode ? this.value(valueNode, valueAt) : this.errorValue(valueAt);
      const name = nameToken ? this.identifier(nameToken) : undefined;
      out.push({ kind: "Argument", ...(name ? { name } : {}), value, span: name ? between(name.span, value.span) : value.span });
      after = value.span.offset + value.span.length;
    }
    return out;
  }

  private argumentsSpan(node: ArgumentsCstNode, args: readonly Argument[]): Span {
    const close = real(node.children.RParen?.[0]);
    return this.cover(node.children.LParen?.[0], [args.at(-1)?.span, close && this.tokenSpan(close)]);
  }

  /** List := "[" (Value ("," Value)* ","?)? "]" */
  private list(node: ListCstNode): ListLiteral {
    const open = node.children.LBracket?.[0];
    let after = this.endOf(open);
    const items: Value[] = [];
    for (const v of node.children.value ?? []) {
      const item = this.value(v, after);
      items.push(item);
      after = item.span.offset + item.span.length;
    }
    const close = real(node.children.RBracket?.[0]);
    return { kind: "List", items, span: this.cover(open, [items.at(-1)?.span, close && this.tokenSpan(close)]) };
  }

  private string(token: IToken): StringLiteral {
    const raw = token.image;
    // Already reported (AL1010): its text, unescaped, stands in for the string.
    if (token.tokenType === SingleQuotedString || token.tokenType === BareSlashedText) {
      return { kind: "String", value: quotedFix(token).value, raw, multiline: raw.startsWith("'''"), span: this.tokenSpan(token) };
    }
    const terminated = token.tokenType !== UnterminatedString && token.tokenType !== UnterminatedTripleString;
    const decoded = decodeString(raw, terminated);
    this.reportProblems(token, decoded.problems, SyntaxCode.InvalidEscape.code);
    return { kind: "String", value: decoded.value, raw, multiline: raw.startsWith('"""'), span: this.tokenSpan(token) };
  }

  private emptyString(offset: number): StringLiteral {
    return { kind: "String", value: "", raw: "", multiline: false, span: this.insertionPoint(offset) };
  }

  private number(token: IToken): Value {
    const raw = token.image;
    const span = this.tokenSpan(token);
    const decoded = decodeNumber(raw);
    if (decoded.kind === "Invalid") {
      this.reportProblems(token, [decoded.problem], SyntaxCode.InvalidNumber.code);
      return { kind: "ErrorValue", span };
    }
    // The decoded value has the AST node's fields (value, seconds or bytes) under the same kind.
    return { ...decoded, raw, span };
  }

  private reportProblems(token: IToken, problems: readonly LiteralProblem[], code: string): void {
    for (const p of problems) {
      this.diagnostics.push({
        code,
        severity: "error",
        message: p.message,
        span: this.input.lines.span(this.file, token.startOffset + p.offset, p.length),
        ...(p.help !== undefined ? { help: p.help } : {}),
      });
    }
  }

  private identifier(token: IToken): Identifier {
    return { kind: "Identifier", name: token.image, span: this.tokenSpan(token) };
  }

  private errorValue(offset: number): ErrorValue {
    return { kind: "ErrorValue", span: this.insertionPoint(offset) };
  }

  private insertionPoint(offset: number | undefined): Span {
    return this.input.lines.span(this.file, offset ?? 0, 0);
  }

  private tokenSpan(token: IToken): Span {
    return {
      file: this.file,
      offset: token.startOffset,
      length: token.image.length,
      line: token.startLine ?? 1,
      column: token.startColumn ?? 1,
    };
  }

  /** The span from `first` through the last of `rest` that exists. */
  private cover(first: IToken | undefined, rest: readonly (Span | false | undefined)[]): Span {
    let span = real(first) ? this.tokenSpan(first!) : undefined;
    for (const s of rest) {
      if (s) span = span ? between(span, s) : s;
    }
    return span ?? this.insertionPoint(undefined);
  }

  /** Offset just past `token`, or 0 when it is absent. */
  private endOf(token: IToken | undefined): number {
    return real(token) ? token!.startOffset + token!.image.length : 0;
  }

  /** Whether a lexer or parser error lies in [start, end). */
  private hasErrorIn(start: number, end: number): boolean {
    const points = this.input.errorPoints;
    let lo = 0;
    let hi = points.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (points[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    return lo < points.length && points[lo]! < end;
  }
}

/** The token, unless it is absent or was inserted by recovery (NaN offsets). */
function real(token: IToken | undefined): IToken | undefined {
  return token !== undefined && !token.isInsertedInRecovery && !Number.isNaN(token.startOffset) ? token : undefined;
}

function offsetOf(token: IToken | undefined): number {
  return real(token)?.startOffset ?? Infinity;
}

function strayToken(node: StrayCstNode): IToken | undefined {
  const c = node.children;
  return real(c.Stray?.[0] ?? c.block?.[0]?.children.LBrace?.[0] ?? c.list?.[0]?.children.LBracket?.[0]);
}

function clipImage(image: string): string {
  const line = image.split(/\r\n|\r|\n/, 1)[0] ?? "";
  return line.length > 30 ? `${line.slice(0, 29)}…` : line;
}
