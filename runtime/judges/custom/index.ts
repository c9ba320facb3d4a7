/**
 * `custom`: a judge written by the recipe's author, loaded from a module the plan names.
 *
 * The module exports (under `export`, default "judge") either a function
 * `(sample, context) => Judgement | Promise<Judgement>` or an object with such an `evaluate`
 * method; `context` is `{ options, signal }` with the judge's `options` block from the recipe.
 * Custom judges are trusted code: they run in the judge server's process with its rights, not
 * in the sandbox. What they return is checked; anything else becomes an error verdict.
 */
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import type { JudgeFactoryContext } from "../plan-config.js";
import type { Judge, JudgeContext, Judgement, Sample } from "../types.js";
import { judgeError } from "../types.js";

const CustomConfigSchema = z.object({
  module: z.string().min(1),
  export: z.string().min(1).default("judge"),
  options: z.record(z.string(), z.unknown()).default({}),
  /** Seconds. */
  timeout: z.number().positive().default(30),
});

export const JudgementSchema = z.object({
  status: z.enum(["satisfied", "violated", "error"]),
  reason: z.string().regex(/^[a-z][a-z0-9_]*$/, "must be a snake_case identifier"),
  detail: z.string().optional(),
});

export interface CustomJudgeContext {
  readonly options: Readonly<Record<string, unknown>>;
  readonly signal: AbortSignal;
}

type JudgeFunction = (sample: Sample, context: CustomJudgeContext) => unknown;

const MAX_DETAIL = 500;

export async function createCustomJudge(name: string, rawConfig: unknown, context: JudgeFactoryContext): Promise<Judge> {
  const parsed = CustomConfigSchema.safeParse(rawConfig);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`judge ${name} (custom): ${issue?.path.map(String).join(".") ?? ""}: ${issue?.message ?? "invalid config"}`);
  }
  const config = parsed.data;
  const path = resolve(context.baseDir, config.module);
  const exported = (await loadModule(name, path))[config.export];
  const fn = judgeFunction(exported);
  if (fn === null) {
    throw new Error(`judge ${name} (custom): ${config.module} has no export ${JSON.stringify(config.export)} that is a function or an object with evaluate()`);
  }
  const options = Object.freeze({ ...config.options });
  const timeoutMs = config.timeout * 1000;
  return {
    name,
    variant: "custom",
    evaluate: (sample: Sample, judgeContext: JudgeContext) => runCustom(fn, sample, options, timeoutMs, judgeContext.signal),
  };
}

function judgeFunction(exported: unknown): JudgeFunction | null {
  if (typeof exported === "function") return exported as JudgeFunction;
  if (typeof exported === "object" && exported !== null) {
    const evaluate = (exported as { evaluate?: unknown }).evaluate;
    if (typeof evaluate === "function") return (sample, context) => evaluate.call(exported, sample, context);
  }
  return null;
}

/**
 * One call under a deadline. A promise that never settles would otherwise hold its batch, and
 * the whole run, forever; at the deadline the verdict is error/timeout and the signal the judge
 * was given aborts, so well-behaved code can stop its own work.
 */
async function runCustom(fn: JudgeFunction, sample: Sample, options: CustomJudgeContext["options"], timeoutMs: number, upstream?: AbortSignal): Promise<Judgement> {
  const controller = new AbortController();
  const forward = () => controller.abort(upstream?.reason);
  upstream?.addEventListener("abort", forward, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Judgement>((done) => {
    timer = setTimeout(() => {
      controller.abort(new Error("custom judge timed out"));
      done(judgeError("timeout", `no verdict within ${timeoutMs / 1000} s`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([call(fn, sample, { options, signal: controller.signal }), deadline]);
  } finally {
    clearTimeout(timer);
    upstream?.removeEventListener("abort", forward);
  }
}

async function call(fn: JudgeFunction, sample: Sample, context: CustomJudgeContext): Promise<Judgement> {
  let returned: unknown;
  try {
    returned = await fn(sample, context);
  } catch (error) {
    return judgeError("judge_threw", truncate(error instanceof Error ? `${error.name}: ${error.message}` : String(error)));
  }
  return checkJudgement(returned);
}

/** A user's return value, checked: a wrong shape is an error verdict naming what was wrong. */
export function checkJudgement(value: unknown): Judgement {
  const parsed = JudgementSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? "the return value" : issue.path.map(String).join(".");
    return judgeError("invalid_judgement", truncate(`${where}: ${issue?.message ?? "not a judgement"}`));
  }
  const { status, reason, detail } = parsed.data;
  return detail === undefined ? { status, reason } : { status, reason, detail: truncate(detail) };
}

/**
 * .js/.mjs/.cjs load natively. TypeScript loads natively where a TS-aware loader is active
 * (vitest, tsx), else through tsx's `tsImport` when tsx is installed; bundles should ship the
 * module compiled to .js (see docs/judges.md).
 */
async function loadModule(name: string, path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if (!isTypeScript(path) || !isUnknownExtension(error)) throw loadError(name, path, error);
  }
  try {
    const tsx = (await import("tsx/esm/api")) as { tsImport: (specifier: string, parent: string) => Promise<unknown> };
    return (await tsx.tsImport(url, import.meta.url)) as Record<string, unknown>;
  } catch (error) {
    if (isMissingPackage(error)) {
      throw new Error(`judge ${name} (custom): ${path} is TypeScript and no TypeScript loader (tsx) is installed; compile it to .js`);
    }
    throw loadError(name, path, error);
  }
}

function isTypeScript(path: string): boolean {
  return [".ts", ".mts", ".cts"].includes(extname(path));
}

function isUnknownExtension(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "ERR_UNKNOWN_FILE_EXTENSION";
}

function isMissingPackage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ERR_MODULE_NOT_FOUND" && String((error as Error).message).includes("tsx");
}

function loadError(name: string, path: string, error: unknown): Error {
  return new Error(`judge ${name} (custom): cannot load ${path}: ${error instanceof Error ? error.message : String(error)}`);
}

function truncate(text: string): string {
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}
