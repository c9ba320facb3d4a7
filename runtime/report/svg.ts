/**
 * Plots as inline SVG, drawn here rather than by a charting library: the report stays one
 * static, deterministic file (same run, same bytes) that needs no script to show its plots.
 * Long series are thinned to a min/max envelope per bucket so spikes stay visible.
 */
import type { Chart, Point, Series } from "./charts.js";
import { esc } from "./escape.js";

const W = 440;
const H = 220;
const M = { left: 58, right: 12, top: 10, bottom: 26 };
const MAX_POINTS = 600;
/** Series this short get a marker (with a tooltip) on every point. */
const MARKERS_UP_TO = 40;

export const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

/** A readable tick label: 3 significant digits, exponent form for very large or small values. */
export function formatNumber(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1).replace("e+", "e");
  return String(Number(v.toPrecision(3)));
}

/** A tick label with as many decimals as the tick spacing needs, so neighbouring ticks differ. */
export function formatTick(v: number, step: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(Math.min(4, Math.max(1, Math.ceil(Math.log10(a / step))))).replace("e+", "e");
  const decimals = (String(Number(step.toPrecision(6))).split(".")[1] ?? "").length;
  return v.toFixed(Math.min(decimals, 8));
}

function niceStep(span: number): number {
  const raw = span / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

interface Axis {
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly ticks: readonly number[];
}

/** An axis covering [lo, hi] with round tick values; a flat range is widened so it can be drawn. */
export function axis(lo: number, hi: number, integer = false): Axis {
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = Math.max(niceStep(hi - lo), integer ? 1 : 0);
  const min = Math.floor(lo / step) * step;
  const max = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let i = 0; min + i * step <= max + step * 1e-9; i += 1) ticks.push(Number((min + i * step).toPrecision(12)));
  return { min, max, step, ticks };
}

/** At most `max` points: per bucket the lowest and the highest, in step order. */
export function thin(points: readonly Point[], max = MAX_POINTS): readonly Point[] {
  if (points.length <= max) return points;
  const buckets = Math.floor(max / 2);
  const out: Point[] = [];
  for (let b = 0; b < buckets; b += 1) {
    const part = points.slice(Math.floor((b * points.length) / buckets), Math.floor(((b + 1) * points.length) / buckets));
    if (part.length === 0) continue;
    let lo = part[0]!;
    let hi = part[0]!;
    for (const p of part) {
      if (p[1] < lo[1]) lo = p;
      if (p[1] > hi[1]) hi = p;
    }
    out.push(...(lo === hi ? [lo] : lo[0] <= hi[0] ? [lo, hi] : [hi, lo]));
  }
  return out;
}

const fx = (v: number) => v.toFixed(1);

/** The colour of each series: one per name, shared by the same series of two runs. */
function colours(series: readonly Series[]): Map<string, string> {
  const names = [...new Set(series.map((s) => baseName(s.name)))];
  return new Map(names.map((n, i) => [n, PALETTE[i % PALETTE.length]!]));
}

export const baseName = (name: string) => name.replace(/ \([AB]\)$/, "");

function frame(x: Axis, y: Axis, sx: (v: number) => number, sy: (v: number) => number): string {
  const grid = y.ticks.map((t) => `<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${fx(sy(t))}" y2="${fx(sy(t))}"/>` +
    `<text class="tick" x="${M.left - 4}" y="${fx(sy(t) + 3)}" text-anchor="end">${formatTick(t, y.step)}</text>`);
  const xt = x.ticks.map((t) => `<text class="tick" x="${fx(sx(t))}" y="${H - M.bottom + 14}" text-anchor="middle">${formatTick(t, x.step)}</text>`);
  const box = `<rect class="frame" x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}"/>`;
  return box + grid.join("") + xt.join("") + `<text class="tick" x="${W - M.right}" y="${H - 2}" text-anchor="end">step</text>`;
}

