import { allCodes } from "../diagnostics/codes.js";

const BANDS: readonly [string, string][] = [
  ["AL1", "Syntax"],
  ["AL2", "Names and imports"],
  ["AL3", "Types and schema"],
  ["AL4", "Semantic rules"],
  ["AL5", "Data: datasets and templates"],
  ["AL6", "Resources: memory and batch sizes"],
  ["AL7", "Bundle and launch"],
];

/** docs/diagnostics.md: every code with its title, severity, description and example. */
export function diagnosticsMarkdown(): string {
  const out = [
    "# Diagnostics",
    "",
    "<!-- Generated from compiler/diagnostics/codes.ts by `npm run docs`; do not edit by hand. -->",
    "",
    "Every diagnostic has a stable code; `align explain CODE` prints the entry below.",
    "`align check --format json` prints `{\"version\": 1, \"diagnostics\": [...]}` with code, severity,",
    "message, file, line, column, endLine, endColumn, offset, length, help, notes and fix.",
    "",
  ];
  for (const [prefix, title] of BANDS) {
    const codes = allCodes.filter((c) => c.code.startsWith(prefix));
    if (codes.length === 0) continue;
    out.push(`## ${title} (${prefix}xxx)`, "");
    for (const c of codes) {
      out.push(`### ${c.code}: ${c.title}`, "", `Severity: ${c.severity}.`, "", c.description, "");
      if (c.example) out.push("```", c.example.trimEnd(), "```", "");
    }
  }
  return out.join("\n").trimEnd() + "\n";
}
