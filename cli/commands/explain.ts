import { allCodes, codeInfo } from "../../compiler/diagnostics/codes.js";
import { didYouMean } from "../../compiler/diagnostics/suggest.js";

/** `align explain CODE`: the registry entry, with its example. */
export async function runExplain(code: string): Promise<number> {
  const normalized = /^\d+$/.test(code) ? `AL${code}` : code.toUpperCase();
  const info = codeInfo(normalized);
  if (!info) {
    const hint = didYouMean(normalized, allCodes.map((c) => c.code));
    process.stderr.write(`align: unknown code \`${code}\`${hint ? `; ${hint}` : ""} (codes are listed in docs/diagnostics.md)\n`);
    return 2;
  }
  const lines = [`${info.code} (${info.severity}): ${info.title}`, "", info.description, ""];
  if (info.example) lines.push("Example:", "", ...info.example.trimEnd().split("\n").map((l) => `    ${l}`), "");
  process.stdout.write(lines.join("\n"));
  return 0;
}
