import { InlayHintKind } from "../protocol.js";
import type { InlayHint, Range } from "vscode-languageserver";
import type { Declaration } from "../../grammar/ast.js";
import { defaultText } from "../../compiler/schema/describe.js";
import { owners, type Owner } from "../locate.js";
import { offsetAt, positionAt } from "../ranges.js";
import { rootDocument, type Analysis } from "../workspace.js";

/**
 * Inlay hints: the values a block gets by default (what the plan will hold without being
 * written), and each stage's estimated memory per GPU from the plan's estimates.
 */

const MAX_LABEL = 60;

export function inlayHints(analysis: Analysis, range: Range): InlayHint[] {
  const start = offsetAt(analysis.lines, range.start);
  const end = offsetAt(analysis.lines, range.end);
  const out: InlayHint[] = [];
  for (const item of rootDocument(analysis).items) {
    if (item.kind !== "Declaration" || item.span.offset > end || item.span.offset + item.span.length < start) continue;
    const memory = memoryHint(analysis, item);
    if (memory) out.push(memory);
    for (const owner of owners(item)) {
      const hint = defaultsHint(analysis, owner);
      if (hint) out.push(hint);
    }
  }
  return out.sort((a, b) => a.position.line - b.position.line || a.position.character - b.position.character);
}

/** `defaults: a = 1, b = x` at the end of the owner's first line; the full list in the tooltip. */
function defaultsHint(analysis: Analysis, owner: Owner): InlayHint | undefined {
  const written = new Set(owner.written.map((w) => w.name));
  const shown = Object.entries(owner.fields)
    .filter(([name, spec]) => !written.has(name) && spec.default !== undefined && !(spec.nullable && spec.defaultNote === undefined))
    .map(([name, spec]) => `${name} = ${defaultText(spec)}`);
  if (shown.length === 0) return undefined;
  const full = `defaults: ${shown.join(", ")}`;
  const label = full.length > MAX_LABEL ? `${full.slice(0, MAX_LABEL - 1)}…` : full;
  const anchor = owner.block ? owner.block.span.offset + 1 : owner.span.offset + owner.span.length;
  const lineEnd = analysis.text.indexOf("\n", anchor);
  const at = owner.block && lineEnd >= 0 && lineEnd < owner.block.span.offset + owner.block.span.length ? lineEnd : anchor;
  return { position: positionAt(analysis.lines, at), label, kind: InlayHintKind.Parameter, paddingLeft: true, tooltip: { kind: "markdown", value: shown.map((s) => `- \`${s}\``).join("\n") } };
}

function memoryHint(analysis: Analysis, decl: Declaration): InlayHint | undefined {
  if (decl.declKind.name !== "stage" || !decl.name) return undefined;
  const estimates = (analysis.checked.plan as { estimates?: Record<string, { per_gpu_bytes: number; gpu_memory_bytes: number | null; fits: boolean | null; sharding: string }> }).estimates;
  const estimate = estimates?.[decl.name.name];
  if (!estimate) return undefined;
  const header = decl.variant ?? decl.name;
  const fits = estimate.fits === false ? " (does not fit)" : "";
  const of = estimate.gpu_memory_bytes ? ` of ${gib(estimate.gpu_memory_bytes)}` : "";
  return {
    position: positionAt(analysis.lines, header.span.offset + header.span.length),
    label: `≈ ${gib(estimate.per_gpu_bytes)}/GPU${of}, ${estimate.sharding}${fits}`,
    kind: InlayHintKind.Type,
    paddingLeft: true,
  };
}

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}
