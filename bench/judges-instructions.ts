/**
 * Verdicts per second of the `instructions` judge on one core: IFEval-like rule lists (one to
 * three instructions per sample) over realistic 1–2 KB answers, strict and loose, then each
 * instruction type alone.
 *
 *   npx tsx bench/judges-instructions.ts [--seconds 1]
 *
 * Everything runs on the main thread, so the figures are single-core. Each figure is the best
 * of five timed rounds after a warm-up round: these machines are shared and noisy.
 */
import { INSTRUCTIONS, createInstructionsJudge } from "../runtime/judges/instructions/index.js";
import type { Sample } from "../runtime/judges/types.js";

const SENTENCES = [
  "Composting turns kitchen scraps into rich soil for the garden.",
  "Mr. Green keeps his pile about 1.5 m wide, e.g. next to the shed.",
  "Turn the pile every week so that air reaches the middle.",
  "Avoid meat, dairy and oily food, which attract pests!",
  "Is it worth the effort? Most gardeners say yes.",
  "A balance of green and brown material keeps the smell down.",
  "In winter the process slows, but it does not stop.",
  "NASA even studied composting for long missions in the 1990s.",
];

function paragraph(seed: number, n: number): string {
  return Array.from({ length: n }, (_, i) => SENTENCES[(seed + i * 3) % SENTENCES.length]).join(" ");
}

/** Answers in the shapes IFEval prompts ask for, 1–2 KB each. */
const RESPONSES: readonly string[] = [
  `<<A Guide to Composting>>\n\n${paragraph(0, 6)}\n\n${paragraph(1, 6)}\n\n${paragraph(2, 5)}\n\nP.S. Start small.`,
  `SECTION 1\n${paragraph(3, 5)}\n\nSECTION 2\n${paragraph(4, 5)}\n\nSECTION 3\n${paragraph(5, 5)}`,
  `Here are the key points:\n\n* ${paragraph(0, 2)}\n* ${paragraph(2, 2)}\n* ${paragraph(4, 2)}\n* ${paragraph(6, 2)}\n\n${paragraph(1, 4)}`,
  `${paragraph(2, 5)}\n***\n${paragraph(3, 5)}\n***\n${paragraph(4, 5)}`,
  "```json\n" + JSON.stringify({ title: "Composting", steps: SENTENCES, tips: SENTENCES.slice(2) }, null, 2) + "\n```",
  `"${paragraph(5, 12)}"`,
  `${paragraph(6, 8).toUpperCase()}\n\n${paragraph(7, 6).toUpperCase()}`,
  `${paragraph(1, 8).toLowerCase()}\n\n${paragraph(3, 6).toLowerCase()} is there anything else i can help with?`,
];

type Rule = { id: string; kwargs?: Record<string, unknown> };

/** IFEval-like rule lists: mostly format and length rules, some keyword and case rules. */
const RULE_LISTS: readonly Rule[][] = [
  [{ id: "detectable_format:title" }, { id: "detectable_content:postscript", kwargs: { postscript_marker: "P.S." } }],
  [{ id: "detectable_format:multiple_sections", kwargs: { section_spliter: "SECTION", num_sections: 3 } }],
  [{ id: "detectable_format:number_bullet_lists", kwargs: { num_bullets: 4 } }, { id: "punctuation:no_comma" }],
  [{ id: "length_constraints:number_paragraphs", kwargs: { num_paragraphs: 3 } }],
  [{ id: "detectable_format:json_format" }],
  [{ id: "startend:quotation" }, { id: "length_constraints:number_words", kwargs: { num_words: 300, relation: "less than" } }],
  [{ id: "change_case:english_capital" }],
  [{ id: "change_case:english_lowercase" }, { id: "startend:end_checker", kwargs: { end_phrase: "Is there anything else I can help with?" } }],
  [{ id: "keywords:existence", kwargs: { keywords: ["compost", "soil"] } }, { id: "keywords:forbidden_words", kwargs: { forbidden_words: ["plastic", "trash"] } }],
  [{ id: "length_constraints:number_sentences", kwargs: { num_sentences: 10, relation: "at least" } }, { id: "detectable_format:number_highlighted_sections", kwargs: { num_highlights: 2 } }],
  [{ id: "keywords:frequency", kwargs: { keyword: "pile", frequency: 2, relation: "at least" } }, { id: "keywords:letter_frequency", kwargs: { letter: "q", let_frequency: 3, let_relation: "less than" } }],
  [{ id: "change_case:capital_word_frequency", kwargs: { capital_frequency: 5, capital_relation: "less than" } }],
  [{ id: "language:response_language", kwargs: { language: "en" } }],
  [{ id: "length_constraints:nth_paragraph_first_word", kwargs: { num_paragraphs: 4, nth_paragraph: 2, first_word: "composting" } }, { id: "detectable_content:number_placeholders", kwargs: { num_placeholders: 1 } }],
  [{ id: "combination:two_responses" }, { id: "detectable_format:constrained_response" }],
  [{ id: "combination:repeat_prompt", kwargs: { prompt_to_repeat: "Write a guide to composting." } }],
];

