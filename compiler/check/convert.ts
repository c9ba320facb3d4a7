import * as path from "node:path";
import type { Call, NumberLiteral, Reference, Value } from "../../grammar/ast.js";
import { TypeCode } from "../diagnostics/compilerCodes.js";
import { suggestionFix } from "../diagnostics/suggest.js";
import type { FieldType } from "../schema/types.js";
import { convertBlockType, convertMap, convertOptions, convertVariants } from "./blocks.js";
import { leaf, list, objectOf, type LValue } from "./located.js";
import { convertData, convertModel, convertRef } from "./refs.js";
import { describeValue, pathText, report, type CheckScope } from "./scope.js";
import { convertTemplate } from "./template.js";

/**
 * Converts one AST value to its plan encoding, guided by the field's recipe-level type.
 * Returns undefined after reporting when the value does not fit; never reports inside a
 * subtree the parser recovered (the caller skips those).
 */
export function convert(value: Value, type: FieldType, scope: CheckScope, label: string): LValue | undefined {
  switch (type.kind) {
    case "int":
    case "number":
      return convertNumber(value, type, scope, label);
    case "string":
      return convertString(value, type.path === true, scope, label);
    case "bool":
      return value.kind === "Boolean" ? leaf(value.value, value.span) : wrongType(scope, value, label, "`true` or `false`");
    case "duration":
      return convertDuration(value, scope, label);
    case "size":
      return convertSize(value, scope, label);
    case "enum":
      return convertEnum(value, type.members, scope, label);
    case "ref":
      return convertRef(value, type, scope, label);
    case "data":
      return convertData(value, scope, label);
    case "model":
      return convertModel(value, scope, label);
    case "field":
      return convertField(value, scope, label);
    case "template":
      return convertTemplate(value, scope, label, type.slotted ?? true);
    case "secret":
      return convertSecret(value, scope, label);
    case "list":
      return convertList(value, type, scope, label);
    case "block":
      return convertBlockType(value, type.fields, scope, label);
    case "map":
      return convertMap(value, type.value, scope, label);
    case "options":
      return convertOptions(value, scope, label);
    case "variants":
      return convertVariants(value, type, scope, label);
  }
}

export function wrongType(scope: CheckScope, value: Value, label: string, expected: string, extra: { help?: string; fixText?: string } = {}): undefined {
  extra = extra.help === undefined && extra.fixText === undefined ? (foreignLiteral(value, expected) ?? extra) : extra;
  return report(scope, TypeCode.WrongType.code, value.span, `\`${label}\` expects ${expected}, found ${describeValue(value)}`, {
    help: extra.help,
    fix: extra.fixText === undefined ? undefined : { title: `write \`${extra.fixText}\``, edits: [{ span: value.span, newText: extra.fixText }] },
  });
}

/** Python's and YAML's literals (`True`, `None`, `null`, ...): align writes `true`/`false` and leaves an unset field out. */
function foreignLiteral(value: Value, expected: string): { help?: string; fixText?: string } | undefined {
  if (value.kind !== "Reference" || value.path.length !== 1) return undefined;
  const word = pathText(value.path);
  const bool = /^(true|false)$/i.exec(word);
  if (bool && expected === "`true` or `false`") return { help: "align's booleans are lower case", fixText: bool[1]!.toLowerCase() };
  if (/^(none|null|nil|~)$/i.test(word)) return { help: "align has no null: leave the field out and it takes its default" };
  return undefined;
}

function convertNumber(value: Value, type: FieldType & { kind: "int" | "number" }, scope: CheckScope, label: string): LValue | undefined {
  const expected = type.kind === "int" ? "an integer" : "a number";
  if (value.kind === "String" && value.value.trim() !== "" && Number.isFinite(Number(value.value))) {
    return wrongType(scope, value, label, expected, { fixText: value.value.trim() });
  }
  if (value.kind !== "Number") return wrongType(scope, value, label, expected);
  if (type.kind === "int" && !Number.isInteger(value.value)) return wrongType(scope, value, label, expected);
  return checkRange(value, type, scope, label) ? leaf(value.value, value.span) : undefined;
}

