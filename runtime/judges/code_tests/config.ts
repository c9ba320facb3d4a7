/**
 * The code_tests judge's configuration, as the plan gives it (docs/plan.md, judge
 * `code_tests`). Durations are seconds and sizes bytes, as everywhere in the plan.
 */
import { z } from "zod";

const MIB = 1024 * 1024;

const fieldRef = z.object({ field: z.string().min(1) }).strict();

export const codeTestsConfigSchema = z.object({
  /** The sample's data field holding the tests. */
  tests: fieldRef.default({ field: "tests" }),
  /** The data field naming the function HumanEval-style `check(candidate)` receives. */
  entry_point: fieldRef.nullable().default(null),
  language: z.literal("python").default("python"),
  /** Wall-clock limit per sample in seconds (also the CPU-seconds limit, rounded up). */
  timeout: z.number().positive().max(3600).default(10),
  /** Address-space limit per process in bytes. */
  memory: z.number().int().min(32 * MIB).default(512 * MIB),
  /** `none` runs the code on the host with only rlimits: trusted code only. */
  sandbox: z.enum(["bwrap", "none"]).default("bwrap"),
  /** Processes and threads the program may have at once. */
  processes: z.number().int().min(1).max(4096).default(32),
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
