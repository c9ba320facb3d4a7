import { JudgeCommandError, runJudgeCommand } from "../../runtime/cli-judge/index.js";
import { compileForRuntime } from "./compiled.js";

export interface JudgeOptions {
  readonly task?: string;
  readonly stage?: string;
  readonly input: string;
  readonly out?: string;
  readonly cacheDir?: string;
  readonly batchSize?: string;
}

/** `align judge RECIPE (--task T | --stage S) --input samples.jsonl [--out scored.jsonl]`. */
export async function runJudge(recipe: string, opts: JudgeOptions): Promise<number> {
  const compiled = compileForRuntime(recipe);
  if (typeof compiled === "number") return compiled;
  const batchSize = opts.batchSize === undefined ? undefined : Number(opts.batchSize);
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) {
    process.stderr.write(`align judge: --batch-size must be a positive integer, got \`${opts.batchSize}\`\n`);
    return 2;
  }
  try {
    const result = await runJudgeCommand({
      plan: compiled.plan,
      baseDir: compiled.rootDir,
      ...(opts.task === undefined ? {} : { task: opts.task }),
      ...(opts.stage === undefined ? {} : { stage: opts.stage }),
      input: opts.input,
      ...(opts.out === undefined ? {} : { out: opts.out }),
      ...(opts.cacheDir === undefined ? {} : { cacheDir: opts.cacheDir }),
      ...(batchSize === undefined ? {} : { batchSize }),
    });
    return result.exitCode;
  } catch (error) {
    if (error instanceof JudgeCommandError) {
      process.stderr.write(`align judge: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
