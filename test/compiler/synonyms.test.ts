/**
 * Help for people coming from TRL, verl, OpenRLHF and Axolotl: their words get align's as the
 * did-you-mean, with how the concepts differ; nothing close lists the valid fields; the summary
 * points to `align explain`.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compile, memoryHost } from "../../compiler/index.js";
import { clockToDuration } from "../../compiler/check/convert.js";
import { explainHint } from "../../compiler/diagnostics/render.js";
import { synonymFor, synonymWords } from "../../compiler/diagnostics/synonyms.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const BASE = `recipe r { seed = 1 }
model m { from = builtin(layers = 2, width = 64, heads = 4, context = 32) }
dataset d = jsonl("d.jsonl") { prompt = "prompt"  answer = "answer"  target = "target" }
judge exact = math_answer { answer = field("answer") }
reward ok { from = judge(exact) }
task t { prompts = [d]  reward = ok  optimizer = crpg { generations = 4  kl_max = 0.5  max_tokens = 8 }  batch_size = 4 }
stage s = sft { model = m  data = [d]  lr = 1e-3  batch_size = 4 }
stage rl = cgpo { policy = s.model  tasks = [t]  steps = 2 }
cluster { gpus_per_node = 0  sharding = auto }
launch slurm { partition = "gpu"  time = 2h }
`;

function only(from: string, to: string) {
  expect(BASE).toContain(from);
  const host = memoryHost({ "/w/r.align": BASE.replace(from, to), "/w/d.jsonl": '{"prompt": "1+1=", "answer": "2", "target": "2"}\n' });
  const diagnostics = compile("/w/r.align", { host }).diagnostics;
  expect(diagnostics.map((d) => d.message)).toHaveLength(1);
  return diagnostics[0]!;
}

describe("words from other tools", () => {
  it("the base recipe is clean", () => {
    const host = memoryHost({ "/w/r.align": BASE, "/w/d.jsonl": '{"prompt": "1+1=", "answer": "2", "target": "2"}\n' });
    expect(compile("/w/r.align", { host }).diagnostics).toEqual([]);
  });

  it.each([
    ["lr = 1e-3", "learning_rate = 1e-3", "did you mean `lr`?", "lr"],
    ["kl_max = 0.5", "kl_coef = 0.5", "did you mean `kl_max`? (align bounds the KL with a gate", undefined],
    ["crpg {", "reinforce {", "did you mean `crpg`?", "crpg"],
    ["crpg { generations = 4  kl_max = 0.5", "grpo { generations = 4  epsilon = 0.5", "did you mean `clip_eps`?", "clip_eps"],
    ["crpg { generations = 4  kl_max = 0.5", "grpo { generations = 4  beta = 0.5", "did you mean `kl_coef`? (TRL's GRPOConfig calls the KL coefficient `beta`", "kl_coef"],
    ["crpg { generations = 4  kl_max = 0.5", "grpo { generations = 4  num_iterations = 2", "did you mean `ppo_epochs`?", "ppo_epochs"],
    ["crpg { generations = 4  kl_max = 0.5", "ppo { value_model = m  generations = 4  cliprange_value = 0.5", "did you mean `value_clip`?", "value_clip"],
    ["crpg { generations = 4  kl_max = 0.5", "ppo { value_model = m  generations = 4  gae_lambda = 0.9", "did you mean `lam`?", "lam"],
    ["crpg { generations = 4  kl_max = 0.5", "ppo { value_model = m  generations = 4  normalize_advantage = true", "did you mean `whiten_advantages`?", "whiten_advantages"],
    ["sharding = auto", "sharding = zero3", "did you mean `fsdp`?", "fsdp"],
    ["stage s = sft { model = m", "stage s = sft { warmup_ratio = 0.1  model = m", "did you mean `warmup`? (align counts warmup in optimizer steps", undefined],
    ["generations = 4", "num_generations = 4", "did you mean `generations`?", "generations"],
    ["max_tokens = 8", "max_new_tokens = 8", "did you mean `max_tokens`?", "max_tokens"],
    ["batch_size = 4 }\nstage rl", "per_device_train_batch_size = 4 }\nstage rl", "did you mean `micro_batch_size`? (align's `batch_size` is the global batch", "micro_batch_size"],
  ])("%s written as %s", (from, to, help, replacement) => {
    const d = only(from, to);
    expect(d.severity).toBe("error");
    expect(d.help).toContain(help);
    expect(d.fix?.edits[0]?.newText).toBe(replacement);
  });

  it("bfloat16 for a dtype", () => {
    const d = only("context = 32) }", "context = 32)  dtype = bfloat16 }");
    expect(d.help).toBe("did you mean `bf16`?");
  });

  it("a Slurm time limit as a clock string, or a bare number of hours", () => {
    expect(only("time = 2h", 'time = "24:00:00"').help).toBe("durations are written as a number and a unit, without quotes: `24h`");
    expect(only("time = 2h", "time = 24").help).toBe("write `24h` for hours (units: ms, s, m, h, d)");
    expect(clockToDuration("1-12:00:00")).toBe("36h");
    expect(clockToDuration("7-00:00:00")).toBe("7d");
    expect(clockToDuration("90:00")).toBe("90m");
    expect(clockToDuration("00:00:30")).toBe("30s");
    expect(clockToDuration("noon")).toBeUndefined();
  });

  it("lists the fields when nothing is close", () => {
    const d = only("lr = 1e-3", "frobnicate = 1e-3");
    expect(d.help).toBeUndefined();
    expect(d.notes?.[0]).toMatch(/^the fields are `model`, `data`, `epochs`, `lr`, /);
  });

  it("offers a synonym only where its target is valid", () => {
    expect(synonymFor("learning_rate", ["lr", "epochs"])?.target).toBe("lr");
    expect(synonymFor("learning_rate", ["epochs"])).toBeUndefined();
    expect(synonymFor("num_generations", ["samples"])?.target).toBe("samples");
  });

  it("maps to names the schema has (each word has a target written in compiler/schema/kinds)", () => {
    const dir = path.join(root, "compiler/schema/kinds");
    const words = new Set(readdirSync(dir).flatMap((f) => [...readFileSync(path.join(dir, f), "utf8").matchAll(/[A-Za-z_0-9]+/g)].map((m) => m[0])));
    expect(synonymWords().filter((w) => synonymFor(w, words) === undefined)).toEqual([]);
  });

  it("docs/coming-from.md's name table uses words the checker answers", () => {
    const dir = path.join(root, "compiler/schema/kinds");
    const words = new Set(readdirSync(dir).flatMap((f) => [...readFileSync(path.join(dir, f), "utf8").matchAll(/[A-Za-z_0-9]+/g)].map((m) => m[0])));
    const table = readFileSync(path.join(root, "docs/coming-from.md"), "utf8").split("## GRPO")[0]!;
    const foreign = table.split("\n").filter((l) => l.startsWith("| `")).flatMap((l) => [...l.split("|")[1]!.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!));
    expect(foreign.length).toBeGreaterThan(20);
    expect(foreign.filter((w) => !words.has(w) && synonymFor(w, words) === undefined)).toEqual([]);
  });

  it("the summary line points to align explain with the first error's code", () => {
    const d = only("lr = 1e-3", "learning_rate = 1e-3");
    expect(explainHint([d])).toBe("run `align explain AL3001` for more on a code");
    expect(explainHint([])).toBeUndefined();
  });
});
