/**
 * Decoding of literal tokens into values: strings (escapes, `"""` dedent) and numbers with
 * their optional duration or size unit. Pure functions over the token text; problems are
 * returned as offsets into that text so the caller can turn them into diagnostics.
 */

export interface LiteralProblem {
  /** Offset into the token's text. */
  readonly offset: number;
  readonly length: number;
  readonly message: string;
  readonly help?: string;
}

export const DURATION_UNITS: ReadonlyMap<string, number> = new Map([
  ["ms", 0.001],
  ["s", 1],
  ["m", 60],
  ["h", 3600],
  ["d", 86_400],
]);

export const SIZE_UNITS: ReadonlyMap<string, number> = new Map([
  ["B", 1],
  ["KB", 1e3],
  ["MB", 1e6],
  ["GB", 1e9],
  ["TB", 1e12],
  ["KiB", 1024],
  ["MiB", 1024 ** 2],
  ["GiB", 1024 ** 3],
  ["TiB", 1024 ** 4],
]);

const UNIT_LIST =
  `durations take ${[...DURATION_UNITS.keys()].join(", ")}; ` +
  `sizes take ${[...SIZE_UNITS.keys()].join(", ")}`;

export type NumericValue =
  | { readonly kind: "Number"; readonly value: number }
  | { readonly kind: "Duration"; readonly seconds: number }
  | { readonly kind: "Size"; readonly bytes: number }
  | { readonly kind: "Invalid"; readonly problem: LiteralProblem };

