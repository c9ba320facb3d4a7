/**
 * Live progress for `align run` on a terminal: the worker's per-step lines
 * (`[rl] step 3/50 loss=... reward=... feasible=... 1.20s`, docs/worker.md) collapse into one
 * status line per stage, rewritten in place with the step, percentage, ETA, reward and
 * feasibility; every other line prints above it. Off a terminal (CI logs, pipes) lines pass
 * through unchanged.
 */

export interface StepLine {
  readonly stage: string;
  readonly step: number;
  readonly total: number;
  /** `key=value` pairs as the worker printed them (loss, reward, feasible, lr, tok/s). */
  readonly values: Readonly<Record<string, string>>;
  /** The step's own time in seconds (the line's last field). */
  readonly seconds?: number;
}

const STEP_LINE = /^\[([^\]]+)\] step (\d+)\/(\d+)((?: \S+=\S+)*)(?: ([\d.]+)s)?\s*$/;

/** The worker's progress line, or undefined for any other line. */
export function parseStepLine(line: string): StepLine | undefined {
  const m = STEP_LINE.exec(line);
  if (m === null) return undefined;
  const values = Object.fromEntries((m[4] ?? "").trim().split(" ").filter((kv) => kv.includes("=")).map((kv) => {
    const i = kv.indexOf("=");
    return [kv.slice(0, i), kv.slice(i + 1)];
  }));
  const base = { stage: m[1]!, step: Number(m[2]), total: Number(m[3]), values };
  return m[5] === undefined ? base : { ...base, seconds: Number(m[5]) };
}

/** `45s`, `3m05s`, `2h07m`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** The status line: `[rl] step 3/50 6% ETA 1m12s reward=0.612 feasible=0.75 loss=-0.0412`. */
export function statusLine(p: StepLine, etaSeconds: number | undefined): string {
  const pct = p.total > 0 ? ` ${Math.floor((100 * p.step) / p.total)}%` : "";
  const eta = p.step >= p.total ? " done" : etaSeconds === undefined ? "" : ` ETA ${formatDuration(etaSeconds)}`;
  const shown = ["reward", "feasible", "loss"].filter((k) => p.values[k] !== undefined).map((k) => `${k}=${p.values[k]}`);
  return `[${p.stage}] step ${p.step}/${p.total}${pct}${eta}${shown.length ? ` ${shown.join(" ")}` : ""}`;
}

/** Remaining time from the pace since the stage's first step seen here (a resumed stage starts late). */
export function estimateEta(first: { step: number; at: number }, p: StepLine, now: number): number | undefined {
  const remaining = p.total - p.step;
  if (p.step > first.step) return ((now - first.at) / 1000 / (p.step - first.step)) * remaining;
  return p.seconds === undefined ? undefined : p.seconds * remaining;
}

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

const CLEAR = "\r\x1b[2K";

/**
 * A `log` for the orchestrator. On a TTY, step lines update the current stage's status line and
 * any other line is printed above it; the status line is kept (one line per stage) when its stage
 * ends or another stage speaks. Elsewhere every line is written as is.
 */
export function progressLog(out: ProgressStream, now: () => number = Date.now): (line: string) => void {
  if (out.isTTY !== true) return (line) => void out.write(`${line}\n`);
  let status: { stage: string; text: string } | undefined;
  const firsts = new Map<string, { step: number; at: number }>();
  const fit = (text: string) => (out.columns !== undefined && out.columns > 20 && text.length >= out.columns ? `${text.slice(0, Math.max(out.columns - 2, 10))}…` : text);
  return (line) => {
    const p = parseStepLine(line);
    if (p !== undefined) {
      if (status !== undefined && status.stage !== p.stage) out.write("\n");
      const first = firsts.get(p.stage) ?? { step: p.step - 1, at: now() - (p.seconds ?? 0) * 1000 };
      firsts.set(p.stage, first);
      status = { stage: p.stage, text: fit(statusLine(p, estimateEta(first, p, now()))) };
      out.write(`${CLEAR}${status.text}`);
      return;
    }
    if (status === undefined) {
      out.write(`${line}\n`);
      return;
    }
    const sameStage = line.startsWith(`[${status.stage}] `) && !line.startsWith(`[${status.stage}] done`);
    if (sameStage) {
      out.write(`${CLEAR}${line}\n${status.text}`);
    } else {
      out.write(`\n${line}\n`);
      status = undefined;
    }
  };
}
