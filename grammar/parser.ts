import type { CstNode, IRecognitionException, IToken } from "chevrotain";
import { CstParser } from "./chevrotain.js";
import {
  createSyntaxMessages,
  decodeMessage,
  describeFound,
  ownerLabel,
  type Frame,
  type Owner,
} from "./parserMessages.js";
import { SyntaxCode } from "./syntaxCodes.js";
import {
  allTokens,
  As,
  Colon,
  Dash,
  Comma,
  Dot,
  Equals,
  False,
  Identifier,
  Import,
  LBrace,
  LBracket,
  LParen,
  NumberLiteral,
  RBrace,
  RBracket,
  RParen,
  Semicolon,
  Stray,
  StringLiteral,
  True,
} from "./tokens.js";

/**
 * The `.align` grammar as a chevrotain CstParser with error recovery. Each rule's doc comment
 * quotes the production it implements; docs/syntax.md lists them all.
 *
 * Besides chevrotain's CST the parser keeps a stack of open delimiters (`frames`) so that error
 * messages can say which `{`, `[` or `(` is unclosed and where it was opened.
 */
export class AlignParser extends CstParser {
  /** Open `{`, `[` and `(` from the outermost in; read by the error messages. */
  readonly frames: Frame[] = [];
  /** The text being parsed, for quoting declaration headers in messages. */
  source = "";
  /** Errors the grammar recovers from by itself (a missing `=` or `,`), beside chevrotain's. */
  readonly extraErrors: ParseError[] = [];

  constructor(options: { validate?: boolean } = {}) {
    // The message provider must exist before `super`, the parser it reads only after.
    const context: { parser?: AlignParser } = {};
    super(allTokens, {
      recoveryEnabled: true,
      maxLookahead: 3,
      skipValidations: !(options.validate ?? false),
      errorMessageProvider: createSyntaxMessages(context),
    });
    context.parser = this;
    this.performSelfAnalysis();
  }

