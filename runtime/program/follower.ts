/**
 * The program on a node other than 0 of a launch/torchrun.sh run (docs/launch.md, "Follower
 * mode"): it takes no lock, starts no judge server and writes no stage bookkeeping. For each
 * stage node 0 starts (read from node 0's coordinator, runtime/launch/coordinator.ts) it starts
 * this node's ranks with node 0's judge URL and resume decision; stages node 0 skips are skipped.
 * It ends with node 0's outcome: exit 0 when node 0's run is done, else 1 with one line.
 */
import { LeaderFeed } from "../launch/coordinator.js";
import type { NodeEvent } from "../launch/coordinator.js";
import type { RankLauncher, RunningStage, StageInvocation } from "../launch/types.js";
import { progressLog } from "../orchestrator/progress.js";
import { choosePython } from "../orchestrator/python.js";
import type { Program } from "./api.js";

/** How long the ranks get after SIGTERM when node 0 ended the run, before SIGKILL. */
const GRACE_MS = 10_000;

export interface FollowerOptions {
  readonly nodeRank: number;
  /** Node 0's coordinator, `http://MASTER_ADDR:PORT`. */
  readonly leaderUrl: string;
  readonly connectTimeoutMs: number;
  readonly launcher: RankLauncher;
  /** Every field of a stage's invocation that does not come from node 0. */
  readonly invocation: Omit<StageInvocation, "stage" | "judgeUrl" | "resume" | "python">;
  readonly python?: string | undefined;
  readonly say: (line: string) => void;
}

export function openFollower(o: FollowerOptions): Program {
  const feed = new LeaderFeed({ url: o.leaderUrl, nodeRank: o.nodeRank, connectTimeoutMs: o.connectTimeoutMs });
  const me = `align run: node ${o.nodeRank}`;
  const log = progressLog(process.stderr);
  const ran: string[] = [];
  let next = 0;
  let failure: string | undefined;
  let python: string | undefined;
  let running: RunningStage | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    failure ??= `interrupted by ${signal}`;
    feed.stop();
    running?.signal(signal);
  };
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, onSignal);
  o.say(`${me}: following node 0 at ${o.leaderUrl}`);

  /** Node 0's failure as one line (its pre-flight report has several). */
  const nodeZeroEnded = (e: { code: number; message?: string | undefined }) =>
    `node 0 ended the run: ${(e.message ?? `exit ${e.code}`).replace(/:?\s*\n\s*/g, ": ")}`;

  async function event(i: number): Promise<NodeEvent | undefined> {
    try {
      return await feed.event(i);
    } catch (error) {
      failure ??= (error as Error).message;
      return undefined;
    }
  }

  /** Stops this node's ranks once node 0 ends the run with a failure or cannot be reached. */
  function watchNodeZero(stage: RunningStage): void {
    void event(next).then((e) => {
      const why = e === undefined ? failure : e.kind === "end" && e.code !== 0 ? nodeZeroEnded(e) : undefined;
      if (why === undefined || running !== stage) return;
      failure ??= why;
      stage.signal("SIGTERM");
      setTimeout(() => stage.signal("SIGKILL"), GRACE_MS).unref();
    });
  }

  async function runStage(stage: string, judgeUrl: string | undefined, resume: boolean): Promise<boolean> {
    try {
      python ??= await choosePython({ python: o.python, env: o.invocation.env });
    } catch (error) {
      failure = (error as Error).message;
      return false;
    }
    o.say(`${me}: ${stage}: ${resume ? "resuming" : "starting"} this node's ranks (node 0 runs it)`);
    const stageRun = o.launcher.start({ ...o.invocation, python, stage, judgeUrl, resume }, log);
    running = stageRun;
    const orphanGuard = () => stageRun.signal("SIGTERM");
    process.once("exit", orphanGuard);
    watchNodeZero(stageRun);
    const exit = await stageRun.exited;
    process.off("exit", orphanGuard);
    running = undefined;
    if (exit.code === 0) {
      ran.push(stage);
      return failure === undefined;
    }
    failure ??= `stage ${stage} failed on this node (${exit.signal ?? `exit ${exit.code}`}): ${exit.failure ?? "no output"}`;
    return false;
  }

  return {
    async stage(name) {
      if (failure !== undefined) return false;
      const e = await event(next);
      if (e === undefined || e.kind === "end") return false;
      if (e.stage !== name) return true;   // node 0 did not run it (finished, or not selected)
      next++;
      return runStage(name, e.judgeUrl, e.resume);
    },
    async close() {
      try {
        if (failure === undefined) {
          const e = await event(next);
          if (e?.kind === "stage") failure = `node 0 ran stage ${e.stage}, which this node's program did not reach (is it the same bundle?)`;
          else if (e?.kind === "end" && e.code !== 0) failure = nodeZeroEnded(e);
        }
        if (failure !== undefined) {
          o.say(`${me}: ${failure}`);
          return 1;
        }
        process.stdout.write(`${me}: done, following node 0 (ran ${ran.join(", ") || "no stages"})\n`);
        return 0;
      } finally {
        feed.stop();
        for (const sig of ["SIGINT", "SIGTERM"] as const) process.off(sig, onSignal);
      }
    },
  };
}
