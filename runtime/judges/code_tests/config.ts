/**
 * The code_tests judge's configuration, as the plan gives it (docs/plan.md, judge
 * `code_tests`). Durations are seconds and sizes bytes, as everywhere in the plan.
 */
import { z } from "zod";
import { CODE_TESTS_BOUNDS } from "../../../compiler/check/rules/support/codeTestsBounds.js";

const MIB = 1024 * 1024;

const fieldRef = z.object({ field: z.string().min(1) }).strict();

export const codeTestsConfigSchema = z.object({
  /** The sample's data field holding the tests. */
  tests: fieldRef.default({ field: "tests" }),
  /** The data field naming the function HumanEval-style `check(candidate)` receives. */
  entry_point: fieldRef.nullable().default(null),
  language: z.literal("python").default("python"),
  /** Wall-clock limit per sample in seconds (also the CPU-seconds limit, rounded up). */
  timeout: z.number().positive().max(CODE_TESTS_BOUNDS.timeout.max).default(10),
  /** Memory in bytes: per process (RLIMIT_AS) and, with cgroups, for the whole sandbox. */
  memory: z.number().int().min(CODE_TESTS_BOUNDS.memory.min).default(512 * MIB),
  /** `none` runs the code on the host with only rlimits: trusted code only. */
  sandbox: z.enum(["bwrap", "none"]).default("bwrap"),
  /** Processes and threads the program may have at once. */
  processes: z.number().int().min(CODE_TESTS_BOUNDS.processes.min).max(CODE_TESTS_BOUNDS.processes.max).default(32),
});

export type CodeTestsConfig = z.output<typeof codeTestsConfigSchema>;
export type CodeTestsConfigInput = z.input<typeof codeTestsConfigSchema>;

/** Validate and fill defaults; throws with every problem listed. */
export function parseCodeTestsConfig(raw: unknown): CodeTestsConfig {
  const parsed = codeTestsConfigSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "config"}: ${issue.message}`);
  throw new Error(`invalid code_tests config: ${problems.join("; ")}`);
}
