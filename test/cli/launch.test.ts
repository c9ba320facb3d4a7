import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { launchCommand, runLaunch } from "../../cli/commands/launch.js";
import { buildFixture } from "../launch/helpers.js";
import type { TestBundle } from "../launch/helpers.js";

/** `align launch`: the exact command per target, --dry-run, and one line for what is missing. */

async function captured(run: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((c) => ((out += String(c)), true));
  const e = vi.spyOn(process.stderr, "write").mockImplementation((c) => ((err += String(c)), true));
  try {
    return { code: await run(), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe("align launch", () => {
  let b: TestBundle;
  beforeAll(async () => {
    b = await buildFixture();
  }, 120_000);
  afterAll(() => rmSync(b.root, { recursive: true, force: true }));

  it("--dry-run prints exactly the submit command, run from the bundle", async () => {
    const r = await captured(() => runLaunch(b.dir, { target: "slurm", dryRun: true }, ["--qos=debug"]));
    expect(r).toEqual({ code: 0, out: `cd ${b.dir} && sbatch --parsable launch/slurm.sbatch --qos=debug\n`, err: "" });
  });

  it("a missing client is one line, and nothing runs", async () => {
    const saved = process.env["PATH"];
    process.env["PATH"] = "/nonexistent";
    try {
      const r = await captured(() => runLaunch(b.dir, { target: "slurm" }));
      expect(r.code).toBe(1);
      expect(r.err).toBe("align launch: `sbatch` not found on PATH: run this where the Slurm client (slurm-client) is installed, or print the command with --dry-run\n");
    } finally {
      process.env["PATH"] = saved;
    }
  });

  it("a target the recipe does not declare names the declared ones", async () => {
    const r = await captured(() => runLaunch(b.dir, { target: "kubernetes", dryRun: true }));
    expect(r.code).toBe(1);
    expect(r.err).toContain("the recipe has no `launch kubernetes` block (declared: ray, slurm, torchrun); add it and run align build");
  });

  it("an unknown target and a non-bundle are usage errors", async () => {
    expect((await captured(() => runLaunch(b.dir, { target: "pbs" }))).code).toBe(2);
    expect((await captured(() => runLaunch(b.root, { target: "slurm" }))).err).toMatch(/not a bundle \(no plan\.json\)/);
  });

  it("each target's command", () => {
    const k8s = (api: string) => launchCommand("kubernetes", { launch: { kubernetes: { api } } }, "py")?.args;
    expect(k8s("jobset")).toEqual(["apply", "-f", "launch/kubernetes/jobset.yaml"]);
    expect(k8s("indexed_job")).toEqual(["apply", "-f", "launch/kubernetes/indexed-job.yaml"]);
    expect(launchCommand("ray", {}, "/venv/bin/python")).toMatchObject({ file: "/venv/bin/python", args: ["launch/ray/driver.py"] });
    expect(launchCommand("skypilot", {}, "py")).toMatchObject({ file: "sky", args: ["jobs", "launch", "--yes", "launch/skypilot.yaml"] });
  });
});
