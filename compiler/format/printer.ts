import type {
  Argument,
  Block,
  Call,
  Comment,
  Declaration,
  Document,
  Field,
  Import,
  ListLiteral,
  Reference,
  Value,
} from "../../grammar/ast.js";
import { LineIndex } from "../../grammar/lineIndex.js";
import { CommentCursor, commentText } from "./comments.js";

/** Lines are kept within this many columns where a construct may be laid out flat. */
export const MAX_WIDTH = 80;
const INDENT = "  ";

/**
 * The canonical layout of a well-formed document (see docs/syntax.md, "Formatting"). The
 * printer walks the AST in source order and takes comments from a cursor as it passes them,
 * so each comment is printed once, next to the node it was written beside.
 *
 * Every function returns text whose first line continues the current output line and whose
 * other lines carry their own indentation.
 */
export function printDocument(document: Document, text: string): string {
  return new Printer(document, text).document();
}

class Printer {
  private readonly comments: CommentCursor;
  private readonly lines: LineIndex;

  constructor(
    private readonly doc: Document,
    text: string,
  ) {
    this.lines = new LineIndex(text);
    this.comments = new CommentCursor(doc.comments, this.lines, text);
  }

  /**
   * One blank line after a declaration; elsewhere (between imports, around comments) a
   * blank line only where the source had one.
   */
  document(): string {
    const out: string[] = [];
    let previous: Import | Declaration | Comment | undefined;
    const separate = (next: Import | Declaration | Comment): void => {
      if (previous === undefined) return;
      const blank =
        previous.kind === "Declaration" ||
        (next.kind === "Declaration" && previous.kind === "Import") ||
        this.comments.blankLineBetween(end(previous), next.span.offset);
      out.push(blank ? "\n\n" : "\n");
    };
    this.doc.items.forEach((item, i) => {
      for (const comment of this.comments.takeBefore(item.span.offset)) {
        separate(comment);
        out.push(commentText(comment));
        previous = comment;
      }
      separate(item);
      const printed = item.kind === "Import" ? this.importDecl(item) : this.declaration(item);
      for (const orphan of this.comments.takeBefore(end(item))) out.push(`${commentText(orphan)}\n`);
      out.push(printed);
      const trailing = this.comments.takeTrailing(end(item), this.doc.items[i + 1]?.span.offset ?? Infinity);
      if (trailing) out.push(`  ${commentText(trailing)}`);
      previous = item;
    });
    for (const comment of this.comments.takeBefore(Infinity)) {
      separate(comment);
      out.push(commentText(comment));
      previous = comment;
    }
    return out.length === 0 ? "" : `${out.join("")}\n`;
  }

  private importDecl(node: Import): string {
    return `import ${node.path.raw}${node.alias ? ` as ${node.alias.name}` : ""}`;
  }

  private declaration(node: Declaration): string {
    let head = node.declKind.name;
    if (node.name) head += ` ${node.name.name}`;
    if (node.variant) {
      head += ` = ${node.variant.name}`;
      if (node.hasParens) {
        const open = this.comments.findToken(end(node.variant), "(");
        head += this.args(node.args, open, "", head.length);
      }
    }
    return node.body ? `${head} ${this.block(node.body, "", lastLineLength(head) + 1)}` : head;
  }

  /**
   * Block := "{" Field* "}". Flat (`{ rank = 16  alpha = 32 }`, two spaces between fields)
   * when the source had it on one line, it holds no comment and it fits; else one field per
   * line, keeping one blank line where the source had one or more.
   */
  private block(node: Block, indent: string, column: number): string {
    const flat = this.flatBlock(node);
    if (flat !== undefined && column + flat.length <= MAX_WIDTH) return flat;
    const inner = indent + INDENT;
    const close = end(node) - 1;
    const entries = node.fields.map((f) => ({ node: f, print: (col: number) => this.field(f, inner, col) }));
    return `{${this.entries(entries, node.span.offset + 1, close, inner, "")}\n${indent}}`;
  }

