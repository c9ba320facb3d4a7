/**
 * The program on a node other than 0 of a launch/torchrun.sh run (docs/launch.md, "Follower
 * mode"): it takes no lock, starts no judge server and writes no stage bookkeeping. For each
 * stage node 0 starts (read from node 0's coordinator, runtime/launch/coordinator.ts) it starts
 * this node's ranks with node 0's judge URL and resume decision; stages node 0 skips are skipped.
 * It ends with node 0's outcome: exit 0 when node 0's run is done, else 1 with one line.
 */
import { LeaderFeed } from "../launch/coordinator.js";
import type { EndEvent, NodeEvent } from "../launch/coordinator.js";
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

/** Node 0's failure as one line (its pre-flight report has several). */
function nodeZeroEnded(e: EndEvent): string {
  return `node 0 ended the run: ${(e.message ?? `exit ${e.code}`).replace(/:?\s*\n\s*/g, ": ")}`;
}

export function openFollower(o: FollowerOptions): Program {
  return new Follower(o);
}

class Follower implements Program {
  private readonly feed: LeaderFeed;
  private readonly me: string;
  private readonly log = progressLog(process.stderr);
  private readonly ran: string[] = [];
  /** The index of node 0's next event this node has not acted on. */
  private next = 0;
  private failure: string | undefined;
  private python: string | undefined;
  private running: RunningStage | undefined;

  constructor(private readonly o: FollowerOptions) {
    this.feed = new LeaderFeed({ url: o.leaderUrl, nodeRank: o.nodeRank, connectTimeoutMs: o.connectTimeoutMs });
    this.me = `align run: node ${o.nodeRank}`;
    for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, this.onSignal);
    o.say(`${this.me}: following node 0 at ${o.leaderUrl}`);
  }

  private onSignal = (signal: NodeJS.Signals): void => {
    this.failure ??= `interrupted by ${signal}`;
    this.feed.stop();
    this.running?.signal(signal);
  };

  /** Node 0's event i, or undefined once the feed failed (the failure is then recorded). */
  private async event(i: number): Promise<NodeEvent | undefined> {
    try {
      return await this.feed.event(i);
    } catch (error) {
      this.failure ??= (error as Error).message;
      return undefined;
    }
  }

  async stage(name: string): Promise<boolean> {
    if (this.failure !== undefined) return false;
    const e = await this.event(this.next);
    if (e === undefined || e.kind === "end") return false;
    if (e.stage !== name) return true;   // node 0 did not run it (finished, or not selected)
    this.next++;
    return this.runStage(name, e.judgeUrl, e.resume);
  }

  /** Stops this node's ranks once node 0 ends the run with a failure or cannot be reached. */
  private watchNodeZero(stage: RunningStage): void {
    void this.event(this.next).then((e) => {
      const why = e === undefined ? this.failure : e.kind === "end" && e.code !== 0 ? nodeZeroEnded(e) : undefined;
      if (why === undefined || this.running !== stage) return;
      this.failure ??= why;
      stage.signal("SIGTERM");
      setTimeout(() => stage.signal("SIGKILL"), GRACE_MS).unref();
    });
  }

  private async runStage(stage: string, judgeUrl: string | undefined, resume: boolean): Promise<boolean> {
    try {
      this.python ??= await choosePython({ python: this.o.python, env: this.o.invocation.env });
    } catch (error) {
      this.failure = (error as Error).message;
      return false;
    }
    this.o.say(`${this.me}: ${stage}: ${resume ? "resuming" : "starting"} this node's ranks (node 0 runs it)`);
    const running = this.o.launcher.start({ ...this.o.invocation, python: this.python, stage, judgeUrl, resume }, this.log);
    this.running = running;
    const orphanGuard = () => running.signal("SIGTERM");
    process.once("exit", orphanGuard);
    this.watchNodeZero(running);
    const exit = await running.exited;
    process.off("exit", orphanGuard);
    this.running = undefined;
    if (exit.code === 0) {
      this.ran.push(stage);
      return this.failure === undefined;
    }
    this.failure ??= `stage ${stage} failed on this node (${exit.signal ?? `exit ${exit.code}`}): ${exit.failure ?? "no output"}`;
    return false;
  }

  /** Waits for node 0's end and exits with it: 0 when node 0's run is done, else 1 with one line. */
  async close(): Promise<number> {
    try {
      if (this.failure === undefined) {
        const e = await this.event(this.next);
        if (e?.kind === "stage") this.failure = `node 0 ran stage ${e.stage}, which this node's program did not reach (is it the same bundle?)`;
        else if (e?.kind === "end" && e.code !== 0) this.failure = nodeZeroEnded(e);
      }
      if (this.failure !== undefined) {
        this.o.say(`${this.me}: ${this.failure}`);
        return 1;
      }
      process.stdout.write(`${this.me}: done, following node 0 (ran ${this.ran.join(", ") || "no stages"})\n`);
      return 0;
    } finally {
      this.feed.stop();
      for (const sig of ["SIGINT", "SIGTERM"] as const) process.off(sig, this.onSignal);
    }
  }
}
