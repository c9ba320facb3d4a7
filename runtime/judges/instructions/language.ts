/**
 * language:response_language — the whole response is in the given language (ISO 639-1 code,
 * as IFEval writes it). Identification and its short-text rule live in text/langid.ts.
 */
import { suggestion } from "./suggest.js";
import { LANGUAGE_NAMES, SUPPORTED_LANGUAGES, isSupportedLanguage } from "./text/languages.js";
import type { InstructionDef } from "./types.js";

/** A did-you-mean that also maps a language written out ("German") to its code. */
function languageHint(value: string): string {
  const byName = Object.entries(LANGUAGE_NAMES).find(([, name]) => name.toLowerCase() === value.toLowerCase());
  if (byName !== undefined) return ` (did you mean ${JSON.stringify(byName[0])}?)`;
  return suggestion(value, SUPPORTED_LANGUAGES);
}

const responseLanguage: InstructionDef = {
  id: "language:response_language",
  args: ["language"],
  summary: "The entire response is in the given language (ISO 639-1 code, e.g. `de`).",
  compile(args) {
    const language = args.text("language");
    if (language !== "" && !isSupportedLanguage(language)) {
      args.error(
        `argument "language" must be an ISO 639-1 code this judge can identify, got ` +
          `${JSON.stringify(language)}${languageHint(language)}`,
      );
    }
    const name = LANGUAGE_NAMES[language] ?? language;
    return {
      check: (view) => view.isInLanguage(language),
      explain: () => `response is not in ${name}`,
    };
  },
};

export const languageInstructions: readonly InstructionDef[] = [responseLanguage];
