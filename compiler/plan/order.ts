/**
 * A topological order of the stage DAG: Kahn's algorithm, taking ready stages in declaration
 * order so the plan reads like the recipe. Stages on a cycle (reported by a rule) come last,
 * in declaration order, so the order is still total and deterministic.
 */
export function stageOrder(stages: readonly { readonly name: string; readonly needs: readonly string[] }[]): string[] {
  const index = new Map(stages.map((s, i) => [s.name, i]));
  const pending = new Map(stages.map((s) => [s.name, new Set(s.needs.filter((n) => index.has(n) && n !== s.name))]));
  const order: string[] = [];
  while (pending.size > 0) {
    const ready = [...pending].filter(([, needs]) => needs.size === 0).map(([name]) => name);
    if (ready.length === 0) break;
    ready.sort((a, b) => index.get(a)! - index.get(b)!);
    const next = ready[0]!;
    order.push(next);
    pending.delete(next);
    for (const needs of pending.values()) needs.delete(next);
  }
  const rest = [...pending.keys()].sort((a, b) => index.get(a)! - index.get(b)!);
  return [...order, ...rest];
}