function argValue(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/**
 * Best-of-five verdicts per second over `samples`, cycling for `seconds` per round. With
 * `fresh`, every verdict gets a newly parsed copy of its rules (a server parses each request),
 * so the judge's per-object cache never hits; the JSON.parse is counted in the figure.
 */
function rate(mode: "strict" | "loose", samples: readonly Sample[], seconds: number, fresh = false): number {
  const judge = createInstructionsJudge("bench", { requirements: { field: "rules" }, mode });
  const rulesJson = samples.map((s) => JSON.stringify(s.fields.rules));
  let best = 0;
  for (let round = 0; round < 6; round++) {
    let n = 0;
    const t0 = performance.now();
    const stop = t0 + seconds * 1000;
    while (performance.now() < stop) {
      for (let i = 0; i < 64; i++) {
        const k = (n + i) % samples.length;
        const sample = samples[k] as Sample;
        judge.evaluate(fresh ? { ...sample, fields: { rules: JSON.parse(rulesJson[k] as string) } } : sample, {});
      }
      n += 64;
    }
    if (round > 0) best = Math.max(best, n / ((performance.now() - t0) / 1000));
  }
  return best;
}

const perSecond = (x: number) => `${Math.round(x).toLocaleString("en")} verdicts/s`;

function main(): void {
  const seconds = argValue("seconds", 1);
  const mixed: Sample[] = [];
  RESPONSES.forEach((response, r) => {
    RULE_LISTS.forEach((rules, k) => {
      // Each sample gets its own parsed copy of the rules, as a server reading JSON would.
      mixed.push({ prompt: "", response: `${response}\n${r}-${k}`, fields: { rules: JSON.parse(JSON.stringify(rules)) } });
    });
  });
  const bytes = RESPONSES.reduce((s, r) => s + r.length, 0) / RESPONSES.length;
  console.log(`instructions judge, one core; ${mixed.length} samples, answers of ${Math.round(bytes)} chars on average`);
  console.log(`mixed rule lists                 strict ${perSecond(rate("strict", mixed, seconds))}` +
    `   loose ${perSecond(rate("loose", mixed, seconds))}`);
  console.log(`  rules parsed afresh per verdict strict ${perSecond(rate("strict", mixed, seconds, true))}` +
    `   loose ${perSecond(rate("loose", mixed, seconds, true))}`);
  console.log("\nper instruction (one rule per sample, same answers):");
  for (const def of INSTRUCTIONS) {
    const rule = RULE_LISTS.flat().find((r) => r.id === def.id) ?? { id: def.id };
    const samples = RESPONSES.map((response, r) => ({ prompt: "", response: `${response}\n${r}`, fields: { rules: [rule] } }));
    const strict = rate("strict", samples, seconds / 4);
    const loose = rate("loose", samples, seconds / 4);
    console.log(`  ${def.id.padEnd(46)} strict ${Math.round(strict).toLocaleString("en").padStart(9)}/s   loose ${Math.round(loose).toLocaleString("en").padStart(9)}/s`);
  }
}

main();
