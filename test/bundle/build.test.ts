/**
 * align build and align verify through the real CLI: byte-identical bundles from two working
 * directories, --check, verify naming each changed input, the generated program refusing to
 * start on drift (unless --allow-drift, logged), the run-directory lock, and env("...") secrets:
 * checked before the first stage, their values nowhere in the bundle, the run directory or logs.
 */
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { makeBundle } from "../../cli/bundle/build.js";
import { writeBundle } from "../../cli/bundle/write.js";
import { compileForRuntime } from "../../cli/commands/compiled.js";
import { LOCK_FILE } from "../../runtime/program/lock.js";
import { chatReply, startFakeOpenAI } from "../judges/llm/fake-openai.js";
import { ensureBuilt } from "../support/build.js";
import { align, root, SMALL, tempDir, tinyCopy, torchPython, treeHash } from "./helpers.js";

beforeAll(async () => {
  await ensureBuilt(root);
}, 180_000);

/** The small tiny recipe plus an import (an LLM judge at `url` with a template file and a secret). */
function recipeWithImport(url = "http://127.0.0.1:9/v1"): { dir: string; recipe: string; bundle: string } {
  const { dir, recipe } = tinyCopy([...SMALL, ["recipe tiny {", "import \"lib/extra.align\"\n\nrecipe tiny {"]]);
  mkdirSync(path.join(dir, "lib"));
  mkdirSync(path.join(dir, "lib/prompts"));
  // Relative to the importing file, as every path in a recipe is.
  writeFileSync(path.join(dir, "lib/prompts/grade.txt"), "Is {response} the answer to {prompt}? Answer TRUE or FALSE.\n");
  writeFileSync(path.join(dir, "lib/extra.align"), [
    "model grader {",
    `  from = endpoint("${url}", model = "grader", api_key = env("ALIGN_TEST_SECRET"))`,
    "}",
    "",
    "judge graded = llm_judge {",
    "  model = grader",
    "  template = file(\"prompts/grade.txt\")",
    "  positive = \"TRUE\"",
    "  negative = \"FALSE\"",
    "}",
    "",
  ].join("\n"));
  return { dir, recipe, bundle: path.join(dir, "runs", "tiny", "bundle") };
}

