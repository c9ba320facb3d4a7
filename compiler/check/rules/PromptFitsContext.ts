/**
 * The built-in model keeps only the last `context - max_tokens` tokens of a prompt when it
 * generates (the worker cuts from the left to leave room for the response). Its tokenizer is
 * the prompt's UTF-8 bytes plus a start token, so the first rows of each dataset it prompts
 * from can be measured exactly at check time; a prompt that would lose its start is reported
 * instead of being cut silently. (Hugging Face models: HfPromptFitsContext.)
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule, RuleContext } from "../rule.js";
import { builtinContext } from "./BuiltinContextFits.js";
import { promptSites, rawPrompt, sampledPrompts, siteSpanPointer, type PromptSite } from "./support/promptSites.js";

export const promptFitsContextCode: CodeInfo = {
  code: "AL6006",
  severity: "warning",
  title: "prompt longer than the built-in model's context leaves room for",
  description:
    "When the built-in model generates, a prompt (after its template, one token per UTF-8 " +
    "byte plus a start token) and `max_tokens` must fit its `context`; a longer prompt loses " +
    "its beginning, so the model answers a question it never fully saw. `align check` " +
    "measures the first rows of each dataset the model prompts from. Raise `context`, lower " +
    "`max_tokens`, or shorten the template or the prompts.",
  example:
    'model tiny { from = builtin(context = 32) }\ndataset d = jsonl("prompts.jsonl")\n' +
    'stage g = generate { model = tiny  prompts = d  template = "Answer the question below in one word, please.\\n{prompt}"  max_tokens = 8 }\n',
};

export const promptFitsContextRule: Rule = {
  name: "PromptFitsContext",
  codes: [promptFitsContextCode.code],
  check(context) {
    const out = [];
    for (const site of promptSites(context.plan)) {
      const model = builtinContext(context.plan, site.model);
      if (!model) continue;
      const room = model.context - site.maxTokens;
      if (room < 0) continue; // max_tokens alone is over the context: AL6004
      const long = longestPrompt(context, site, room);
      if (long === null) continue;
      out.push(
        context.diagnostic(
          promptFitsContextCode.code,
          context.spanOf(siteSpanPointer(context, site)),
          `${site.owner}: the prompt of ${long.where} is ${long.tokens} tokens, but built-in model \`${model.model}\` has room for ${room} (context ${model.context} - max_tokens ${site.maxTokens}); its first ${long.tokens - Math.max(1, room)} tokens would be cut`,
          { help: "raise `context` in `builtin(...)`, lower `max_tokens`, or shorten the template or the prompts" },
        ),
      );
    }
    return out;
  },
};

/** The longest prompt among the dataset's first rows (BOS + UTF-8 bytes), when it does not fit; null otherwise. */
function longestPrompt(context: RuleContext, site: PromptSite, room: number): { where: string; tokens: number } | null {
  let longest: { where: string; tokens: number } | null = null;
  for (const prompt of sampledPrompts(context, site)) {
    const tokens = 1 + Buffer.byteLength(rawPrompt(prompt), "utf8");
    if (tokens > room && tokens > (longest?.tokens ?? 0)) longest = { where: prompt.where, tokens };
  }
  return longest;
}
