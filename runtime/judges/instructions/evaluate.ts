/**
 * IFEval's two ways of reading a response.
 *
 * strict: the response as given; a blank response follows nothing.
 * loose: an instruction is followed if any of eight readings follows it: the response, the
 *   response without its first line, without its last line, without both (each of those
 *   stripped), and each of these four with every `*` removed. This forgives a preamble
 *   ("Sure, here is...") or a closing remark, and markdown emphasis around words.
 *
 * The loose readings are built only when the strict reading fails an instruction, and each
 * distinct text gets one TextView, so its derived values are computed once.
 */
import type { CompiledRule } from "./compile.js";
import { isBlank, pyStrip } from "./text/pystr.js";
import { TextView } from "./view.js";

export type Mode = "strict" | "loose";

/** The eight loose readings, in IFEval's order (the first is the response itself). */
export function looseReadings(response: string): string[] {
  const first = response.indexOf("\n");
  const last = response.lastIndexOf("\n");
  // Python: "\n".join(r[1:]), "\n".join(r[:-1]), "\n".join(r[1:-1]) with r = response.split("\n").
  const removeFirst = first < 0 ? "" : pyStrip(response.slice(first + 1));
  const removeLast = last < 0 ? "" : pyStrip(response.slice(0, last));
  const removeBoth = first < 0 || first === last ? "" : pyStrip(response.slice(first + 1, last));
  const noStars = (s: string) => (s.includes("*") ? s.replaceAll("*", "") : s);
  return [
    response, noStars(response), removeFirst, removeLast, removeBoth,
    noStars(removeFirst), noStars(removeLast), noStars(removeBoth),
  ];
}

/** Lazily built, de-duplicated views of the loose readings other than the response itself. */
class Readings {
  private views: TextView[] | undefined;

  constructor(private readonly strict: TextView) {}

  /** Built on the first call; later calls return the same views. */
  others(): readonly TextView[] {
    if (this.views === undefined) {
      const seen = new Set<string>([this.strict.text]);
      this.views = [];
      for (const text of looseReadings(this.strict.text)) {
        if (seen.has(text) || isBlank(text)) continue;
        seen.add(text);
        this.views.push(new TextView(text));
      }
    }
    return this.views;
  }
}

export interface Evaluation {
  /** Rules the response does not follow under the mode (empty when it follows all). */
  readonly failed: readonly CompiledRule[];
  /** The response's view, with whatever the checks computed (for explanations). */
  readonly view: TextView;
}

/** Check every rule against the response under `mode`. */
export function evaluateRules(rules: readonly CompiledRule[], response: string, mode: Mode): Evaluation {
  const view = new TextView(response);
  const blank = isBlank(response);
  const readings = mode === "loose" ? new Readings(view) : undefined;
  const failed: CompiledRule[] = [];
  for (const rule of rules) {
    if (!blank && rule.checker.check(view)) continue;
    if (readings?.others().some((other) => rule.checker.check(other)) === true) continue;
    failed.push(rule);
  }
  return { failed, view };
}

/** Rules the response does not follow under `mode` (empty when it follows all). */
export function failedRules(rules: readonly CompiledRule[], response: string, mode: Mode): readonly CompiledRule[] {
  return evaluateRules(rules, response, mode).failed;
}
