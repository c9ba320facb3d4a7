/**
 * How a stage's ranks are started (docs/bundle.md, "Launchers"). The orchestrator decides what
 * runs; a RankLauncher decides where: `local` starts the ranks on this machine, cluster launchers
 * (torchrun, srun, Ray) start them on the nodes of an allocation. Every launcher gives its ranks
 * the torchrun environment (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR,
 * MASTER_PORT), which the worker reads (runtime/worker/align_worker/distributed.py).
 */

/** One stage's worker command, the same on every rank. */
export interface StageInvocation {
  readonly python: string;
  /** The directory holding the `align_worker` package (put first on PYTHONPATH). */
  readonly workerDir: string;
  readonly planFile: string;
  readonly stage: string;
  readonly runDir: string;
  /** Plan paths (datasets, templates, judge modules) resolve against it. */
  readonly baseDir: string;
  /** The judge server every rank calls (started once per run, on the first node). */
  readonly judgeUrl?: string | undefined;
  readonly resume: boolean;
  readonly cpu: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface RankExit {
  readonly rank: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The last non-empty stderr lines, oldest first. */
  readonly tail: readonly string[];
}

/** How a stage's ranks ended. */
export interface StageExit {
  /** 0 when every rank exited 0; else the first failing rank's exit code (null: killed by a signal). */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Every rank's exit, in rank order. */
  readonly ranks: readonly RankExit[];
  /** One line explaining the failure (the first failing rank's own error); absent on success. */
  readonly failure?: string;
}

export interface RunningStage {
  readonly exited: Promise<StageExit>;
  /** Forwards a signal to every rank still running (SIGKILL for a second Ctrl-C). */
  signal(signal: NodeJS.Signals): void;
}

export interface RankLauncher {
  readonly name: string;
  /** Ranks per node this launcher starts (the world size on one node). */
  readonly ranks: number;
  /**
   * The address the judge server binds, which every rank must reach: loopback (the default)
   * when all ranks run here, the first node's address when ranks run on several nodes.
   */
  readonly judgeHost?: string;
  /** Starts the stage on every rank; output lines go to `log`, tagged with the stage (and rank). */
  start(stage: StageInvocation, log: (line: string) => void): RunningStage;
}
