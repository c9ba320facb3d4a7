import { Command, CommanderError } from "commander";

/**
 * The `align` command line. Each command's module is imported only when it runs, so
 * `align check` never pays for the plan schema (zod), the formatter or the emitter; `npm run
 * build` bundles this file with commander and the check command (scripts/bundle-check.mjs,
 * run by cli/bundled.ts), and `bin/align.js` calls `main`.
 * Exit codes: 0 success, 1 the input has errors (or is unformatted, with `fmt --check`),
 * 2 the invocation is wrong (unknown option, missing file, unknown code).
 */

const VERSION = "0.1.0";

function buildProgram(): Command {
  const program = new Command("align")
    .description("A typed language for LLM alignment recipes: check, format, plan and run `.align` files.")
    .version(VERSION, "-V, --version")
    .showHelpAfterError("(run `align --help` for usage)")
    .exitOverride();

  program
    .command("check")
    .description("Type-check recipes and report diagnostics (exit 1 on errors).")
    .argument("<files...>", "recipe files")
    .option("--format <format>", "text or json", "text")
    .option("--fix", "apply the safe fix-its (misspelt names with one candidate, values in the wrong syntax) in place")
    .action(async (files: string[], opts: { format: string; fix?: boolean }) => {
      const { runCheck } = await import("./commands/check.js");
      process.exitCode = await runCheck(files, opts);
    });

  program
    .command("fmt")
    .description("Format recipes in place (with --check: list unformatted files and exit 1).")
    .argument("<files...>", "recipe files")
    .option("--check", "only check; do not write")
    .action(async (files: string[], opts: { check?: boolean }) => {
      const { runFmt } = await import("./commands/fmt.js");
      process.exitCode = await runFmt(files, opts);
    });

  program
    .command("plan")
    .description("Show the resolved plan: values with provenance, the stage DAG, memory per GPU.")
    .argument("<file>", "the root recipe")
    .option("--json", "print plan.json")
    .option("--out <path>", "write plan.json to a file")
    .action(async (file: string, opts: { json?: boolean; out?: string }) => {
      const { runPlan } = await import("./commands/plan.js");
      process.exitCode = await runPlan(file, opts);
    });

  program
    .command("explain")
    .description("Explain a diagnostic code, with an example that triggers it.")
    .argument("<code>", "a code such as AL3001")
    .action(async (code: string) => {
      const { runExplain } = await import("./commands/explain.js");
      process.exitCode = await runExplain(code);
    });

  program
    .command("schema")
    .description("The field reference: every kind, one KIND or KIND.VARIANT, or a nested path such as task.optimizer.crpg.")
    .argument("[target]", "KIND, KIND.VARIANT or a path through fields, e.g. judge.code_tests, task.optimizer.crpg")
    .option("--json", "print the schema as JSON")
    .action(async (target: string | undefined, opts: { json?: boolean }) => {
      const { runSchema } = await import("./commands/schema.js");
      process.exitCode = await runSchema(target, opts);
    });

  program
    .command("setup")
    .description("Create the worker's Python environment (.venv-worker) with pip from runtime/worker/requirements.txt.")
    .option("--dir <dir>", "the virtual environment to create (default: .venv-worker in the checkout)")
    .option("--python <path>", "the Python that creates it (default: python3)")
    .option("--requirements <file>", "the requirements to install (default: runtime/worker/requirements.txt)")
    .option("--pip-args <args>", "extra pip arguments, e.g. \"--no-index --find-links /wheels\"")
    .action(async (opts: import("./commands/setup.js").SetupCommandOptions) => {
      const { runSetup } = await import("./commands/setup.js");
      process.exitCode = await runSetup(opts);
    });

  program
    .command("judge")
    .description("Score a JSONL file of samples offline with one task's (or stage's) mixture of judges.")
    .argument("<recipe>", "the root recipe")
    .option("--task <task>", "the task whose judges score the samples")
    .option("--stage <stage>", "instead of --task: a generate, judge or eval stage whose own judges score them")
    .requiredOption("--input <file>", "JSONL: prompt, response, the data fields, source")
    .option("--out <file>", "write each row with its verdicts, feasible and skip (JSONL)")
    .option("--cache-dir <dir>", "keep LLM judge replies on disk between runs")
    .option("--batch-size <n>", "samples judged together", undefined)
    .action(async (recipe: string, opts: import("./commands/judge.js").JudgeOptions) => {
      const { runJudge } = await import("./commands/judge.js");
      process.exitCode = await runJudge(recipe, opts);
    });

  program
    .command("serve")
    .description("Serve a recipe's judges over HTTP (POST /v1/judge, /healthz, /metrics) for the worker.")
    .argument("<recipe>", "the root recipe")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on (0: any free port)", "8765")
    .option("--cache-dir <dir>", "keep LLM judge replies on disk between runs")
    .option("--sandbox-warm <n>", "code_tests sandboxes started ahead per code judge (lower latency, same CPU)", "0")
    .action(async (recipe: string, opts: import("./commands/serve.js").ServeOptions) => {
      const { runServe } = await import("./commands/serve.js");
      process.exitCode = await runServe(recipe, opts);
    });

  program
    .command("build")
    .description("Compile a recipe into a launch bundle: generated program, launch scripts, runtime, worker, lockfile.")
    .argument("<recipe>", "the root recipe")
    .option("--out <dir>", "the bundle directory (default: <output_dir>/<recipe name>/bundle beside the recipe)")
    .option("--target <names>", "comma-separated launch targets (default: the recipe's launch blocks and local)")
    .option("--check", "regenerate in memory; exit 1 naming each file that differs")
    .action(async (recipe: string, opts: import("./commands/build.js").BuildOptions) => {
      const { runBuild } = await import("./commands/build.js");
      process.exitCode = await runBuild(recipe, opts);
    });

  program
    .command("verify")
    .description("Re-hash every input a bundle's align.lock.json names; exit 1 naming each change.")
    .argument("<bundle>", "a bundle directory")
    .option("--base-dir <dir>", "check the inputs in DIR (the recipe's directory) instead of the bundle's inputs/")
    .action(async (bundle: string, opts: import("./commands/verify.js").VerifyOptions) => {
      const { runVerify } = await import("./commands/verify.js");
      process.exitCode = await runVerify(bundle, opts);
    });

  program
    .command("launch")
    .description("Submit a bundle to a launch target (sbatch, kubectl apply, the Ray driver, sky jobs launch), or print the command.")
    .argument("<bundle>", "a bundle directory")
    .argument("[args...]", "passed to the submit command (after --)")
    .requiredOption("--target <name>", "local, torchrun, slurm, kubernetes, ray or skypilot")
    .option("--dry-run", "print exactly what would run, run nothing")
    .action(async (bundle: string, args: string[], opts: import("./commands/launch.js").LaunchOptions) => {
      const { runLaunch } = await import("./commands/launch.js");
      process.exitCode = await runLaunch(bundle, opts, args);
    });

  program
    .command("run")
    .description("Run a recipe's stages locally (judge server in-process, one Python worker per stage).")
    .argument("<recipe>", "the root recipe")
    .option("--stage <stage>", "run only this stage (its inputs must be finished)")
    .option("--run-dir <dir>", "the run directory (default: <output_dir>/<recipe name> beside the recipe)")
    .option("--python <path>", "the Python that runs the worker (default: $ALIGN_PYTHON, else a python3 with torch)")
    .option("--restart", "run finished stages again (their outputs are replaced)")
    .option("--no-endpoint-check", "skip pre-flight's request to each LLM endpoint")
    .option("--setup", "when no Python has PyTorch, create .venv-worker with pip first (as `align setup` does)")
    .action(async (recipe: string, opts: import("./commands/run.js").RunCommandOptions) => {
      const { runRun } = await import("./commands/run.js");
      process.exitCode = await runRun(recipe, opts);
    });

  program
    .command("lsp")
    .description("Run the language server on stdin/stdout (for editors: docs/editors.md).")
    .option("--stdio", "talk over stdin/stdout (the default and only transport)")
    .action(async () => {
      const { runLanguageServer } = await import("../lsp/main.js");
      runLanguageServer();
    });

  program
    .command("report")
    .description("Write a run's HTML report (plots, eval pass rates, samples, plan); --compare overlays two runs.")
    .argument("[runDir]", "the run directory (align run's outputs)")
    .option("--out <file>", "where to write (default: RUN_DIR/report.html; with --compare ./align-compare.html)")
    .option("--compare <runs...>", "two run directories to overlay")
    .option("--recipe-dir <dir>", "where the recipe file is, when not beside the run directory")
    .action(async (runDir: string | undefined, opts: import("./commands/report.js").ReportCommandOptions) => {
      const { runReport } = await import("./commands/report.js");
      process.exitCode = runReport(runDir, opts);
    });

  program
    .command("docs", { hidden: true })
    .description("Regenerate docs/language.md, docs/diagnostics.md and docs/plan.schema.json.")
    .option("--check", "exit 1 when a committed file is stale")
    .option("--root <dir>", "the repository root", ".")
    .action(async (opts: { check?: boolean; root: string }) => {
      const { runDocs } = await import("../compiler/docs/generate.js");
      process.exitCode = runDocs(opts.root, { check: opts.check === true });
    });

  return program;
}

/** A reader that went away (`align check x | head`) ends the command quietly, not with a stack trace. */
function exitOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(process.exitCode ?? 0);
  });
}

export async function main(argv: readonly string[]): Promise<void> {
  exitOnClosedPipe(process.stdout);
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every other commander error is a usage error.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    throw error;
  }
}