  /** Document := (Import | Declaration | Stray)* */
  document = this.RULE("document", () => {
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.importDecl) },
        { ALT: () => this.SUBRULE(this.declaration) },
        { ALT: () => this.SUBRULE(this.stray) },
      ]),
    );
  });

  /**
   * Stray := Block | List | StrayToken
   * Not part of the language: absorbs input that cannot start a top-level item so that the
   * parse goes on; the lowering reports the first token of each such run.
   */
  stray = this.RULE("stray", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.block) },
      { ALT: () => this.SUBRULE(this.list) },
      { ALT: () => this.CONSUME(Stray) },
    ]);
  });

  /** Import := "import" String ("as" Identifier)? */
  importDecl = this.RULE("importDecl", () => {
    this.CONSUME(Import);
    this.CONSUME(StringLiteral);
    this.OPTION(() => {
      this.CONSUME(As);
      this.CONSUME(Identifier, { LABEL: "alias" });
    });
  });

  /**
   * Declaration := Identifier(kind) Identifier(name)? ("=" Identifier(variant) Arguments?)? Block?
   */
  declaration = this.RULE("declaration", () => {
    const kind = this.CONSUME(Identifier, { LABEL: "kind" });
    const name = this.OPTION(() => this.CONSUME2(Identifier, { LABEL: "name" }));
    const owner: Owner = { from: kind, to: name ?? kind };
    this.OPTION2({
      // `judge x math_answer {`: a variant on the header's line without its `=` (AL1012).
      GATE: () => this.LA(1).tokenType === Equals || this.atVariantWithoutEquals(name),
      DEF: () => {
        const equals = this.OPTION5(() => this.CONSUME(Equals));
        this.ACTION(() => {
          if (equals !== undefined) return;
          this.recordError(
            SyntaxCode.MissingDeclarationEquals.code,
            `expected \`=\` before the variant \`${this.LA(1).image}\`: \`${kind.image} ${name?.image ?? ""} = ${this.LA(1).image}\``,
          );
        });
        const variant = this.CONSUME3(Identifier, { LABEL: "variant" });
        this.OPTION3(() => this.SUBRULE(this.arguments, { ARGS: [{ from: variant, to: variant }] }));
      },
    });
    this.OPTION4(() => this.SUBRULE(this.block, { ARGS: [owner] }));
  });

  /**
   * Block := "{" (Field ("," | ";")?)* "}"
   * The field loop also stops at a line that starts in column 1 with two names (`model judge`):
   * no field can start that way, so it is the next declaration and this block lacks its `}`.
   */
  block = this.RULE("block", (owner?: Owner) => {
    this.openFrame(this.CONSUME(LBrace), owner);
    try {
      this.MANY({
        GATE: () => !this.atDeclarationStart(),
        DEF: () => {
          this.SUBRULE(this.field);
          this.OPTION(() =>
            this.OR([{ ALT: () => this.CONSUME(Comma) }, { ALT: () => this.CONSUME(Semicolon) }]),
          );
          // `kl_max = 4,0`: a decimal comma, one error instead of a field that starts with `0`.
          this.OPTION2({
            GATE: () => this.atDecimalComma(),
            DEF: () => {
              const digits = this.CONSUME(NumberLiteral);
              this.ACTION(() => {
                this.extraErrors.push({
                  code: SyntaxCode.DecimalComma.code,
                  message: `numbers take a decimal point: \`${this.decimalText(digits)}\`, not a comma`,
                  token: digits,
                  previous: digits,
                });
              });
            },
          });
        },
      });
      this.CONSUME(RBrace);
    } finally {
      this.frames.pop();
    }
  });

  /**
   * Field := Identifier "=" Value | Identifier Block
   * A value on the same line right after the name (`dtype bf16`) is taken as a field with a
   * missing `=`, and `name: value` and `a.b.c = value` as fields too: one precise error each
   * instead of a cascade.
   */
  field = this.RULE("field", () => {
    const name = this.CONSUME(Identifier, { LABEL: "name" });
    const owner: Owner = { from: name, to: name };
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Equals);
          this.SUBRULE(this.value, { ARGS: [owner] });
        },
      },
      { ALT: () => this.SUBRULE(this.block, { ARGS: [owner] }) },
      {
        // YAML's `name: value`: one error at the `:`, then the value as if after `=`.
        ALT: () => {
          const colon = this.CONSUME(Colon);
          const list = this.LA(1).tokenType === Dash;
          this.ACTION(() =>
            this.extraErrors.push({
              code: SyntaxCode.ColonForEquals.code,
              message: list
                ? `fields are written \`${name.image} = [a, b]\`, not \`${name.image}:\` and \`- item\` lines (YAML)`
                : `fields are written \`${name.image} = ...\`, not \`${name.image}: ...\` (YAML)`,
              token: colon,
              previous: name,
            }),
          );
          this.OR2([
            {
              // YAML's block list (`data:` then `- a` lines): its items, as the list meant.
              GATE: () => list,
              ALT: () =>
                this.AT_LEAST_ONE(() => {
                  this.CONSUME(Dash);
                  this.SUBRULE5(this.value, { LABEL: "yamlItem" });
                }),
            },
            { ALT: () => this.SUBRULE3(this.value, { ARGS: [owner] }) },
          ]);
        },
      },
      {
        // verl/Hydra's dotted keys (`actor.optim.lr = 1e-6`): one error at the first `.`, then
        // the last segment as the field, so the value is still checked.
        ALT: () => {
          const dot = this.CONSUME(Dot);
          let last = this.CONSUME2(Identifier, { LABEL: "dotted" });
          this.MANY(() => {
            this.CONSUME2(Dot);
            last = this.CONSUME3(Identifier, { LABEL: "dotted" });
          });
          this.ACTION(() =>
            this.extraErrors.push({
              code: SyntaxCode.ExpectedToken.code,
              message: `field names have no dots (a nested key, as verl and Hydra write them): write the field itself, \`${last.image} = ...\`, in the block it belongs to`,
              token: dot,
              previous: name,
            }),
          );
          this.CONSUME2(Equals);
          this.SUBRULE4(this.value, { ARGS: [owner] });
        },
      },
      {
        // `{` also starts a value, but the block alternative above takes it first.
        IGNORE_AMBIGUITIES: true,
        GATE: () => this.LA(1).startLine === name.startLine && this.LA(2).tokenType !== Equals,
        ALT: () => {
          this.ACTION(() =>
            this.recordError(
              SyntaxCode.ExpectedToken.code,
              `expected \`=\` after the field name \`${name.image}\`, found ${describeFound(this.LA(1))}`,
            ),
          );
          this.SUBRULE2(this.value, { ARGS: [owner] });
        },
      },
    ]);
  });

  /** Value := String | Number | "true" | "false" | List | Block | Path Arguments? Block? */
  value = this.RULE("value", (owner?: Owner) => {
    this.OR([
      {
        ALT: () => {
          const text = this.CONSUME(StringLiteral);
          // `optimizer = "crpg" { ... }`: a quoted variant name with its block; one error, then
          // read as `crpg { ... }` so the block is checked.
          this.OPTION({
            GATE: () => this.LA(1).tokenType === LBrace && this.LA(1).startLine === text.endLine && /^"[A-Za-z_][A-Za-z0-9_]*"$/.test(text.image),
            DEF: () => {
              this.ACTION(() =>
                this.extraErrors.push({
                  code: SyntaxCode.ExpectedToken.code,
                  message: `a variant is named without quotes: \`${text.image.slice(1, -1)} { ... }\`, not \`${text.image} { ... }\``,
                  token: text,
                }),
              );
              this.SUBRULE2(this.block, { LABEL: "quotedBlock", ARGS: [owner] });
            },
          });
        },
      },
      { ALT: () => this.CONSUME(NumberLiteral) },
      { ALT: () => this.CONSUME(True) },
      { ALT: () => this.CONSUME(False) },
      { ALT: () => this.SUBRULE(this.list, { ARGS: [owner] }) },
      { ALT: () => this.SUBRULE(this.block, { ARGS: [owner] }) },
      // `name =` is the next field, not a reference: `b =  c = 3` lacks b's value.
      { GATE: () => !this.atFieldStart(), ALT: () => this.SUBRULE(this.reference) },
    ]);
  });

  /**
   * Path Arguments? Block?, where Path := Identifier ("." Identifier)*
   * A reference (`policy`, `finetune.model`), a call (`hf("x")`) or a constructor
   * (`crpg { kl_max = 0.2 }`, `jsonl("x") { prompt = "q" }`).
   */
  reference = this.RULE("reference", () => {
    const first = this.CONSUME(Identifier, { LABEL: "segment" });
    let last = first;
    this.MANY(() => {
      this.CONSUME(Dot);
      last = this.CONSUME2(Identifier, { LABEL: "segment" });
    });
    this.OPTION(() => this.SUBRULE(this.arguments, { ARGS: [{ from: first, to: last }] }));
    this.OPTION2(() => this.SUBRULE(this.block, { ARGS: [{ from: first, to: last }] }));
  });

  /**
   * Arguments := "(" (Argument ("," Argument)* ","?)? ")"
   * Parsed as `(Argument | ",")*` with the separators checked by `delimited`.
   */
  arguments = this.RULE("arguments", (owner?: Owner) => {
    this.openFrame(this.CONSUME(LParen), owner);
    try {
      this.delimited(() => this.SUBRULE(this.argument));
      this.CONSUME(RParen);
    } finally {
      this.frames.pop();
    }
  });

  /** Argument := (Identifier "=")? Value */
  argument = this.RULE("argument", () => {
    const name = this.OPTION(() => {
      const id = this.CONSUME(Identifier, { LABEL: "name" });
      this.CONSUME(Equals);
      return id;
    });
    this.SUBRULE(this.value, { ARGS: [name ? { from: name, to: name } : undefined] });
  });

  /**
   * List := "[" (Value ("," Value)* ","?)? "]"
   * Parsed as `(Value | ",")*` with the separators checked by `delimited`.
   */
  list = this.RULE("list", (owner?: Owner) => {
    this.openFrame(this.CONSUME(LBracket), owner);
    try {
      this.delimited(() => this.SUBRULE(this.value));
      this.CONSUME(RBracket);
    } finally {
      this.frames.pop();
    }
  });

  /**
   * `(item | ",")*`, reporting a missing `,` between two items and a `,` where an item belongs
   * (`[, a]`, `[a,, b]`). Accepting the looser form keeps each such slip to one precise error;
   * the strict form would make chevrotain resynchronize and drop the rest of the list.
   */
  private delimited(item: () => void): void {
    let expectingItem = true;
    this.MANY({
      // Stop where the enclosing block or file evidently goes on, so that the unclosed `]` or
      // `)` is reported there: at the next declaration, or at a `name =` on a new line
      // (inside a list always; inside arguments only when no `,` asks for one more).
      GATE: () =>
        !this.atDeclarationStart() &&
        !(this.atFieldStart() && (this.frames.at(-1)?.open.tokenType === LBracket || (!expectingItem && this.LA(1).startLine !== this.LA(0).endLine))),
      DEF: () =>
      this.OR([
        {
          ALT: () => {
            this.ACTION(() => {
              if (expectingItem) this.report(SyntaxCode.ExpectedValue.code, `expected ${this.itemName()}`);
            });
            this.CONSUME(Comma);
            expectingItem = true;
          },
        },
        {
          ALT: () => {
            this.ACTION(() => {
              if (!expectingItem) this.report(SyntaxCode.ExpectedToken.code, "expected `,`");
            });
            item();
            expectingItem = false;
          },
        },
      ]),
    });
  }

  private openFrame(open: IToken, owner: Owner | undefined): void {
    this.frames.push({ open, owner });
  }

  /** "a value" or "an argument", for the innermost open list or argument list. */
  private itemName(): string {
    return this.frames.at(-1)?.open.tokenType === LBracket ? "a value" : "an argument";
  }

  /** Records "<expected> in the list of `x`, found <LA(1)>" without leaving the rule. */
  private report(code: string, expected: string): void {
    const frame = this.frames.at(-1);
    const what = frame?.open.tokenType === LBracket ? "the list" : "the arguments";
    const of = frame?.owner ? ` of \`${ownerLabel(frame.owner, this.source)}\`` : "";
    this.recordError(code, `${expected} in ${what}${of}, found ${describeFound(this.LA(1))}`);
  }

  private recordError(code: string, message: string): void {
    this.extraErrors.push({ code, message, token: this.LA(1), previous: this.LA(0) });
  }

  /** True at a name right after the declaration's name, on its line, before `{` or `(`. */
  private atVariantWithoutEquals(name: IToken | undefined): boolean {
    const next = this.LA(1);
    const after = this.LA(2).tokenType;
    return name !== undefined && next.tokenType === Identifier && next.startLine === name.startLine && (after === LBrace || after === LParen);
  }

  /** True right after `4,` when `0` follows with no space: a number written with a decimal comma. */
  private atDecimalComma(): boolean {
    const comma = this.LA(0);
    const number = this.LA(-1);
    const next = this.LA(1);
    return (
      comma.tokenType === Comma &&
      next.tokenType === NumberLiteral &&
      number?.tokenType === NumberLiteral &&
      number.endOffset! + 1 === comma.startOffset &&
      comma.endOffset! + 1 === next.startOffset
    );
  }

  /** `4.0` from `4,0`: the number token before the comma, a point, then `digits`. */
  private decimalText(digits: IToken): string {
    return `${this.LA(-2).image}.${digits.image}`;
  }

  /** True at `name =`. */
  atFieldStart(): boolean {
    return this.LA(1).tokenType === Identifier && this.LA(2).tokenType === Equals;
  }

  /** True at `KIND NAME` in column 1: the start of a declaration, never of a field. */
  atDeclarationStart(): boolean {
    const first = this.LA(1);
    return (
      first.tokenType === Identifier &&
      first.startColumn === 1 &&
      this.LA(2).tokenType === Identifier
    );
  }
}