  /** Whether the source wrote the block over more than one line. */
  private spansLines(node: Block): boolean {
    return this.lines.position(end(node) - 1).line !== node.span.line;
  }

  private flatBlock(node: Block): string | undefined {
    if (node.fields.length === 0 && !this.comments.anyWithin(node.span.offset, end(node))) return "{}";
    if (this.spansLines(node) || this.comments.anyWithin(node.span.offset, end(node))) return undefined;
    const fields: string[] = [];
    for (const f of node.fields) {
      const value = f.form === "block" ? this.flatBlock(f.value as Block) : this.flat(f.value);
      if (value === undefined) return undefined;
      fields.push(f.form === "block" ? `${f.name.name} ${value}` : `${f.name.name} = ${value}`);
    }
    return `{ ${fields.join("  ")} }`;
  }

  /** Field := Identifier "=" Value | Identifier Block */
  private field(node: Field, indent: string, column: number): string {
    if (node.form === "block") {
      return `${node.name.name} ${this.block(node.value as Block, indent, column + node.name.name.length + 1)}`;
    }
    const head = `${node.name.name} = `;
    return head + this.value(node.value, indent, column + head.length);
  }

  /**
   * Entries of a multi-line block, list or argument list, from `start` (after the opening
   * delimiter) to `close` (the closing delimiter), each on its own line at `inner` with its
   * comments, `suffix` after each (`,` in lists).
   */
  private entries(
    entries: readonly { node: { span: { offset: number; length: number } }; print: (column: number) => string }[],
    start: number,
    close: number,
    inner: string,
    suffix: string,
  ): string {
    const out: string[] = [];
    const opening = this.comments.takeTrailing(start, entries[0]?.node.span.offset ?? close);
    if (opening) out.push(`  ${commentText(opening)}`);
    let previousEnd = start;
    entries.forEach((entry, i) => {
      const at = entry.node.span.offset;
      previousEnd = this.leadingComments(out, previousEnd, at, inner);
      if (out.length > 0 && previousEnd !== start && this.comments.blankLineBetween(previousEnd, at)) out.push("\n");
      const printed = entry.print(inner.length);
      // Comments inside the entry that no nested construct printed go on lines above it.
      for (const orphan of this.comments.takeBefore(end(entry.node))) out.push(`\n${inner}${commentText(orphan)}`);
      out.push(`\n${inner}${printed}${suffix}`);
      const limit = entries[i + 1]?.node.span.offset ?? close;
      const trailing = this.comments.takeTrailing(end(entry.node), limit);
      if (trailing) out.push(`  ${commentText(trailing)}`);
      previousEnd = trailing ? end(trailing) : end(entry.node);
    });
    this.leadingComments(out, previousEnd, close, inner);
    return out.join("");
  }

  /** Prints the comments before `at` on their own lines; returns where the last one ended. */
  private leadingComments(out: string[], from: number, at: number, inner: string): number {
    let previousEnd = from;
    for (const comment of this.comments.takeBefore(at)) {
      if (out.length > 0 && this.comments.blankLineBetween(previousEnd, comment.span.offset)) out.push("\n");
      out.push(`\n${inner}${commentText(comment)}`);
      previousEnd = end(comment);
    }
    return previousEnd;
  }

  private value(node: Value, indent: string, column: number): string {
    switch (node.kind) {
      case "List":
        return this.list(node, indent, column);
      case "Block":
        return this.block(node, indent, column);
      case "Call":
        return this.call(node, indent, column);
      case "String":
        // Printed as written; a `"""` string keeps its own lines and their indentation.
        return node.raw;
      default:
        return this.flat(node) ?? "";
    }
  }