function checkRange(value: NumberLiteral, type: { min?: number; max?: number }, scope: CheckScope, label: string): boolean {
  const { min, max } = type;
  if ((min === undefined || value.value >= min) && (max === undefined || value.value <= max)) return true;
  const bounds = min !== undefined && max !== undefined ? `between ${min} and ${max}` : min !== undefined ? `at least ${min}` : `at most ${max}`;
  report(scope, TypeCode.OutOfRange.code, value.span, `\`${label}\` must be ${bounds}, found \`${value.raw}\``);
  return false;
}

function convertString(value: Value, isPath: boolean, scope: CheckScope, label: string): LValue | undefined {
  if (value.kind === "String") return leaf(isPath ? rebasePath(value.value, scope) : value.value, value.span);
  if (value.kind === "Reference") {
    const text = pathText(value.path);
    return wrongType(scope, value, label, "a string", { help: "strings are written in quotes", fixText: JSON.stringify(text) });
  }
  return wrongType(scope, value, label, "a string");
}

/** A path written relative to its file, as a POSIX path relative to the root recipe. */
export function rebasePath(written: string, scope: CheckScope): string {
  if (path.isAbsolute(written)) return written;
  const absolute = path.resolve(path.dirname(scope.module.absolutePath), written);
  return path.relative(scope.rootDir, absolute).split(path.sep).join("/") || ".";
}

/** Fields whose bare numbers are meant in hours (a job's time limit), not seconds. */
const HOUR_FIELDS = new Set(["time"]);

/** `"24:00:00"`, `"1-12:00:00"`, `"90:00"` (Slurm's formats) as a duration literal, e.g. `24h`. */
export function clockToDuration(text: string): string | undefined {
  const m = /^\s*(?:(\d+)-)?(\d+):(\d{1,2})(?::(\d{1,2}))?\s*$/.exec(text);
  if (m === null) return undefined;
  const [days, a, b, c] = [Number(m[1] ?? 0), Number(m[2]), Number(m[3]), m[4] === undefined ? undefined : Number(m[4])];
  // With seconds: H:MM:SS; without: Slurm reads MM:SS, or H:MM after a day count.
  const seconds = c !== undefined ? a * 3600 + b * 60 + c : m[1] !== undefined ? a * 3600 + b * 60 : a * 60 + b;
  const total = days * 86_400 + seconds;
  // Hours read best up to three days (`24h`, `48h`); whole days beyond.
  if (total > 0 && total % 3600 === 0 && total <= 3 * 86_400) return `${total / 3600}h`;
  for (const [unit, size] of [["d", 86_400], ["h", 3600], ["m", 60]] as const) if (total % size === 0 && total > 0) return `${total / size}${unit}`;
  return `${total}s`;
}

function convertDuration(value: Value, scope: CheckScope, label: string): LValue | undefined {
  if (value.kind === "Duration") return leaf(value.seconds, value.span);
  if (value.kind === "Number") {
    const unit = HOUR_FIELDS.has(label) ? "h" : "s";
    const text = `${value.raw}${unit}`;
    return report(scope, TypeCode.WrongUnit.code, value.span, `\`${label}\` is a duration, but \`${value.raw}\` has no unit`, {
      help: `write \`${text}\` for ${unit === "h" ? "hours" : "seconds"} (units: ms, s, m, h, d)`,
      fix: { title: `write \`${text}\``, edits: [{ span: value.span, newText: text }] },
    });
  }
  if (value.kind === "String") {
    const literal = clockToDuration(value.value) ?? (/^\d+(?:\.\d+)?(?:ms|s|m|h|d)$/.test(value.value.trim()) ? value.value.trim() : undefined);
    if (literal !== undefined) {
      return wrongType(scope, value, label, "a duration such as `10s` or `2h`", { help: `durations are written as a number and a unit, without quotes: \`${literal}\``, fixText: literal });
    }
  }
  return wrongType(scope, value, label, "a duration such as `10s` or `2h`");
}

function convertSize(value: Value, scope: CheckScope, label: string): LValue | undefined {
  if (value.kind === "Size") return leaf(value.bytes, value.span);
  if (value.kind === "Number") {
    const text = `${value.raw}GiB`;
    return report(scope, TypeCode.WrongUnit.code, value.span, `\`${label}\` is a size, but \`${value.raw}\` has no unit`, {
      help: `write a unit, e.g. \`${text}\` (units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)`,
      fix: { title: `write \`${text}\``, edits: [{ span: value.span, newText: text }] },
    });
  }
  return wrongType(scope, value, label, "a size such as `512MiB` or `80GB`");
}

