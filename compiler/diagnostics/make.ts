import type { Diagnostic, Fix, RelatedLocation } from "../../grammar/diagnostic.js";
import type { Span } from "../../grammar/span.js";
import { codeInfo } from "./codes.js";

export interface DiagnosticExtra {
  readonly help?: string | undefined;
  readonly notes?: readonly string[] | undefined;
  readonly fix?: Fix | undefined;
  readonly related?: readonly RelatedLocation[] | undefined;
}

/** A diagnostic whose severity comes from the registry (unknown codes are errors). */
export function makeDiagnostic(code: string, span: Span | undefined, message: string, extra: DiagnosticExtra = {}): Diagnostic {
  return {
    code,
    severity: codeInfo(code)?.severity ?? "error",
    message,
    ...(span ? { span } : {}),
    ...(extra.help !== undefined ? { help: extra.help } : {}),
    ...(extra.notes && extra.notes.length > 0 ? { notes: extra.notes } : {}),
    ...(extra.related && extra.related.length > 0 ? { related: extra.related } : {}),
    ...(extra.fix ? { fix: extra.fix } : {}),
  };
}
