/**
 * Neovim as a real LSP client (Debian's neovim, 0.7 in CI): editors/nvim's setup opens a recipe
 * with a misspelt field, gets the diagnostic on the right line, applies the server's quick fix
 * and reads hover text. Driven headless by test/editors/nvim-client.lua.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execa } from "execa";
import { beforeAll, expect, it } from "vitest";
import { ensureBuilt } from "../support/build.js";
import { repoRoot } from "../../bench/lib/lspClient.js";

beforeAll(async () => {
  await ensureBuilt(repoRoot);
}, 120_000);

it("Neovim gets the diagnostic, applies the quick fix and shows hover", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "align-nvim-"));
  cpSync(path.join(repoRoot, "recipes/data"), path.join(dir, "data"), { recursive: true });
  const recipe = readFileSync(path.join(repoRoot, "recipes/tiny.align"), "utf8");
  const lines = recipe.split("\n");
  const line = lines.findIndex((l) => l.trim() === "epochs = 20");
  expect(line).toBeGreaterThan(0);
  lines[line] = lines[line]!.replace("epochs", "epohcs");
  const file = path.join(dir, "tiny.align");
  writeFileSync(file, lines.join("\n"));
  const out = path.join(dir, "result.json");
  const result = await execa("nvim", ["--headless", "--clean", "-u", "NONE", "-c", `luafile ${path.join(repoRoot, "test/editors/nvim-client.lua")}`], {
    cwd: dir,
    reject: false,
    timeout: 60_000,
    env: {
      ALIGN_NVIM_RUNTIME: path.join(repoRoot, "editors/nvim"),
      ALIGN_NVIM_CMD: JSON.stringify([process.execPath, path.join(repoRoot, "bin/align.js"), "lsp", "--stdio"]),
      ALIGN_NVIM_FILE: file,
      ALIGN_NVIM_OUT: out,
    },
  });
  const report = JSON.parse(readFileSync(out, "utf8")) as {
    error?: string;
    filetype: string;
    diagnostic: { lnum: number; col: number; message: string };
    action: string;
    fixed_line: string;
    cleared: boolean;
    hover: string;
  };
  expect(report.error ?? null, result.stderr).toBeNull();
  expect(report.filetype).toBe("align");
  expect(report.diagnostic.lnum).toBe(line);
  expect(report.diagnostic.col).toBe(lines[line]!.indexOf("epohcs"));
  expect(report.diagnostic.message).toContain("unknown field `epohcs` in stage `warmup` (sft)");
  expect(report.action).toBe("replace `epohcs` with `epochs`");
  expect(report.fixed_line).toBe("  epochs = 20");
  expect(report.cleared).toBe(true);
  expect(report.hover).toContain("epochs  int ≥ 1  [1]");
  expect(report.hover).toContain("Passes over the data");
}, 90_000);
