/**
 * A region of source text. Offsets are the truth (LSP-native); line and column are
 * 1-based and derived once by the lexer so that every later phase can print them.
 */
export interface Span {
  readonly file: string;
  /** 0-based UTF-16 offset of the first character. */
  readonly offset: number;
  /** Length in UTF-16 code units (0 for an insertion point). */
  readonly length: number;
  /** 1-based line of the first character. */
  readonly line: number;
  /** 1-based column (UTF-16 code units) of the first character. */
  readonly column: number;
}

/** The smallest span covering both `a` and `b` (which must be in the same file). */
export function spanCover(a: Span, b: Span): Span {
  const first = a.offset <= b.offset ? a : b;
  const end = Math.max(a.offset + a.length, b.offset + b.length);
  return { file: first.file, offset: first.offset, length: end - first.offset, line: first.line, column: first.column };
}

/**
 * The span from the start of `a` to the end of `b` (`a` comes first). Written out instead of
 * `spanCover` because the parsers call it for nearly every node and a fixed object shape keeps
 * it cheap.
 */
export function spanBetween(a: Span, b: Span): Span {
  const end = Math.max(a.offset + a.length, b.offset + b.length);
  return { file: a.file, offset: a.offset, length: end - a.offset, line: a.line, column: a.column };
}

export function formatSpan(span: Span): string {
  return `${span.file}:${span.line}:${span.column}`;
}
