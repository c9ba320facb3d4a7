/**
 * Memory of `align check` on error-dense input: peak RSS per byte of recipe for files made of
 * one slip repeated, against a clean recipe of the same size checked the same way (the
 * baseline, same run), and the number of diagnostics each returns (capped per file). Each case
 * runs in a fresh process so one peak does not hide another.
 *
 *   npm run build && node dist/bench/check-dense.js [--mb 1]
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { compile, memoryHost } from "../compiler/index.js";
import { formatRow } from "./lib/measure.js";

/** One unit of each input, repeated to the size asked; `clean` is the baseline. */
const UNITS: Readonly<Record<string, (i: number) => string>> = {
  clean: (i) => `judge j${i} = math_answer { answer = field("answer") }\n`,
  "stray braces": () => "}",
  "unexpected characters": () => "@",
  "doubled exponent signs": (i) => `stage s${i} = sft { lr = 1e--6 }\n`,
  "unit typos": (i) => `judge j${i} = math_answer { answer = 1x }\n`,
  "yaml key: value": (i) => `stage s${i} = sft { lr: 1 }\n`,
  "single quotes": () => "'a' ",
  "lone equals": () => "= ",
};

function generate(kind: string, bytes: number): string {
  const unit = UNITS[kind]!;
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const part = unit(i);
    parts.push(part);
    size += part.length;
  }
  return parts.join("");
}

interface Measured {
  readonly bytes: number;
  readonly diagnostics: number;
  readonly rssPerByte: number;
  readonly ms: number;
}

/** In the child: generate, then check once, and report the peak RSS the check added. */
function child(kind: string, megabytes: number): void {
  const text = generate(kind, megabytes * 1e6);
  const before = process.memoryUsage().rss;
  const start = process.hrtime.bigint();
  const result = compile("/bench/dense.align", { host: memoryHost({ "/bench/dense.align": text }) });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const peak = process.resourceUsage().maxRSS * 1024;
  const measured: Measured = { bytes: text.length, diagnostics: result.diagnostics.length, rssPerByte: (peak - before) / text.length, ms };
  process.stdout.write(JSON.stringify(measured));
}

function argValue(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function main(): void {
  const childAt = process.argv.indexOf("--child");
  const megabytes = argValue("mb", 1);
  if (childAt >= 0) return child(process.argv[childAt + 1]!, megabytes);
  const self = fileURLToPath(import.meta.url);
  const run = (kind: string) => JSON.parse(execFileSync(process.execPath, [self, "--child", kind, "--mb", String(megabytes)], { encoding: "utf8" })) as Measured;
  const baseline = run("clean");
  const widths = [24, 12, 14, 14, 12, 10];
  console.log(`align check on ~${megabytes} MB recipes, one process per case; peak RSS added by the check, per byte of recipe`);
  console.log(formatRow(["input", "bytes", "RSS / byte", "vs clean", "diagnostics", "ms"], widths));
  for (const kind of Object.keys(UNITS)) {
    const m = kind === "clean" ? baseline : run(kind);
    console.log(formatRow([kind, m.bytes, m.rssPerByte.toFixed(0), `${(m.rssPerByte / baseline.rssPerByte).toFixed(2)}x`, m.diagnostics, m.ms.toFixed(0)], widths));
  }
}

main();
