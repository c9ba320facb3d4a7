/**
 * A minimal Prometheus registry (text exposition format 0.0.4): counters, gauges and
 * histograms with labels, plus collectors that read live values (LLM judge stats) at scrape
 * time. No client library: the format is small and the server must run with Node alone.
 */

export type Labels = Readonly<Record<string, string>>;

type Kind = "counter" | "gauge" | "histogram";

interface Family {
  readonly name: string;
  readonly help: string;
  readonly kind: Kind;
  render(): string[];
}

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((key) => `${key}="${escapeLabel(labels[key] as string)}"`)
    .join(",");
}

/**
 * labelKey, memoised on the raw label values: counters are bumped once per verdict, and the
 * sort/escape/join dominates otherwise. Two spellings of the same labels (key order) map to the
 * same rendered key, so the cache cannot split a series.
 */
class KeyCache {
  private readonly keys = new Map<string, string>();

  get(labels: Labels): string {
    let raw = "";
    for (const name in labels) raw += `${name}\u0000${labels[name] as string}\u0001`;
    let key = this.keys.get(raw);
    if (key === undefined) {
      key = labelKey(labels);
      this.keys.set(raw, key);
    }
    return key;
  }
}

export function escapeLabel(value: string): string {
  // Fast path: label values are nearly always plain names (called per verdict).
  if (!/[\\\n"]/.test(value)) return value;
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function formatValue(value: number): string {
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return Number.isNaN(value) ? "NaN" : String(value);
}

function line(name: string, key: string, value: number): string {
  return `${name}${key === "" ? "" : `{${key}}`} ${formatValue(value)}`;
}

export class Counter implements Family {
  readonly kind: Kind = "counter";
  private readonly values = new Map<string, number>();
  private readonly keys = new KeyCache();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = this.keys.get(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  /** A handle on one series, for hot paths that bump the same labels again and again. */
  child(labels: Labels): { inc(by?: number): void } {
    const key = labelKey(labels);
    if (!this.values.has(key)) this.values.set(key, 0);
    return { inc: (by = 1) => void this.values.set(key, (this.values.get(key) ?? 0) + by) };
  }

  render(): string[] {
    return [...this.values].map(([key, value]) => line(this.name, key, value));
  }
}

/** A gauge or counter whose samples are read from elsewhere when scraped. */
export class Collected implements Family {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly kind: Kind,
    private readonly collect: () => ReadonlyArray<readonly [Labels, number]>,
  ) {}

  render(): string[] {
    return this.collect().map(([labels, value]) => line(this.name, labelKey(labels), value));
  }
}

interface Buckets {
  readonly counts: number[];
  sum: number;
  count: number;
}

export class Histogram implements Family {
  readonly kind: Kind = "histogram";
  private readonly series = new Map<string, Buckets>();
  private readonly keys = new KeyCache();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  observe(labels: Labels, value: number): void {
    this.record(this.buckets(this.keys.get(labels)), value);
  }

  /** A handle on one series (see Counter.child). */
  child(labels: Labels): { observe(value: number): void } {
    const buckets = this.buckets(labelKey(labels));
    return { observe: (value) => this.record(buckets, value) };
  }

  private buckets(key: string): Buckets {
    let buckets = this.series.get(key);
    if (buckets === undefined) {
      buckets = { counts: this.bounds.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, buckets);
    }
    return buckets;
  }

  private record(buckets: Buckets, value: number): void {
    // Non-cumulative per bucket here; cumulated when rendered.
    let index = 0;
    while (index < this.bounds.length && value > (this.bounds[index] as number)) index += 1;
    if (index < this.bounds.length) buckets.counts[index] = (buckets.counts[index] ?? 0) + 1;
    buckets.sum += value;
    buckets.count += 1;
  }

  render(): string[] {
    const lines: string[] = [];
    for (const [key, buckets] of this.series) {
      let cumulative = 0;
      const prefix = key === "" ? "" : `${key},`;
      this.bounds.forEach((bound, index) => {
        cumulative += buckets.counts[index] ?? 0;
        lines.push(line(`${this.name}_bucket`, `${prefix}le="${formatValue(bound)}"`, cumulative));
      });
      lines.push(line(`${this.name}_bucket`, `${prefix}le="+Inf"`, buckets.count));
      lines.push(line(`${this.name}_sum`, key, buckets.sum));
      lines.push(line(`${this.name}_count`, key, buckets.count));
    }
    return lines;
  }
}

export class Registry {
  private readonly families: Family[] = [];

  add<F extends Family>(family: F): F {
    if (this.families.some((existing) => existing.name === family.name)) throw new Error(`metric ${family.name} registered twice`);
    this.families.push(family);
    return family;
  }

  render(): string {
    const out: string[] = [];
    for (const family of this.families) {
      out.push(`# HELP ${family.name} ${family.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`);
      out.push(`# TYPE ${family.name} ${family.kind}`);
      out.push(...family.render());
    }
    return `${out.join("\n")}\n`;
  }
}

/** Latency buckets in seconds: rule judges sit in the sub-millisecond ones, LLM and code above. */
export const LATENCY_BUCKETS = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
