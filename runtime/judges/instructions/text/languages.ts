/**
 * The languages the `language:response_language` instruction accepts, as plain tables: what
 * compiling a rule list needs (`align check` does it on dataset heads), without loading the
 * identifiers themselves (ELD and franc's profiles, text/langid.ts), which take ~300 ms of CPU
 * to import.
 */

/** ISO 639-1 code (as IFEval writes it) → franc's ISO 639-3 codes for that language. */
export const FRANC_CODES: Readonly<Record<string, readonly string[]>> = {
  af: ["afr"], ar: ["arb"], bg: ["bul"], bn: ["ben"], ca: ["cat"], cs: ["ces"], da: ["dan"],
  de: ["deu"], el: ["ell"], en: ["eng"], es: ["spa"], et: ["ekk"], fa: ["pes", "prs"],
  fi: ["fin"], fr: ["fra"], gu: ["guj"], he: ["heb"], hi: ["hin"], hr: ["hrv"], hu: ["hun"],
  id: ["ind"], it: ["ita"], ja: ["jpn"], kn: ["kan"], ko: ["kor"], lt: ["lit"], lv: ["lvs"],
  mk: ["mkd"], ml: ["mal"], mr: ["mar"], ne: ["npi"], nl: ["nld"], no: ["nob", "nno"],
  pa: ["pan"], pl: ["pol"], pt: ["por"], ro: ["ron"], ru: ["rus"], sk: ["slk"], sl: ["slv"],
  so: ["som"], sq: ["als"], sv: ["swe"], sw: ["swh"], ta: ["tam"], te: ["tel"], th: ["tha"],
  tl: ["tgl"], tr: ["tur"], uk: ["ukr"], ur: ["urd"], vi: ["vie"], zh: ["cmn"],
  "zh-cn": ["cmn"], "zh-tw": ["cmn"],
};

/** Language names for did-you-mean on `language` arguments (IFEval's 30, plus Chinese). */
export const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  en: "English", es: "Spanish", pt: "Portuguese", ar: "Arabic", hi: "Hindi", fr: "French",
  ru: "Russian", de: "German", ja: "Japanese", it: "Italian", bn: "Bengali", uk: "Ukrainian",
  th: "Thai", ur: "Urdu", ta: "Tamil", te: "Telugu", bg: "Bulgarian", ko: "Korean",
  pl: "Polish", he: "Hebrew", fa: "Persian", vi: "Vietnamese", ne: "Nepali", sw: "Swahili",
  kn: "Kannada", mr: "Marathi", gu: "Gujarati", pa: "Punjabi", ml: "Malayalam", fi: "Finnish",
  zh: "Chinese",
};

export const SUPPORTED_LANGUAGES: readonly string[] = Object.keys(FRANC_CODES);

/** Whether `code` is a language this module can identify. */
export function isSupportedLanguage(code: string): boolean {
  return Object.hasOwn(FRANC_CODES, code);
}
