/**
 * Verdicts per second per judge kind on one core (this process is single-threaded):
 * `npx tsx bench/judges-rules.ts [--seconds 1]`. Responses are ~1 KB, like a typical RLHF
 * generation; each judge is warmed up before it is timed.
 *
 * The rate is per CPU-second of this process (process.cpuUsage), so it stays meaningful on a
 * shared, loaded machine where wall-clock time would mostly measure other processes; the
 * wall-clock rate is printed beside it.
 */

import { DEFAULT_EXTRACT } from "../runtime/judges/math_answer/extract.js";
import { createMathAnswerJudge } from "../runtime/judges/math_answer/index.js";
import { createContainsJudge, createJsonJudge, createLengthJudge, createRegexJudge } from "../runtime/judges/rules/index.js";
import type { Judge, Sample } from "../runtime/judges/types.js";

export interface BenchRow {
  readonly kind: string;
  /** Verdicts per CPU-second of this process. */
  readonly verdictsPerSecond: number;
  readonly microsPerVerdict: number;
  /** Verdicts per wall-clock second (lower than the CPU rate when the machine is busy). */
  readonly wallVerdictsPerSecond: number;
}

const PROSE =
  "To solve the problem we first restate it. A train leaves the station at 3 pm travelling at 60 km/h, and a second " +
  "train leaves the same station one hour later at 80 km/h on a parallel track. We want the time at which the second " +
  "train catches up with the first. Let t be the number of hours after 3 pm. The first train has covered 60t km and " +
  "the second 80(t - 1) km. Setting them equal gives 60t = 80t - 80, so 20t = 80 and t = 4. ";

/** About 1 KB of prose followed by `tail`. */
function response(tail: string): string {
  let text = "";
  while (text.length < 1000) text += PROSE;
  return `${text.slice(0, 1000)}\n${tail}`;
}

function samples(count: number, make: (i: number) => { response: string; fields?: Record<string, unknown> }): Sample[] {
  return Array.from({ length: count }, (_, i) => {
    const { response, fields = {} } = make(i);
    return { prompt: "Solve the problem.", response, fields };
  });
}

const JSON_SCHEMA = {
  text: JSON.stringify({
    type: "object",
    required: ["answer", "steps"],
    properties: { answer: { type: "number" }, steps: { type: "array", items: { type: "string" } }, unit: { type: "string" } },
  }),
  file: "answer.schema.json",
  slots: [],
};

const LATEX_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ["\\dfrac{3}{4}", "0.75"],
  ["2\\sqrt{2}", "\\sqrt{8}"],
  ["\\frac{\\sqrt{3}}{2}", "\\frac{\\sqrt3}{2}"],
  ["50\\%", "\\frac{1}{2}"],
  ["x^2+2x+1", "(x+1)^2"],
  ["\\left( 3, \\frac{\\pi}{2} \\right)", "(3, \\pi/2)"],
  ["5 \\text{ cm}", "5"],
  ["\\frac{x+1}{x-1}", "\\frac{1+x}{x-1}"],
];