function convertEnum(value: Value, members: readonly string[], scope: CheckScope, label: string): LValue | undefined {
  if (value.kind === "Reference" && value.path.length === 1) {
    const id = value.path[0]!;
    if (members.includes(id.name)) return leaf(id.name, value.span);
    return reportUnknownMember(scope, id, members, label);
  }
  if (value.kind === "String" && members.includes(value.value)) {
    return wrongType(scope, value, label, `one of ${listed(members)}`, { help: "enum members are written without quotes", fixText: value.value });
  }
  return wrongType(scope, value, label, `one of ${listed(members)}`);
}

/** "`a`, `b`, `c`" for messages (built only when one is reported: enum values are everywhere). */
export function listed(names: readonly string[]): string {
  return names.map((m) => `\`${m}\``).join(", ");
}

function reportUnknownMember(scope: CheckScope, id: { name: string; span: Value["span"] }, members: readonly string[], label: string): undefined {
  return report(scope, TypeCode.UnknownEnumMember.code, id.span, `\`${id.name}\` is not a member of \`${label}\``, {
    ...suggestionFix(id, members),
    notes: [`expected one of ${listed(members)}`],
  });
}

function convertField(value: Value, scope: CheckScope, label: string): LValue | undefined {
  if (value.kind === "String") {
    const text = `field(${JSON.stringify(value.value)})`;
    return wrongType(scope, value, label, "a data field `field(\"name\")`", { fixText: text });
  }
  const name = singleStringArg(value, "field");
  if (name === undefined) return wrongType(scope, value, label, "a data field `field(\"name\")`");
  return objectOf({ field: leaf(name, value.span) }, value.span);
}

function convertSecret(value: Value, scope: CheckScope, label: string): LValue | undefined {
  if (value.kind === "String") {
    return report(scope, TypeCode.SecretLiteral.code, value.span, `\`${label}\` is a secret and must be read from the environment`, {
      help: 'write `env("NAME")` and set the variable NAME where the recipe runs',
      notes: ["literal secrets end up in plan.json, the bundle and version control"],
    });
  }
  const name = singleStringArg(value, "env");
  if (name === undefined) {
    // `env(OPENAI_API_KEY)`: the variable's name as a bare word, which needs quotes.
    const bare = value.kind === "Call" && pathText(value.callee.path) === "env" && value.args.length === 1 && value.args[0]!.value.kind === "Reference"
      ? pathText((value.args[0]!.value as Reference).path) : undefined;
    const fixed = bare === undefined ? undefined : `env("${bare}")`;
    return wrongType(scope, value, label, '`env("NAME")`', fixed === undefined ? {} : { help: `the variable's name is a string: \`${fixed}\``, fixText: fixed });
  }
  return objectOf({ env: leaf(name, value.span) }, value.span);
}

/** The string argument of `callee("x")`, or undefined when `value` is not that shape. */
export function singleStringArg(value: Value, callee: string): string | undefined {
  if (value.kind !== "Call" || pathText(value.callee.path) !== callee) return undefined;
  const call: Call = value;
  if (call.args.length !== 1 || call.block) return undefined;
  const arg = call.args[0]!;
  return arg.value.kind === "String" && !arg.name ? arg.value.value : undefined;
}

function convertList(value: Value, type: FieldType & { kind: "list" }, scope: CheckScope, label: string): LValue | undefined {
  if (value.kind !== "List") {
    return wrongType(scope, value, label, "a list `[...]`", { help: `write \`[${describeShort(value)}]\` for a list of one item` });
  }
  if (type.nonEmpty && value.items.length === 0) {
    return report(scope, TypeCode.OutOfRange.code, value.span, `\`${label}\` needs at least one item`);
  }
  const items: LValue[] = [];
  let ok = true;
  for (const item of value.items) {
    const converted = convert(item, type.item, scope, label);
    if (converted) items.push(converted);
    else ok = false;
  }
  return ok ? list(items, value.span) : undefined;
}

function describeShort(value: Value): string {
  if (value.kind === "Reference") return pathText(value.path);
  if (value.kind === "String") return value.raw;
  return "...";
}