  /** The value on one line, or undefined when it cannot or may not be (comments inside). */
  private flat(node: Value): string | undefined {
    switch (node.kind) {
      case "String":
        return node.raw.includes("\n") || node.raw.includes("\r") ? undefined : node.raw;
      case "Number":
      case "Duration":
      case "Size":
        return node.raw;
      case "Boolean":
        return node.value ? "true" : "false";
      case "Reference":
        return path(node);
      case "List":
        return this.flatList(node);
      case "Block":
        return this.flatBlock(node);
      case "Call":
        return this.flatCall(node);
      case "ErrorValue":
        return undefined;
    }
  }

  private flatList(node: ListLiteral): string | undefined {
    if (this.comments.anyWithin(node.span.offset, end(node))) return undefined;
    const items: string[] = [];
    for (const item of node.items) {
      const flat = this.flat(item);
      if (flat === undefined) return undefined;
      items.push(flat);
    }
    return `[${items.join(", ")}]`;
  }

  /** List := "[" Value ("," Value)* "]": flat if it fits, else one item per line, each with `,`. */
  private list(node: ListLiteral, indent: string, column: number): string {
    const flat = this.flatList(node);
    if (flat !== undefined && column + flat.length <= MAX_WIDTH) return flat;
    const inner = indent + INDENT;
    const entries = node.items.map((item) => ({ node: item, print: (col: number) => this.value(item, inner, col) }));
    return `[${this.entries(entries, node.span.offset + 1, end(node) - 1, inner, ",")}\n${indent}]`;
  }

  private flatCall(node: Call): string | undefined {
    if (this.comments.anyWithin(node.span.offset, end(node))) return undefined;
    let out = path(node.callee);
    if (node.hasParens) {
      const args: string[] = [];
      for (const arg of node.args) {
        const flat = this.flat(arg.value);
        if (flat === undefined) return undefined;
        args.push(arg.name ? `${arg.name.name} = ${flat}` : flat);
      }
      out += `(${args.join(", ")})`;
    }
    if (node.block) {
      const block = this.flatBlock(node.block);
      if (block === undefined) return undefined;
      out += ` ${block}`;
    }
    return out;
  }

  /** Path ("(" Arguments ")")? Block? */
  private call(node: Call, indent: string, column: number): string {
    const flat = this.flatCall(node);
    if (flat !== undefined && column + flat.length <= MAX_WIDTH) return flat;
    let out = path(node.callee);
    if (node.hasParens) {
      const open = this.comments.findToken(end(node.callee), "(");
      out += this.args(node.args, open, indent, column + out.length);
    }
    if (node.block) out += ` ${this.block(node.block, indent, column + lastLineLength(out) + 1)}`;
    return out;
  }

  /** Arguments from the `(` at `open`: flat if it fits and holds no comment, else one per line. */
  private args(args: readonly Argument[], open: number, indent: string, column: number): string {
    const last = args[args.length - 1];
    const close = this.comments.findToken(last ? end(last) : open + 1, ")");
    const printedFlat = this.comments.anyWithin(open, close) ? undefined : this.flatArgs(args);
    if (printedFlat !== undefined && column + printedFlat.length <= MAX_WIDTH) return printedFlat;
    const inner = indent + INDENT;
    const entries = args.map((arg) => ({
      node: arg,
      print: (col: number) => {
        const head = arg.name ? `${arg.name.name} = ` : "";
        return head + this.value(arg.value, inner, col + head.length);
      },
    }));
    return `(${this.entries(entries, open + 1, close, inner, ",")}\n${indent})`;
  }

  private flatArgs(args: readonly Argument[]): string | undefined {
    const out: string[] = [];
    for (const arg of args) {
      const flat = this.flat(arg.value);
      if (flat === undefined) return undefined;
      out.push(arg.name ? `${arg.name.name} = ${flat}` : flat);
    }
    return `(${out.join(", ")})`;
  }
}

function path(node: Reference): string {
  return node.path.map((p) => p.name).join(".");
}

function end(node: { span: { offset: number; length: number } }): number {
  return node.span.offset + node.span.length;
}


function lastLineLength(s: string): number {
  return s.length - (s.lastIndexOf("\n") + 1);
}
