import type { TokenType } from "chevrotain";
import { createToken, Lexer } from "./chevrotain.js";

/**
 * The token vocabulary of `.align`, shared by the lexer and the parser.
 *
 * Order matters: chevrotain tries the patterns of `allTokens` in order for each start
 * character, so longer forms come first (`"""` before `"`, keywords before identifiers).
 * Every pattern is a plain regular expression, which lets chevrotain index the patterns by
 * their first character (`ensureOptimizations` in development proves that it can).
 */

/**
 * Category of tokens that cannot start a top-level item. The document rule consumes them one
 * by one as stray input, so one misplaced `}` does not end the parse of the whole file.
 */
export const Stray = createToken({ name: "Stray", pattern: Lexer.NA });

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  // BOM and form feed are accepted so that files saved by odd editors still lex.
  pattern: /[ \t\r\n\f\v\uFEFF]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

/** `#` to the end of the line; kept in a group so the formatter can put comments back. */
export const Comment = createToken({
  name: "Comment",
  pattern: /#[^\n\r]*/,
  group: "comments",
});

/**
 * Category of every string token, so that the parser accepts an unterminated string as a
 * string (the lexer already reported it) instead of cascading into more errors.
 */
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: Lexer.NA,
  categories: [Stray],
});

/** `"""..."""`: may span lines; a `\` escapes the next character, so `\"""` does not close. */
export const TripleString = createToken({
  name: "TripleString",
  pattern: /"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""/,
  categories: [StringLiteral],
  line_breaks: true,
});

