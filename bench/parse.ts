/**
 * Parse throughput of the grammar on a generated ~5 MB recipe, against the same content as
 * YAML through the `yaml` package and as JSON through `JSON.parse`, in one run.
 *
 *   npx tsx bench/parse.ts [megabytes]
 *
 * Prints MB/s for each (over each format's own text) and the time ratios. The equivalent
 * YAML and JSON are produced from the parsed AST, so all three describe the same data.
 */
import { performance } from "node:perf_hooks";
import YAML from "yaml";
import type { Block, Declaration, Value } from "../grammar/ast.js";
import { parse } from "../grammar/index.js";
import { AlignParser } from "../grammar/parser.js";
import { generateRecipe } from "./generateRecipe.js";

/** The data a recipe denotes, as plain JSON-able values (what YAML or JSON would hold). */
function declarationData(d: Declaration): unknown {
  return {
    kind: d.declKind.name,
    ...(d.variant ? { variant: d.variant.name, args: d.args.map((a) => valueData(a.value)) } : {}),
    ...(d.body ? blockData(d.body) : {}),
  };
}

function blockData(b: Block): Record<string, unknown> {
  return Object.fromEntries(b.fields.map((f) => [f.name.name, valueData(f.value)]));
}

function valueData(v: Value): unknown {
  switch (v.kind) {
    case "String":
    case "Number":
    case "Boolean":
      return v.value;
    case "Duration":
      return v.raw;
    case "Size":
      return v.raw;
    case "Reference":
      return v.path.map((p) => p.name).join(".");
    case "List":
      return v.items.map(valueData);
    case "Block":
      return blockData(v);
    case "Call":
      return { call: v.callee.path.map((p) => p.name).join("."), args: v.args.map((a) => valueData(a.value)), ...(v.block ? blockData(v.block) : {}) };
    case "ErrorValue":
      return null;
  }
}

/** Fastest of `runs` calls of `fn`, in seconds (the least disturbed by the rest of the machine). */
function time(fn: () => unknown, runs: number): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return best;
}

function main(): void {
  const megabytes = Number(process.argv[2] ?? 5);
  let start = performance.now();
  new AlignParser();
  const constructMs = performance.now() - start;
  start = performance.now();
  new AlignParser({ validate: true });
  const constructValidatedMs = performance.now() - start;

  const text = generateRecipe(megabytes * 1e6);
  const first = parse(text, "bench.align");
  if (first.diagnostics.length > 0) throw new Error(`generated recipe has errors: ${first.diagnostics[0]!.message}`);
  const data = Object.fromEntries(
    first.document.items.flatMap((d) => (d.kind === "Declaration" ? [[d.name?.name ?? d.declKind.name, declarationData(d)]] : [])),
  );
  const yamlText = YAML.stringify(data);
  const jsonText = JSON.stringify(data, null, 2);

  const runs = Number(process.env["BENCH_RUNS"] ?? 3);
  const tAlign = time(() => parse(text, "bench.align"), runs);
  const tYaml = time(() => YAML.parse(yamlText), runs);
  const tJson = time(() => JSON.parse(jsonText), runs);
  const mbps = (chars: number, s: number): string => `${(chars / 1e6 / s).toFixed(1)} MB/s`;
  console.log(`parser construction: ${constructMs.toFixed(1)} ms (skipValidations), ${constructValidatedMs.toFixed(1)} ms (with validations)`);
  console.log(`align parse  ${(text.length / 1e6).toFixed(2)} MB in ${(tAlign * 1000).toFixed(0)} ms: ${mbps(text.length, tAlign)}`);
  console.log(`yaml.parse   ${(yamlText.length / 1e6).toFixed(2)} MB in ${(tYaml * 1000).toFixed(0)} ms: ${mbps(yamlText.length, tYaml)}`);
  console.log(`JSON.parse   ${(jsonText.length / 1e6).toFixed(2)} MB in ${(tJson * 1000).toFixed(0)} ms: ${mbps(jsonText.length, tJson)}`);
  console.log(`same content: align is ${(tYaml / tAlign).toFixed(2)}x faster than yaml.parse, ${(tAlign / tJson).toFixed(2)}x slower than JSON.parse`);
}

main();
