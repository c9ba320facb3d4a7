/**
 * A stage's state in the run directory (docs/run.md): the worker's `result.json` says a stage
 * finished; the orchestrator's `align-run.json` beside it records which configuration the stage
 * was started with, so a recipe edit is not mistaken for finished work.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { stageFingerprint } from "./plan.js";
import type { RunPlan } from "./plan.js";

export const STAMP_FILE = "align-run.json";

/** What to do with a stage: skip it, resume it from a checkpoint, or run it from scratch. */
export type StageAction =
  | { readonly kind: "skip"; readonly why: string }
  | { readonly kind: "resume"; readonly why: string }
  | { readonly kind: "fresh"; readonly why: string; readonly clear: boolean };

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(file, "utf8"));
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function resultFile(runDir: string, stage: string): string {
  return path.join(runDir, stage, "result.json");
}

/** The worker's result.json when it says `status: done`. */
export function finishedResult(runDir: string, stage: string): Record<string, unknown> | undefined {
  const result = readJson(resultFile(runDir, stage));
  return result?.["status"] === "done" ? result : undefined;
}

function hasCheckpoints(stageDir: string): boolean {
  const dir = path.join(stageDir, "checkpoints");
  // The worker names only complete checkpoints step-NNNNNNNN (temp dirs start with a dot).
  return existsSync(dir) && readdirSync(dir).some((name) => /^step-\d{8}$/.test(name));
}

/** The fingerprint the stage was last started with; undefined when the worker ran it alone. */
function stampedFingerprint(stageDir: string): string | undefined {
  const stamp = readJson(path.join(stageDir, STAMP_FILE));
  return typeof stamp?.["fingerprint"] === "string" ? stamp["fingerprint"] : undefined;
}

/** An upstream stage finished after this one did, so this stage read outputs since replaced. */
function staleAgainstNeeds(plan: RunPlan, runDir: string, stage: string): string | undefined {
  const own = statSync(resultFile(runDir, stage)).mtimeMs;
  for (const need of plan.stages[stage]?.needs ?? []) {
    const file = resultFile(runDir, need);
    if (existsSync(file) && statSync(file).mtimeMs > own) return need;
  }
  return undefined;
}

/** Decides skip / resume / fresh for one stage from what the run directory holds. */
export function decideStage(plan: RunPlan, runDir: string, stage: string, restart: boolean): StageAction {
  const stageDir = path.join(runDir, stage);
  if (!existsSync(stageDir)) return { kind: "fresh", why: "not started", clear: false };
  if (restart) return { kind: "fresh", why: "--restart", clear: true };
  const stamp = stampedFingerprint(stageDir);
  if (stamp !== undefined && stamp !== stageFingerprint(plan, stage)) {
    return { kind: "fresh", why: "its configuration changed since it was started", clear: true };
  }
  if (finishedResult(runDir, stage) !== undefined) {
    const newer = staleAgainstNeeds(plan, runDir, stage);
    if (newer === undefined) return { kind: "skip", why: "already finished" };
    return { kind: "fresh", why: `stage ${newer} was re-run after it finished`, clear: true };
  }
  if (hasCheckpoints(stageDir)) return { kind: "resume", why: "continuing from its newest checkpoint" };
  return { kind: "fresh", why: "unfinished, no checkpoint", clear: false };
}

/** Clears a stage directory (when asked to) and stamps it with the configuration it runs. */
export function prepareStageDir(plan: RunPlan, runDir: string, stage: string, clear: boolean): void {
  const stageDir = path.join(runDir, stage);
  if (clear) rmSync(stageDir, { recursive: true, force: true });
  mkdirSync(stageDir, { recursive: true });
  const stamp = { stage, fingerprint: stageFingerprint(plan, stage), started_at: new Date().toISOString() };
  writeFileSync(path.join(stageDir, STAMP_FILE), `${JSON.stringify(stamp, null, 1)}\n`);
}
