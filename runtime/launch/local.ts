/**
 * The `local` launcher: a stage's ranks as processes on this machine, with the environment
 * torchrun would give them (MASTER_ADDR 127.0.0.1 and a free port). One rank that fails ends the
 * stage: the others are stopped (SIGTERM, then SIGKILL after a grace period), since a collective
 * would otherwise wait for the dead rank forever.
 */
import { createServer } from "node:net";
import type { RankExit, RankLauncher, RunningStage, StageExit, StageInvocation } from "./types.js";
import { failureLine, signalWorker, startWorker } from "./worker.js";
import type { RunningWorker } from "./worker.js";

/** How long the surviving ranks get to exit after SIGTERM before SIGKILL. */
const GRACE_MS = 10_000;

/** A port nobody listens on now (the OS picks it; rank 0 binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The torchrun environment of one rank of a single-node world. */
export function rankEnv(rank: number, world: number, port: number): Record<string, string> {
  return {
    RANK: String(rank), WORLD_SIZE: String(world), LOCAL_RANK: String(rank), LOCAL_WORLD_SIZE: String(world),
    GROUP_RANK: "0", MASTER_ADDR: "127.0.0.1", MASTER_PORT: String(port),
  };
}

/** Sums up the ranks' exits: success, or the first failing rank (killed ranks count last). */
export function stageExit(exits: readonly RankExit[]): StageExit {
  const failed = exits.filter((e) => e.code !== 0);
  if (failed.length === 0) return { code: 0, signal: null, ranks: exits };
  // A rank that failed by itself explains the stage; ranks we stopped afterwards do not.
  const first = failed.find((e) => e.signal === null && e.code !== 143 && e.code !== 130) ?? failed[0] as RankExit;
  const line = failureLine(first.tail);
  const failure = exits.length > 1 ? `rank ${first.rank}: ${line}` : line;
  return { code: first.code, signal: first.signal, ranks: exits, failure };
}

/** `ranks` processes of one stage on this machine (1: the worker alone, no process group). */
export function localLauncher(ranks: number): RankLauncher {
  if (!Number.isInteger(ranks) || ranks < 1) throw new Error(`local launcher: ranks must be a positive integer, got ${ranks}`);
  return { name: "local", ranks, start: (stage, log) => startRanks(stage, ranks, log) };
}

function startRanks(stage: StageInvocation, ranks: number, log: (line: string) => void): RunningStage {
  const workers: RunningWorker[] = [];
  let stopping = false;
  // A signal that arrives while the port is being picked reaches the ranks once they exist.
  let early: NodeJS.Signals | undefined;
  const signalAll = (signal: NodeJS.Signals) => {
    if (workers.length === 0) early = signal;
    for (const w of workers) signalWorker(w.child, signal);
  };
  const stopOthers = () => {
    if (stopping) return;
    stopping = true;
    signalAll("SIGTERM");
    setTimeout(() => signalAll("SIGKILL"), GRACE_MS).unref();
  };
  const exited = (async (): Promise<StageExit> => {
    const port = ranks > 1 ? await freePort() : 0;
    for (let rank = 0; rank < ranks; rank++) {
      const placement = ranks > 1
        ? { env: rankEnv(rank, ranks, port), tag: rank === 0 ? `[${stage.stage}]` : `[${stage.stage}#${rank}]` }
        : undefined;
      workers.push(startWorker(stage, log, placement));
    }
    if (early !== undefined) signalAll(early);
    const exits = await Promise.all(workers.map(async (w, rank) => {
      const e = await w.exited;
      if (e.code !== 0) stopOthers();
      return { rank, ...e };
    }));
    return stageExit(exits);
  })();
  return { exited, signal: signalAll };
}
