/**
 * The `instructions` judge: IFEval's verifiable instructions, read per sample from a data
 * field, checked strictly or loosely. A sample is satisfied when it follows every instruction.
 *
 * Rule lists repeat across samples (the same prompt is sampled K times; the server sees the
 * same rows again every epoch), so compiled lists are cached per judge, keyed by the field's
 * value, errors included.
 */
import { z } from "zod";
import { judgeError, satisfied, violated, type Judge, type Judgement, type Sample } from "../types.js";
import type { CompiledRequirements, CompiledRule } from "./compile.js";
import { evaluateRules, type Mode } from "./evaluate.js";
import { FifoCache } from "./fifo-cache.js";
import { compileField, fromJsonText } from "./problem.js";
import { suggestion } from "./suggest.js";
import type { TextView } from "./view.js";

/**
 * The judge's fields as the plan carries them (docs/plan.md: `requirements` is a `field`,
 * `mode` defaults to strict). The plan's judge object also holds `variant`, `on_error` and
 * `scope`, which belong to the MoJ; they are stripped here, not rejected.
 */
export const instructionsJudgeConfigSchema = z.object({
  requirements: z.object({ field: z.string().min(1) }).strict(),
  /** IFEval's two columns: `requirements` names `instruction_id_list`, this names `kwargs`. */
  kwargs: z.object({ field: z.string().min(1) }).strict().nullable().default(null),
  mode: z.enum(["strict", "loose"]).default("strict"),
}).refine((config) => config.kwargs === null || config.kwargs.field !== config.requirements.field, {
  message: "kwargs must name a different field from requirements",
  path: ["kwargs"],
});

export interface InstructionsJudgeConfig {
  readonly requirements: { readonly field: string };
  readonly kwargs?: { readonly field: string } | null;
  readonly mode: Mode;
}

const CACHE_ENTRIES = 4096;
const DETAIL_CHARS = 600;

function truncate(s: string): string {
  return s.length <= DETAIL_CHARS ? s : `${s.slice(0, DETAIL_CHARS - 1)}…`;
}

/**
 * Compiled rule lists by field value: strings by themselves, objects by identity and, when
 * a new object arrives (each request parses its own JSON), by their JSON text. Dataset rows
 * are taken as immutable: a rule object changed after it was judged keeps its old rules.
 */
class RequirementsCache {
  private readonly byObject = new WeakMap<object, CompiledRequirements>();
  private readonly byText = new FifoCache<string, CompiledRequirements>(CACHE_ENTRIES);

  get(raw: unknown): CompiledRequirements {
    if (typeof raw === "string") return this.viaText(raw, raw);
    if (typeof raw !== "object" || raw === null) return compileField(raw);
    let hit = this.byObject.get(raw);
    if (hit === undefined) {
      hit = this.viaText(jsonKey(raw), raw);
      this.byObject.set(raw, hit);
    }
    return hit;
  }

  private viaText(key: string | undefined, raw: unknown): CompiledRequirements {
    if (key === undefined) return compileField(raw);
    let hit = this.byText.get(key);
    if (hit === undefined) this.byText.set(key, (hit = compileField(raw)));
    return hit;
  }
}

/** `\u0000` + JSON text, so that it cannot equal a string field value; undefined if unserialisable. */
function jsonKey(raw: object): string | undefined {
  try {
    return `\u0000${JSON.stringify(raw)}`;
  } catch {
    return undefined; // cyclic or BigInt: not cacheable, and parsing will report it
  }
}

function violation(failed: readonly CompiledRule[], total: number, view: TextView): Judgement {
  const parts = failed.map((r) => `${r.id}[${r.index}]: ${r.checker.explain(view)}`);
  return violated("instruction_not_followed", truncate(`${failed.length} of ${total} not followed: ${parts.join("; ")}`));
}

/** The field's value, or undefined when the sample lacks it or holds null. */
function lookup(sample: Sample, field: string): unknown {
  const raw = Object.hasOwn(sample.fields, field) ? sample.fields[field] : undefined;
  return raw === null ? undefined : raw;
}

function missing(sample: Sample, field: string): Judgement {
  const hint = suggestion(field, Object.keys(sample.fields));
  return judgeError("requirements_missing", `the sample has no field ${JSON.stringify(field)}${hint}`);
}

/**
 * IFEval's own layout: the ids in one column and their kwargs in another, read as one IFEval
 * row. A column stored as JSON text (a CSV export) is parsed first. The row object is cached
 * per (ids, kwargs) value identity, so the requirements cache keeps hitting by identity.
 */
class ColumnsCache {
  private readonly byIds = new WeakMap<object, WeakMap<object, object>>();

  pair(ids: unknown, kwargs: unknown): object {
    const row = () => ({ instruction_id_list: fromJsonText(ids), kwargs: fromJsonText(kwargs) });
    if (typeof ids !== "object" || ids === null || typeof kwargs !== "object" || kwargs === null) return row();
    let inner = this.byIds.get(ids);
    if (inner === undefined) this.byIds.set(ids, (inner = new WeakMap()));
    let hit = inner.get(kwargs);
    if (hit === undefined) inner.set(kwargs, (hit = row()));
    return hit;
  }
}

/** Create an `instructions` judge named `name`. Throws on an invalid configuration. */
export function createInstructionsJudge(name: string, config: InstructionsJudgeConfig): Judge {
  const { requirements, kwargs, mode } = instructionsJudgeConfigSchema.parse(config);
  const columns = new ColumnsCache();
  const cache = new RequirementsCache();

  const evaluate = (sample: Sample): Judgement => {
    let raw = lookup(sample, requirements.field);
    if (raw === undefined) return missing(sample, requirements.field);
    if (kwargs !== null) {
      const args = lookup(sample, kwargs.field);
      if (args === undefined) return missing(sample, kwargs.field);
      raw = columns.pair(raw, args);
    }
    if (typeof sample.response !== "string") return judgeError("invalid_response", "the response is not a string");
    const rules = cache.get(raw);
    if (!rules.ok) return judgeError(rules.reason, truncate(rules.detail));
    const { failed, view } = evaluateRules(rules.rules, sample.response, mode);
    if (failed.length > 0) return violation(failed, rules.rules.length, view);
    return satisfied(rules.rules.length === 0 ? "no_instructions" : "all_followed");
  };

  return {
    name,
    variant: "instructions",
    evaluate(sample: Sample): Judgement {
      try {
        return evaluate(sample);
      } catch (e) {
        // A bug here must cost one verdict, not the batch.
        return judgeError("internal_error", truncate(String((e as Error)?.stack ?? e)));
      }
    },
  };
}
