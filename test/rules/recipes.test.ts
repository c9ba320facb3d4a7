import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compile } from "../../compiler/index.js";

/**
 * The bundled recipes must check clean: no errors and no warnings. The one note allowed is
 * AL6009: a hub model's tokenizer is not in this machine's Hugging Face cache (an empty cache
 * here), so its prompt lengths go unmeasured.
 */

const recipes = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../recipes");
const NO_CACHE = path.join(recipes, "no-such-hub-cache");

function diagnosticsOf(file: string): string[] {
  return compile(file, { cwd: recipes, hubCache: NO_CACHE }).diagnostics.map((d) => `${d.code} ${d.span?.line}:${d.span?.column} ${d.message}`);
}

describe("bundled recipes", () => {
  const hubModels: Record<string, string> = {
    "cgpo.align": "meta-llama/Meta-Llama-3-70B",
    "mistakes-alpaca.align": "PKU-Alignment/alpaca-7b-reproduced",
    "mistakes-hijack.align": "THUDM/chatglm-6b",
  };
  for (const file of ["tiny.align", "cgpo.align", "compare.align", "mistakes-alpaca.align", "mistakes-hijack.align"]) {
    it(`${file} checks clean`, () => {
      const diagnostics = diagnosticsOf(file);
      const notes = diagnostics.filter((d) => d.startsWith("AL6009 "));
      expect(diagnostics.filter((d) => !d.startsWith("AL6009 "))).toEqual([]);
      const id = hubModels[file];
      expect(notes.map((n) => n.includes(`\`${id}\` is not in the local Hugging Face cache`))).toEqual(id === undefined ? [] : [true]);
    });
  }

  it("cgpo.align fits 8×8 H100 only because it shards with fsdp", () => {
    const result = compile("cgpo.align", { cwd: recipes });
    const estimates = result.plan!.estimates;
    for (const stage of ["warmup", "rl", "evaluate"]) {
      expect(estimates[stage], stage).toMatchObject({ sharding: "fsdp", fits: true });
    }
    // A replica of the 70B policy alone (bf16 weights, grads, Adam) is far beyond 80 GiB.
    expect(estimates["rl"]!.breakdown["optimizer"]! * 64).toBeGreaterThan(80 * 1024 ** 3);
  });

  it("tiny.align runs on CPU: estimates without a capacity", () => {
    const estimates = compile("tiny.align", { cwd: recipes }).plan!.estimates;
    expect(Object.keys(estimates).sort()).toEqual(["before", "before_held_out", "evaluate", "held_out", "rl", "warmup"]);
    expect(estimates["rl"]).toMatchObject({ sharding: "none", fits: null, gpu_memory_bytes: null });
  });

  it("compare.align gives each optimizer the same data, judges and budget", () => {
    const plan = compile("compare.align", { cwd: recipes }).plan!;
    const tasks = ["with_crpg", "with_grpo", "with_rloo", "with_ppo"].map((name) => plan.tasks[name]!);
    expect(tasks.map((t) => t.optimizer.variant)).toEqual(["crpg", "grpo", "rloo", "ppo"]);
    const shared = (t: (typeof tasks)[number]) => JSON.stringify([t.prompts, t.reward, t.judges, t.batch_size, t.weight, t.optimizer.generations, t.optimizer.max_tokens, t.optimizer.temperature]);
    expect(new Set(tasks.map(shared)).size).toBe(1);
    const stages = ["crpg_rl", "grpo_rl", "rloo_rl", "ppo_rl"].map((name) => plan.stages[name]!);
    const budget = (s: (typeof stages)[number]) => (s.variant === "cgpo" ? JSON.stringify([s.policy, s.steps, s.lr, s.warmup, s.schedule]) : s.variant);
    expect(new Set(stages.map(budget)).size).toBe(1);
    expect(plan.stage_order.filter((s) => s.endsWith("_eval"))).toEqual(["crpg_eval", "grpo_eval", "rloo_eval", "ppo_eval"]);
  });
});
