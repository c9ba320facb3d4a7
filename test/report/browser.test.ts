/**
 * The report of a real run, in a real browser: a reduced recipes/tiny.align runs through
 * `align run` (real judge server and Python worker), which writes report.html; Debian's Chromium
 * (driven by playwright-core, never a downloaded browser) opens it from file:// and the test
 * checks what a reader would: no console errors or network requests, data in every plot, the
 * sample browser's filters, and a full-page screenshot that is not blank and shows each section.
 * ALIGN_REPORT_SCREENSHOT=FILE also keeps the screenshot (docs/report.md's picture comes from here).
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { execa } from "execa";
import { chromium } from "playwright-core";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../support/build.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = path.join(root, "bin/align.js");
const CHROMIUM = "/usr/bin/chromium";

function torchPython(): string | undefined {
  for (const py of [process.env["ALIGN_PYTHON"], "/usr/bin/python3", "python3"]) {
    if (py === undefined || py === "") continue;
    try {
      execFileSync(py, ["-c", "import torch"], { stdio: "ignore", timeout: 60_000 });
      return py;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

const python = torchPython();
const work = mkdtempSync(path.join(tmpdir(), "align-report-"));
const runDir = path.join(work, "runs", "tiny");
let context: BrowserContext;

afterAll(async () => {
  await context?.close();
  rmSync(work, { recursive: true, force: true });
});

/** recipes/tiny.align made fast: 1 SFT epoch, 6 RL steps (about 15 s on two cores). */
function smallTiny(): string {
  cpSync(path.join(root, "recipes/data"), path.join(work, "data"), { recursive: true });
  let text = readFileSync(path.join(root, "recipes/tiny.align"), "utf8");
  for (const [from, to] of [["steps = 120", "steps = 6"], ["epochs = 20", "epochs = 1"], ["checkpoint_every = 40", "checkpoint_every = 3"]] as const) {
    expect(text).toContain(from);
    text = text.replace(from, to);
  }
  const recipe = path.join(work, "tiny.align");
  writeFileSync(recipe, text);
  return recipe;
}

const align = (args: string[]) =>
  execa("node", [bin, ...args], { cwd: work, reject: false, env: { NO_COLOR: "1", OMP_NUM_THREADS: "1", ALIGN_PYTHON: python ?? "" } });

/** Chromium with a fresh profile and everything that phones home switched off. */
async function launch(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(path.join(work, "profile-")), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}

interface Opened {
  readonly page: Page;
  readonly problems: string[];
  readonly requests: string[];
}

async function open(file: string): Promise<Opened> {
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href);
  return { page, problems, requests };
}

/** Per plot: its id and how many data points it draws (polyline vertices and bars). */
function plotPoints(page: Page): Promise<{ id: string; points: number; dashed: number }[]> {
  return page.$$eval("figure.chart", (figures) => figures.map((f) => {
    const lines = Array.from(f.querySelectorAll("polyline.series"));
    const vertices = lines.reduce((n, l) => n + (l.getAttribute("points") ?? "").trim().split(/\s+/).filter((p) => /^[\d.-]+,[\d.-]+$/.test(p)).length, 0);
    return {
      id: f.getAttribute("data-chart") ?? "",
      points: vertices + f.querySelectorAll("rect.bar").length,
      dashed: lines.filter((l) => l.hasAttribute("stroke-dasharray")).length,
    };
  }));
}

const countText = async (page: Page) => (await page.textContent("#samples .count")) ?? "";
const shownRows = (page: Page) => page.$$eval("#samples tbody tr", (rows) => rows.filter((r) => !(r as HTMLElement).hidden).length);

/** Samples as the worker wrote them, to check the filters against. */
function samplesOnDisk(): { stage: string; feasible: boolean; verdicts: Record<string, { status: string }> }[] {
  const stages = (JSON.parse(readFileSync(path.join(runDir, "plan.json"), "utf8")) as { stage_order: string[] }).stage_order;
  return stages.flatMap((stage) => {
    const file = path.join(runDir, stage, "samples.jsonl");
    if (!existsSync(file)) return [];
    return readFileSync(file, "utf8").trim().split("\n").map((l) => ({ stage, ...(JSON.parse(l) as { feasible: boolean; verdicts: Record<string, { status: string }> }) }));
  });
}

/** The screenshot, decoded by the browser: size, share of pixels that are not the page background, distinct colours. */
async function pixelStats(page: Page, png: Buffer): Promise<{ width: number; height: number; inked: number; colours: number }> {
  const url = `data:image/png;base64,${png.toString("base64")}`;
  return page.evaluate(async (src) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext("2d")!;
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, img.width, img.height).data;
    const colours = new Set<number>();
    let inked = 0;
    for (let i = 0; i < data.length; i += 4 * 7) {
      const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
      colours.add((r << 16) | (g << 8) | b);
      if (Math.abs(r - 250) + Math.abs(g - 251) + Math.abs(b - 252) > 30) inked += 1;
    }
    return { width: img.width, height: img.height, inked: inked / (data.length / (4 * 7)), colours: colours.size };
  }, url);
}

beforeAll(async () => {
  await ensureBuilt(root);
  context = await launch();
}, 120_000);

