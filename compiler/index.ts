import os from "node:os";
import path from "node:path";
import type { Diagnostic } from "../grammar/diagnostic.js";
import type { Span } from "../grammar/span.js";
import { checkProgram, type CheckResult } from "./check/checker.js";
import { allRules } from "./check/rules/index.js";
import { serializePlan } from "./plan/serialize.js";
import type { Plan } from "./plan/types.js";
import { fileSystemHost, type CompilerHost } from "./resolve/host.js";

/**
 * The compiler's public API. `check` reports diagnostics; `compile` also returns plan.json
 * (its bytes only when there are no errors). Both read files through a host (the file system
 * by default) and never throw on bad input.
 */

export type { Diagnostic } from "../grammar/diagnostic.js";
export type { Plan } from "./plan/types.js";
export type { CompilerHost } from "./resolve/host.js";
export { fileSystemHost, memoryHost } from "./resolve/host.js";

export interface CompileOptions {
  readonly host?: CompilerHost;
  /** Directory relative root paths are resolved against (default: process.cwd()). */
  readonly cwd?: string;
  /**
   * The local Hugging Face hub cache, where `hf(...)` models' config.json give the estimate
   * their shapes. Default: with the file-system host, $HF_HUB_CACHE, else $HF_HOME/hub, else
   * ~/.cache/huggingface/hub; with another host, none.
   */
  readonly hubCache?: string;
}

export interface CompileResult {
  readonly diagnostics: readonly Diagnostic[];
  readonly hasErrors: boolean;
  /** The plan; only the well-typed declarations when there are errors. */
  readonly plan: Plan | undefined;
  /** plan.json bytes (serialized on first read: `check` never pays for it); undefined when there are errors. */
  readonly planJson: string | undefined;
  /** Span of every plan value by JSON Pointer. */
  readonly spans: ReadonlyMap<string, Span>;
  /** Text of every file read, by the name spans use (for rendering). */
  readonly sources: ReadonlyMap<string, string>;
  /** Absolute directory of the root recipe. */
  readonly rootDir: string | undefined;
}

export function compile(file: string, options: CompileOptions = {}): CompileResult {
  const hubCache = options.hubCache ?? (options.host === undefined ? defaultHubCache() : undefined);
  const result = checkProgram(file, { host: options.host ?? fileSystemHost(), cwd: options.cwd, rules: allRules, hubCache });
  if (!result) return unreadable(file);
  return toCompileResult(result);
}

/** Diagnostics only (the same work as compile; the plan is how rules see the recipe). */
export function check(file: string, options: CompileOptions = {}): readonly Diagnostic[] {
  return compile(file, options).diagnostics;
}

function toCompileResult(result: CheckResult): CompileResult {
  const hasErrors = result.diagnostics.some((d) => d.severity === "error");
  let planJson: string | undefined;
  return {
    diagnostics: result.diagnostics,
    hasErrors,
    plan: result.plan,
    get planJson() {
      if (!hasErrors && planJson === undefined) planJson = serializePlan(result.plan);
      return planJson;
    },
    get spans() {
      return result.spans;
    },
    sources: result.program.sources,
    rootDir: result.program.rootDir,
  };
}

function unreadable(file: string): CompileResult {
  const diagnostic: Diagnostic = { code: "AL2005", severity: "error", message: `cannot read \`${file}\`` };
  return { diagnostics: [diagnostic], hasErrors: true, plan: undefined, planJson: undefined, spans: new Map(), sources: new Map(), rootDir: undefined };
}

/** Where huggingface_hub keeps downloads on this machine (its own environment variables). */
export function defaultHubCache(env: NodeJS.ProcessEnv = process.env): string {
  if (env["HF_HUB_CACHE"]) return env["HF_HUB_CACHE"];
  if (env["HF_HOME"]) return path.join(env["HF_HOME"], "hub");
  return path.join(os.homedir(), ".cache", "huggingface", "hub");
}
