/**
 * The first rows of each dataset file, read once per check run and shared by the data rules
 * (a WeakMap keyed by the rule context, so nothing outlives the run).
 */
import { isAbsolute, resolve } from "node:path";
import { parseJsonlHead, readJsonlHead, type DatasetHead } from "../../../data/jsonl.js";
import type { RuleContext } from "../../rule.js";

const cache = new WeakMap<RuleContext, Map<string, DatasetHead>>();

export function datasetHead(context: RuleContext, path: string): DatasetHead {
  let heads = cache.get(context);
  if (!heads) {
    heads = new Map();
    cache.set(context, heads);
  }
  let head = heads.get(path);
  if (!head) {
    head = readHead(context, path);
    heads.set(path, head);
  }
  return head;
}

/**
 * A bounded read from disk (datasets can be gigabytes, and the host would read them whole);
 * when the disk has no such file, the compiler host may still serve it (in-memory files in
 * tests and the language server).
 */
function readHead(context: RuleContext, path: string): DatasetHead {
  const fromDisk = readJsonlHead(isAbsolute(path) ? path : resolve(context.rootDir, path));
  if (fromDisk.kind !== "missing") return fromDisk;
  const text = context.readFile(path);
  return text === undefined ? fromDisk : { kind: "ok", ...parseJsonlHead(text) };
}
