/**
 * Reading a sample's rule list (the CGPO paper's `if_requirements`) into plain requests.
 * Accepted shapes:
 *   - an array of rules, each `{ id, kwargs? }`, `{ instruction_id, kwargs? }` or a bare id;
 *   - IFEval's row shape `{ instruction_id_list: [...], kwargs: [...] }` (other keys, such as
 *     IFEval's `key` and `prompt`, are ignored);
 *   - a single rule object;
 *   - a JSON string of any of these, or a string of ids separated by commas or whitespace
 *     (the paper's `"if_requirements": "english_capital"`).
 * Problems come back as a value with the rule's index and what is wrong, never as a throw.
 */

export interface RuleRequest {
  readonly id: string;
  readonly kwargs: Readonly<Record<string, unknown>>;
}

export type ParsedRequirements =
  | { readonly ok: true; readonly rules: readonly RuleRequest[] }
  | { readonly ok: false; readonly detail: string };

const SHAPES =
  "expected an array of {id, kwargs} rules, an object with instruction_id_list and kwargs, " +
  "or a JSON string of either";

function fail(detail: string): ParsedRequirements {
  return { ok: false, detail };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** kwargs as given: an object, or absent/null for none. */
function readKwargs(value: unknown, where: string): Record<string, unknown> | string {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) return `${where}: kwargs must be an object, got ${kindOf(value)}`;
  return value;
}

function readRule(item: unknown, index: number): RuleRequest | string {
  const where = `rules[${index}]`;
  if (typeof item === "string") return { id: item.trim(), kwargs: {} };
  if (!isRecord(item)) return `${where}: expected a rule object or an id string, got ${kindOf(item)}`;
  const unknown = Object.keys(item).filter((k) => k !== "id" && k !== "instruction_id" && k !== "kwargs");
  if (unknown.length > 0) {
    return `${where}: unknown key ${JSON.stringify(unknown[0])} (a rule has "id" or "instruction_id", and "kwargs")`;
  }
  if ("id" in item && "instruction_id" in item) return `${where}: give "id" or "instruction_id", not both`;
  const id = item.id ?? item.instruction_id;
  if (typeof id !== "string" || id.trim() === "") return `${where}: "id" must be a non-empty string, got ${kindOf(id)}`;
  const kwargs = readKwargs(item.kwargs, where);
  return typeof kwargs === "string" ? kwargs : { id: id.trim(), kwargs };
}

function fromArray(items: readonly unknown[]): ParsedRequirements {
  const rules: RuleRequest[] = [];
  for (const [i, item] of items.entries()) {
    const rule = readRule(item, i);
    if (typeof rule === "string") return fail(rule);
    rules.push(rule);
  }
  return { ok: true, rules };
}

/** IFEval's parallel lists. */
function fromIfevalRow(row: Record<string, unknown>): ParsedRequirements {
  const ids = row.instruction_id_list;
  if (!Array.isArray(ids)) return fail(`instruction_id_list must be an array of ids, got ${kindOf(ids)}`);
  const kwargsList = row.kwargs ?? null;
  if (kwargsList !== null && !Array.isArray(kwargsList)) return fail(`kwargs must be an array (one object per instruction), got ${kindOf(kwargsList)}`);
  if (kwargsList !== null && kwargsList.length !== ids.length) {
    return fail(`instruction_id_list has ${ids.length} id(s) but kwargs has ${kwargsList.length} object(s)`);
  }
  const rules: RuleRequest[] = [];
  for (const [i, id] of ids.entries()) {
    if (typeof id !== "string" || id.trim() === "") return fail(`instruction_id_list[${i}] must be a non-empty string, got ${kindOf(id)}`);
    const kwargs = readKwargs(kwargsList?.[i], `kwargs[${i}]`);
    if (typeof kwargs === "string") return fail(kwargs.replace(": kwargs must", " must"));
    rules.push({ id: id.trim(), kwargs });
  }
  return { ok: true, rules };
}

function fromString(text: string): ParsedRequirements {
  const trimmed = text.trim();
  if (trimmed === "") return fail(`empty string; ${SHAPES}`);
  if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (e) {
      return fail(`not valid JSON: ${(e as Error).message}`);
    }
    return typeof parsed === "string" ? fail(SHAPES) : parseRequirements(parsed);
  }
  return fromArray(trimmed.split(/[\s,]+/).filter((id) => id !== ""));
}

/** Read a rule list from a sample field. */
export function parseRequirements(raw: unknown): ParsedRequirements {
  if (typeof raw === "string") return fromString(raw);
  if (Array.isArray(raw)) return fromArray(raw);
  if (isRecord(raw)) {
    if ("instruction_id_list" in raw) return fromIfevalRow(raw);
    if ("id" in raw || "instruction_id" in raw) return fromArray([raw]);
    return fail(`${SHAPES}; got an object with keys ${Object.keys(raw).slice(0, 5).map((k) => JSON.stringify(k)).join(", ") || "(none)"}`);
  }
  return fail(`${SHAPES}; got ${kindOf(raw)}`);
}
