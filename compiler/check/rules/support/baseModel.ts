import type { Plan } from "../../../plan/types.js";

type Obj = Record<string, unknown>;

/** The declared model a stage's model input comes from, following `s.model` through stages. */
export function baseModel(plan: Plan, input: unknown, seen = new Set<string>()): string | undefined {
  const ref = input as Obj | null;
  if (ref === null || typeof ref !== "object") return undefined;
  if (typeof ref["model"] === "string") return ref["model"];
  const stage = ref["stage"];
  if (typeof stage !== "string" || seen.has(stage)) return undefined;
  seen.add(stage);
  const decl = plan.stages[stage] as Obj | undefined;
  return decl === undefined ? undefined : baseModel(plan, decl["model"] ?? decl["policy"], seen);
}

