/**
 * The data fields a DATA value provides: a dataset's mapped logical fields, or what a
 * dataset-producing stage adds to its input's fields (docs/plan.md § stage). Rules use it to
 * check template slots, judge inputs and the fields training stages need.
 */
import type { DataPlan, Plan } from "../../../plan/types.js";

export interface DataFields {
  readonly fields: ReadonlySet<string>;
  /** Column name → the logical field it is mapped to, for "write `{prompt}`" hints. */
  readonly columns?: ReadonlyMap<string, string>;
  /** Human wording of the source: "dataset `chat`", "the output of stage `induce`". */
  readonly origin: string;
}

/** The field a generate stage writes its response to (an optional `response_field`, else `response`). */
export function responseField(stage: object): string {
  const value = (stage as Record<string, unknown>)["response_field"];
  return typeof value === "string" && value !== "" ? value : "response";
}

/**
 * Fields of a DATA value, or undefined when they cannot be known (a declaration left out of
 * the plan because it was ill-typed, or a stage cycle); rules then stay silent.
 */
export function fieldsOfData(plan: Plan, data: DataPlan, seen: ReadonlySet<string> = new Set()): DataFields | undefined {
  if ("dataset" in data) {
    const dataset = plan.datasets[data.dataset];
    if (!dataset) return undefined;
    const mapped = Object.entries(dataset.fields).filter((entry): entry is [string, string] => entry[1] != null);
    const columns = new Map(mapped.map(([logical, column]) => [column, logical]));
    return { fields: new Set(mapped.map(([logical]) => logical)), columns, origin: `dataset \`${data.dataset}\`` };
  }
  if ("render" in data) {
    const input = fieldsOfData(plan, data.render.from, seen);
    return input && { ...input, fields: renderedFields(input.fields), origin: "the inline render" };
  }
  return stageFields(plan, data.stage, seen);
}

function stageFields(plan: Plan, name: string, seen: ReadonlySet<string>): DataFields | undefined {
  const stage = plan.stages[name];
  if (!stage || seen.has(name)) return undefined;
  const next = new Set([...seen, name]);
  const origin = `the output of stage \`${name}\``;
  switch (stage.variant) {
    case "generate": {
      const source = stage.prompts ?? stage.from;
      const input = source ? fieldsOfData(plan, source, next) : undefined;
      if (!input) return undefined;
      const judged = stage.judges.length > 0 || stage.keep.type !== "all";
      return { ...input, fields: new Set([...input.fields, responseField(stage), "source", ...(judged ? ["verdicts"] : [])]), origin };
    }
    case "judge": {
      const input = fieldsOfData(plan, stage.from, next);
      return input && { ...input, fields: new Set([...input.fields, "verdicts"]), origin };
    }
    case "render": {
      const input = fieldsOfData(plan, stage.from, next);
      return input && { ...input, fields: renderedFields(input.fields), origin };
    }
    default:
      return undefined;
  }
}

/** A rendered row keeps its input's fields; the template becomes `prompt`, the target `target`. */
function renderedFields(input: ReadonlySet<string>): Set<string> {
  return new Set([...input, "prompt", "target"]);
}

/** Lists fields for a note: "prompt, answer". */
export function listFields(fields: Iterable<string>): string {
  const sorted = [...fields].sort();
  return sorted.length === 0 ? "(none)" : sorted.join(", ");
}

/** A hint when a name is a column rather than a logical field: "`question` is mapped to `prompt`". */
export function columnHint(data: DataFields, name: string, write: (logical: string) => string): string | undefined {
  const logical = data.columns?.get(name);
  return logical === undefined || logical === name ? undefined : `\`${name}\` is a column, mapped to the field \`${logical}\`: write ${write(logical)}`;
}
