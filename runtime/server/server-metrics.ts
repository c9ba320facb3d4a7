/**
 * The judge server's metrics: what an operator needs to see whether the judges keep up and
 * whether they are healthy (error rates, sandbox kills, LLM cache and budget).
 */
import type { LlmJudgeStats } from "../judges/llm/judge.js";
import type { MojVerdict, SampleResult, TaskRuntime } from "../judges/moj.js";
import type { Judge } from "../judges/types.js";
import type { Labels } from "./metrics.js";
import { Collected, Counter, Histogram, LATENCY_BUCKETS, Registry } from "./metrics.js";

/** Reasons a code judge reports when the sandbox killed the run. */
const SANDBOX_KILL_REASONS = new Set(["timeout", "memory_limit", "output_limit"]);

export interface ServerGauges {
  inflight(): number;
  capacity(): number;
  /** Sandboxed runs by outcome (the shared pool's counters), when code judges use it. */
  sandbox?(): Readonly<Record<string, number>>;
}

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter;
  private readonly verdicts: Counter;
  private readonly latency: Histogram;
  private readonly batchDuration: Histogram;
  private readonly samples: Counter;
  private readonly sandboxKills: Counter;
  private readonly verdictSeries = new Map<string, { inc(): void }>();
  private readonly latencySeries = new Map<string, { observe(value: number): void }>();

  constructor(judges: ReadonlyMap<string, Judge>, gauges: ServerGauges) {
    const r = this.registry;
    this.requests = r.add(new Counter("align_judge_http_requests_total", "HTTP requests answered, by route and status code."));
    this.samples = r.add(new Counter("align_judge_samples_total", "Samples judged, by task and feasibility."));
    this.verdicts = r.add(new Counter("align_judge_verdicts_total", "Verdicts, by judge and status (satisfied, violated, error, skipped)."));
    this.latency = r.add(new Histogram("align_judge_latency_seconds", "Time one judge spent on one sample.", LATENCY_BUCKETS));
    this.batchDuration = r.add(new Histogram("align_judge_batch_duration_seconds", "Time to judge one batch, by task.", LATENCY_BUCKETS));
    this.sandboxKills = r.add(new Counter("align_judge_sandbox_kills_total", "Code runs the sandbox killed, by judge and reason."));
    r.add(new Collected("align_judge_inflight_batches", "Batches accepted and not yet answered.", "gauge", () => [[{}, gauges.inflight()]]));
    r.add(new Collected("align_judge_queue_capacity", "Most batches in flight before 429.", "gauge", () => [[{}, gauges.capacity()]]));
    const sandbox = gauges.sandbox;
    if (sandbox !== undefined) {
      const runs = (): Array<readonly [Labels, number]> => Object.entries(sandbox()).map(([status, n]) => [{ status }, n] as const);
      r.add(new Collected("align_judge_sandbox_runs_total", "Sandboxed code runs, by outcome (ok, timeout, memory_limit, ...).", "counter", runs));
    }
    this.addLlmFamilies(judges);
  }

  request(route: string, status: number): void {
    this.requests.inc({ route, code: String(status) });
  }

  batch(task: TaskRuntime, results: readonly SampleResult[], seconds: number): void {
    this.batchDuration.observe({ task: task.name }, seconds);
    let feasible = 0;
    for (const result of results) {
      if (result.feasible) feasible += 1;
      for (const entry of task.judges) {
        const verdict = result.verdicts[entry.name];
        if (verdict !== undefined) this.verdict(entry.name, entry.judge.variant, verdict);
      }
    }
    this.samples.inc({ task: task.name, feasible: "true" }, feasible);
    this.samples.inc({ task: task.name, feasible: "false" }, results.length - feasible);
  }

  /** Called once per verdict: series handles are cached per judge and status. */
  private verdict(judge: string, variant: string, verdict: MojVerdict): void {
    const key = `${judge}\u0000${verdict.status}`;
    let counter = this.verdictSeries.get(key);
    if (counter === undefined) {
      counter = this.verdicts.child({ judge, status: verdict.status });
      this.verdictSeries.set(key, counter);
    }
    counter.inc();
    if (verdict.status !== "skipped") {
      let histogram = this.latencySeries.get(judge);
      if (histogram === undefined) {
        histogram = this.latency.child({ judge });
        this.latencySeries.set(judge, histogram);
      }
      histogram.observe(verdict.latencyMs / 1000);
    }
    if (variant === "code_tests" && SANDBOX_KILL_REASONS.has(verdict.reason)) this.sandboxKills.inc({ judge, reason: verdict.reason });
  }

  render(): string {
    return this.registry.render();
  }

  private addLlmFamilies(judges: ReadonlyMap<string, Judge>): void {
    const llm = [...judges.values()].filter(hasStats);
    const collect = (pick: (stats: LlmJudgeStats) => number | null) => (): Array<readonly [Labels, number]> =>
      llm.flatMap((judge) => {
        const value = pick(judge.stats());
        return value === null ? [] : [[{ judge: judge.name }, value] as const];
      });
    const r = this.registry;
    r.add(new Collected("align_llm_requests_total", "HTTP attempts sent to judge models (retries included).", "counter", collect((s) => s.requests)));
    r.add(new Collected("align_llm_cache_hits_total", "LLM judge replies served from the cache.", "counter", collect((s) => s.cacheHits)));
    r.add(new Collected("align_llm_cache_misses_total", "LLM judge lookups that missed the cache.", "counter", collect((s) => s.cacheMisses)));
    r.add(new Collected("align_llm_budget_tokens_spent_total", "Tokens spent by each LLM judge.", "counter", collect((s) => s.tokensSpent)));
    r.add(new Collected("align_llm_budget_tokens", "Token budget of each LLM judge (absent when unlimited).", "gauge", collect((s) => s.budgetTokens)));
  }
}

function hasStats(judge: Judge): judge is Judge & { stats(): LlmJudgeStats } {
  return typeof (judge as { stats?: unknown }).stats === "function";
}
