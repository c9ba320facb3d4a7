/**
 * The runtime `npm run build` bundles once (dist/vendor/, cli/bundle/runtime.ts): vendored only
 * while it is current, and then the same bytes esbuild makes in the build. Written here to a
 * temporary directory, never to the checkout's dist/.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterEach, expect, it } from "vitest";
import { prebuildRuntime, readPrebuilt, vendoredRuntime } from "../../cli/bundle/runtime.js";
import type { PrebuiltFiles } from "../../cli/bundle/runtime.js";
import { root, tempDir } from "./helpers.js";

const setting = process.env["ALIGN_BUILD_CACHE"];
afterEach(() => {
  if (setting === undefined) delete process.env["ALIGN_BUILD_CACHE"];
  else process.env["ALIGN_BUILD_CACHE"] = setting;
});

function prebuiltIn(dir: string): PrebuiltFiles {
  return { index: path.join(dir, "align-runtime.json"), js: path.join(dir, "align-runtime.js") };
}

it("a prebuilt runtime is the bytes esbuild makes in the build, and is written only when it is not current", async () => {
  delete process.env["ALIGN_BUILD_CACHE"];
  const files = prebuiltIn(tempDir("align-prebuilt-"));
  expect(await prebuildRuntime(root, files)).toBe("written");
  expect(await prebuildRuntime(root, files)).toBe("current");
  const prebuilt = readPrebuilt(root, files);
  expect(prebuilt).toBe(readFileSync(files.js, "utf8"));
  process.env["ALIGN_BUILD_CACHE"] = "off";   // neither a prebuilt runtime nor the cache: esbuild now
  expect(readPrebuilt(root, files)).toBeUndefined();
  expect((await vendoredRuntime(root)).js).toBe(prebuilt);
}, 120_000);

it("a stale prebuilt runtime is never used: a changed source, a changed bundle, another setup", async () => {
  delete process.env["ALIGN_BUILD_CACHE"];
  const files = prebuiltIn(tempDir("align-prebuilt-"));
  await prebuildRuntime(root, files);
  const index = JSON.parse(readFileSync(files.index, "utf8")) as { key: string; inputs: [string, string][]; sha256: string };
  const js = readFileSync(files.js, "utf8");
  const source = index.inputs.findIndex(([file]) => file === "runtime/program/index.ts");
  expect(source).toBeGreaterThanOrEqual(0);
  const variants: ReadonlyArray<readonly [string, () => void]> = [
    // As if runtime/program/index.ts had been edited since the bundle was made.
    ["a source", () => writeFileSync(files.index, JSON.stringify({ ...index, inputs: index.inputs.map((e, i) => (i === source ? [e[0], "0".repeat(64)] : e)) }))],
    ["the bundle", () => writeFileSync(files.js, `${js} `)],
    ["the setup", () => writeFileSync(files.index, JSON.stringify({ ...index, key: "0".repeat(64) }))],
  ];
  for (const [what, spoil] of variants) {
    spoil();
    expect(readPrebuilt(root, files), `changed ${what}`).toBeUndefined();
    expect(await prebuildRuntime(root, files), `changed ${what}`).toBe("written");
    expect(readPrebuilt(root, files), `changed ${what}`).toBe(js);
  }
}, 120_000);
