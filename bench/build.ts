/**
 * `align build`: whole-process time of `align build recipes/cgpo.align` next to `align check
 * recipes/cgpo.align` in the same run (goal: build <= 3x check, dataset hashing excluded), in
 * three states: with align build's cache (a rebuild); with an empty cache, the first build
 * after `npm run build` (the runtime bundled there, the program generated now); and with
 * ALIGN_BUILD_CACHE=off, nothing made earlier reused (as after a change to the runtime's
 * sources without `npm run build`: esbuild bundles the runtime in the build). Also
 * the lockfile's streamed sha256 throughput on one core next to coreutils `sha256sum` on the same
 * file (goal: >= 500 MB/s).
 *
 *   npm run build && node dist/bench/build.js [--runs 5] [--mb 256]
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { prebuiltFiles } from "../cli/bundle/runtime.js";
import { compile } from "../compiler/index.js";
import { sha256File } from "../runtime/program/hash.js";
import { medianOf } from "./lib/measure.js";

function findRepo(start: string): string {
  for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "bin", "align.js"))) return dir;
  }
  return process.cwd();
}

const REPO = findRepo(dirname(fileURLToPath(import.meta.url)));

function argValue(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function processTimes(command: string, args: readonly string[], runs: number, env: () => NodeJS.ProcessEnv = () => process.env): number {
  const times: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const runEnv = env();   // before the clock: it may make a directory
    const start = process.hrtime.bigint();
    execFileSync(command, args, { cwd: REPO, stdio: "ignore", env: runEnv });
    if (i > 0) times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return medianOf(times);
}

/** Milliseconds to hash cgpo's datasets (what "excluding the dataset hashing" subtracts). */
function datasetHashing(recipe: string): { ms: number; bytes: number } {
  const result = compile(recipe);
  const files = Object.values(result.plan?.datasets ?? {}).map((d) => (d as { path?: string }).path)
    .filter((p): p is string => typeof p === "string").map((p) => join(result.rootDir as string, p));
  const start = process.hrtime.bigint();
  for (const f of files) sha256File(f);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, bytes: files.reduce((n, f) => n + statSync(f).size, 0) };
}

function buildVsCheck(runs: number): void {
  const cli = join(REPO, "bin", "align.js");
  const recipe = join(REPO, "recipes", "cgpo.align");
  const out = mkdtempSync(join(tmpdir(), "align-bench-build-"));
  try {
    const bare = processTimes(process.execPath, ["-e", "0"], runs);
    const check = processTimes(process.execPath, [cli, "check", recipe], runs);
    const args = [cli, "build", recipe, "--out", join(out, "bundle")];
    const build = processTimes(process.execPath, args, runs);
    // Each run with a new, empty cache directory: the first build after `npm run build`.
    let fresh = 0;
    const firstBuild = processTimes(process.execPath, args, runs, () => ({ ...process.env, ALIGN_BUILD_CACHE_DIR: join(out, `cache-${fresh++}`) }));
    // Nothing reused: esbuild bundles the runtime and ts-morph generates the program.
    const off = processTimes(process.execPath, args, runs, () => ({ ...process.env, ALIGN_BUILD_CACHE: "off" }));
    const hashing = datasetHashing(recipe);
    const ratio = (ms: number) => `${(ms / check).toFixed(2)}x check, ${((ms - hashing.ms) / check).toFixed(2)}x without dataset hashing`;
    const prebuilt = existsSync(prebuiltFiles(REPO).index) ? "" : " (dist/vendor/ is missing: run `npm run build`)";
    console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}; whole process, median of ${runs}: node -e 0 ${bare.toFixed(0)} ms; align check recipes/cgpo.align ${check.toFixed(0)} ms`);
    console.log(`  align build recipes/cgpo.align, rebuild (cache): ${build.toFixed(0)} ms (${ratio(build)})`);
    console.log(`  first build after npm run build (empty cache)${prebuilt}: ${firstBuild.toFixed(0)} ms (${ratio(firstBuild)})`);
    console.log(`  ALIGN_BUILD_CACHE=off (runtime bundled by esbuild in the build): ${off.toFixed(0)} ms (${ratio(off)})`);
    console.log(`  dataset hashing: ${hashing.ms.toFixed(1)} ms for ${(hashing.bytes / 1e3).toFixed(0)} kB of datasets`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function hashThroughput(mb: number, runs: number): void {
  const dir = mkdtempSync(join(tmpdir(), "align-bench-hash-"));
  const file = join(dir, "data.bin");
  try {
    const block = Buffer.alloc(1 << 20);
    for (let i = 0; i < block.length; i++) block[i] = (i * 2654435761) >>> 24;
    writeFileSync(file, Buffer.concat(Array.from({ length: mb }, () => block)));
    const time = (fn: () => void) => {
      fn();   // warm: the file is in the page cache for both
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const start = process.hrtime.bigint();
        fn();
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      return medianOf(times);
    };
    const ours = time(() => sha256File(file));
    const coreutils = time(() => execFileSync("sha256sum", [file], { stdio: "ignore" }));
    const rate = (ms: number) => (mb * 1.048576) / (ms / 1000);
    console.log(`sha256 of a ${mb} MiB file (page cache), median of ${runs}: sha256File ${rate(ours).toFixed(0)} MB/s; ` +
      `sha256sum ${rate(coreutils).toFixed(0)} MB/s (${(ours / coreutils).toFixed(2)}x its time)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const runs = argValue("runs", 5);
buildVsCheck(runs);
hashThroughput(argValue("mb", 256), runs);
