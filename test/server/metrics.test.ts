import { describe, expect, it } from "vitest";
import { Collected, Counter, escapeLabel, Histogram, Registry } from "../../runtime/server/metrics.js";
import { parseExposition, sampleValue } from "./prometheus.js";

describe("Prometheus registry", () => {
  it("escapes label values so they round-trip", () => {
    const registry = new Registry();
    const counter = registry.add(new Counter("x_total", "help with a \\ backslash\nand newline"));
    const awkward = 'a "quoted" \\ value\nwith newline';
    counter.inc({ judge: awkward }, 2);
    const parsed = parseExposition(registry.render());
    expect(sampleValue(parsed, "x_total", { judge: awkward })).toBe(2);
    expect(escapeLabel("plain")).toBe("plain");
  });

  it("renders cumulative histograms with +Inf, _sum and _count", () => {
    const registry = new Registry();
    const histogram = registry.add(new Histogram("h_seconds", "h", [0.1, 1]));
    for (const value of [0.05, 0.5, 0.5, 5]) histogram.observe({ judge: "j" }, value);
    const parsed = parseExposition(registry.render());
    expect(sampleValue(parsed, "h_seconds_bucket", { judge: "j", le: "0.1" })).toBe(1);
    expect(sampleValue(parsed, "h_seconds_bucket", { judge: "j", le: "1" })).toBe(3);
    expect(sampleValue(parsed, "h_seconds_bucket", { judge: "j", le: "+Inf" })).toBe(4);
    expect(sampleValue(parsed, "h_seconds_sum", { judge: "j" })).toBeCloseTo(6.05);
  });

  it("reads collected values at scrape time and refuses duplicate names", () => {
    const registry = new Registry();
    let value = 1;
    registry.add(new Collected("g", "g", "gauge", () => [[{}, value]]));
    value = 7;
    expect(sampleValue(parseExposition(registry.render()), "g")).toBe(7);
    expect(() => registry.add(new Counter("g", "again"))).toThrow(/twice/);
  });
});
