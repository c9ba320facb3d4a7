import type { ILexingError, IToken, Lexer as LexerInstance } from "chevrotain";
import { Lexer } from "./chevrotain.js";
import type { Diagnostic } from "./diagnostic.js";
import type { LineIndex } from "./lineIndex.js";
import { SyntaxCode } from "./syntaxCodes.js";
import {
  allTokens,
  LBrace,
  LBracket,
  LParen,
  RBrace,
  RBracket,
  RParen,
  BareSlashedText,
  SingleQuotedString,
  SlashComment,
  UnterminatedString,
  UnterminatedTripleString,
} from "./tokens.js";

/** Deepest nesting of `{`, `[` and `(` the parser accepts; bounds its recursion on any input. */
export const MAX_NESTING = 64;

export interface LexResult {
  /** Significant tokens (no whitespace, no comments), ready for the parser. */
  readonly tokens: IToken[];
  readonly comments: IToken[];
  /** Lexical errors: AL1001, AL1002 and AL1007. */
  readonly diagnostics: Diagnostic[];
}

export interface LexerOptions {
  /** Run chevrotain's lexer validations and insist on its first-character optimizations. */
  readonly validate?: boolean;
}

/** Builds a chevrotain lexer for the `.align` vocabulary. */
export function createLexer(options: LexerOptions = {}): LexerInstance {
  const validate = options.validate ?? false;
  return new Lexer(allTokens, {
    positionTracking: "full",
    ensureOptimizations: validate,
    skipValidations: !validate,
  });
}

let sharedLexer: LexerInstance | undefined;

/**
 * Splits `text` into tokens. Never throws: characters that start no token are dropped and
 * reported (one diagnostic per run of them), unterminated strings are kept as string tokens
 * and reported, and bracket groups nested deeper than MAX_NESTING are cut out and reported.
 */
export function tokenize(text: string, file: string, lines: LineIndex): LexResult {
  sharedLexer ??= createLexer();
  const result = sharedLexer.tokenize(text);
  const diagnostics: Diagnostic[] = [];
  for (const error of result.errors) {
    diagnostics.push(unexpectedCharacters(error, text, file, lines));
  }
  for (const token of result.tokens) {
    const type = token.tokenType;
    if (type === UnterminatedString || type === UnterminatedTripleString) {
      diagnostics.push(unterminatedString(token, file));
    } else if (type === SingleQuotedString || type === BareSlashedText) {
      diagnostics.push(singleQuoted(token, file));
    }
  }
  for (const comment of result.groups["comments"] ?? []) {
    if (comment.tokenType === SlashComment) diagnostics.push(slashComment(comment, file));
  }
  const tokens = limitNesting(result.tokens, file, diagnostics);
  return { tokens, comments: result.groups["comments"] ?? [], diagnostics };
}

function unexpectedCharacters(
  error: ILexingError,
  text: string,
  file: string,
  lines: LineIndex,
): Diagnostic {
  const bad = text.slice(error.offset, error.offset + error.length);
  const first = String.fromCodePoint(bad.codePointAt(0) ?? 0);
  const shown = describeCharacter(first);
  const message =
    first === "-"
      ? "unexpected character `-`: a hyphen may only start a negative number; write names with `_`, or quote the text"
      : first.length === bad.length
        ? `unexpected character ${shown}`
        : `unexpected character ${shown} (and ${bad.length - first.length} more code units up to the next token)`;
  return {
    code: SyntaxCode.UnexpectedCharacter.code,
    severity: "error",
    message,
    span: lines.span(file, error.offset, error.length),
  };
}

/** "`@`", or "U+0000" for characters that do not print. */
export function describeCharacter(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0) || cp === 0xfffd || (cp >= 0xd800 && cp <= 0xdfff)) {
    return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  }
  return ch === "`" ? "'`'" : `\`${ch}\``;
}

function unterminatedString(token: IToken, file: string): Diagnostic {
  const triple = token.tokenType === UnterminatedTripleString;
  return {
    code: SyntaxCode.UnterminatedString.code,
    severity: "error",
    message: triple
      ? 'unterminated string: `"""` is never closed before the end of the file'
      : 'unterminated string: add `"` before the end of the line (use `"""` for text that spans lines)',
    span: {
      file,
      offset: token.startOffset,
      length: triple ? 3 : token.image.length,
      line: token.startLine ?? 1,
      column: token.startColumn ?? 1,
    },
  };
}

/** `'text'`, Python's triple-quoted `'''text'''` and bare `org/name`: the text, and the text in double quotes (the fix). */
export function quotedFix(token: IToken): { value: string; fixed: string } {
  const image = token.image;
  const quote = token.tokenType === BareSlashedText ? "" : image.startsWith("'''") ? "'''" : "'";
  const inner = image.slice(quote.length, image.length - quote.length);
  const text = inner.replace(/\\'/g, "'");
  return { value: inner.replace(/\\(.)/g, "$1"), fixed: quote === "'''" ? `"""${text}"""` : `"${text.replace(/"/g, '\\"')}"` };
}

function slashComment(token: IToken, file: string): Diagnostic {
  const span = { file, offset: token.startOffset, length: 2, line: token.startLine ?? 1, column: token.startColumn ?? 1 };
  return {
    code: SyntaxCode.UnexpectedCharacter.code,
    severity: "error",
    message: `comments start with \`#\`, not \`//\``,
    span,
    fix: { title: "replace `//` with `#`", edits: [{ span, newText: "#" }] },
  };
}

function singleQuoted(token: IToken, file: string): Diagnostic {
  const span = { file, offset: token.startOffset, length: token.image.length, line: token.startLine ?? 1, column: token.startColumn ?? 1 };
  const { fixed } = quotedFix(token);
  return {
    code: SyntaxCode.SingleQuotedString.code,
    severity: "error",
    message: `strings are written in double quotes: \`${fixed}\`, not \`${token.image}\``,
    span,
    fix: { title: `replace \`${token.image}\` with \`${fixed}\``, edits: [{ span, newText: fixed }] },
  };
}

/**
 * Removes every bracket group that opens deeper than MAX_NESTING (from its opener through
 * its matching closer), reporting each once, so that no later phase recurses without bound.
 * The common case (no group too deep) returns the input array untouched.
 */
function limitNesting(tokens: IToken[], file: string, diagnostics: Diagnostic[]): IToken[] {
  let depth = 0;
  let out: IToken[] | undefined;
  let skipUntilDepth = -1;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const type = token.tokenType;
    const opens = type === LBrace || type === LBracket || type === LParen;
    const closes = type === RBrace || type === RBracket || type === RParen;
    if (opens) depth++;
    if (skipUntilDepth < 0 && opens && depth > MAX_NESTING) {
      diagnostics.push(nestingTooDeep(token, file));
      out ??= tokens.slice(0, i);
      skipUntilDepth = depth - 1;
    }
    if (closes && depth > 0) depth--;
    if (skipUntilDepth >= 0) {
      if (closes && depth === skipUntilDepth) skipUntilDepth = -1;
      continue;
    }
    out?.push(token);
  }
  return out ?? tokens;
}

function nestingTooDeep(token: IToken, file: string): Diagnostic {
  return {
    code: SyntaxCode.NestingTooDeep.code,
    severity: "error",
    message: `nesting too deep: more than ${MAX_NESTING} levels of \`{\`, \`[\` and \`(\`; this group is skipped`,
    span: {
      file,
      offset: token.startOffset,
      length: 1,
      line: token.startLine ?? 1,
      column: token.startColumn ?? 1,
    },
  };
}
