/**
 * Pre-flight (runtime/preflight): every need of the stages about to run is checked before any
 * starts, and every problem lands in one report. Real pieces only: the compiled bundled recipes,
 * real interpreters, a real HTTP server on loopback, a real file system.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "../../compiler/index.js";
import type { Plan } from "../../compiler/index.js";
import { runStages } from "../../runtime/orchestrator/index.js";
import { checkEndpoints } from "../../runtime/preflight/endpoints.js";
import { preflight, renderPreflight, runNeeds } from "../../runtime/preflight/index.js";
import { checkPython } from "../../runtime/preflight/python.js";
import { checkSandbox } from "../../runtime/preflight/sandbox.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const temp = mkdtempSync(path.join(tmpdir(), "align-preflight-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function planOf(recipe: string): Plan {
  const plan = compile(path.join(root, "recipes", recipe)).plan;
  if (plan === undefined) throw new Error(`${recipe} does not compile`);
  return structuredClone(plan);
}

/** A path whose parent is a regular file: no run directory can be created there. */
function unwritableDir(): string {
  const file = path.join(temp, `file-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, "");
  return path.join(file, "run");
}

describe("what the running stages need", () => {
  it("reads env vars, Hugging Face and LoRA stages and endpoints from the stages' closures", () => {
    const plan = planOf("mistakes-alpaca.align");
    const needs = runNeeds(plan, plan.stage_order);
    expect(needs.env).toEqual([{ name: "OPENAI_API_KEY", by: "model gpt4" }]);
    expect(needs.hfStages).toContain("induce");
    expect(needs.loraStages).toEqual(["finetune"]);
    expect(needs.endpoints).toEqual([{ model: "gpt4", url: "https://api.openai.com/v1", apiKeyEnv: "OPENAI_API_KEY" }]);
    // finetune reaches no judge: it needs neither the key nor the endpoint.
    expect(runNeeds(plan, ["finetune"]).env).toEqual([]);
  });

  it("asks nothing for the builtin-model tiny recipe but the sandbox-free basics", () => {
    const plan = planOf("tiny.align");
    const needs = runNeeds(plan, plan.stage_order);
    expect(needs).toEqual({ env: [], hfStages: [], loraStages: [], sandboxStages: [], endpoints: [] });
  });
});

describe("preflight", () => {
  it("reports every problem at once: unset key, no Python, unwritable run dir", async () => {
    const plan = planOf("mistakes-alpaca.align");
    const runDir = unwritableDir();
    const result = await preflight({ plan, stages: plan.stage_order, runDir, env: {}, python: path.join(temp, "no-python") });
    expect(result.problems.map((p) => p.check)).toEqual(["env", "python", "run-dir"]);
    const report = renderPreflight(result.problems);
    expect(report.split("\n")[0]).toBe("pre-flight found 3 problems; nothing was started:");
    expect(report).toContain('OPENAI_API_KEY is not set (model gpt4 reads env("OPENAI_API_KEY"))');
    expect(report).toContain(`cannot write to the run directory ${runDir} (ENOTDIR`);
  });

  it("names a package the chosen Python lacks, and why the recipe needs it", async () => {
    const check = await checkPython({ python: "/usr/bin/python3", env: {} },
      [{ module: "align_no_such_module", why: "stage s uses a Hugging Face model" }, { module: "json", why: "never missing" }]);
    expect(check.python).toBe("/usr/bin/python3");
    expect(check.problems).toEqual([{ check: "packages",
      message: "/usr/bin/python3 has no module align_no_such_module, and stage s uses a Hugging Face model; install it (pip install -r runtime/worker/requirements.txt) or pass --python PATH" }]);
  });

  it("a run stops before its first stage starts when pre-flight fails", async () => {
    const plan = planOf("mistakes-alpaca.align");
    const runDir = path.join(temp, "never-created");
    const report = await runStages({ plan, recipeDir: path.join(root, "recipes"), runDir, env: {}, python: path.join(temp, "no-python"),
      handleSignals: false, log: () => {}, checkEndpoints: false });
    expect(report.status).toBe("failed");
    expect(report.exitCode).toBe(1);
    expect(report.message).toMatch(/^pre-flight found 2 problems; nothing was started:\n {2}env: OPENAI_API_KEY is not set/);
    expect(report.stages).toEqual([]);
    // No stage was started: no stage directory exists (the run dir holds only plan.json).
    expect(readdirSync(runDir)).toEqual(["plan.json"]);
  });
});

describe("the sandbox", () => {
  it("is probed only when a running stage reaches a code judge, and its failure names the stage", async () => {
    const plan = planOf("cgpo.align");
    const needs = runNeeds(plan, plan.stage_order);
    expect(needs.sandboxStages.length).toBeGreaterThan(0);
    expect(await checkSandbox([], { bwrapPath: path.join(temp, "no-bwrap") })).toEqual([]);
    const problems = await checkSandbox(["rl"], { bwrapPath: path.join(temp, "no-bwrap") });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/^the code sandbox cannot run here, and stage rl reaches a code_tests judge: .*bubblewrap/);
  });
});

describe("LLM endpoints", () => {
  const seen: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers.authorization);
    if (req.url !== "/v1/models") return void res.writeHead(404).end();
    const ok = req.headers.authorization === "Bearer good-key";
    res.writeHead(ok ? 200 : 401, { "Content-Type": "application/json" }).end(ok ? '{"data": []}' : '{"error": "bad key"}');
  });
  const listening = new Promise<string>((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`)));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("accepts a server that answers /models with the key", async () => {
    const url = await listening;
    expect(await checkEndpoints([{ model: "judge", url, apiKeyEnv: "JUDGE_KEY" }], { JUDGE_KEY: "good-key" })).toEqual([]);
    expect(seen.at(-1)).toBe("Bearer good-key");
  });

  it("reports a refused key by its variable, never its value", async () => {
    const url = await listening;
    const problems = await checkEndpoints([{ model: "judge", url, apiKeyEnv: "JUDGE_KEY" }], { JUDGE_KEY: "wrong-secret" });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain(`${url}/models refused the key in JUDGE_KEY (HTTP 401)`);
    expect(problems[0]?.message).toContain("--no-endpoint-check");
    expect(JSON.stringify(problems)).not.toContain("wrong-secret");
  });

  it("reports a server that is not there", async () => {
    const closed = createServer();
    const port = await new Promise<number>((resolve) => closed.listen(0, "127.0.0.1", () => resolve((closed.address() as AddressInfo).port)));
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const problems = await checkEndpoints([{ model: "judge", url: `http://127.0.0.1:${port}/v1`, apiKeyEnv: null }], {});
    expect(problems[0]?.message).toMatch(/^model judge: cannot reach http:\/\/127\.0\.0\.1:\d+\/v1\/models \(ECONNREFUSED\)/);
  });

  it("is skipped with checkEndpoints false, and an unset key is left to the env check", async () => {
    const url = await listening;
    const plan = planOf("mistakes-alpaca.align");
    (plan.models["gpt4"] as { from: { url: string } }).from.url = url;
    const before = seen.length;
    const skipped = await preflight({ plan, stages: ["induce"], runDir: path.join(temp, "r1"), env: { OPENAI_API_KEY: "wrong" }, python: "/usr/bin/python3", checkEndpoints: false });
    expect(skipped.problems.map((p) => p.check)).toEqual(["packages"]);
    const checked = await preflight({ plan, stages: ["induce"], runDir: path.join(temp, "r2"), env: { OPENAI_API_KEY: "wrong" }, python: "/usr/bin/python3" });
    expect(checked.problems.map((p) => p.check)).toEqual(["packages", "endpoint"]);
    const unset = await preflight({ plan, stages: ["induce"], runDir: path.join(temp, "r3"), env: {}, python: "/usr/bin/python3" });
    expect(unset.problems.map((p) => p.check)).toEqual(["env", "packages"]);
    expect(seen.length).toBe(before + 1);
  });
});