describe.runIf(python !== undefined && existsSync(CHROMIUM))("the report of a real tiny run in Chromium", () => {
  let opened: Opened;

  it("align run writes report.html at the end of its stages", async () => {
    const r = await align(["run", smallTiny()]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(`align run: report in ${path.join(runDir, "report.html")}`);
    expect(existsSync(path.join(runDir, "report.html"))).toBe(true);
    const again = await align(["report", runDir, "--out", path.join(work, "again.html")]);
    expect(again.exitCode).toBe(0);
    const third = await align(["report", runDir, "--out", path.join(work, "third.html")]);
    expect(readFileSync(path.join(work, "third.html"))).toEqual(readFileSync(path.join(work, "again.html")));
    expect(third.stdout).toBe(`align report: wrote ${path.join(work, "third.html")}`);
  }, 180_000);

  it("opens from file:// without console errors or any network request", async () => {
    opened = await open(path.join(runDir, "report.html"));
    expect(opened.problems).toEqual([]);
    expect(opened.requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"))).toEqual([]);
  });

  it("draws data points in every plot, for each stage and task", async () => {
    const plots = await plotPoints(opened.page);
    for (const p of plots) expect(p.points, p.id).toBeGreaterThan(0);
    const ids = plots.map((p) => p.id);
    // sft totals, cgpo totals and the task's own plots, and the eval bars
    for (const id of ["warmup/total/0", "rl/total/1", "rl/total/2", "rl/total/7", "rl/arithmetic/1", "rl/arithmetic/2", "rl/arithmetic/3", "rl/arithmetic/4", "evals"]) {
      expect(ids).toContain(id);
    }
    const reward = await opened.page.$$eval('[data-chart="rl/arithmetic/1"] polyline', (ls) => ls.map((l) => l.getAttribute("data-series")));
    expect(reward).toEqual(["raw", "calibrated"]);
    const feasibility = await opened.page.$$eval('[data-chart="rl/arithmetic/2"] polyline', (ls) => ls.map((l) => l.getAttribute("data-series")));
    expect(feasibility).toEqual(["overall", "bare_number"]);
    expect(plots.find((p) => p.id === "rl/arithmetic/1")?.points).toBe(12);   // 6 steps x raw, calibrated
  });

  it("filters the sample browser by stage, judge verdict, feasibility and text", async () => {
    const { page } = opened;
    const disk = samplesOnDisk();
    expect(await countText(page)).toBe(`${disk.length} of ${disk.length} samples shown`);
    await page.selectOption('#samples [data-filter="judge"]', "correct");
    await page.selectOption('#samples [data-filter="status"]', "violated");
    const violated = disk.filter((s) => s.verdicts["correct"]?.status === "violated").length;
    expect(violated).toBeGreaterThan(0);
    expect(await shownRows(page)).toBe(violated);
    await page.selectOption('#samples [data-filter="stage"]', "evaluate");
    await page.selectOption('#samples [data-filter="status"]', "satisfied");
    const right = disk.filter((s) => s.stage === "evaluate" && s.verdicts["correct"]?.status === "satisfied").length;
    expect(await shownRows(page)).toBe(right);
    expect(await countText(page)).toBe(`${right} of ${disk.length} samples shown`);
    await page.selectOption('#samples [data-filter="status"]', "");
    await page.selectOption('#samples [data-filter="judge"]', "");
    await page.selectOption('#samples [data-filter="feasible"]', "false");
    expect(await shownRows(page)).toBe(disk.filter((s) => s.stage === "evaluate" && !s.feasible).length);
    await page.selectOption('#samples [data-filter="feasible"]', "");
    await page.selectOption('#samples [data-filter="stage"]', "");
    await page.fill('#samples [data-filter="text"]', "no-such-text-anywhere");
    expect(await shownRows(page)).toBe(0);
    await page.fill('#samples [data-filter="text"]', "");
    expect(await shownRows(page)).toBe(disk.length);
  });

  it("looks like a report: a screenshot that is not blank and shows every section", async () => {
    const { page } = opened;
    const png = await page.screenshot({ fullPage: true });
    writeFileSync(path.join(work, "report.png"), png);
    const keep = process.env["ALIGN_REPORT_SCREENSHOT"];
    if (keep !== undefined && keep !== "") {
      await page.addStyleTag({ content: "nav{position:static}" });   // the sticky bar would cover the picture
      await page.locator("#stage-rl").screenshot({ path: path.resolve(keep) });
    }
    const stats = await pixelStats(page, png);
    expect(stats.width).toBe(1280);
    expect(stats.inked).toBeGreaterThan(0.05);
    expect(stats.colours).toBeGreaterThan(20);
    const sections = await page.$$eval("main > section", (els) => els.map((e) => ({ id: e.id, h: e.getBoundingClientRect().height })));
    expect(sections.map((s) => s.id)).toEqual(["summary", "stage-warmup", "stage-rl", "stage-before", "stage-before_held_out",
      "stage-evaluate", "stage-held_out", "evals", "samples", "plan", "recipe", "lockfile"]);
    for (const s of sections) expect(s.h, s.id).toBeGreaterThan(40);
    expect(stats.height).toBeGreaterThan(sections.reduce((n, s) => n + s.h, 0));
    expect(await page.textContent("#recipe pre")).toContain("stage rl = cgpo");
    expect(await page.textContent("#lockfile")).toContain("data/arith.jsonl");   // the bundle's align.lock.json
  });

  it("overlays two runs with --compare, the second one dashed", async () => {
    const other = path.join(work, "other", "tiny");
    cpSync(runDir, other, { recursive: true });
    copyFileSync(path.join(runDir, "plan.json"), path.join(other, "plan.json"));
    const out = path.join(work, "compare.html");
    const r = await align(["report", "--compare", runDir, other, "--out", out]);
    expect(r.exitCode, r.stderr).toBe(0);
    const cmp = await open(out);
    expect(cmp.problems).toEqual([]);
    const plots = await plotPoints(cmp.page);
    const reward = plots.find((p) => p.id === "rl/arithmetic/1");
    expect(reward?.points).toBe(24);
    for (const p of plots.filter((q) => q.id !== "evals")) {
      expect(p.points, p.id).toBeGreaterThan(0);
      expect(p.dashed, p.id).toBeGreaterThan(0);
    }
  });
});