/** `"""` with no closing `"""`: runs to the end of the file (reported as AL1002). */
export const UnterminatedTripleString = createToken({
  name: "UnterminatedTripleString",
  pattern: /"""(?:[^"\\]|\\[\s\S]|"(?!""))*/,
  categories: [StringLiteral],
  line_breaks: true,
});

/** `"..."` on one line. */
export const SimpleString = createToken({
  name: "SimpleString",
  pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*"/,
  categories: [StringLiteral],
});

/** `"` with no closing `"` on its line: runs to the end of the line (reported as AL1002). */
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*\\?/,
  categories: [StringLiteral],
});

/**
 * `'...'`: not a string in this language, but a slip from Python or YAML. Lexed as a string
 * (so the parse goes on as if it were one) and reported once, with the double-quoted fix.
 */
export const SingleQuotedString = createToken({
  name: "SingleQuotedString",
  // Python's `'''...'''` too, which may span lines.
  pattern: /'''(?:[^'\\]|\\[\s\S]|'(?!''))*'''|'(?:[^'\\\n\r]|\\[^\n\r])*'/,
  categories: [StringLiteral],
  line_breaks: true,
});

/**
 * `meta-llama/Meta-Llama-3-8B` without quotes (a hub id as a shell or a YAML file writes it):
 * there is no `/` in the language outside strings, so it is lexed as a string and reported
 * once with the quoted fix, as a single-quoted string is.
 */
export const BareSlashedText = createToken({
  name: "BareSlashedText",
  pattern: /[A-Za-z_][\w.-]*(?:\/[\w.-]+)+/,
  categories: [StringLiteral],
});

/** `// ...`: JavaScript's comment; reported once (comments start with `#`), then skipped as one. */
export const SlashComment = createToken({
  name: "SlashComment",
  pattern: /\/\/[^\n\r]*/,
  group: "comments",
});

/**
 * A number with an optional unit suffix: `8`, `-0.5`, `5e-7`, `70_000_000_000`, `10s`,
 * `80GiB`, and also `10x`. Any identifier-like suffix is taken here so that `10x` becomes one
 * token whose unit the lowering rejects with a message listing the valid units, instead of a
 * number followed by a stray name.
 */
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  categories: [Stray],
  // Two slips are taken into the token too, so each is one error at its place: an exponent
  // with several signs (`1e--6`) and a unit after a space (`10 s`, but not a field `s = ...` or
  // a block `h {`, even across comments and line breaks), or spelt out (`4 hours`).
  pattern: /-?\d(?:_?\d)*(?:\.\d(?:_?\d)*)?(?:[eE][+-]*\d(?:_?\d)*)?(?:[A-Za-z_][A-Za-z0-9_]*|[ \t]+(?:ms|s|m|h|d|B|KB|MB|GB|TB|KiB|MiB|GiB|TiB|(?:hour|hr|minute|min|second|sec|day|millisecond)s?)(?![A-Za-z0-9_]|(?:\s|#[^\n\r]*)*[=:{(]))?/,
});

export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

// The only keywords. `longer_alt` makes `important` or `trueish` identifiers.
export const Import = createToken({ name: "Import", pattern: /import/, longer_alt: Identifier });
export const As = createToken({
  name: "As",
  pattern: /as/,
  longer_alt: Identifier,
  categories: [Stray],
});
export const True = createToken({
  name: "True",
  pattern: /true/,
  longer_alt: Identifier,
  categories: [Stray],
});
export const False = createToken({
  name: "False",
  pattern: /false/,
  longer_alt: Identifier,
  categories: [Stray],
});

export const LBrace = createToken({ name: "LBrace", pattern: /\{/ });
export const RBrace = createToken({ name: "RBrace", pattern: /\}/, categories: [Stray] });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/ });
export const RBracket = createToken({ name: "RBracket", pattern: /\]/, categories: [Stray] });
export const LParen = createToken({ name: "LParen", pattern: /\(/, categories: [Stray] });
export const RParen = createToken({ name: "RParen", pattern: /\)/, categories: [Stray] });
export const Equals = createToken({ name: "Equals", pattern: /=/, categories: [Stray] });
export const Comma = createToken({ name: "Comma", pattern: /,/, categories: [Stray] });
export const Semicolon = createToken({ name: "Semicolon", pattern: /;/, categories: [Stray] });
export const Dot = createToken({ name: "Dot", pattern: /\./, categories: [Stray] });
/** Not part of the language: YAML's `key: value`, which a field takes as a misspelled `=`. */
export const Colon = createToken({ name: "Colon", pattern: /:/, categories: [Stray] });
/** Not part of the language: YAML's `- item` (a dash and a space), read as a list item after a field's `:`. */
export const Dash = createToken({ name: "Dash", pattern: /-(?=[ \t]+[A-Za-z_"'])/, categories: [Stray] });

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLiteral,
  TripleString,
  UnterminatedTripleString,
  SimpleString,
  UnterminatedString,
  SingleQuotedString,
  SlashComment,
  BareSlashedText,
  NumberLiteral,
  Import,
  As,
  True,
  False,
  Identifier,
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
  Colon,
  Dash,
  Stray,
];

/** How a token type is named in messages: "`}`", "a string", "a name". */
export function describeTokenType(type: TokenType): string {
  return TOKEN_DESCRIPTIONS.get(type) ?? type.name;
}

const TOKEN_DESCRIPTIONS = new Map<TokenType, string>([
  [StringLiteral, "a string"],
  [TripleString, "a string"],
  [SimpleString, "a string"],
  [UnterminatedString, "a string"],
  [UnterminatedTripleString, "a string"],
  [SingleQuotedString, "a string"],
  [NumberLiteral, "a number"],
  [Identifier, "a name"],
  [Import, "`import`"],
  [As, "`as`"],
  [True, "`true`"],
  [False, "`false`"],
  [LBrace, "`{`"],
  [RBrace, "`}`"],
  [LBracket, "`[`"],
  [RBracket, "`]`"],
  [LParen, "`(`"],
  [RParen, "`)`"],
  [Equals, "`=`"],
  [Comma, "`,`"],
  [Semicolon, "`;`"],
  [Dot, "`.`"],
  [Colon, "`:`"],
]);
