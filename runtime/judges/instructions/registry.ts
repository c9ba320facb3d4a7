/**
 * Every instruction this judge knows, by IFEval id: the 25 of IFEval's registry. An id may also
 * be given without its group (`english_capital`, as the CGPO paper's `if_requirements` writes
 * it) when that name is unique.
 */
import { changeCaseInstructions } from "./change_case.js";
import { combinationInstructions } from "./combination.js";
import { contentInstructions } from "./content.js";
import { formatInstructions } from "./format.js";
import { keywordInstructions } from "./keywords.js";
import { languageInstructions } from "./language.js";
import { lengthInstructions } from "./length.js";
import { punctuationInstructions } from "./punctuation.js";
import { startEndInstructions } from "./startend.js";
import { didYouMean } from "./suggest.js";
import type { InstructionDef } from "./types.js";

/** All instructions, in IFEval's registry order. */
export const INSTRUCTIONS: readonly InstructionDef[] = [
  ...keywordInstructions,
  ...languageInstructions,
  ...lengthInstructions,
  ...contentInstructions,
  ...formatInstructions,
  ...combinationInstructions,
  ...startEndInstructions.filter((d) => d.id === "startend:end_checker"),
  ...changeCaseInstructions,
  ...punctuationInstructions,
  ...startEndInstructions.filter((d) => d.id === "startend:quotation"),
];

const BY_ID: ReadonlyMap<string, InstructionDef> = new Map(INSTRUCTIONS.map((d) => [d.id, d]));

/** Short name (after the colon) → definition, for names that occur in one group only. */
const BY_SHORT_NAME: ReadonlyMap<string, InstructionDef> = (() => {
  const counts = new Map<string, number>();
  for (const d of INSTRUCTIONS) counts.set(shortName(d.id), (counts.get(shortName(d.id)) ?? 0) + 1);
  return new Map(INSTRUCTIONS.filter((d) => counts.get(shortName(d.id)) === 1).map((d) => [shortName(d.id), d]));
})();

function shortName(id: string): string {
  return id.slice(id.indexOf(":") + 1);
}

export type Lookup = { readonly def: InstructionDef } | { readonly error: string };

/** The definition for `id`, or a message naming it with the closest known id. */
export function lookupInstruction(id: string): Lookup {
  const def = BY_ID.get(id) ?? (id.includes(":") ? undefined : BY_SHORT_NAME.get(id));
  if (def !== undefined) return { def };
  // Ids share long group prefixes, so the typo allowance is a third of the part after ':'.
  const name = shortName(id);
  const limit = Math.max(1, Math.floor(name.length / 3));
  const full = didYouMean(id, BY_ID.keys(), limit);
  const short = full === undefined ? didYouMean(name, BY_SHORT_NAME.keys(), limit) : undefined;
  const hit = full ?? (short === undefined ? undefined : BY_SHORT_NAME.get(short)?.id);
  const hint = hit === undefined ? "" : ` (did you mean ${JSON.stringify(hit)}?)`;
  return { error: `unknown instruction ${JSON.stringify(id)}${hint}` };
}
