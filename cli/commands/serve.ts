import { startJudgeServer } from "../../runtime/server/index.js";
import { compileForRuntime } from "./compiled.js";

export interface ServeOptions {
  readonly host: string;
  readonly port: string;
  readonly cacheDir?: string;
  readonly sandboxWarm?: string;
}

/**
 * `align serve RECIPE`: the judge server for a recipe's judges and tasks, until SIGINT or
 * SIGTERM, which drain in-flight batches before exiting (new requests get 503 meanwhile).
 */
export async function runServe(recipe: string, opts: ServeOptions): Promise<number> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`align serve: --port must be an integer in 0..65535, got \`${opts.port}\`\n`);
    return 2;
  }
  const warm = Number(opts.sandboxWarm ?? "0");
  if (!Number.isInteger(warm) || warm < 0 || warm > 64) {
    process.stderr.write(`align serve: --sandbox-warm must be an integer in 0..64, got \`${opts.sandboxWarm}\`\n`);
    return 2;
  }
  const compiled = compileForRuntime(recipe);
  if (typeof compiled === "number") return compiled;
  let server: Awaited<ReturnType<typeof startJudgeServer>>;
  try {
    server = await startJudgeServer(compiled.plan, {
      host: opts.host,
      port,
      baseDir: compiled.rootDir,
      sandboxWarm: warm,
      ...(opts.cacheDir === undefined ? {} : { cacheDir: opts.cacheDir }),
    });
  } catch (error) {
    // A judge that cannot be built (the registry lists each, one per line) or a port in use:
    // the operator's problem, said plainly, never a stack trace.
    const lines = (error instanceof Error ? error.message : String(error)).split("\n");
    process.stderr.write(`align serve: cannot start the judge server:\n${lines.map((line) => `  ${line}\n`).join("")}`);
    return 1;
  }
  process.stderr.write(`align serve: judging tasks ${Object.keys(compiled.plan.tasks).join(", ") || "(none)"} at ${server.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stderr.write(`align serve: ${signal}: finishing in-flight batches\n`);
      void server.close().then(resolve);
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
  return 0;
}
