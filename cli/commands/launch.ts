import { spawn } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { shQuote } from "../../compiler/emit/targets/common.js";

export interface LaunchOptions {
  readonly target: string;
  readonly dryRun?: boolean;
}

/** What `align launch` runs for a target: a client program and its arguments, in the bundle. */
export interface LaunchCommand {
  readonly file: string;
  readonly args: readonly string[];
  /** The launch file the command needs (bundle-relative). */
  readonly needs: string;
  /** Where the client comes from, for the one line when it is missing. */
  readonly client: string;
}

/**
 * The submit command of each target (docs/launch.md). Pure: the bundle's plan decides the
 * Kubernetes form; `python` is the worker's Python for the Ray driver.
 */
export function launchCommand(target: string, plan: { launch?: Record<string, Record<string, unknown> | undefined> }, python: string): LaunchCommand | undefined {
  switch (target) {
    case "local":
      return { file: "sh", args: ["launch/local.sh"], needs: "launch/local.sh", client: "a POSIX shell" };
    case "torchrun":
      return { file: "sh", args: ["launch/torchrun.sh"], needs: "launch/torchrun.sh", client: "a POSIX shell" };
    case "slurm":
      return { file: "sbatch", args: ["--parsable", "launch/slurm.sbatch"], needs: "launch/slurm.sbatch", client: "the Slurm client (slurm-client)" };
    case "kubernetes": {
      const file = plan.launch?.["kubernetes"]?.["api"] === "indexed_job" ? "launch/kubernetes/indexed-job.yaml" : "launch/kubernetes/jobset.yaml";
      return { file: "kubectl", args: ["apply", "-f", file], needs: file, client: "kubectl" };
    }
    case "ray":
      return { file: python, args: ["launch/ray/driver.py"], needs: "launch/ray/driver.py", client: "a Python with ray installed (ALIGN_PYTHON)" };
    case "skypilot":
      return { file: "sky", args: ["jobs", "launch", "--yes", "launch/skypilot.yaml"], needs: "launch/skypilot.yaml", client: "SkyPilot (pip install skypilot)" };
    default:
      return undefined;
  }
}

/** The program's absolute path on PATH, or undefined. */
export function onPath(file: string, pathVar = process.env["PATH"] ?? ""): string | undefined {
  if (file.includes("/")) return existsSync(file) ? file : undefined;
  for (const dir of pathVar.split(path.delimiter).filter((d) => d !== "")) {
    const candidate = path.join(dir, file);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch { /* not here */ }
  }
  return undefined;
}

const say = (line: string) => process.stderr.write(`align launch: ${line}\n`);

/**
 * `align launch BUNDLE --target T [--dry-run] [-- ARGS]`: submits the bundle's launch files for T
 * (sbatch, kubectl apply, the Ray driver, sky jobs launch) from the bundle directory, or with
 * --dry-run prints exactly that command. Exit: the client's status; 1 when the client or the
 * target's file is missing; 2 for usage errors.
 */
export async function runLaunch(bundle: string, opts: LaunchOptions, extra: readonly string[] = []): Promise<number> {
  const bundleDir = path.resolve(bundle);
  const planFile = path.join(bundleDir, "plan.json");
  if (!existsSync(planFile)) {
    say(`${bundle}: not a bundle (no plan.json); build one with align build RECIPE`);
    return 2;
  }
  const plan = JSON.parse(readFileSync(planFile, "utf8")) as { launch?: Record<string, Record<string, unknown>> };
  const command = launchCommand(opts.target, plan, process.env["ALIGN_PYTHON"] ?? "python3");
  if (command === undefined) {
    say(`--target ${opts.target}: unknown (known: local, torchrun, slurm, kubernetes, ray, skypilot)`);
    return 2;
  }
  if (!existsSync(path.join(bundleDir, command.needs))) {
    const declared = Object.keys(plan.launch ?? {}).sort().join(", ") || "none";
    say(`${path.join(bundle, command.needs)} is missing: the recipe has no \`launch ${opts.target}\` block (declared: ${declared}); add it and run align build`);
    return 1;
  }
  const argv = [command.file, ...command.args, ...extra];
  if (opts.dryRun) {
    process.stdout.write(`cd ${shQuote(bundleDir)} && ${argv.map(shQuote).join(" ")}\n`);
    return 0;
  }
  if (onPath(command.file) === undefined) {
    say(`\`${command.file}\` not found on PATH: run this where ${command.client} is installed, or print the command with --dry-run`);
    return 1;
  }
  return new Promise((resolve) => {
    const child = spawn(command.file, [...command.args, ...extra], { cwd: bundleDir, stdio: "inherit" });
    child.once("error", (error) => {
      say(`cannot start ${command.file}: ${error.message}`);
      resolve(1);
    });
    child.once("close", (code, signal) => resolve(code ?? (signal === "SIGINT" ? 130 : 143)));
  });
}
