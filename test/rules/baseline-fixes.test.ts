import { describe, expect, it } from "vitest";
import { compileText } from "../compiler/helpers.js";
import { codes, fixOnce } from "../support/fixes.js";

/** The GRPO/RLOO rules' fix-its (AL4350-AL4352): applying the fix makes the diagnostic go away. */

const HEAD = 'dataset qa = jsonl("qa.jsonl") { prompt = "question" }\nreward r { from = hf("org/rm") }\n';
const task = (optimizer: string) => `${HEAD}task t { prompts = [qa]  reward = r  optimizer = ${optimizer} }\n`;
/** Codes other than the data file's absence (the recipe is checked in memory, without qa.jsonl). */
const semantic = (text: string) => codes(text).filter((c) => !c.startsWith("AL5"));

describe("GRPO and RLOO rule fix-its, and a reward from a reward_model stage", () => {
  it("AL4350 raises RLOO's generations to 4", () => {
    const { fixed, title } = fixOnce(task("rloo { generations = 1 }"), "AL4350");
    expect(title).toBe("set `generations = 4`");
    expect(fixed).toBe(task("rloo { generations = 4 }"));
    expect(semantic(fixed)).toEqual([]);
  });

  it("AL4351 sets GRPO's clip range to 0.2", () => {
    const { fixed } = fixOnce(task("grpo { clip_eps = 1 }"), "AL4351");
    expect(fixed).toBe(task("grpo { clip_eps = 0.2 }"));
    expect(semantic(fixed)).toEqual([]);
  });

  it("AL4352 replaces GRPO's k1 estimator with k3, and is a warning", () => {
    const bad = task("grpo { kl_estimator = k1  kl_coef = 0.1 }");
    expect(semantic(bad)).toEqual(["AL4352"]);
    expect(compileText(bad).diagnostics.find((d) => d.code === "AL4352")?.severity).toBe("warning");
    const { fixed } = fixOnce(bad, "AL4352");
    expect(fixed).toBe(task("grpo { kl_estimator = k3  kl_coef = 0.1 }"));
    expect(semantic(fixed)).toEqual([]);
  });

  it("AL4355 gives PPO a value model: the recipe's reward_model stage, else a builtin model", () => {
    const withBuiltin = `model tiny { from = builtin() }\n${task("ppo { generations = 2 }")}`;
    const { fixed, title } = fixOnce(withBuiltin, "AL4355");
    expect(title).toBe("add `value_model = tiny`");
    expect(fixed).toBe(`model tiny { from = builtin() }\n${task("ppo { value_model = tiny  generations = 2 }")}`);
    expect(semantic(fixed)).toEqual([]);
    const rm = 'dataset pairs = jsonl("p.jsonl") { chosen = "c"  rejected = "r" }\nstage rm = reward_model { model = tiny  data = [pairs] }\n';
    expect(fixOnce(`model tiny { from = builtin() }\n${rm}${task("ppo {}")}`, "AL4355").title).toBe("add `value_model = rm.model`");
  });

  it("AL4355 gives a Hugging Face policy's PPO task the policy's own base model, not a builtin one", () => {
    const models = 'model tiny { from = builtin() }\nmodel llama { from = hf("org/llama") }\n';
    const stage = "stage s = cgpo { policy = llama  tasks = [t]  steps = 1 }\n";
    const { fixed, title } = fixOnce(`${models}${task("ppo {}")}${stage}`, "AL4355");
    expect(title).toBe("add `value_model = llama`");
    expect(semantic(fixed)).toEqual(["AL4009"]);          // only `tiny`, unused
  });

  it("AL4354 refuses a Hugging Face reward_model stage that the cluster would FSDP-shard", () => {
    const recipe = (sharding: string) =>
      'model m { from = hf("org/m") }\ndataset pairs = jsonl("p.jsonl") { chosen = "c"  rejected = "r" }\n' +
      `stage rm = reward_model { model = m  data = [pairs] }\ncluster { nodes = 1  gpus_per_node = 2  gpu = h100_80gb  sharding = ${sharding} }\n`;
    const found = compileText(recipe("fsdp")).diagnostics.filter((d) => d.code === "AL4354");
    expect(found.map((d) => d.message)).toEqual(["reward_model stage `rm` would FSDP-shard the Hugging Face model `m`; a Hugging Face reward model trains on one GPU or replicated (DDP)"]);
    expect(codes(recipe("ddp"))).not.toContain("AL4354");
  });

  it("a reward's `from` takes a reward_model stage's `.model`, not a model declaration or a dataset", () => {
    const head = 'model tiny { from = builtin() }\ndataset pairs = jsonl("p.jsonl") { chosen = "c"  rejected = "r" }\nstage rm = reward_model { model = tiny  data = [pairs] }\n';
    const errors = (reward: string) => compileText(`${head}${reward}\n`).diagnostics.filter((d) => !d.code.startsWith("AL5") && d.code !== "AL4009").map((d) => `${d.code} ${d.message}`);
    expect(errors("reward ok { from = rm.model }")).toEqual([]);
    expect(errors("reward a { from = tiny }")).toEqual(["AL3003 `from` expects a reward_model stage's `.model`, or a call such as `hf(...)` or `judge(...)`, found the name `tiny`"]);
    expect(errors("reward b { from = pairs }")).toEqual(["AL3008 `pairs` is a dataset, but `from` needs a model"]);
    expect(compileText(`${head}reward ok { from = rm.model }\n`).plan?.rewards["ok"]?.from).toEqual({ type: "stage", stage: "rm", output: "model" });
  });
});
