/**
 * docs/optimizers.md agrees with the schema: each baseline's field table lists exactly the
 * optimizer's fields with their defaults, and the TRL/verl mapping names only real fields.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { optimizer } from "../../compiler/schema/kinds/tasks.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const doc = readFileSync(path.join(root, "docs/optimizers.md"), "utf8");

function variantFields(name: string): Map<string, unknown> {
  if (optimizer.type.kind !== "variants") throw new Error("optimizer is a variants field");
  const shape = optimizer.type.variants.find((v) => v.name === name);
  return new Map(Object.entries(shape?.fields ?? {}).map(([field, spec]) => [field, spec.default]));
}

/** The rows of the field table under `## <heading>`. */
function tableRows(heading: string): string[] {
  const section = doc.split(`\n## ${heading}`)[1]!.split("\n## ")[0]!;
  return section.split("### Fields")[1]!.split("\n\n")[1]!.split("\n").filter((l) => l.startsWith("| `"));
}

/** The first column's backticked names of that table. */
function tableFields(heading: string): string[] {
  return tableRows(heading).flatMap((l) => [...l.split("|")[1]!.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!));
}

describe("docs/optimizers.md", () => {
  for (const [variant, heading] of [["grpo", "GRPO (`grpo`)"], ["rloo", "RLOO (`rloo`)"], ["ppo", "PPO (`ppo`)"]] as const) {
    it(`lists every ${variant} field, and only those`, () => {
      expect(tableFields(heading).sort()).toEqual([...variantFields(variant).keys()].sort());
    });
  }

  for (const [variant, heading] of [["grpo", "GRPO (`grpo`)"], ["ppo", "PPO (`ppo`)"]] as const) {
    it(`states ${variant}'s defaults as the schema has them`, () => {
      const single = tableRows(heading).filter((l) => !l.split("|")[1]!.includes(","));   // the sampling fields share a row
      expect(single.length).toBeGreaterThan(5);
      for (const row of single) {
        const field = row.split("|")[1]!.trim().replace(/`/g, "");
        const shown = row.split("|")[2]!.trim().replace(/`/g, "").replace("−", "-");
        const value = variantFields(variant).get(field);
        if (value === null) expect(shown, field).toBe("none");
        else if (typeof value === "number") expect(Number(shown), field).toBe(value);
        else expect(shown, field).toBe(String(value));
      }
    });
  }

  it("maps TRL and verl names onto real fields", () => {
    const mapping = doc.split("## Mapping from TRL and verl")[1]!;
    const known = new Set([...variantFields("grpo").keys(), ...variantFields("rloo").keys(), ...variantFields("ppo").keys(), "batch_size", "lr", "grpo", "rloo", "ppo", "optimizer", "true", "false", "sequence", "token", "k1", "k3"]);
    const named = mapping.split("\n").filter((l) => l.startsWith("| `")).flatMap((l) => [...l.split("|")[1]!.matchAll(/`([a-z_0-9]+)/g)].map((m) => m[1]!));
    expect(named.length).toBeGreaterThan(15);
    expect(named.filter((w) => !known.has(w))).toEqual([]);
  });
});
