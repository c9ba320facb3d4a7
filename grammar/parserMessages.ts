import type { IParserErrorMessageProvider, IToken, TokenType } from "chevrotain";
import { EOF } from "./chevrotain.js";
import { SyntaxCode } from "./syntaxCodes.js";
import {
  Comma,
  describeTokenType,
  Identifier,
  Import,
  LBrace,
  LBracket,
  RBrace,
  RBracket,
  RParen,
  StringLiteral,
} from "./tokens.js";

/**
 * Human error messages for the parser, in place of chevrotain's token-type dumps. They read
 * the parser's stack of open delimiters, which is current when chevrotain builds a message
 * (it builds it at the moment of the error, before any recovery unwinds the rules).
 */

/** The tokens that name what a delimiter belongs to: `model policy`, `lora`, `hf`. */
export interface Owner {
  readonly from: IToken;
  readonly to: IToken;
}

/** An open `{`, `[` or `(`. */
export interface Frame {
  readonly open: IToken;
  readonly owner: Owner | undefined;
}

interface MessageContext {
  parser?: {
    readonly frames: readonly Frame[];
    readonly source: string;
    atDeclarationStart(): boolean;
    atFieldStart(): boolean;
  };
}

// chevrotain stores only a message string per error, so the code and the offset of the
// delimiter the message mentions travel inside it, separated by NUL (which no message
// contains), and `decodeMessage` takes them out again.
const SEP = "\u0000";

function encode(code: string, text: string, openedAt?: number): string {
  return `${code}${SEP}${openedAt ?? ""}${SEP}${text}`;
}

export function decodeMessage(raw: string): { code: string; message: string; openedAt?: number } {
  const parts = raw.split(SEP);
  if (parts.length !== 3) return { code: SyntaxCode.UnexpectedToken.code, message: raw };
  const [code, at, message] = parts as [string, string, string];
  return at === "" ? { code, message } : { code, message, openedAt: Number(at) };
}

export function createSyntaxMessages(context: MessageContext): IParserErrorMessageProvider {
  return {
    buildMismatchTokenMessage({ expected, actual, previous }) {
      const frame = context.parser?.frames.at(-1);
      if (frame && (expected === Comma || isCloser(expected))) {
        const parser = context.parser!;
        const unclosed =
          actual.tokenType === EOF ||
          parser.atDeclarationStart() ||
          (actual.tokenType === Import && actual.startColumn === 1) ||
          (frame.open.tokenType !== LBrace && parser.atFieldStart()) ||
          // The closer of an enclosing delimiter: `[chat }`.
          (isCloser(actual.tokenType) && actual.tokenType !== closerOf(frame.open.tokenType));
        return delimiterMessage(frame, actual, previous, parser.source, unclosed);
      }
      const found = describeFound(actual);
      if (expected === Identifier && isReal(previous)) {
        return encode(SyntaxCode.ExpectedToken.code, `expected a name after \`${previous.image}\`, found ${found}`);
      }
      if (expected === StringLiteral && previous.tokenType === Import) {
        return encode(SyntaxCode.ExpectedToken.code, `expected a quoted path after \`import\`, found ${found}`);
      }
      return encode(SyntaxCode.ExpectedToken.code, `expected ${describeTokenType(expected)}, found ${found}`);
    },
    buildNoViableAltMessage({ actual, previous, ruleName }) {
      const token = actual[0] ?? previous;
      const found = describeFound(token);
      if (ruleName === "value") {
        const after = isReal(previous) ? ` after \`${previous.image}\`` : "";
        return encode(SyntaxCode.ExpectedValue.code, `expected a value${after}, found ${found}`);
      }
      if (ruleName === "field") {
        return encode(
          SyntaxCode.ExpectedToken.code,
          `expected \`=\` or \`{\` after the field name \`${previous.image}\`, found ${found}`,
        );
      }
      return encode(SyntaxCode.UnexpectedToken.code, `unexpected ${found}`);
    },
    buildEarlyExitMessage({ actual, previous }) {
      return encode(SyntaxCode.UnexpectedToken.code, `unexpected ${describeFound(actual[0] ?? previous)}`);
    },
    buildNotAllInputParsedMessage({ firstRedundant }) {
      return encode(SyntaxCode.UnexpectedToken.code, `unexpected ${describeFound(firstRedundant)} at the top level`);
    },
  };
}

function closerOf(opener: TokenType): TokenType {
  return opener === LBrace ? RBrace : opener === LBracket ? RBracket : RParen;
}

function isCloser(type: TokenType): boolean {
  return type === RBrace || type === RBracket || type === RParen;
}

/** Messages for a missing `}`, `]`, `)` or `,`, naming the delimiter that is still open. */
function delimiterMessage(frame: Frame, actual: IToken, previous: IToken, source: string, unclosed: boolean): string {
  const open = frame.open;
  const opener = open.tokenType;
  const closer = opener === LBrace ? "}" : opener === LBracket ? "]" : ")";
  const what = opener === LBrace ? "the block" : opener === LBracket ? "the list" : "the arguments";
  const of = frame.owner ? ` of \`${ownerLabel(frame.owner, source)}\`` : "";
  const where = `opened at ${open.startLine}:${open.startColumn}`;
  const found = describeFound(actual);
  if (unclosed) {
    return encode(
      SyntaxCode.UnclosedDelimiter.code,
      `expected \`${closer}\` to close ${what}${of} ${where}, found ${found}`,
      open.startOffset,
    );
  }
  const afterItem = !(previous === open || previous.tokenType === Comma);
  const item = opener === LBrace ? "a field" : opener === LBracket ? "a value" : "an argument";
  const wanted = opener === LBrace || !afterItem ? `${item} or \`${closer}\`` : `\`,\` or \`${closer}\``;
  return encode(SyntaxCode.ExpectedToken.code, `expected ${wanted} in ${what}${of} (${where}), found ${found}`, open.startOffset);
}

export function ownerLabel(owner: Owner, source: string): string {
  if (!isReal(owner.from) || !isReal(owner.to)) return owner.from.image;
  const text = source.slice(owner.from.startOffset, (owner.to.endOffset ?? owner.to.startOffset) + 1);
  return clip(text.replace(/\s+/g, " "), 40);
}

/** A token that came from the text (not EOF, not one inserted by recovery). */
function isReal(token: IToken | undefined): token is IToken {
  return token !== undefined && token.tokenType !== EOF && !Number.isNaN(token.startOffset);
}

/** "end of file", or the token as written, clipped to its first line and 30 characters. */
export function describeFound(token: IToken): string {
  if (token.tokenType === EOF) return "end of file";
  const firstLine = token.image.split(/\r\n|\r|\n/, 1)[0] ?? "";
  const shown = clip(firstLine, 30) + (firstLine.length < token.image.length && firstLine.length <= 30 ? "…" : "");
  return shown.includes("`") ? `'${shown}'` : `\`${shown}\``;
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
