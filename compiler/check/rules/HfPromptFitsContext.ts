/**
 * A Hugging Face model keeps only the last `context - max_tokens` tokens of a prompt when it
 * generates (and at most `max_prompt_tokens`). With its tokenizer files on this machine (a
 * `local("dir")` checkpoint, or a hub id in the local cache), the first rows of each dataset it
 * prompts from are encoded as the worker encodes them, chat template included, and measured
 * against config.json's `max_position_embeddings`; without them, a note says what went unchecked.
 */
import { posix } from "node:path";
import type { CodeInfo } from "../../diagnostics/types.js";
import { hubSnapshot } from "../../estimate/models.js";
import type { Rule, RuleContext } from "../rule.js";
import { loadTokenizer, promptCounter, type PromptCounter } from "./support/hfTokenizer.js";
import { pointer } from "./support/pointer.js";
import { hasSampledRows, promptSites, sampledPrompts, siteSpanPointer, type PromptSite, type SampledPrompt } from "./support/promptSites.js";

const EXAMPLE =
  'model policy { from = local("checkpoints/llama")  truncation = TRUNCATION }\ndataset d = jsonl("long_prompts.jsonl")\n' +
  "stage g = generate { model = policy  prompts = d  max_tokens = 4000 }\n";

export const hfPromptCutCode: CodeInfo = {
  code: "AL6007",
  severity: "warning",
  title: "sampled prompts longer than a Hugging Face model leaves room for",
  description:
    "When a Hugging Face model generates, its prompt (after the template and the chat template, " +
    "in the model's own tokens) must leave room for `max_tokens` in its context " +
    "(config.json's `max_position_embeddings`), and stay within `max_prompt_tokens` when set. " +
    "A longer prompt loses its beginning (`truncation = left`), so the model answers a question " +
    "it never fully saw. `align check` encodes the first rows of each dataset the model prompts " +
    "from with the tokenizer files beside the weights and says how many would be cut.",
  example: EXAMPLE.replace("TRUNCATION", "left"),
};

export const hfPromptRefusedCode: CodeInfo = {
  code: "AL6008",
  severity: "error",
  title: "sampled prompts too long for a Hugging Face model with `truncation = error`",
  description:
    "As AL6007, for a model declared with `truncation = error`: its prompts must fit whole, so " +
    "a sampled prompt longer than the room the context and `max_tokens` leave (or than " +
    "`max_prompt_tokens`) is an error. Lower `max_tokens`, shorten the template or the prompts, " +
    "or accept the cut with `truncation = left`.",
  example: EXAMPLE.replace("TRUNCATION", "error"),
};

export const hfPromptUncheckedCode: CodeInfo = {
  code: "AL6009",
  severity: "info",
  title: "prompt lengths not checked: the model's tokenizer is not on this machine",
  description:
    "Prompt lengths against a Hugging Face model's context (AL6007, AL6008) are measured with " +
    "the model's own tokenizer.json and config.json. When they are not on this machine (a hub " +
    "id not in the local Hugging Face cache, a directory without them), this note names the " +
    "model and the stages whose prompts went unchecked; the run may still cut long prompts. " +
    "Put the files in the cache (`huggingface-cli download ORG/NAME tokenizer.json " +
    "tokenizer_config.json config.json`) or use `from = local(\"dir\")`.",
  example: 'model policy { from = hf("acme/house-model") }\ndataset d = jsonl("d.jsonl")\nstage g = generate { model = policy  prompts = d }\n',
};

/** What the worker loads for a MODEL value that is a Hugging Face model. */
interface HfModel {
  /** The declared model (a stage's output: the model it was trained from). */
  readonly name: string;
  /** The model directory, recipe-relative (local) or absolute (hub cache); a reason when there is none. */
  readonly dir: string | { why: string };
  readonly chatTemplate: { type: string; path?: string };
  /** A stage's output is loaded with truncation left and no max_prompt_tokens (the worker's ModelSpec). */
  readonly truncation: "left" | "error";
  readonly maxPromptTokens: number | null;
}

