/**
 * Verdicts per CPU-second of the math_answer and instructions judges in this checkout against
 * another checkout of the project (a baseline), in one process, on the same samples: rounds
 * alternate which side runs first, and the best round of each side is compared.
 *
 *   git worktree add /tmp/align-base <commit>   # or any copy with runtime/ and package.json
 *   npx tsx bench/judges-compare.ts /tmp/align-base
 *
 * The baseline's math_answer runs with its own default extraction (`final_answer, boxed,
 * last_number` before `last_math` existed), this checkout's with `final_answer, boxed,
 * last_math`: the defaults each would run in a recipe.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

interface AnyJudge {
  evaluate(sample: unknown, context: unknown): unknown;
}
type Factory = (name: string, config: unknown) => AnyJudge;

const baseDir = process.argv[2];
if (baseDir === undefined || !existsSync(join(baseDir, "runtime/judges/math_answer/index.ts"))) {
  console.error("usage: npx tsx bench/judges-compare.ts BASELINE_CHECKOUT (a directory with runtime/judges/)");
  process.exit(2);
}

async function factories(root: string): Promise<{ math: Factory; instructions: Factory }> {
  const load = async (path: string) => (await import(pathToFileURL(resolve(root, path)).href)) as Record<string, Factory>;
  const math = (await load("runtime/judges/math_answer/index.ts")).createMathAnswerJudge as Factory;
  const instructions = (await load("runtime/judges/instructions/index.ts")).createInstructionsJudge as Factory;
  return { math, instructions };
}

const PROSE =
  "To solve the problem we first restate it. A train leaves the station at 3 pm travelling at 60 km/h, and a second " +
  "train leaves one hour later at 80 km/h. Setting them equal gives 60t = 80t - 80, so 20t = 80 and t = 4. ";
const body = (tail: string) => `${PROSE.repeat(5).slice(0, 1000)}\n${tail}`;
const LATEX = [["\\dfrac{3}{4}", "0.75"], ["2\\sqrt{2}", "\\sqrt{8}"], ["x^2+2x+1", "(x+1)^2"], ["\\left( 3, \\frac{\\pi}{2} \\right)", "(3, \\pi/2)"], ["5 \\text{ cm}", "5"], ["50\\%", "\\frac{1}{2}"]] as const;
const MATH: Record<string, { prompt: string; response: string; fields: Record<string, unknown> }[]> = {
  "math_answer plain (final answer)": Array.from({ length: 64 }, (_, i) => ({ prompt: "", response: body(`The final answer is ${i * 7}.`), fields: { answer: String(i * 7) } })),
  "math_answer LaTeX boxed (CAS)": Array.from({ length: 64 }, (_, i) => ({ prompt: "", response: body(`So the result is $\\boxed{${LATEX[i % LATEX.length]![0]}}$.`), fields: { answer: LATEX[i % LATEX.length]![1] } })),
  "math_answer no marker (fallback)": Array.from({ length: 64 }, (_, i) => ({ prompt: "", response: body(`Hence the answer is $${i * 3}$.`), fields: { answer: String(i * 3) } })),
};
const RULES = [
  [{ id: "punctuation:no_comma" }],
  [{ id: "length_constraints:number_sentences", kwargs: { num_sentences: 3, relation: "at least" } }, { id: "change_case:english_lowercase" }],
  [{ id: "language:response_language", kwargs: { language: "en" } }, { id: "keywords:existence", kwargs: { keywords: ["compost"] } }],
];
const ANSWERS = [
  "composting turns kitchen scraps into rich soil for the garden. turn the pile every week so that air reaches the middle. avoid meat and dairy e.g. cheese which attract pests. in winter the process slows but it does not stop.",
  "Composting turns kitchen scraps into rich soil. Mr. Green keeps his pile about 1.5 m wide, e.g. next to the shed. Turn the pile every week. Is it worth the effort? Most gardeners say yes.",
];
const IFEVAL = Array.from({ length: 60 }, (_, i) => ({ prompt: "", response: ANSWERS[i % 2]!.repeat(1 + (i % 4)), fields: { req: RULES[i % 3] } }));

function rate(judge: AnyJudge, batch: readonly unknown[], ms: number): number {
  const cpu0 = process.cpuUsage();
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) {
    for (const sample of batch) judge.evaluate(sample, {});
    n += batch.length;
  }
  const cpu = process.cpuUsage(cpu0);
  return n / ((cpu.user + cpu.system) / 1e6);
}

const base = await factories(baseDir);
const head = await factories(resolve(import.meta.dirname, ".."));
const mathConfig = (extract: readonly string[]) => ({ answer: { field: "answer" }, extract, tolerance: 1e-6, symbolic: true });
const rows: [string, AnyJudge, AnyJudge, readonly unknown[]][] = [
  ...Object.entries(MATH).map(([name, batch]): [string, AnyJudge, AnyJudge, readonly unknown[]] => [
    name,
    base.math("m", mathConfig(["final_answer", "boxed", "last_number"])),
    head.math("m", mathConfig(["final_answer", "boxed", "last_math"])),
    batch,
  ]),
  ...(["strict", "loose"] as const).map((mode): [string, AnyJudge, AnyJudge, readonly unknown[]] => [
    `instructions ${mode} (mixed lists)`,
    base.instructions("i", { requirements: { field: "req" }, mode }),
    head.instructions("i", { requirements: { field: "req" }, mode }),
    IFEVAL,
  ]),
];
const format = (n: number) => Math.round(n).toLocaleString("en-US").padStart(10);
console.log(`${"workload".padEnd(36)} ${"baseline/s".padStart(10)} ${"this/s".padStart(10)}  ratio`);
for (const [name, before, after, batch] of rows) {
  rate(before, batch, 200);
  rate(after, batch, 200);
  const b: number[] = [];
  const a: number[] = [];
  for (let round = 0; round < 12; round++) {
    // Alternate which side runs first: on a loaded machine order matters.
    if (round % 2 === 0) {
      a.push(rate(after, batch, 150));
      b.push(rate(before, batch, 150));
    } else {
      b.push(rate(before, batch, 150));
      a.push(rate(after, batch, 150));
    }
  }
  const best = (xs: number[]) => Math.max(...xs);
  console.log(`${name.padEnd(36)} ${format(best(b))} ${format(best(a))}  ${(best(a) / best(b)).toFixed(2)}`);
}
