/**
 * Parse + check throughput of the compiler on a generated ~5 MB recipe, against the same
 * content parsed as YAML (the `yaml` package) and as JSON (`JSON.parse`), in one run (and the
 * full parser, which files with syntax errors take, beside the well-formed fast path); then the
 * whole-process time of `align check recipes/cgpo.align` against bare `node -e 0`.
 *
 *   npm run build && node --expose-gc dist/bench/check.js [--mb 5] [--runs 5]
 *
 * Figures are ratios against baselines measured in the same run: these machines are noisy.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { compile, memoryHost } from "../compiler/index.js";
import { parse, parseWithRecovery } from "../grammar/index.js";
import { generateRecipe } from "./lib/generateRecipe.js";
import { formatRow, loadLine, medianOf, procCpuMs, timeAndCpuMedian } from "./lib/measure.js";

/** The repository root, whether this runs from bench/ (tsx) or dist/bench/ (built). */
function findRepo(start: string): string {
  for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
  }
  return process.cwd();
}

const REPO = findRepo(dirname(fileURLToPath(import.meta.url)));

function argValue(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function throughput(): void {
  const megabytes = argValue("mb", 5);
  const runs = argValue("runs", 5);
  const recipe = generateRecipe(megabytes * 1e6);
  const file = join(REPO, ".bench-out", "generated.align");
  const host = memoryHost({ [file]: recipe.align });

  const parsed = parse(recipe.align, file);
  const checked = compile(file, { host });
  const errors = checked.diagnostics.filter((d) => d.severity === "error");
  if (parsed.diagnostics.length > 0 || errors.length > 0) {
    throw new Error(`generated recipe does not check clean: ${JSON.stringify((errors[0] ?? parsed.diagnostics[0])?.message)}`);
  }

  const rows: Array<[string, number, { wallMs: number; cpuMs: number }]> = [];
  const add = (name: string, bytes: number, fn: () => unknown) => rows.push([name, bytes, timeAndCpuMedian(fn, runs)]);
  add("JSON.parse (same content)", recipe.json.length, () => JSON.parse(recipe.json));
  add("yaml.parse (same content)", recipe.yaml.length, () => parseYaml(recipe.yaml));
  add("align parse", recipe.align.length, () => parse(recipe.align, file));
  // The full parser (tokens, CST, lowering, recovery): what a file with a syntax error gets.
  add("align parse, full parser", recipe.align.length, () => parseWithRecovery(recipe.align, file));
  add("align parse + check", recipe.align.length, () => compile(file, { host }));

  const yamlMs = rows[1]![2].wallMs;
  console.log(`generated recipe: ${(recipe.align.length / 1e6).toFixed(2)} MB of .align, ${recipe.declarations} declarations; median of ${runs} runs`);
  const widths = [28, 8, 10, 8, 12, 10, 14];
  console.log(formatRow(["", "MB", "wall ms", "MB/s", "time vs yaml", "CPU ms", "MB/CPU-s"], widths));
  for (const [name, bytes, { wallMs, cpuMs }] of rows) {
    const mb = bytes / 1e6;
    console.log(formatRow([name, mb.toFixed(2), wallMs.toFixed(1), (mb / (wallMs / 1000)).toFixed(1), `${(wallMs / yamlMs).toFixed(2)}x`, cpuMs.toFixed(1), (mb / (cpuMs / 1000)).toFixed(1)], widths));
  }
}

/** Median wall time of a whole process, and its mean CPU time where /proc tells (Linux). */
function processTime(command: string, args: readonly string[], runs: number): { wall: number; cpu: number | undefined } {
  const times: number[] = [];
  execFileSync(command, args, { cwd: REPO, stdio: "ignore" });
  const cpuBefore = procCpuMs("self", true);
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    execFileSync(command, args, { cwd: REPO, stdio: "ignore" });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const cpuAfter = procCpuMs("self", true);
  return { wall: medianOf(times), cpu: cpuBefore !== undefined && cpuAfter !== undefined ? (cpuAfter - cpuBefore) / runs : undefined };
}

function startup(): void {
  const cli = join(REPO, "bin", "align.js");
  const recipe = join(REPO, "recipes", "cgpo.align");
  if (!existsSync(recipe)) return console.log("recipes/cgpo.align missing: start-up comparison skipped");
  const runs = argValue("runs", 5) * 2;
  const bare = processTime(process.execPath, ["-e", "0"], runs);
  const check = processTime(process.execPath, [cli, "check", recipe], runs);
  console.log(`\nwhole process, median of ${runs}: node -e 0 ${bare.wall.toFixed(0)} ms; align check recipes/cgpo.align ${check.wall.toFixed(0)} ms (${(check.wall / bare.wall).toFixed(2)}x bare node)`);
  if (bare.cpu !== undefined && check.cpu !== undefined) {
    console.log(`CPU time, mean of ${runs}: node -e 0 ${bare.cpu.toFixed(0)} ms; align check recipes/cgpo.align ${check.cpu.toFixed(0)} ms (${(check.cpu / bare.cpu).toFixed(2)}x bare node)`);
  }
}

console.log(loadLine("before"));
throughput();
startup();
console.log(loadLine("after"));