export const hfPromptFitsContextRule: Rule = {
  name: "HfPromptFitsContext",
  codes: [hfPromptCutCode.code, hfPromptRefusedCode.code, hfPromptUncheckedCode.code],
  check(context) {
    const out = [];
    const unchecked = new Map<string, { why: string; owners: Set<string> }>();
    const measures = new Map<string, Measure | { why: string }>();
    for (const site of promptSites(context.plan)) {
      const model = hfModel(context, site.model);
      if (!model) continue;
      if (!hasSampledRows(context, site)) continue;
      const key = `${model.name}\u0000${JSON.stringify(model.chatTemplate)}`;
      if (!measures.has(key)) measures.set(key, measureFor(context, model));
      const measure = measures.get(key)!;
      // Rendering the rows only when there is a tokenizer to count them (a note needs none).
      const result = "why" in measure ? measure : cutPrompts(measure, model, site, sampledPrompts(context, site));
      if (result === null) continue;
      if ("why" in result) {
        const entry = unchecked.get(model.name) ?? { why: result.why, owners: new Set<string>() };
        unchecked.set(model.name, entry.owners.add(site.owner) && entry);
        continue;
      }
      out.push(report(context, site, model, result));
    }
    for (const [name, { why, owners }] of unchecked) out.push(note(context, name, why, [...owners]));
    return out;
  },
};

interface Measure {
  readonly counter: PromptCounter;
  readonly context: number;
}

interface Cut {
  readonly cut: number;
  readonly sampled: number;
  readonly room: number;
  readonly limitedBy: string;
  readonly longest: { readonly where: string; readonly tokens: number };
}

/** The sampled prompts over the room the model leaves at this site; null when all fit. */
function cutPrompts(measure: Measure, model: HfModel, site: PromptSite, prompts: readonly SampledPrompt[]): Cut | { why: string } | null {
  const contextRoom = Math.max(1, measure.context - site.maxTokens); // the worker keeps at least one token
  const byPromptLimit = model.maxPromptTokens !== null && model.maxPromptTokens < contextRoom;
  const room = byPromptLimit ? model.maxPromptTokens! : contextRoom;
  const limitedBy = byPromptLimit ? `max_prompt_tokens ${room}` : `context ${measure.context} - max_tokens ${site.maxTokens}`;
  let cut = 0;
  let longest: Cut["longest"] | undefined;
  for (const prompt of prompts) {
    let tokens: number;
    try {
      tokens = measure.counter.ids(prompt.text, prompt.system).length;
    } catch (error) {
      return { why: `its chat template failed on ${prompt.where} (${error instanceof Error ? error.message.split("\n")[0] : String(error)})` };
    }
    if (tokens <= room) continue;
    cut += 1;
    if (tokens > (longest?.tokens ?? 0)) longest = { where: prompt.where, tokens };
  }
  return longest === undefined ? null : { cut, sampled: prompts.length, room, limitedBy, longest };
}

function report(context: RuleContext, site: PromptSite, model: HfModel, cut: Cut) {
  const refused = model.truncation === "error";
  const rows = `${cut.cut} of ${cut.sampled} sampled prompts`;
  const over = `${site.owner}: ${rows} are longer than the ${cut.room} tokens model \`${model.name}\` has room for (${cut.limitedBy}); the longest, ${cut.longest.where}, is ${cut.longest.tokens} tokens`;
  const message = refused ? `${over}, and \`truncation = error\` refuses it` : `${over} and would lose its first ${cut.longest.tokens - cut.room}`;
  const lower = cut.limitedBy.startsWith("max_prompt_tokens") ? "raise `max_prompt_tokens`" : "lower `max_tokens`";
  return context.diagnostic(refused ? hfPromptRefusedCode.code : hfPromptCutCode.code, context.spanOf(siteSpanPointer(context, site)), message, {
    help: `${lower}, or shorten the template or the prompts${refused ? "; `truncation = left` cuts them instead" : "; `truncation = error` makes this an error"}`,
  });
}