/** A syntax error found by the parser, with its AL1xxx code already decided. */
export interface ParseError {
  readonly code: string;
  readonly message: string;
  /** The offending token (chevrotain's EOF token, with NaN offsets, at the end). */
  readonly token: IToken;
  /** The last token consumed before the error, when there is one. */
  readonly previous?: IToken;
  /** Offset of the delimiter the message refers to ("opened at"), when there is one. */
  readonly openedAt?: number;
}

let sharedParser: AlignParser | undefined;

/** The one parser instance of the process (construction runs chevrotain's self-analysis). */
export function getParser(): AlignParser {
  sharedParser ??= new AlignParser();
  return sharedParser;
}

/** Parses a token vector into a CST. Never throws on any token vector. */
export function parseTokens(tokens: IToken[], text: string): { cst: CstNode; errors: ParseError[] } {
  const parser = getParser();
  parser.source = text;
  parser.frames.length = 0;
  parser.extraErrors.length = 0;
  parser.input = tokens;
  // chevrotain signals errors with exceptions; capturing their stack traces would be most of
  // the cost of parsing a broken file, and nobody reads them.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let cst: CstNode;
  try {
    cst = parser.document();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  const errors = [...parser.errors.map(toParseError), ...parser.extraErrors];
  parser.input = [];
  parser.source = "";
  return { cst, errors };
}

function toParseError(e: IRecognitionException): ParseError {
  const decoded = decodeMessage(e.message);
  const previous = (e as { previousToken?: IToken }).previousToken;
  return {
    ...decoded,
    token: e.token,
    ...(previous !== undefined && !Number.isNaN(previous.startOffset) ? { previous } : {}),
  };
}
