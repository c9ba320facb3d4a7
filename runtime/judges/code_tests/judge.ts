/**
 * The `code_tests` judge: extract the program from the response, run it against the
 * sample's unit tests in the sandbox, and turn what happened into a verdict.
 * Reasons, shapes and guarantees: docs/judges/code_tests.md.
 */
import { randomBytes } from "node:crypto";
import { backstopSeconds, DEFAULT_WARM_IDLE_MS, SandboxPool, WarmSandboxes, type SandboxHostOptions, type SandboxRequest, type SandboxResult } from "../../sandbox/index.js";
import { judgeError, violated, type Judge, type JudgeContext, type Judgement, type Sample } from "../types.js";
import { parseCodeTestsConfig, type CodeTestsConfig } from "./config.js";
import { calledNames, extractCode } from "./extract.js";
import { HARNESS_PROCESSES } from "./harness.js";
import { harnessFor, type HarnessProgram } from "./harness_pyc.js";
import { neededNames, normalizeTests, type TestSpec } from "./tests_spec.js";
import { judgementFor } from "./verdict.js";

export interface CodeTestsDeps {
  /** A shared pool (the judge server's code-execution pool); default: one per judge. */
  readonly pool?: SandboxPool;
  /** Host settings for a pool this judge makes itself. */
  readonly host?: SandboxHostOptions;
  /** Python inside the sandbox; must live under /usr (or a path in host.readOnlyPaths). */
  readonly python?: string;
  /**
   * Keep up to `size` sandboxes started ahead, with the harness loaded and waiting for its job
   * (runtime/sandbox/warm.ts): lower latency per verdict, the same CPU. bwrap only; off by default.
   */
  readonly warm?: { readonly size: number; readonly idleMs?: number };
}

/** A code_tests judge; `close` discards the sandboxes it started ahead (if any). */
export interface CodeTestsJudge extends Judge {
  close(): Promise<void>;
}

const DEFAULT_PYTHON = "/usr/bin/python3";

