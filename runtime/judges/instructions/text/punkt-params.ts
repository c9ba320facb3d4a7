/**
 * Parameters for the Punkt sentence splitter (text/punkt.ts).
 *
 * IFEval counts sentences with nltk's pre-trained English Punkt model, whose parameters were
 * learned from a news corpus: a set of abbreviations, frequent sentence starters, collocations
 * and an "orthographic context" per word (has it been seen capitalised mid-sentence, lowercase
 * at a sentence start, ...). We do not ship that model. These hand-written lists stand in for
 * it: the abbreviations an assistant's answer actually uses, and the function words that are
 * lowercase unless they start a sentence. docs/judges/instructions.md lists the consequences.
 */

/**
 * Known abbreviations, lowercase, without the final period (`u.s.` is `u.s`): only words that
 * nltk's trained English model also treats as abbreviations, since an abbreviation it lacks is
 * a sentence break there. Notably `e.g.`, `i.e.` and `etc.` are not abbreviations in that
 * model, so the reference ends a sentence after them whatever follows ("fruit, e.g. apples"
 * is two sentences); nor are `a`, `b`, `i` (outline initials "A.", "I."), while the model does
 * list the single letters below, after which it never breaks.
 */
export const ABBREVIATIONS: ReadonlySet<string> = new Set([
  // titles and ranks
  "mr", "mrs", "ms", "messrs", "dr", "prof", "gen", "lt", "col", "maj", "adm", "sen", "rep",
  "sr", "jr", "st",
  // organisations
  "inc", "ltd", "co", "corp", "bros",
  // months and weekdays
  "jan", "feb", "aug", "sep", "sept", "oct", "nov", "dec", "tues", "fri",
  // places, degrees, eras and time
  "u.s", "u.s.a", "u.k", "u.n", "d.c", "n.y", "l.a", "ave", "ph.d", "a.d", "a.m", "p.m", "ft",
  "yr", "vs",
  // single letters the trained model lists (initials such as "C." never end a sentence there)
  "c", "d", "e", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w",
]);

/**
 * Words that are lowercase unless they open a sentence. After an abbreviation or an ellipsis,
 * one of these capitalised means a new sentence ("... Mr. The next step"); a capitalised word
 * not listed is taken for a name ("Mr. Smith", "J. Bach").
 */
export const SENTENCE_STARTERS: ReadonlySet<string> = new Set([
  "the", "a", "an", "this", "that", "these", "those", "it", "its", "he", "she", "we", "they",
  "you", "his", "her", "their", "our", "my", "your", "there", "here", "in", "on", "at", "for",
  "from", "with", "by", "to", "of", "as", "if", "when", "while", "after", "before", "but",
  "and", "or", "so", "yet", "however", "therefore", "thus", "also", "then", "now", "first",
  "second", "third", "finally", "next", "lastly", "some", "many", "most", "all", "each",
  "every", "both", "one", "not", "what", "which", "who", "how", "why", "where", "is", "are",
  "was", "were", "do", "does", "did", "can", "could", "will", "would", "should", "may",
  "might", "must", "let", "let's", "please", "today", "overall", "instead", "still",
  "although", "though", "because", "since", "unless", "until", "once", "such", "other",
  "another", "more", "few", "several", "yes", "well", "just", "even", "only", "over",
  "under", "during", "without", "within", "about", "like", "unlike", "despite", "moreover",
  "furthermore", "additionally", "meanwhile", "otherwise", "nevertheless", "nonetheless",
  "consequently", "hence", "indeed", "perhaps", "maybe", "note", "remember", "consider",
  "make", "use", "try", "keep", "take", "see", "be", "being", "having",
  "there's", "it's", "that's", "here's", "what's", "i'm",
]);

// Orthographic context flags, as Punkt defines them.
export const ORTHO_BEG_UC = 1 << 1;
export const ORTHO_MID_UC = 1 << 2;
export const ORTHO_UNK_UC = 1 << 3;
export const ORTHO_BEG_LC = 1 << 4;
export const ORTHO_MID_LC = 1 << 5;
export const ORTHO_UNK_LC = 1 << 6;
export const ORTHO_UC = ORTHO_BEG_UC | ORTHO_MID_UC | ORTHO_UNK_UC;
export const ORTHO_LC = ORTHO_BEG_LC | ORTHO_MID_LC | ORTHO_UNK_LC;

/**
 * The orthographic context of a word type. The starters are modelled as "seen lowercase
 * mid-sentence and capitalised at sentence starts"; every other word as never seen, which is
 * what the trained model says of rare words.
 */
export function orthoContext(type: string): number {
  return SENTENCE_STARTERS.has(type) ? ORTHO_MID_LC | ORTHO_BEG_UC : 0;
}
