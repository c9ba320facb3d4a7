/**
 * What the bundle's generated program does, for the launch tests until `align build` lands on
 * this branch: read plan.json beside the entry script, pick the rank launcher from --launcher, run
 * the stages. Flags: --launcher NAME --run-dir DIR --base-dir DIR --python PATH.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { LAUNCHERS } from "../../runtime/launch/local.js";
import { runStages } from "../../runtime/orchestrator/index.js";
import type { RunPlan } from "../../runtime/orchestrator/index.js";
import { ranksPerNode } from "../../runtime/orchestrator/plan.js";

const flags = new Map<string, string>();
const argv = process.argv.slice(2);
for (let i = 0; i + 1 < argv.length; i += 2) flags.set(argv[i]!, argv[i + 1]!);
const bundle = process.env["ALIGN_TEST_BUNDLE"] ?? path.dirname(process.argv[1]!);
const planJson = readFileSync(path.join(bundle, "plan.json"), "utf8");
const plan = JSON.parse(planJson) as RunPlan;
const make = LAUNCHERS[flags.get("--launcher") ?? "local"];
if (make === undefined) throw new Error(`unknown launcher ${flags.get("--launcher")}`);
const report = await runStages({
  plan, planJson, recipeDir: flags.get("--base-dir") ?? bundle, runDir: path.resolve(flags.get("--run-dir") ?? path.join(bundle, "run")),
  python: flags.get("--python"), launcher: make(ranksPerNode(plan)),
});
process.stderr.write(`program: ${report.status}${report.message ? `: ${report.message}` : ""}\n`);
process.exitCode = report.exitCode;
