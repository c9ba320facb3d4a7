import { describe, expect, it } from "vitest";
import { compileText } from "../compiler/helpers.js";
import { codes, fixOnce } from "../support/fixes.js";

/** The launch rules' fix-its (AL4100-AL4103): applying the fix makes the diagnostic go away. */

describe("launch rule fix-its", () => {
  it("AL4100 adds each missing Kubernetes field, and the recipe then checks", () => {
    const bad = 'launch kubernetes {\n  namespace = "ml"\n}\n';
    expect(codes(bad).filter((c) => c === "AL4100")).toHaveLength(2);
    const once = fixOnce(bad, "AL4100");
    expect(once.title).toBe('add `image = "registry.example.com/align/worker@sha256:DIGEST"`');
    const twice = fixOnce(once.fixed, "AL4100");
    expect(twice.fixed).toBe('launch kubernetes {\n  volume_claim = "align-runs"\n  image = "registry.example.com/align/worker@sha256:DIGEST"\n  namespace = "ml"\n}\n');
    expect(codes(twice.fixed)).toEqual([]);
  });

  it("AL4101 replaces SkyPilot's accelerators with the cluster's", () => {
    const bad = 'cluster { nodes = 2  gpus_per_node = 8  gpu = a100_80gb }\nlaunch skypilot { accelerators = "H100:8" }\n';
    const { fixed } = fixOnce(bad, "AL4101");
    expect(fixed).toContain('accelerators = "A100-80GB:8"');
    expect(codes(fixed)).toEqual([]);
  });

  it("AL4101 on a CPU cluster names the mismatch and offers no made-up GPU", () => {
    const diagnostic = compileText('launch skypilot { accelerators = "H100:1" }\n').diagnostics.find((d) => d.code === "AL4101");
    expect(diagnostic?.message).toContain("no GPUs (a CPU cluster)");
    expect(diagnostic?.fix).toBeUndefined();
  });

  it("AL4102 shortens the signal lead time to a tenth of the limit", () => {
    const { fixed } = fixOnce("launch slurm { time = 10m  signal_before = 10m }\n", "AL4102");
    expect(fixed).toBe("launch slurm { time = 10m  signal_before = 60s }\n");
    expect(codes(fixed)).toEqual([]);
  });

  it("AL4102 fires on the default lead time with a short limit, without rewriting a value not written", () => {
    const diagnostic = compileText("launch slurm { time = 2m }\n").diagnostics.find((d) => d.code === "AL4102");
    expect(diagnostic?.message).toContain("(300 s) is not shorter than the job's `time` (120 s)");
    expect(diagnostic?.fix).toBeUndefined();
  });

  it("AL4103 adds run storage to a spot SkyPilot target (a warning)", () => {
    const bad = "launch skypilot {\n  use_spot = true\n}\n";
    const result = compileText(bad);
    expect(result.diagnostics.find((d) => d.code === "AL4103")?.severity).toBe("warning");
    const { fixed } = fixOnce(bad, "AL4103");
    expect(codes(fixed)).toEqual([]);
  });

  it("AL4100 asks Kubernetes and a RayJob for the Secret of the variables the recipe reads, and adds it", () => {
    const model = 'model judge {\n  from = endpoint("http://j:8000/v1", model = "m", api_key = env("JUDGE_API_KEY"))\n}\n';
    const kube = `${model}launch kubernetes {\n  image = "r/w:1"\n  volume_claim = "runs"\n}\n`;
    const diagnostic = compileText(kube).diagnostics.find((d) => d.code === "AL4100");
    expect(diagnostic?.message).toBe("`launch kubernetes` has no `secret`: the recipe reads JUDGE_API_KEY from the environment, which its pods get only from a Secret");
    const { fixed } = fixOnce(kube, "AL4100");
    expect(fixed).toContain('  secret = "align-secrets"\n');
    expect(codes(fixed)).toEqual([]);
    // A Ray driver on an existing cluster inherits the shell's environment: only the RayJob needs it.
    expect(codes(`${model}launch ray {}\n`)).toEqual([]);
    expect(codes(`${model}launch ray {\n  image = "r/w:1"\n  volume_claim = "runs"\n}\n`)).toEqual(["AL4100"]);
    // No env("NAME") read, no Secret needed.
    expect(codes('launch kubernetes {\n  image = "r/w:1"\n  volume_claim = "runs"\n}\n')).toEqual([]);
  });
});