/** A line plot of every series against the step. */
export function lineChartSvg(chart: Chart): string {
  const all = chart.series.flatMap((s) => s.points);
  const x = axis(Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0])), true);
  const y = axis(Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1])));
  const sx = (v: number) => M.left + ((v - x.min) / (x.max - x.min)) * (W - M.left - M.right);
  const sy = (v: number) => H - M.bottom - ((v - y.min) / (y.max - y.min)) * (H - M.top - M.bottom);
  const colour = colours(chart.series);
  const lines = chart.series.map((s) => {
    const pts = thin(s.points);
    const c = colour.get(baseName(s.name))!;
    const dash = s.run === 1 ? ' stroke-dasharray="5 3"' : "";
    const line = `<polyline class="series" data-series="${esc(s.name)}" fill="none" stroke="${c}"${dash} points="${pts.map((p) => `${fx(sx(p[0]))},${fx(sy(p[1]))}`).join(" ")}"/>`;
    const marks = pts.length > MARKERS_UP_TO ? "" : pts.map((p) =>
      `<circle cx="${fx(sx(p[0]))}" cy="${fx(sy(p[1]))}" r="2.5" fill="${c}"><title>${esc(s.name)} step ${p[0]}: ${formatNumber(p[1])}</title></circle>`).join("");
    return line + marks;
  });
  return `<svg class="plot" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(chart.title)}">${frame(x, y, sx, sy)}${lines.join("")}</svg>`;
}

/** The legend under a plot (HTML, so long names wrap). */
export function legendHtml(series: readonly Series[]): string {
  const colour = colours(series);
  return `<div class="legend">${series.map((s) =>
    `<span><i style="border-color:${colour.get(baseName(s.name))}"${s.run === 1 ? ' class="dashed"' : ""}></i>${esc(s.name)}</span>`).join("")}</div>`;
}

export interface BarGroup {
  readonly label: string;
  readonly bars: readonly { readonly name: string; readonly value: number }[];
}

/** Grouped bars of rates in [0, 1] (eval pass rates): one group per eval, one bar per judge. */
export function barChartSvg(title: string, groups: readonly BarGroup[]): string {
  const names = [...new Set(groups.flatMap((g) => g.bars.map((b) => b.name)))];
  const colour = new Map(names.map((n, i) => [n, PALETTE[i % PALETTE.length]!]));
  const width = Math.max(W, M.left + M.right + groups.length * (names.length * 14 + 24));
  const plotH = H - M.top - M.bottom - 14;
  const groupW = (width - M.left - M.right) / Math.max(groups.length, 1);
  const sy = (v: number) => M.top + plotH * (1 - v);
  const grid = [0, 0.25, 0.5, 0.75, 1].map((t) => `<line class="grid" x1="${M.left}" x2="${width - M.right}" y1="${fx(sy(t))}" y2="${fx(sy(t))}"/>` +
    `<text class="tick" x="${M.left - 4}" y="${fx(sy(t) + 3)}" text-anchor="end">${t}</text>`);
  const bars = groups.map((g, gi) => {
    const x0 = M.left + gi * groupW + (groupW - g.bars.length * 14) / 2;
    const rects = g.bars.map((b, bi) => `<rect class="bar" data-series="${esc(b.name)}" x="${fx(x0 + bi * 14)}" y="${fx(sy(b.value))}" width="12" height="${fx(plotH * b.value)}" fill="${colour.get(b.name)}"><title>${esc(g.label)}: ${esc(b.name)} ${formatNumber(b.value)}</title></rect>`);
    const label = `<text class="tick" x="${fx(M.left + (gi + 0.5) * groupW)}" y="${fx(M.top + plotH + 14)}" text-anchor="middle">${esc(g.label)}</text>`;
    return rects.join("") + label;
  });
  return `<svg class="plot bars" viewBox="0 0 ${fx(width)} ${H}" role="img" aria-label="${esc(title)}">${grid.join("")}${bars.join("")}</svg>` +
    `<div class="legend">${names.map((n) => `<span><i style="border-color:${colour.get(n)}"></i>${esc(n)}</span>`).join("")}</div>`;
}
