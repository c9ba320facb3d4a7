import { describe, expect, it } from "vitest";
import { estimateEta, formatDuration, parseStepLine, progressLog, statusLine } from "../../runtime/orchestrator/progress.js";

const STEP = "[rl] step 3/50 loss=-0.0412 reward=0.612 feasible=0.75 lr=1.00e-04 tok/s=1830 1.20s";

/** A terminal's view of what was written: \r returns to the line start, ESC[2K clears it. */
function screen(text: string): string[] {
  const lines: string[] = [""];
  for (const part of text.split(/(\r\x1b\[2K|\n)/)) {
    if (part === "\n") lines.push("");
    else if (part === "\r\x1b[2K") lines[lines.length - 1] = "";
    else lines[lines.length - 1] += part;
  }
  return lines;
}

function tty(columns?: number) {
  let written = "";
  const out = { isTTY: true, ...(columns === undefined ? {} : { columns }), write: (t: string) => { written += t; } };
  return { out, text: () => written };
}

describe("live progress", () => {
  it("parses the worker's step line", () => {
    expect(parseStepLine(STEP)).toEqual({
      stage: "rl", step: 3, total: 50, seconds: 1.2,
      values: { loss: "-0.0412", reward: "0.612", feasible: "0.75", lr: "1.00e-04", "tok/s": "1830" },
    });
    expect(parseStepLine("[rl] step 1/4 loss=5.6678 lr=6.00e-04 tok/s=1571 0.08s")?.values["loss"]).toBe("5.6678");
    expect(parseStepLine("[rl] done in 2.9s")).toBeUndefined();
    expect(parseStepLine("align run: rl (cgpo): starting")).toBeUndefined();
  });

  it("formats step, percentage, ETA, reward and feasibility", () => {
    const p = parseStepLine(STEP)!;
    expect(statusLine(p, 75)).toBe("[rl] step 3/50 6% ETA 1m15s reward=0.612 feasible=0.75 loss=-0.0412");
    expect(statusLine({ ...p, step: 50 }, 0)).toBe("[rl] step 50/50 100% done reward=0.612 feasible=0.75 loss=-0.0412");
    expect(formatDuration(7322)).toBe("2h02m");
    expect(estimateEta({ step: 0, at: 0 }, p, 6000)).toBeCloseTo(94);   // 2 s a step, 47 to go
  });

  it("keeps one status line per stage on a terminal, other lines above it", () => {
    let now = 10_000;
    const { out, text } = tty(200);
    const log = progressLog(out, () => now);
    log("align run: warmup (sft): starting");
    log("[warmup] step 1/2 loss=5.0 lr=1.00e-03 tok/s=100 1.00s");
    now += 1000;
    log("[warmup] a note from the worker");
    log("[warmup] step 2/2 loss=4.0 lr=1.00e-03 tok/s=100 1.00s");
    log("[warmup] done in 2.0s");
    log("align run: rl (cgpo): starting");
    now += 1000;
    log("[rl] step 1/4 loss=-0.7 reward=0.50 feasible=0.22 lr=6.00e-05 tok/s=2211 2.00s");
    expect(screen(text())).toEqual([
      "align run: warmup (sft): starting",
      "[warmup] a note from the worker",
      "[warmup] step 2/2 100% done loss=4.0",
      "[warmup] done in 2.0s",
      "align run: rl (cgpo): starting",
      "[rl] step 1/4 25% ETA 6s reward=0.50 feasible=0.22 loss=-0.7",
    ]);
  });

  it("passes every line through unchanged when not a terminal", () => {
    let written = "";
    const log = progressLog({ isTTY: false, write: (t: string) => { written += t; } });
    log(STEP);
    log("[rl] done in 2.9s");
    expect(written).toBe(`${STEP}\n[rl] done in 2.9s\n`);
  });
});
