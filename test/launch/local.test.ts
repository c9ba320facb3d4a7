/**
 * The local rank launcher with real processes: a stand-in interpreter (a shell script) plays the
 * worker, so the test sees the environment each rank gets and how a failing rank ends the stage.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { localLauncher, stageExit } from "../../runtime/launch/local.js";
import type { StageInvocation } from "../../runtime/launch/types.js";

const dir = mkdtempSync(path.join(tmpdir(), "align-launch-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeWorker(body: string): string {
  const file = path.join(dir, `fake-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

function invocation(python: string): StageInvocation {
  return { python, workerDir: dir, planFile: "plan.json", stage: "rl", runDir: dir, baseDir: dir, resume: false, cpu: true,
    env: { PATH: process.env["PATH"] } };
}

describe("local launcher", () => {
  it("gives each rank torchrun's environment with one free master port", async () => {
    const py = fakeWorker(`echo "$RANK $WORLD_SIZE $LOCAL_RANK $LOCAL_WORLD_SIZE $MASTER_ADDR $MASTER_PORT" > "${dir}/env-$RANK"`);
    const lines: string[] = [];
    const exit = await localLauncher(3).start(invocation(py), (l) => lines.push(l)).exited;
    expect(exit.code).toBe(0);
    expect(exit.ranks.map((r) => r.code)).toEqual([0, 0, 0]);
    const envs = [0, 1, 2].map((r) => readFileSync(path.join(dir, `env-${r}`), "utf8").trim().split(" "));
    for (const [r, e] of envs.entries()) expect(e.slice(0, 5)).toEqual([String(r), "3", String(r), "3", "127.0.0.1"]);
    const port = Number(envs[0]?.[5]);
    expect(port).toBeGreaterThan(0);
    expect(new Set(envs.map((e) => e[5])).size).toBe(1);
  });

  it("one failing rank stops the others and the failure line names it", async () => {
    const mark = path.join(dir, "rank0-term");
    const py = fakeWorker([
      `if [ "$RANK" = 1 ]; then echo "align-worker: error: data/x.jsonl:3: not valid JSON" >&2; exit 2; fi`,
      `trap 'echo TERM > "${mark}"; exit 143' TERM`,
      "while :; do sleep 0.05; done",
    ].join("\n"));
    const lines: string[] = [];
    const exit = await localLauncher(2).start(invocation(py), (l) => lines.push(l)).exited;
    expect(exit.code).toBe(2);
    expect(exit.failure).toBe("rank 1: data/x.jsonl:3: not valid JSON");
    expect(exit.ranks.map((r) => r.code)).toEqual([143, 2]);
    expect(readFileSync(mark, "utf8").trim()).toBe("TERM");
    expect(lines).toContain("[rl#1] align-worker: error: data/x.jsonl:3: not valid JSON");
  }, 30_000);

  it("a single rank gets no distributed environment (the worker runs alone)", async () => {
    const py = fakeWorker(`echo "world=[$WORLD_SIZE] port=[$MASTER_PORT]"`);
    const lines: string[] = [];
    const exit = await localLauncher(1).start(invocation(py), (l) => lines.push(l)).exited;
    expect(exit.code).toBe(0);
    expect(lines).toEqual(["[rl] world=[] port=[]"]);
  });

  it("sums up exits: the rank that failed by itself explains the stage, not those stopped after", () => {
    const exit = stageExit([
      { rank: 0, code: 143, signal: null, tail: ["stopped"] },
      { rank: 1, code: 1, signal: null, tail: ["Traceback", "align-worker: error: boom"] },
    ]);
    expect(exit.code).toBe(1);
    expect(exit.failure).toBe("rank 1: boom");
    expect(() => localLauncher(0)).toThrow("ranks must be a positive integer");
  });
});