describe("align build", () => {
  it("gives a byte-identical tree from two different working directories and checkouts", async () => {
    const hashes: string[] = [];
    for (const name of ["first", "second-checkout"]) {
      const { dir, recipe } = tinyCopy([], path.join(tempDir("align-det-"), name));
      mkdirSync(dir, { recursive: true });
      // The recipe named relatively from its own directory once, absolutely from elsewhere once.
      const r = name === "first" ? await align(["build", "tiny.align"], { cwd: dir }) : await align(["build", recipe], { cwd: root });
      expect(r.stderr).toBe("");
      expect(r.exitCode).toBe(0);
      const bundle = path.join(dir, "runs", "tiny", "bundle");
      for (const f of ["main.ts", "main.js", "hooks.ts", "plan.json", "align.lock.json", "launch/local.sh", "inputs/data/arith.jsonl", "worker/align_worker/cli.py"]) {
        const content = readFileSync(path.join(bundle, f), "utf8");
        expect(content).not.toContain(dir);
        expect(content).not.toContain(root);
      }
      hashes.push(treeHash(bundle));
    }
    expect(hashes[0]).toBe(hashes[1]);
  }, 120_000);

  it("--check passes on a fresh bundle and names each file that differs", async () => {
    const { recipe, bundle } = recipeWithImport();
    expect((await align(["build", recipe])).exitCode).toBe(0);
    const clean = await align(["build", recipe, "--check"]);
    expect(clean.exitCode).toBe(0);
    expect(clean.stdout).toContain("is up to date");
    appendFileSync(path.join(bundle, "main.js"), "\n");
    writeFileSync(path.join(bundle, "launch", "stray.sh"), "#!/bin/sh\n");
    const r = await align(["build", recipe, "--check"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`${path.join(bundle, "main.js")} (differs)`);
    expect(r.stderr).toContain(`${path.join(bundle, "launch/stray.sh")} (not generated: would be removed)`);
    expect(r.stderr).toContain("2 files differ from a fresh build");
  }, 60_000);

  it("keeps the user's hooks.ts across rebuilds and compiles it to hooks.js", async () => {
    const { recipe, bundle } = recipeWithImport();
    expect((await align(["build", recipe])).exitCode).toBe(0);
    const mine = "import type { StageHooks } from \"./runtime/align-runtime.js\";\nexport const hooks: StageHooks = { before: (stage: string) => { console.error(`hook ${stage}`); } };\n";
    writeFileSync(path.join(bundle, "hooks.ts"), mine);
    expect((await align(["build", recipe])).exitCode).toBe(0);
    expect(readFileSync(path.join(bundle, "hooks.ts"), "utf8")).toBe(mine);
    expect(readFileSync(path.join(bundle, "hooks.js"), "utf8")).toContain("console.error(`hook ${stage}`)");
  }, 60_000);
});

describe("models and large datasets", () => {
  it("warns for a model revision that is a moving ref and records it unpinned", async () => {
    const out = path.join(tempDir("align-cgpo-"), "bundle");
    const r = await align(["build", path.join(root, "recipes/cgpo.align"), "--out", out]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain("align build: warning: models/policy: revision \"main\" of meta-llama/Meta-Llama-3-70B is a moving ref, recorded as written");
    const lock = JSON.parse(readFileSync(path.join(out, "align.lock.json"), "utf8")) as { models: { name: string; pinned: boolean; revision?: string }[]; env: string[] };
    expect(lock.models.find((m) => m.name === "models/policy")).toMatchObject({ revision: "main", pinned: false });
    expect(lock.env).toEqual(["JUDGE_API_KEY"]);
  }, 60_000);

  it("references a dataset over the copy limit through a relative link, pinned by hash", async () => {
    const { recipe, dir } = tinyCopy();
    const compiled = compileForRuntime(recipe);
    if (typeof compiled === "number") throw new Error("tiny does not compile");
    const out = path.join(dir, "runs", "tiny", "bundle");
    const bundle = await makeBundle({ compiled, recipe, outDir: out, copyLimit: 2000 });
    expect(bundle.referenced).toContain("data/arith_sft.jsonl");   // the largest of tiny's datasets
    writeBundle(out, bundle, compiled.rootDir);
    expect(readlinkSync(path.join(out, "inputs/data/arith_sft.jsonl"))).toBe("../../../../../data/arith_sft.jsonl");
    expect((await align(["verify", out])).exitCode).toBe(0);
    const away = path.join(tempDir("align-away-"), "bundle");
    cpSync(out, away, { recursive: true, verbatimSymlinks: true });
    const r = await align(["verify", away]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(`${path.join(away, "inputs/data/arith_sft.jsonl")}: expected sha256`);
    expect(r.stdout).toContain("actual missing");
  }, 60_000);
});

describe("align verify and drift", () => {
  const built = recipeWithImport();

  beforeAll(async () => {
    const r = await align(["build", built.recipe]);
    expect(r.exitCode).toBe(0);
  }, 60_000);

  it("passes on an untouched bundle", async () => {
    const r = await align(["verify", built.bundle]);
    expect(r.stdout).toMatch(/align verify: \d+ files match/);
    expect(r.exitCode).toBe(0);
  });

  it.each([
    ["a dataset", "inputs/data/arith.jsonl"],
    ["a template", "inputs/lib/prompts/grade.txt"],
    ["an imported recipe", "inputs/lib/extra.align"],
    ["a worker file", "worker/align_worker/cli.py"],
  ])("names a one-byte change in %s with the expected and actual hashes", async (_what, file) => {
    const copy = path.join(tempDir("align-drift-"), "bundle");
    cpSync(built.bundle, copy, { recursive: true });
    const full = path.join(copy, file);
    const bytes = readFileSync(full);
    bytes[0] = (bytes[0] as number) ^ 1;
    writeFileSync(full, bytes);
    const r = await align(["verify", copy]);
    expect(r.exitCode).toBe(1);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${full.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: expected sha256 [0-9a-f]{64}, actual sha256 [0-9a-f]{64}$`));
    expect(r.stderr).toMatch(/align verify: 1 of \d+ files differ/);
  }, 60_000);

  it("the generated program refuses to start on drift, and --allow-drift runs anyway, logged", async () => {
    const copy = path.join(tempDir("align-drift-"), "bundle");
    cpSync(built.bundle, copy, { recursive: true });
    appendFileSync(path.join(copy, "inputs/data/arith_sft.jsonl"), " ");
    const env = { ALIGN_TEST_SECRET: "set" };
    const r = await execa("node", [path.join(copy, "main.js")], { reject: false, env });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`align run: changed: ${path.join(copy, "inputs/data/arith_sft.jsonl")}: expected sha256`);
    expect(r.stderr.trim().split("\n").pop()).toBe("align run: 1 file differ from the bundle's align.lock.json; rebuild with align build, or pass --allow-drift to run anyway");
    expect(readdirSync(path.dirname(copy))).toEqual(["bundle"]);   // nothing started: no run files
    const allowed = await execa("node", [path.join(copy, "main.js"), "--allow-drift", "--stage", "nope"], { reject: false, env });
    expect(allowed.stderr).toContain("align run: --allow-drift: running although 1 file differ from align.lock.json");
    expect(allowed.stderr).toContain("align run: --stage nope: no such stage");
    expect(allowed.exitCode).toBe(2);
  }, 60_000);
});

describe("secrets and the run-directory lock", () => {
  it("with the variable unset, the run stops before the first stage naming it", async () => {
    const { recipe, dir } = recipeWithImport();
    const r = await align(["run", recipe]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split("\n").pop()).toBe(
      "align run: environment variable not set: ALIGN_TEST_SECRET (the recipe reads it with env(...)); set them and run again; nothing was started");
    expect(readdirSync(path.join(dir, "runs", "tiny")).sort()).toEqual(["bundle"]);
    // The bundle's own launcher checks the same, after verifying its inputs.
    const local = await execa("/bin/sh", [path.join(dir, "runs/tiny/bundle/launch/local.sh")], { reject: false });
    expect(local.exitCode).toBe(1);
    expect(local.stderr.trim().split("\n").pop()).toBe(
      "align run: environment variable not set: ALIGN_TEST_SECRET (the recipe reads it with env(...)); set them and run again; nothing was started");
    expect(readdirSync(path.join(dir, "runs", "tiny")).sort()).toEqual(["bundle"]);
  }, 60_000);

  it("a second run on a run directory in use is refused with one line; a stale lock is taken over", async () => {
    const { recipe, dir } = recipeWithImport();
    const runDir = path.join(dir, "runs", "tiny");
    mkdirSync(runDir, { recursive: true });
    const holder = execa("node", ["-e", "setInterval(() => {}, 1000)"]);
    try {
      writeFileSync(path.join(runDir, LOCK_FILE), `${holder.pid}\n`);
      const busy = await align(["run", recipe]);
      expect(busy.exitCode).toBe(1);
      expect(busy.stderr.trim()).toBe(`align run: run directory ${runDir} is in use by process ${holder.pid} (another align run); wait for it, or stop it (its lock: ${path.join(runDir, LOCK_FILE)})`);
    } finally {
      holder.kill("SIGKILL");
      await holder.catch(() => undefined);
    }
    // The holder is gone: its lock is stale. (The run then stops at the missing secret.)
    const again = await align(["run", recipe]);
    expect(again.stderr).toContain(`align run: taking over a stale lock of process ${holder.pid} (not running) in ${runDir}`);
    expect(again.stderr).toContain("environment variable not set: ALIGN_TEST_SECRET");
    expect(existsSync(path.join(runDir, LOCK_FILE))).toBe(false);
  }, 60_000);

  const python = torchPython();
  it.runIf(python !== undefined)("a secret's value appears nowhere in the bundle, the run directory or the logs, even when an endpoint echoes it", async () => {
    const marker = "MARKER-7f3c9e1d-do-not-leak";
    // A hostile endpoint that quotes the key in its 401s; pre-flight's GET /models passes.
    let goodAfter = Infinity;   // judgements from this index on are answered
    let judgements = 0;
    const fake = await startFakeOpenAI((request) => {
      if (request.path.endsWith("/models")) return { body: { object: "list", data: [{ id: "grader", object: "model" }] } };
      return judgements++ >= goodAfter ? { body: chatReply([["TRUE", 0.9], ["FALSE", 0.1]]) }
        : { status: 401, body: { error: { message: `invalid key: ${String(request.headers.authorization)}` } } };
    });
    try {
      const { recipe, dir } = recipeWithImport(fake.url);
      // An eval of the SFT model that calls the LLM judge with the key on each held-out problem.
      appendFileSync(recipe, "\nstage graded_eval = eval {\n  model = warmup.model\n  prompts = arith_test\n  judges = [graded]\n  max_tokens = 4\n}\n");
      const env = { ALIGN_TEST_SECRET: marker, ALIGN_PYTHON: python ?? "" };
      const logs: string[] = [];
      const run = async (stage: string, exitCode: number) => {
        const r = await align(["run", recipe, "--stage", stage], { env });
        logs.push(r.stdout, r.stderr);
        expect(r.stderr).toContain(`align run: ${stage} (`);
        expect(r.exitCode, r.stderr).toBe(exitCode);
        return r;
      };
      await run("warmup", 0);
      // Every judgement fails: the stage fails on the judge error rate, the key quoted nowhere.
      const failed = await run("graded_eval", 1);
      expect(failed.stderr).toContain("align run: stage graded_eval failed (worker exit 2): stage 'graded_eval': judge graded errored on 45 of 45 samples");
      // Two failures in 45 stay under max_judge_error_rate: the stage ends, its verdicts written.
      judgements = 0;
      goodAfter = 2;
      await run("graded_eval", 0);
      // The key was really used: on pre-flight's requests and on every judgement.
      expect(fake.requests.filter((q) => q.path.endsWith("/chat/completions")).length).toBeGreaterThanOrEqual(90);
      expect(fake.requests.every((q) => q.headers.authorization === `Bearer ${marker}`)).toBe(true);
      const verdicts = readFileSync(path.join(dir, "runs/tiny/graded_eval/samples.jsonl"), "utf8").trim().split("\n")
        .map((l) => (JSON.parse(l) as { verdicts: { graded: { status: string; reason: string } } }).verdicts.graded);
      expect(verdicts.filter((v) => v.status === "error").map((v) => v.reason)).toEqual(["http_error", "http_error"]);
      expect(logs.join("\n")).not.toContain(marker);
      const grep = await execa("grep", ["-r", "-l", "-F", marker, path.join(dir, "runs")], { reject: false });
      expect(grep.stdout).toBe("");
      expect(grep.exitCode).toBe(1);   // grep: no file holds it
      expect(readFileSync(path.join(dir, "runs/tiny/bundle/align.lock.json"), "utf8")).toContain("\"ALIGN_TEST_SECRET\"");
    } finally {
      await fake.close();
    }
  }, 240_000);
});
