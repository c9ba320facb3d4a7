/**
 * docs/tutorial.md, followed literally: its files are written and its `sh` blocks run in order
 * (in a scratch directory holding the repository's `recipes/data`, with `npx align` being this
 * checkout's CLI), and what the text says they print is what they print.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../support/build.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const tutorial = readFileSync(path.join(root, "docs/tutorial.md"), "utf8");
const work = mkdtempSync(path.join(tmpdir(), "align-tutorial-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function hasTorch(): boolean {
  try {
    execFileSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore", timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

/** The tutorial's steps in order: files to write and shell blocks to run. */
function steps(): Array<{ file: string; text: string } | { sh: string }> {
  const out: Array<{ file: string; text: string } | { sh: string }> = [];
  const re = /(?:<!-- file: (\S+) -->\n)?```(\w*)\n([\s\S]*?)```/g;
  for (let m = re.exec(tutorial); m !== null; m = re.exec(tutorial)) {
    if (m[1] !== undefined) out.push({ file: m[1], text: m[3]! });
    else if (m[2] === "sh") out.push({ sh: m[3]! });
  }
  return out;
}

async function sh(script: string) {
  const prelude = `set -e\nalign() { node ${JSON.stringify(path.join(root, "bin/align.js"))} "$@"; }\n`;
  return execa("bash", ["-c", prelude + script.replace(/npx align/g, "align")], {
    cwd: work, reject: false, env: { NO_COLOR: "1", OMP_NUM_THREADS: "1" },
  });
}

beforeAll(async () => {
  await ensureBuilt(root);
  mkdirSync(path.join(work, "recipes"), { recursive: true });
  cpSync(path.join(root, "recipes/data"), path.join(work, "recipes/data"), { recursive: true });
}, 120_000);

describe("docs/tutorial.md", () => {
  it("has files to write and commands to run", () => {
    const all = steps();
    expect(all.filter((s) => "file" in s).map((s) => (s as { file: string }).file)).toEqual(["first/first.align"]);
    expect(all.filter((s) => "sh" in s).length).toBe(4);
  });

  it.runIf(hasTorch())("works when followed literally, and prints what it says", async () => {
    const outputs: string[] = [];
    for (const step of steps()) {
      if ("file" in step) {
        writeFileSync(path.join(work, step.file), step.text);
        continue;
      }
      const r = await sh(step.sh);
      expect(r.exitCode, `${step.sh}\n${r.stderr}`).toBe(0);
      outputs.push(r.stdout + r.stderr);
    }
    expect(outputs[1]).toContain("ok: 1 file checked");
    expect(outputs[2]).toMatch(/stage/);
    expect(outputs[3]).toMatch(/^\[measure\] rows in 45, samples 45, kept 45, dropped 0$/m);
    expect(outputs[3]).toMatch(/^\[measure\] judge correct: satisfied \d+, violated \d+, error 0$/m);
    expect(outputs[3]).toMatch(/align run: done \(learn done [\d.]+s, measure done [\d.]+s\); outputs in first\/runs\/first/);
  }, 300_000);

  it("shows the mistake it describes as the checker reports it", async () => {
    const recipe = (steps().find((s) => "file" in s) as { text: string }).text.replace("lr = 3e-3", "learning_rate = 3e-3");
    mkdirSync(path.join(work, "mistake/data"), { recursive: true });
    cpSync(path.join(root, "recipes/data/arith_sft.jsonl"), path.join(work, "mistake/data/arith_sft.jsonl"));
    cpSync(path.join(root, "recipes/data/arith_test.jsonl"), path.join(work, "mistake/data/arith_test.jsonl"));
    writeFileSync(path.join(work, "mistake/first.align"), recipe);
    const r = await sh("npx align check mistake/first.align");
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("error[AL3001]: unknown field `learning_rate` in stage `learn` (sft)");
    expect(r.stdout).toContain("= help: did you mean `lr`?");
    expect(tutorial).toContain("error[AL3001]: unknown field `learning_rate` in stage `learn` (sft)\n  = help: did you mean `lr`?");
  });
});