const NUMERIC_PART = /^-?\d(?:_?\d)*(?:\.\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?/;

/** `1e--6`, `2E+-5`: an exponent with more than one sign. */
const DOUBLE_SIGN = /^(-?\d(?:_?\d)*(?:\.\d(?:_?\d)*)?[eE])([+-]{2,})(\d(?:_?\d)*)$/;

/** `10 s`, `80 GiB`: a unit after a space (the lexer takes it into the token). */
const SPACED_UNIT = /^(\S+)[ \t]+(\S+)$/;

/** Units spelt out (`4 hours`, `30mins`), as other tools and prose write them: the unit meant. */
const WORD_UNITS: ReadonlyMap<string, string> = new Map([
  ...["hour", "hr"].map((w) => [w, "h"] as const),
  ...["minute", "min"].map((w) => [w, "m"] as const),
  ...["second", "sec"].map((w) => [w, "s"] as const),
  ["day", "d"],
  ["millisecond", "ms"],
].flatMap(([word, unit]) => [[word, unit], [`${word}s`, unit]] as const));

/** Interprets a NumberLiteral token: `8`, `5e-7`, `70_000`, `10s`, `1.5h`, `80GiB`. */
export function decodeNumber(raw: string): NumericValue {
  const spaced = SPACED_UNIT.exec(raw);
  if (spaced !== null) {
    const word = WORD_UNITS.get(spaced[2]!.toLowerCase());
    const joined = `${spaced[1]}${word ?? spaced[2]}`;
    const rule = word === undefined ? "a unit follows its number without a space" : "a duration is a number and a unit letter";
    return { kind: "Invalid", problem: { offset: 0, length: raw.length, message: `${rule}: \`${joined}\`, not \`${raw}\``, help: `did you mean \`${joined}\`?` } };
  }
  const signs = DOUBLE_SIGN.exec(raw);
  if (signs !== null) {
    const sign = signs[2]!.includes("-") ? "-" : "";
    const fixed = `${signs[1]}${sign}${signs[3]}`;
    return { kind: "Invalid", problem: { offset: 0, length: raw.length, message: `invalid number \`${raw}\`: an exponent takes one sign`, help: `did you mean \`${fixed}\`?` } };
  }
  const digits = NUMERIC_PART.exec(raw)?.[0] ?? raw;
  const unit = raw.slice(digits.length);
  const value = Number(digits.replace(/_/g, ""));
  if (!Number.isFinite(value)) {
    return invalid(0, raw.length, `number \`${raw}\` is out of range (larger than ${Number.MAX_VALUE.toExponential(3)})`);
  }
  if (value === 0 && /[1-9]/.test(digits.replace(/[eE].*$/, ""))) {
    return invalid(0, raw.length, `number \`${raw}\` is too small to represent: it would be read as 0`);
  }
  if (unit === "") return { kind: "Number", value };
  // Divide for milliseconds: 500 / 1000 is exactly 0.5, 500 * 0.001 is not.
  if (unit === "ms") return { kind: "Duration", seconds: value / 1000 };
  const perSecond = DURATION_UNITS.get(unit);
  if (perSecond !== undefined) return { kind: "Duration", seconds: value * perSecond };
  const perByte = SIZE_UNITS.get(unit);
  if (perByte !== undefined) {
    const bytes = value * perByte;
    if (!Number.isInteger(bytes)) {
      return invalid(0, raw.length, `size \`${raw}\` is not a whole number of bytes`);
    }
    return { kind: "Size", bytes };
  }
  return invalidUnit(raw, digits.length, unit);
}

function invalidUnit(raw: string, at: number, unit: string): NumericValue {
  if (unit.startsWith("_")) {
    return invalid(at, unit.length, `invalid number \`${raw}\`: \`_\` may only separate digits`);
  }
  const lower = unit.toLowerCase();
  const near = WORD_UNITS.get(lower) ?? [...DURATION_UNITS.keys(), ...SIZE_UNITS.keys()].find((u) => u.toLowerCase() === lower);
  const problem: LiteralProblem = {
    offset: at,
    length: unit.length,
    message: `invalid unit \`${unit}\` in \`${raw}\`: ${UNIT_LIST}`,
    ...(near !== undefined ? { help: `did you mean \`${raw.slice(0, at)}${near}\`?` } : {}),
  };
  return { kind: "Invalid", problem };
}

function invalid(offset: number, length: number, message: string): NumericValue {
  return { kind: "Invalid", problem: { offset, length, message } };
}

export interface DecodedString {
  readonly value: string;
  readonly problems: readonly LiteralProblem[];
}

/**
 * Decodes a string token (quotes included). `"..."` processes escapes; `"""..."""` first drops
 * a first line that holds only whitespace, turns a last line that holds only whitespace (the
 * closing quotes' indentation) into an empty line, removes the indentation common to all
 * non-blank lines, joins lines with `\n` (so CRLF files mean the same), then processes escapes.
 */
export function decodeString(raw: string, terminated: boolean): DecodedString {
  const problems: LiteralProblem[] = [];
  if (!raw.startsWith('"""')) {
    const body = raw.slice(1, terminated ? -1 : undefined);
    return { value: decodeEscapes(body, 1, problems), problems };
  }
  const body = raw.slice(3, terminated ? -3 : undefined);
  const lines = splitLines(body, 3);
  if (lines.length > 1 && isBlank(lines[0]!.text)) lines.shift();
  const last = lines[lines.length - 1];
  if (lines.length > 1 && last !== undefined && isBlank(last.text)) last.text = "";
  const indent = commonIndent(lines);
  const out: string[] = [];
  for (const line of lines) {
    if (isBlank(line.text)) {
      out.push("");
    } else {
      out.push(decodeEscapes(line.text.slice(indent), line.offset + indent, problems));
    }
  }
  return { value: out.join("\n"), problems };
}

interface SourceLine {
  text: string;
  /** Offset of the line's first character in the token text. */
  readonly offset: number;
}

function splitLines(body: string, base: number): SourceLine[] {
  const lines: SourceLine[] = [];
  const re = /\r\n|\r|\n/g;
  let start = 0;
  for (let m = re.exec(body); m !== null; m = re.exec(body)) {
    lines.push({ text: body.slice(start, m.index), offset: base + start });
    start = m.index + m[0].length;
  }
  lines.push({ text: body.slice(start), offset: base + start });
  return lines;
}

function isBlank(s: string): boolean {
  return /^[ \t]*$/.test(s);
}

/** Length of the longest run of leading spaces and tabs shared by every non-blank line. */
function commonIndent(lines: readonly SourceLine[]): number {
  let prefix: string | undefined;
  for (const { text } of lines) {
    if (isBlank(text)) continue;
    const lead = /^[ \t]*/.exec(text)![0];
    if (prefix === undefined) {
      prefix = lead;
      continue;
    }
    let n = 0;
    while (n < prefix.length && n < lead.length && prefix[n] === lead[n]) n++;
    prefix = prefix.slice(0, n);
  }
  return prefix?.length ?? 0;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  r: "\r",
  t: "\t",
  '"': '"',
  "\\": "\\",
};

/** Processes `\n \r \t \" \\ \u{X..}` in `text`, which starts at `base` in the token. */
function decodeEscapes(text: string, base: number, problems: LiteralProblem[]): string {
  if (!text.includes("\\")) return text;
  let out = "";
  let i = 0;
  while (i < text.length) {
    const slash = text.indexOf("\\", i);
    if (slash < 0) break;
    out += text.slice(i, slash);
    const next = text[slash + 1];
    const simple = next === undefined ? undefined : SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      i = slash + 2;
      continue;
    }
    const unicode = next === "u" ? /^\\u\{([0-9A-Fa-f]{1,6})\}/.exec(text.slice(slash, slash + 10)) : null;
    const cp = unicode ? parseInt(unicode[1]!, 16) : -1;
    if (unicode && cp <= 0x10ffff) {
      out += String.fromCodePoint(cp);
      i = slash + unicode[0].length;
      continue;
    }
    const shown = next === undefined || next === "\n" || next === "\r" ? "\\" : `\\${next}`;
    problems.push({
      offset: base + slash,
      length: shown.length,
      message: `invalid escape \`${shown}\` in string: valid escapes are \\n, \\r, \\t, \\", \\\\ and \\u{XXXX}`,
      help: "write `\\\\` for a backslash",
    });
    out += shown;
    i = slash + shown.length;
  }
  return out + text.slice(i);
}
