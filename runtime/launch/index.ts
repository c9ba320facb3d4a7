/**
 * How a stage's ranks start (docs/bundle.md, "Ranks"): the RankLauncher contract, and the table
 * of launchers the generated program picks from with `--launcher NAME` (adding one is one line).
 */
import { rayLauncher, slurmLauncher, torchrunLauncher } from "./cluster.js";
import { localLauncher } from "./local.js";
import type { RankLauncher } from "./types.js";

export type { RankExit, RankLauncher, RunningStage, StageExit, StageInvocation } from "./types.js";
export { freePort, localLauncher, rankEnv, stageExit } from "./local.js";
export { LauncherEnvError, rayLauncher, slurmLauncher, torchrunLauncher, torchrunNode } from "./cluster.js";
export type { TorchrunNode } from "./cluster.js";

/** Launcher factories by name; each takes the ranks per node the plan asks for. */
export const LAUNCHERS: Readonly<Record<string, (ranks: number) => RankLauncher>> = {
  local: localLauncher,
  slurm: (ranks) => slurmLauncher(ranks),
  torchrun: (ranks) => torchrunLauncher(ranks),
  ray: (ranks) => rayLauncher(ranks),
};