function cases(): Array<{ kind: string; judge: Judge; samples: Sample[] }> {
  const math = (symbolic: boolean) =>
    createMathAnswerJudge("math", { answer: { field: "answer" }, extract: DEFAULT_EXTRACT, tolerance: 1e-6, symbolic });
  return [
    {
      kind: "regex",
      judge: createRegexJudge("r", { pattern: "the final answer is \\$?-?\\d+", flags: "i", expect: "match" }),
      samples: samples(64, (i) => ({ response: response(`The final answer is ${i}.`) })),
    },
    {
      kind: "contains (none, case-insensitive)",
      judge: createContainsJudge("c", { values: ["I cannot", "as an AI", "I'm sorry"], mode: "none", case_sensitive: false }),
      samples: samples(64, (i) => ({ response: response(`The final answer is ${i}.`) })),
    },
    {
      kind: "length (words)",
      judge: createLengthJudge("l", { unit: "words", min: 50, max: 400 }),
      samples: samples(64, (i) => ({ response: response(`The final answer is ${i}.`) })),
    },
    {
      kind: "json (fenced + schema)",
      judge: createJsonJudge("j", { schema: JSON_SCHEMA, extract: "fenced" }),
      samples: samples(64, (i) => ({
        response: response(`\`\`\`json\n${JSON.stringify({ answer: i, steps: ["restate", "set up 60t = 80(t-1)", "solve"], unit: "h" })}\n\`\`\``),
      })),
    },
    {
      kind: "math_answer (plain numbers)",
      judge: math(true),
      samples: samples(64, (i) => ({ response: response(`The final answer is ${i * 7}.`), fields: { answer: String(i * 7) } })),
    },
    {
      kind: "math_answer (LaTeX, CAS)",
      judge: math(true),
      samples: samples(64, (i) => {
        const [answer, reference] = LATEX_PAIRS[i % LATEX_PAIRS.length] as readonly [string, string];
        return { response: response(`So the result is $\\boxed{${answer}}$.`), fields: { answer: reference } };
      }),
    },
    {
      kind: "math_answer (math span only)",
      judge: math(true),
      samples: samples(64, (i) => ({ response: response(`Hence the answer is $${i * 3}$.`), fields: { answer: String(i * 3) } })),
    },
    {
      kind: "math_answer (relations, sets, ±)",
      judge: math(true),
      samples: samples(64, (i) => {
        const [answer, reference] = STRUCTURED_PAIRS[i % STRUCTURED_PAIRS.length] as readonly [string, string];
        return { response: response(`So the result is $\\boxed{${answer}}$.`), fields: { answer: reference } };
      }),
    },
  ];
}

/** Inequalities as intervals, sets, ± pairs, labelled tuples, rearranged equations. */
const STRUCTURED_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ["x \\geq 3", "[3, \\infty)"],
  ["3, 2, 1", "\\{1, 2, 3\\}"],
  ["x = \\pm 3", "3, -3"],
  ["(p, q) = (3, 2)", "(3, 2)"],
  ["2x + 2y = 10", "x + y = 5"],
  ["-2 < x \\le 5", "(-2, 5]"],
];

function measure(kind: string, judge: Judge, batch: readonly Sample[], seconds: number): BenchRow {
  const run = (until: number): number => {
    let count = 0;
    while (performance.now() < until) {
      for (const sample of batch) judge.evaluate(sample, {});
      count += batch.length;
    }
    return count;
  };
  run(performance.now() + Math.min(300, seconds * 300));
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const count = run(started + seconds * 1000);
  const wall = (performance.now() - started) / 1000;
  const cpuUsed = process.cpuUsage(cpuBefore);
  const cpu = (cpuUsed.user + cpuUsed.system) / 1e6;
  return { kind, verdictsPerSecond: count / cpu, microsPerVerdict: (cpu * 1e6) / count, wallVerdictsPerSecond: count / wall };
}

export function benchRuleJudges(seconds = 1): BenchRow[] {
  return cases().map(({ kind, judge, samples: batch }) => measure(kind, judge, batch, seconds));
}

function printTable(rows: readonly BenchRow[]): void {
  const width = Math.max(...rows.map((row) => row.kind.length), 10);
  const format = (n: number) => Math.round(n).toLocaleString("en-US");
  console.log(`${"judge".padEnd(width)}  ${"verdicts/cpu-s".padStart(14)}  ${"µs/verdict".padStart(10)}  ${"verdicts/wall-s".padStart(15)}`);
  console.log(`${"-".repeat(width)}  ${"-".repeat(14)}  ${"-".repeat(10)}  ${"-".repeat(15)}`);
  for (const row of rows) {
    console.log(
      `${row.kind.padEnd(width)}  ${format(row.verdictsPerSecond).padStart(14)}  ${row.microsPerVerdict.toFixed(2).padStart(10)}  ${format(row.wallVerdictsPerSecond).padStart(15)}`,
    );
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));
if (invokedDirectly) {
  const index = process.argv.indexOf("--seconds");
  const seconds = index === -1 ? 1 : Number(process.argv[index + 1] ?? "1");
  console.log(`node ${process.version}, one core, ~1 KB responses, ${seconds}s per judge\n`);
  printTable(benchRuleJudges(seconds));
}
