/**
 * One response text with the derived values several instructions need (lowercase form, word
 * and sentence counts, capital words, language), each computed on first use and then kept.
 * A sample with `number_words` and `number_sentences` tokenizes once; loose evaluation makes
 * one view per response variant.
 */
import { isInLanguage } from "./text/langid.js";
import { sentenceSpans, type Span } from "./text/punkt.js";
import { pyStrip } from "./text/pystr.js";
import { countCapitalWords } from "./text/treebank.js";
import { countWords } from "./text/words.js";

export class TextView {
  private lowerCache: string | undefined;
  private strippedCache: string | undefined;
  private wordCache = -1;
  private spansCache: readonly Span[] | undefined;
  private capitalCache = -1;
  private languageCache: Map<string, boolean> | undefined;

  constructor(readonly text: string) {}

  /** Python's `text.lower()`. */
  get lower(): string {
    return (this.lowerCache ??= this.text.toLowerCase());
  }

  /** Python's `text.strip()`. */
  get stripped(): string {
    return (this.strippedCache ??= pyStrip(this.text));
  }

  /** IFEval's `count_words`: runs of `\w`. */
  get wordCount(): number {
    if (this.wordCache < 0) this.wordCache = countWords(this.text);
    return this.wordCache;
  }

  /** Punkt sentence spans, shared by the sentence count and the capital-word count. */
  get sentenceSpans(): readonly Span[] {
    return (this.spansCache ??= sentenceSpans(this.text));
  }

  /** IFEval's `count_sentences`: Punkt sentences. */
  get sentenceCount(): number {
    return this.sentenceSpans.length;
  }

  /** `word_tokenize` tokens that are all capitals. */
  get capitalWordCount(): number {
    if (this.capitalCache < 0) this.capitalCache = countCapitalWords(this.text, () => this.sentenceSpans);
    return this.capitalCache;
  }

  /** Whether the text is in language `iso1` (see text/langid.ts). */
  isInLanguage(iso1: string): boolean {
    this.languageCache ??= new Map();
    let answer = this.languageCache.get(iso1);
    if (answer === undefined) {
      answer = isInLanguage(this.text, iso1);
      this.languageCache.set(iso1, answer);
    }
    return answer;
  }
}
