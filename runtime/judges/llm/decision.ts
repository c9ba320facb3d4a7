/**
 * Turning a judge model's reply into a verdict.
 *
 * logprobs (CGPO App. B.2): the model does not sample an answer; we compare the probability of
 * the positive and the negative token at the answer position (the first generated token). The
 * token whose probability is higher decides, and `violated_when` says which of the two means a
 * violation. Per the paper, the sample is violated iff p(violating) > p(other), so an exact tie
 * is satisfied.
 *
 * parse: a regex with one group over the generated text; the group must equal positive or
 * negative.
 */
import type { Judgement } from "../types.js";
import { judgeError, satisfied, violated } from "../types.js";
import type { TokenLogprob } from "./client.js";

export interface DecisionRule {
  readonly positive: string;
  readonly negative: string;
  readonly violatedWhen: "positive" | "negative";
}

/**
 * Tokenizers mark a leading space as " ", "▁" (SentencePiece) or "Ġ" (byte-level BPE), and some
 * servers return the raw piece; " True", "▁True" and "ĠTrue" all mean the answer "True".
 */
export function normalizeToken(token: string): string {
  return token.replace(/^[\s\u2581\u0120]+/u, "").replace(/\s+$/u, "");
}

/** log(Σ exp(x)) over the alternatives that spell `target` once normalised, or null if none. */
export function tokenLogprob(top: readonly TokenLogprob[], target: string): number | null {
  const matches = top.filter((entry) => normalizeToken(entry.token) === target).map((entry) => entry.logprob);
  if (matches.length === 0) return null;
  const max = Math.max(...matches);
  return max + Math.log(matches.reduce((sum, lp) => sum + Math.exp(lp - max), 0));
}

export function decideByLogprobs(top: readonly TokenLogprob[] | null, rule: DecisionRule): Judgement {
  if (top === null || top.length === 0) {
    return judgeError("logprobs_missing", "the reply carried no top_logprobs at the first token (does the server support logprobs?)");
  }
  const pos = tokenLogprob(top, rule.positive);
  const neg = tokenLogprob(top, rule.negative);
  if (pos === null && neg === null) {
    const seen = top.slice(0, 5).map((entry) => JSON.stringify(entry.token)).join(", ");
    return judgeError("decision_tokens_absent", `neither ${JSON.stringify(rule.positive)} nor ${JSON.stringify(rule.negative)} in the top ${top.length} tokens (top: ${seen})`);
  }
  // A token missing from the top-k is less likely than every listed one: treat it as -∞.
  const pPos = pos ?? -Infinity;
  const pNeg = neg ?? -Infinity;
  const violating = rule.violatedWhen === "positive" ? pPos : pNeg;
  const other = rule.violatedWhen === "positive" ? pNeg : pPos;
  const detail = `p(${rule.positive})=${probability(pos)} p(${rule.negative})=${probability(neg)}`;
  return violating > other ? violated("llm_violated", detail) : satisfied("llm_satisfied", detail);
}

function probability(logprob: number | null): string {
  return logprob === null ? "<top-k" : Math.exp(logprob).toPrecision(3);
}

/** Without a pattern: the first word of the reply, trailing punctuation dropped. */
const FIRST_WORD = /^\s*([^\s.,;:!?"'`)\]]+)/u;

export function decideByParse(text: string, pattern: RegExp | null, rule: DecisionRule): Judgement {
  const match = (pattern ?? FIRST_WORD).exec(text);
  const answer = match?.[1] ?? match?.[0];
  if (answer === undefined) return judgeError("unparseable_output", `no match in ${quote(text)}`);
  const value = answer.trim();
  const label = value === rule.positive ? "positive" : value === rule.negative ? "negative" : null;
  if (label === null) {
    return judgeError("unparseable_output", `parsed ${quote(value)}, expected ${JSON.stringify(rule.positive)} or ${JSON.stringify(rule.negative)}`);
  }
  const detail = `parsed ${JSON.stringify(value)}`;
  return label === rule.violatedWhen ? violated("llm_violated", detail) : satisfied("llm_satisfied", detail);
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(flat.length > 80 ? `${flat.slice(0, 80)}…` : flat);
}
