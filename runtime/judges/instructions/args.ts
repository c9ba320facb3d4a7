/**
 * Typed access to one instruction's keyword arguments. Problems are collected, not thrown:
 * a reader returns a harmless placeholder for a bad argument and records a message naming
 * the argument and what was wrong; the compiler turns the messages into an error verdict.
 *
 * IFEval fills missing or out-of-range arguments with random values (it generates prompts
 * with the same code). A judge must not guess, so every argument is required and checked.
 * `null` counts as absent: IFEval's published data lists every argument name in every row,
 * with null for those that do not apply.
 */
import { suggestion } from "./suggest.js";
import { pyStrip } from "./text/pystr.js";
import { RELATIONS, type Relation } from "./types.js";

function describe(value: unknown): string {
  if (typeof value === "string") return `${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)} (a string)`;
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  if (typeof value === "number") return String(value);
  return `${String(value)} (a ${typeof value})`;
}

export class ArgReader {
  readonly errors: string[] = [];

  constructor(private readonly kwargs: Readonly<Record<string, unknown>>) {}

  private get(name: string): unknown {
    const value = Object.hasOwn(this.kwargs, name) ? this.kwargs[name] : undefined;
    if (value === undefined || value === null) {
      this.errors.push(`argument "${name}" is missing`);
      return undefined;
    }
    return value;
  }

  private fail(name: string, expected: string, value: unknown): void {
    this.errors.push(`argument "${name}" must be ${expected}, got ${describe(value)}`);
  }

  /** An integer ≥ `min` (counts and thresholds; `min` 0 unless said). */
  integer(name: string, min = 0): number {
    const value = this.get(name);
    if (value === undefined) return min;
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
      this.fail(name, min === 0 ? "a non-negative integer" : `an integer ≥ ${min}`, value);
      return min;
    }
    return value;
  }

  /** `"less than"` or `"at least"`. */
  relation(name: string): Relation {
    const value = this.get(name);
    if (value === undefined) return "at least";
    if (typeof value !== "string" || !(RELATIONS as readonly string[]).includes(value)) {
      const hint = typeof value === "string" ? suggestion(value, RELATIONS) : "";
      this.fail(name, `"less than" or "at least"`, value);
      if (hint !== "") this.errors[this.errors.length - 1] += hint;
      return "at least";
    }
    return value as Relation;
  }

  /** A string that is not blank. Returned as given unless `strip` (IFEval strips some). */
  text(name: string, options: { strip?: boolean } = {}): string {
    const value = this.get(name);
    if (value === undefined) return "";
    if (typeof value !== "string" || pyStrip(value) === "") {
      this.fail(name, "a non-empty string", value);
      return "";
    }
    return options.strip === true ? pyStrip(value) : value;
  }

  /** A non-empty list of non-blank strings. */
  textList(name: string): string[] {
    const value = this.get(name);
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.length === 0) {
      this.fail(name, "a non-empty list of strings", value);
      return [];
    }
    const bad = value.findIndex((v) => typeof v !== "string" || pyStrip(v) === "");
    if (bad >= 0) {
      this.fail(`${name}[${bad}]`, "a non-empty string", value[bad]);
      return [];
    }
    return value as string[];
  }

  /** Record a problem found by the instruction itself (e.g. one argument bounds another). */
  error(message: string): void {
    this.errors.push(message);
  }
}
