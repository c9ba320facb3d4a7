/**
 * Progress for long `align judge` runs, on stderr: a redrawn bar on a terminal, plain periodic
 * lines elsewhere (CI logs, files), nothing when turned off. Progress is by bytes of input read,
 * so it needs no first pass to count lines.
 */

export type ProgressMode = "auto" | "bar" | "lines" | "off";

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface Progress {
  update(rows: number, bytes: number): void;
  done(rows: number): void;
}

export interface ProgressOptions {
  readonly mode: ProgressMode;
  readonly stream: ProgressStream;
  readonly totalBytes: number;
  /** Between plain lines; default 5 s. */
  readonly lineIntervalMs?: number;
  readonly now?: () => number;
}

const BAR_WIDTH = 30;
const BAR_REDRAW_MS = 100;

export function createProgress(options: ProgressOptions): Progress {
  const mode = options.mode === "auto" ? (options.stream.isTTY === true ? "bar" : "lines") : options.mode;
  if (mode === "off") return { update: () => undefined, done: () => undefined };
  const now = options.now ?? Date.now;
  const started = now();
  const interval = mode === "bar" ? BAR_REDRAW_MS : (options.lineIntervalMs ?? 5_000);
  let last = started;
  let drawn = false;
  return {
    update(rows, bytes) {
      const time = now();
      if (time - last < interval) return;
      last = time;
      drawn = true;
      const text = describe(rows, bytes, options.totalBytes, (time - started) / 1000);
      options.stream.write(mode === "bar" ? `\r${bar(bytes, options.totalBytes)} ${text}\u001b[K` : `align judge: ${text}\n`);
    },
    done(rows) {
      if (mode === "bar" && drawn) options.stream.write(`\r${bar(1, 1)} ${rows} rows\u001b[K\n`);
    },
  };
}

function fraction(bytes: number, total: number): number {
  return total <= 0 ? 0 : Math.min(1, bytes / total);
}

function bar(bytes: number, total: number): string {
  const filled = Math.round(fraction(bytes, total) * BAR_WIDTH);
  return `[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}]`;
}

function describe(rows: number, bytes: number, total: number, seconds: number): string {
  const perSecond = seconds > 0 ? Math.round(rows / seconds) : 0;
  return `${rows} rows, ${(fraction(bytes, total) * 100).toFixed(0)}% of input, ${perSecond} rows/s`;
}
