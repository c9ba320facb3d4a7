import type { DocumentCstNode } from "./cst.js";
import type { Document } from "./ast.js";
import type { Diagnostic } from "./diagnostic.js";
import { tokenize } from "./lexer.js";
import { LineIndex } from "./lineIndex.js";
import { lowerDocument } from "./lower.js";
import { parseTokens, type ParseError } from "./parser.js";
import type { Span } from "./span.js";
import { UnterminatedTripleString } from "./tokens.js";
import { parseWellFormed } from "./wellFormed.js";

export type * from "./ast.js";
export type { Diagnostic, Severity, Fix, TextEdit, RelatedLocation } from "./diagnostic.js";
export { spanCover, formatSpan, type Span } from "./span.js";
export { LineIndex } from "./lineIndex.js";
export { SyntaxCode, syntaxCodes, type SyntaxCodeInfo } from "./syntaxCodes.js";
export { DURATION_UNITS, SIZE_UNITS } from "./literals.js";
export { MAX_NESTING } from "./lexer.js";

/** At most this many syntax errors are reported per file (graphql-js uses the same cap). */
export const MAX_SYNTAX_ERRORS = 100;

export interface ParseResult {
  readonly document: Document;
  /** Syntax errors (AL1xxx) in source order; empty when the file is well-formed. */
  readonly diagnostics: Diagnostic[];
}

/**
 * Parses one `.align` file. Never throws: every syntax error in the file is reported (at most
 * MAX_SYNTAX_ERRORS, and never two at the same offset), and the Document holds everything that
 * could be recovered, with ErrorValue where a value was missing and `recovered` set on the
 * declarations that contained an error.
 */
export function parse(text: string, file: string): ParseResult {
  const document = parseWellFormed(text, file);
  return document ? { document, diagnostics: [] } : parseWithRecovery(text, file);
}

/** The full parser: tokens, a CST and its lowering, with error recovery and precise messages. */
export function parseWithRecovery(text: string, file: string): ParseResult {
  const lines = new LineIndex(text);
  const lexed = tokenize(text, file, lines);
  const parsed = parseTokens(lexed.tokens, text);
  const parseDiagnostics = parsed.errors.map((e) => toDiagnostic(e, file, text, lines));
  const errorPoints = [
    ...lexed.diagnostics.map((d) => d.span!.offset),
    ...parsed.errors.map((e) => attributionPoint(e, text)),
  ].sort((a, b) => a - b);
  const lowered = lowerDocument(parsed.cst as DocumentCstNode, {
    file,
    text,
    lines,
    comments: lexed.comments,
    errorPoints,
  });
  // An unterminated `"""` swallows the rest of the file: every later complaint (the unclosed
  // `}` at the end, above all) follows from it, so only the AL1002 itself is reported.
  const swallowedFrom = lexed.tokens.find((t) => t.tokenType === UnterminatedTripleString)?.startOffset ?? Infinity;
  const beforeSwallow = (d: Diagnostic) => d.span === undefined || d.span.offset < swallowedFrom;
  const diagnostics = limitDiagnostics([...lexed.diagnostics, ...parseDiagnostics.filter(beforeSwallow), ...lowered.diagnostics.filter(beforeSwallow)]);
  return { document: lowered.document, diagnostics };
}

/** Sorts by position, drops an error at the same offset as the one before it, and caps. */
function limitDiagnostics(all: Diagnostic[]): Diagnostic[] {
  const sorted = all
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.span!.offset - b.d.span!.offset || a.i - b.i)
    .map((x) => x.d);
  const out: Diagnostic[] = [];
  let lastOffset = -1;
  for (const d of sorted) {
    const offset = d.span!.offset;
    if (offset === lastOffset) continue;
    lastOffset = offset;
    out.push(d);
    if (out.length === MAX_SYNTAX_ERRORS) break;
  }
  return out;
}

function toDiagnostic(error: ParseError, file: string, text: string, lines: LineIndex): Diagnostic {
  const span = tokenOrEnd(error.token, file, text, lines);
  const opened = error.openedAt;
  return {
    code: error.code,
    severity: "error",
    message: error.message,
    span,
    ...(opened !== undefined && opened !== span.offset
      ? { related: [{ span: lines.span(file, opened, 1), message: `\`${text[opened] ?? ""}\` opened here` }] }
      : {}),
  };
}

function tokenOrEnd(token: ParseError["token"], file: string, text: string, lines: LineIndex): Span {
  if (Number.isNaN(token.startOffset)) return lines.span(file, text.length, 0);
  return { file, offset: token.startOffset, length: token.image.length, line: token.startLine ?? 1, column: token.startColumn ?? 1 };
}

/**
 * Where an error counts for `Declaration.recovered`: the last token consumed before it, so
 * that "expected `}`" found at the start of the next declaration marks the unclosed one.
 */
function attributionPoint(error: ParseError, text: string): number {
  if (error.previous) return error.previous.startOffset;
  return Number.isNaN(error.token.startOffset) ? text.length : error.token.startOffset;
}
