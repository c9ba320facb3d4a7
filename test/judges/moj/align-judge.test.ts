import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JudgeCommandError, runJudgeCommand } from "../../../runtime/cli-judge/index.js";
import { createProgress } from "../../../runtime/cli-judge/progress.js";
import { percentile } from "../../../runtime/cli-judge/summary.js";
import { fixtures, testPlan } from "../../server/helpers.js";

class Capture {
  text = "";
  constructor(readonly isTTY = false) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

describe("align judge (runJudgeCommand)", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "align-judge-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function input(lines: string[]): string {
    const path = join(dir, "samples.jsonl");
    writeFileSync(path, `${lines.join("\n")}\n`);
    return path;
  }

  it("scores a JSONL file, reports malformed lines by number and keeps going", async () => {
    const path = input([
      JSON.stringify({ id: 1, prompt: "2+2?", response: "4", answer: "4", source: "math" }),
      "{this is not json",
      JSON.stringify({ id: 2, prompt: "2+2?", response: "5", fields: { answer: "4" }, source: "math" }),
      "",
      JSON.stringify({ id: 3, prompt: "2+2?" }),
      JSON.stringify({ id: 4, prompt: "code", response: "def f(): pass", source: "apps" }),
    ]);
    const out = join(dir, "scored.jsonl");
    const stdout = new Capture();
    const stderr = new Capture();
    const result = await runJudgeCommand({ plan: testPlan(), task: "reasoning", input: path, out, baseDir: fixtures, stdout, stderr, batchSize: 2 });

    expect(result.exitCode).toBe(1);
    expect(result.totals).toEqual({ scored: 3, feasible: 2, skip: 0, malformed: 2 });
    expect(stderr.text).toContain(`${path}:2: skipped: invalid JSON`);
    expect(stderr.text).toContain(`${path}:5: skipped: response: expected a string`);

    const scored = readFileSync(out, "utf8").trim().split("\n").map((line) => JSON.parse(line));
    expect(scored.map((row) => row.id)).toEqual([1, 2, 4]);
    expect(scored[0]).toMatchObject({ answer: "4", feasible: true, skip: false, verdicts: { answer: { status: "satisfied", reason: "answer_match" } } });
    expect(scored[1]).toMatchObject({ feasible: false, verdicts: { answer: { status: "violated" } } });
    expect(scored[2].verdicts.answer).toMatchObject({ status: "skipped" });
    expect(typeof scored[0].verdicts.slow.latency_ms).toBe("number");

    const answer = result.judges.find((j) => j.judge === "answer");
    expect(answer).toMatchObject({ total: 3, satisfied: 1, violated: 1, error: 0, skipped: 1 });
    expect(stdout.text).toMatch(/^judge\s+pass\s+violated\s+error\s+skipped\s+p50 ms\s+p99 ms\s+top errors$/m);
    expect(stdout.text).toMatch(/^answer\s+33\.3%\s+33\.3%\s+0\.0%\s+33\.3%/m);
    expect(stdout.text).toContain("malformed lines: 2");
  });

  it("reads a plan.json path and resolves custom modules against its directory by default", async () => {
    copyFileSync(join(fixtures, "judges.mjs"), join(dir, "judges.mjs"));
    writeFileSync(join(dir, "plan.json"), JSON.stringify(testPlan()));
    const path = input([JSON.stringify({ prompt: "hi", response: "hello" })]);
    const stdout = new Capture();
    const stderr = new Capture();
    const result = await runJudgeCommand({ plan: join(dir, "plan.json"), task: "chat", input: path, stdout, stderr });
    // chat's only judge throws; its on_error is skip_sample.
    expect(result.totals).toMatchObject({ scored: 1, feasible: 0, skip: 1 });
    // Every verdict an error: the reasons are in the table and on stderr, and the exit is 1.
    expect(result.exitCode).toBe(1);
    expect(stdout.text).toMatch(/^throws\s+0\.0%\s+0\.0%\s+100\.0%\s+0\.0%\s+\S+\s+\S+\s+judge_threw 1$/m);
    expect(stderr.text).toContain("align judge: every verdict was an error (throws: judge_threw 1); nothing was scored");
  });

  it("scores with a stage's own judges (--stage), and names the stages that have some", async () => {
    const plan = { ...testPlan(), stages: { induce: { variant: "generate", judges: [{ judge: "answer" }], keep: { type: "violated", judges: [{ judge: "slow" }] } }, train: { variant: "sft" } } };
    const path = input([JSON.stringify({ prompt: "2+2?", response: "4", answer: "4", source: "math" })]);
    const stdout = new Capture();
    const result = await runJudgeCommand({ plan, stage: "induce", input: path, baseDir: fixtures, stdout, stderr: new Capture() });
    expect(result.exitCode).toBe(0);
    expect(result.judges.map((j) => [j.judge, j.satisfied])).toEqual([["answer", 1], ["slow", 1]]);
    await expect(runJudgeCommand({ plan, stage: "train", input: path, baseDir: fixtures, stdout })).rejects.toThrow(
      'no stage "train" with judges of its own in the plan (such stages: induce; a task\'s judges: --task)');
    await expect(runJudgeCommand({ plan, input: path, baseDir: fixtures, stdout })).rejects.toThrow("pass exactly one of --task and --stage");
  });

  it("refuses an unknown task or a missing input with a usage error", async () => {
    const path = input([]);
    await expect(runJudgeCommand({ plan: testPlan(), task: "nope", input: path, baseDir: fixtures, stdout: new Capture() })).rejects.toThrow(JudgeCommandError);
    await expect(runJudgeCommand({ plan: testPlan(), task: "chat", input: join(dir, "absent.jsonl"), baseDir: fixtures, stdout: new Capture() })).rejects.toThrow(/cannot read input/);
    const out = join(dir, "no-such-dir", "scored.jsonl");
    await expect(runJudgeCommand({ plan: testPlan(), task: "chat", input: path, out, baseDir: fixtures, stdout: new Capture() })).rejects.toThrow(/cannot write/);
  });

  it("prints periodic plain progress lines when stderr is not a terminal", async () => {
    const rows = Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: i, prompt: "p", response: "4", answer: "4", source: "math", sleep_ms: 2 }));
    const stderr = new Capture();
    await runJudgeCommand({ plan: testPlan(), task: "reasoning", input: input(rows), baseDir: fixtures, stdout: new Capture(), stderr, batchSize: 5, progressIntervalMs: 0 });
    expect(stderr.text).toMatch(/^align judge: 30 rows, 100% of input, \d+ rows\/s$/m);
  });
});

describe("progress and percentiles", () => {
  it("draws a bar on a terminal and ends with a newline", () => {
    const stream = new Capture(true);
    let now = 0;
    const progress = createProgress({ mode: "auto", stream, totalBytes: 100, now: () => now });
    now = 200;
    progress.update(10, 50);
    progress.done(20);
    expect(stream.text).toContain("\r[###############...............] 10 rows, 50% of input");
    expect(stream.text.endsWith("20 rows\u001b[K\n")).toBe(true);
  });

  it("takes nearest-rank percentiles", () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 0.99)).toBe(99);
  });
});
