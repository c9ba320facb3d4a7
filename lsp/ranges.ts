import type { Position, Range } from "vscode-languageserver";
import { LineIndex } from "../grammar/lineIndex.js";
import type { Span } from "../grammar/span.js";

/**
 * Offsets ↔ LSP positions. Spans hold UTF-16 offsets, which is what LSP positions count by
 * default, so the conversion is a line lookup and nothing more.
 */

export function positionAt(lines: LineIndex, offset: number): Position {
  const { line, column } = lines.position(offset);
  return { line: line - 1, character: column - 1 };
}

export function offsetAt(lines: LineIndex, position: Position): number {
  return lines.offset(position.line + 1, position.character + 1);
}

export function rangeOf(lines: LineIndex, offset: number, length: number): Range {
  return { start: positionAt(lines, offset), end: positionAt(lines, offset + length) };
}

export function spanRange(lines: LineIndex, span: Span): Range {
  return rangeOf(lines, span.offset, span.length);
}

/** True when `offset` lies in the span or just after its last character (where a cursor sits after typing). */
export function touches(span: Span, offset: number): boolean {
  return offset >= span.offset && offset <= span.offset + span.length;
}
