/**
 * plan.json bytes. The lowering builds objects in output order (schema order, maps sorted),
 * so serializing is JSON.stringify with two-space indentation and a final newline; the same
 * plan always gives the same bytes.
 */
export function serializePlan(plan: unknown): string {
  return JSON.stringify(plan, null, 2) + "\n";
}
