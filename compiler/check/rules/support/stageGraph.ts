/** The stage DAG as edges read from the plan: a stage depends on every stage it references. */
import type { Plan } from "../../../plan/types.js";

/** Stage names referenced anywhere inside `value` as `{"stage": name, ...}`. */
export function stageReferences(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) stageReferences(item, out);
  } else if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (typeof record["stage"] === "string") out.add(record["stage"]);
    for (const item of Object.values(record)) stageReferences(item, out);
  }
  return out;
}

/** Dependencies of each stage (its `needs` plus every stage reference in its fields). */
export function stageDependencies(plan: Plan): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [name, stage] of Object.entries(plan.stages)) {
    const deps = stageReferences(stage);
    for (const need of stage.needs) deps.add(need);
    graph.set(name, [...deps].filter((dep) => dep in plan.stages).sort());
  }
  return graph;
}

/**
 * The cycles of the graph, each once, as paths starting and ending at the same stage
 * (["a", "b", "a"]). Found with Tarjan's strongly connected components, then one concrete
 * cycle per component by walking inside it.
 */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  return stronglyConnected(graph)
    .filter((component) => component.length > 1 || (graph.get(component[0]!) ?? []).includes(component[0]!))
    .map((component) => cycleWithin(graph, new Set(component), [...component].sort()[0]!));
}

function stronglyConnected(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component);
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return components;
}

/** A shortest walk from `start` back to itself inside the component (breadth first). */
function cycleWithin(graph: ReadonlyMap<string, readonly string[]>, members: ReadonlySet<string>, start: string): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) return [...pathTo(previous, node, start), start];
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

function pathTo(previous: ReadonlyMap<string, string>, node: string, start: string): string[] {
  const path = [node];
  while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
  return path;
}
