/**
 * Prompt templates: text with `{slot}` placeholders filled from a sample's data fields.
 * A literal brace is written doubled (`{{`, `}}`), so JSON inside a template must escape
 * its braces; a lone brace is an error rather than silently literal, because a typo like
 * `{prompt` would otherwise reach the model as text and nobody would notice.
 */

export interface TemplateSlot {
  readonly name: string;
  /** Offset of the opening `{` in the template text. */
  readonly offset: number;
}

export interface TemplateError {
  readonly offset: number;
  readonly message: string;
}

export interface ParsedTemplate {
  /** Slot names in order of first appearance, without duplicates. */
  readonly slots: readonly string[];
  /** Every occurrence, for precise locations. */
  readonly occurrences: readonly TemplateSlot[];
  readonly errors: readonly TemplateError[];
}

const SLOT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseTemplate(text: string): ParsedTemplate {
  const occurrences: TemplateSlot[] = [];
  const errors: TemplateError[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    if (char === "{" && text[index + 1] === "{") {
      index += 2;
    } else if (char === "}" && text[index + 1] === "}") {
      index += 2;
    } else if (char === "}") {
      errors.push({ offset: index, message: "unmatched `}` (write `}}` for a literal brace)" });
      index += 1;
    } else if (char === "{") {
      index = readSlot(text, index, occurrences, errors);
    } else {
      index += 1;
    }
  }
  const slots = [...new Set(occurrences.map((slot) => slot.name))];
  return { slots, occurrences, errors };
}

/** Reads `{name}` starting at `start`; returns the index after it. */
function readSlot(text: string, start: number, slots: TemplateSlot[], errors: TemplateError[]): number {
  const close = text.indexOf("}", start + 1);
  const nextOpen = text.indexOf("{", start + 1);
  if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
    errors.push({ offset: start, message: "unclosed `{` (write `{{` for a literal brace)" });
    return start + 1;
  }
  const name = text.slice(start + 1, close).trim();
  if (!SLOT_NAME.test(name)) {
    const shown = name.length > 20 ? `${name.slice(0, 20)}…` : name;
    errors.push({
      offset: start,
      message: `\`{${shown}}\` is not a slot name (slots are identifiers; write \`{{\` and \`}}\` for literal braces)`,
    });
  } else {
    slots.push({ name, offset: start });
  }
  return close + 1;
}

/** Fills a template; missing values throw, because the checker should have caught them. */
export function renderTemplate(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{|\}\}|\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}/g, (match, name: string | undefined) => {
    if (match === "{{") return "{";
    if (match === "}}") return "}";
    const value = name === undefined ? undefined : values[name];
    if (value === undefined) throw new Error(`template slot {${name ?? ""}} has no value`);
    return value;
  });
}