function note(context: RuleContext, name: string, why: string, owners: string[]) {
  return context.diagnostic(
    hfPromptUncheckedCode.code,
    context.spanOf(pointer("models", name, "from")),
    `prompt lengths of ${owners[0]}${owners.length > 1 ? ` and ${owners.length - 1} more` : ""} not checked against the context of model \`${name}\`: ${why}`,
    { help: "put tokenizer.json, tokenizer_config.json and config.json in the local Hugging Face cache, or use `from = local(\"dir\")`" },
  );
}

/** The Hugging Face model behind a MODEL value, following stage outputs back to their declaration. */
function hfModel(context: RuleContext, value: unknown, seen = new Set<string>()): HfModel | undefined {
  const { plan } = context;
  const ref = value as { model?: string; stage?: string } | null;
  if (ref?.model !== undefined) {
    const model = plan.models[ref.model];
    const from = model?.from as { type: string; id?: string; revision?: string; path?: string } | undefined;
    if (!model || (from?.type !== "hf" && from?.type !== "local")) return undefined;
    return {
      name: ref.model,
      dir: modelDir(context, from),
      chatTemplate: model.chat_template as HfModel["chatTemplate"],
      truncation: model.truncation,
      maxPromptTokens: model.max_prompt_tokens,
    };
  }
  if (ref?.stage === undefined || seen.has(ref.stage)) return undefined;
  seen.add(ref.stage);
  const stage = plan.stages[ref.stage] as unknown as Readonly<Record<string, unknown>> | undefined;
  const base = hfModel(context, stage?.["model"] ?? stage?.["policy"], seen);
  return base && { ...base, truncation: "left", maxPromptTokens: null };
}

function modelDir(context: RuleContext, from: { type: string; id?: string; revision?: string; path?: string }): string | { why: string } {
  if (from.type === "local") return from.path ?? { why: "no directory" };
  const io = { readFile: (path: string) => context.readFile(path), hubCache: context.hubCache };
  const snapshot = hubSnapshot(io, from.id ?? "", from.revision ?? "main");
  return snapshot ?? { why: `\`${from.id}\` is not in the local Hugging Face cache` };
}

/** The model's tokenizer and context, read once per model and chat template. */
function measureFor(context: RuleContext, model: HfModel): Measure | { why: string } {
  if (typeof model.dir !== "string") return model.dir;
  const dir = model.dir;
  const absolute = posix.isAbsolute(dir) ? dir : posix.join(context.rootDir, dir);
  const tokenizer = loadTokenizer(posix.join(absolute, "tokenizer.json"), () => context.readFile(posix.join(dir, "tokenizer.json")), context.readFile(posix.join(dir, "tokenizer_config.json")));
  if ("why" in tokenizer) return { why: `${tokenizer.why} in ${dir}` };
  const window = contextOf(context.readFile(posix.join(dir, "config.json")));
  if (window === undefined) return { why: `no readable config.json in ${dir}` };
  const template = chatTemplateText(context, model, context.readFile(posix.join(dir, "chat_template.jinja")) ?? tokenizer.configTemplate);
  if (typeof template === "object" && template !== null) return template;
  const counter = promptCounter(tokenizer, template);
  return "why" in counter ? { why: `${counter.why} in ${dir}` } : { counter, context: window };
}

/** The template text in use: none, the tokenizer's (auto), or the recipe's file. */
function chatTemplateText(context: RuleContext, model: HfModel, own: string | undefined): string | null | { why: string } {
  const choice = model.chatTemplate;
  if (choice.type === "none") return null;
  if (choice.type === "auto") return own ?? null;
  const text = choice.path === undefined ? undefined : context.readFile(choice.path);
  return text ?? { why: `its chat template ${choice.path ?? ""} cannot be read` };
}

/** config.json's max_position_embeddings; 4096 when it has none, as the worker assumes (hf.py). */
function contextOf(configJson: string | undefined): number | undefined {
  if (configJson === undefined) return undefined;
  try {
    const value = (JSON.parse(configJson) as { max_position_embeddings?: unknown } | null)?.max_position_embeddings;
    return typeof value === "number" && value > 0 ? value : 4096;
  } catch {
    return undefined;
  }
}
