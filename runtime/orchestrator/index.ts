/** The local orchestrator behind `align run` and a bundle's generated program (docs/run.md). */
export { runStages, RunUsageError, StageRun } from "./run.js";
export type { RunOptions, RunReport, StageReport, StageStatus } from "./run.js";
export type { RunPlan, RunPlanStage } from "./plan.js";
export { ranksPerNode } from "./plan.js";
export { choosePython, PythonNotFound, PYTHON_CANDIDATES } from "./python.js";
export { STAMP_FILE } from "./state.js";