/** The sample's entry point: the configured field, else the conventional `entry_point`. */
function entryPointOf(sample: Sample, config: CodeTestsConfig): string | undefined {
  const value = sample.fields[config.entry_point?.field ?? "entry_point"];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The tests as the harness reads them (JSON, snake_case: the harness is Python). */
function specJson(spec: TestSpec): string {
  switch (spec.kind) {
    case "asserts":
      return JSON.stringify({ kind: spec.kind, source: spec.source });
    case "check":
      return JSON.stringify({ kind: spec.kind, source: spec.source, entry_point: spec.entryPoint });
    case "stdio":
      return JSON.stringify({ kind: spec.kind, cases: spec.cases });
    case "call":
      return JSON.stringify({ kind: spec.kind, fn_name: spec.fnName, cases: spec.cases });
  }
}

/**
 * What the harness reads on stdin: "<spec bytes> <solution bytes>\n", the tests, the solution,
 * then the nonce (left unread until the report). Nothing of the sample is ever a file.
 */
export function jobStdin(code: string, spec: TestSpec, nonce: string): Buffer {
  const tests = Buffer.from(specJson(spec));
  const solution = Buffer.from(code);
  return Buffer.concat([Buffer.from(`${tests.length} ${solution.length}\n`), tests, solution, Buffer.from(`${nonce}\n`)]);
}

/**
 * Everything of a run but its job: the same for every sample of this judge, so a sandbox can
 * be started with it before the job is known. `waitingS`: how long it may wait for the job.
 */
function runTemplate(config: CodeTestsConfig, python: string, harness: HarnessProgram, waitingS = 0): SandboxRequest {
  const wallMs = Math.ceil(config.timeout * 1000);
  return {
    mode: config.sandbox,
    // The harness's judge process is the sandbox's pid 1 and ends itself at the backstop
    // (harness_judge.ts, _seal); with sandbox = none it only sets the alarm.
    argv: [python, "-B", "-s", harness.file, String(backstopSeconds(wallMs)), ...(waitingS > 0 ? [String(waitingS)] : [])],
    programIsInit: true,
    files: { [harness.file]: harness.data },
    // Same hash seed every run: set and dict-of-str iteration order must not vary between
    // two evaluations of the same response (judges are deterministic). One BLAS/OpenMP
    // thread: numpy would otherwise start one per host CPU and hit the process limit.
    env: { PYTHONHASHSEED: "0", PYTHONIOENCODING: "utf-8", PYTHONDONTWRITEBYTECODE: "1", OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
    limits: {
      wallMs,
      cpuSeconds: Math.ceil(config.timeout),
      memoryBytes: config.memory,
      // The harness's judge process is one of the sandbox's processes; the solution keeps its own budget.
      processes: config.processes + HARNESS_PROCESSES,
    },
  };
}

type RunJob = (stdin: Buffer, signal: AbortSignal | undefined) => Promise<SandboxResult>;

async function evaluate(config: CodeTestsConfig, run: RunJob, sample: Sample, context: JudgeContext): Promise<Judgement> {
  const tests = normalizeTests(sample.fields[config.tests.field], entryPointOf(sample, config));
  if (!tests.ok) return judgeError("invalid_tests", tests.error);
  const extracted = extractCode(sample.response, neededNames(tests.spec, calledNames));
  if (extracted === null) return violated("no_code_found", "the response has no Python code block");
  const nonce = randomBytes(16).toString("hex");
  const result = await run(jobStdin(extracted.code, tests.spec, nonce), context.signal);
  return judgementFor(result, {
    nonce,
    wholeResponse: extracted.from === "whole_response",
    timeoutS: config.timeout,
    cancelled: context.signal?.aborted === true,
  });
}

/** How jobs reach a sandbox: a fresh one per job, or one started ahead (deps.warm). */
function jobRunner(config: CodeTestsConfig, pool: SandboxPool, python: string, warm: CodeTestsDeps["warm"]): { run: RunJob; close: () => Promise<void> } {
  const sets = new Map<HarnessProgram, WarmSandboxes>();
  const warmSet = (harness: HarnessProgram): WarmSandboxes | undefined => {
    if (warm === undefined || config.sandbox !== "bwrap") return undefined;
    let set = sets.get(harness);
    if (set === undefined) {
      const idleMs = warm.idleMs ?? DEFAULT_WARM_IDLE_MS;
      // The harness outwaits the set's idle expiry by a second, then ends itself.
      set = new WarmSandboxes(runTemplate(config, python, harness, Math.ceil(idleMs / 1000) + 1), { size: warm.size, idleMs, host: pool.host });
      sets.set(harness, set);
    }
    return set;
  };
  return {
    run: async (stdin, signal) => {
      const harness = await harnessFor(python);
      const set = warmSet(harness);
      if (set !== undefined) return pool.runWith(() => set.run(stdin, signal), signal);
      return pool.run({ ...runTemplate(config, python, harness), stdin, ...(signal !== undefined ? { signal } : {}) });
    },
    close: async () => {
      await Promise.all([...sets.values()].map((set) => set.close()));
    },
  };
}

/**
 * @param name the judge's declared name in the recipe
 * @param rawConfig the plan's judge object (unknown keys such as `variant` are ignored)
 */
export function createCodeTestsJudge(name: string, rawConfig: unknown, deps: CodeTestsDeps = {}): CodeTestsJudge {
  const config = parseCodeTestsConfig(rawConfig);
  const pool = deps.pool ?? new SandboxPool({ ...(deps.host !== undefined ? { host: deps.host } : {}) });
  const jobs = jobRunner(config, pool, deps.python ?? DEFAULT_PYTHON, deps.warm);
  return {
    name,
    variant: "code_tests",
    evaluate: (sample, context) => evaluate(config, jobs.run, sample, context),
    close: jobs.close,
  };
}
