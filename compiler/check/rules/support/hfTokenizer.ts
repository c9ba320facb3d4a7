/**
 * A Hugging Face model's own tokenizer at check time, from the files beside its weights
 * (tokenizer.json, tokenizer_config.json, chat_template.jinja), counting a prompt's tokens as
 * the worker's HFTokenizer.encode_prompt builds them (runtime/worker/align_worker/hf.py): with a
 * chat template, the conversation [system?, user] rendered with the generation prompt and
 * encoded without added special tokens; without one, the text encoded with them and BOS first.
 *
 * @huggingface/tokenizers and @huggingface/jinja (pure JS) are required on first use only: most
 * checks have no such model, and `align check` must start fast.
 */
import type { Template } from "@huggingface/jinja";
import type { Tokenizer } from "@huggingface/tokenizers";
import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** A real tokenizer.json runs to tens of MB (Gemma's is 33 MB); larger is not a tokenizer. */
export const MAX_TOKENIZER_BYTES = 64 * 1024 * 1024;

export interface TokenizerFiles {
  /** tokenizer.json, parsed. */
  readonly tokenizer: unknown;
  /** tokenizer_config.json, parsed; {} when the directory has none. */
  readonly config: Readonly<Record<string, unknown>>;
  /** The tokenizer's own chat template (chat_template.jinja, else tokenizer_config.json's). */
  readonly chatTemplate: string | undefined;
}

export interface PromptCounter {
  /** The prompt's token ids, as the worker would encode them. */
  ids(text: string, system: string | undefined): number[];
}

/**
 * tokenizer.json from disk, bounded (a regular file up to MAX_TOKENIZER_BYTES): the compiler
 * host's limit is for recipes, and Llama-3's tokenizer is over it. Undefined with the reason
 * when it is not there or not readable.
 */
export function readTokenizerJson(absolutePath: string): { text: string } | { why: string } {
  try {
    const stat = statSync(absolutePath);
    if (!stat.isFile()) return { why: "not a regular file" };
    if (stat.size > MAX_TOKENIZER_BYTES) return { why: `${stat.size} bytes, over the ${MAX_TOKENIZER_BYTES / (1024 * 1024)} MiB limit` };
    return { text: readFileSync(absolutePath, "utf8") };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { why: code === "ENOENT" ? "no tokenizer.json" : `tokenizer.json unreadable (${code ?? "error"})` };
  }
}

/** The files' parts a counter needs, from their texts; a reason when one is malformed. */
export function tokenizerFiles(tokenizerJson: string, configJson: string | undefined, templateFile: string | undefined): TokenizerFiles | { why: string } {
  let tokenizer: unknown;
  let config: Record<string, unknown> = {};
  try {
    tokenizer = JSON.parse(tokenizerJson);
  } catch {
    return { why: "tokenizer.json is not valid JSON" };
  }
  if (configJson !== undefined) {
    try {
      const parsed: unknown = JSON.parse(configJson);
      if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) config = parsed as Record<string, unknown>;
    } catch {
      return { why: "tokenizer_config.json is not valid JSON" };
    }
  }
  return { tokenizer, config, chatTemplate: templateFile ?? configTemplate(config["chat_template"]) };
}

/** tokenizer_config.json's chat_template: a string, or a list of named ones (transformers takes "default"). */
function configTemplate(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) return undefined;
  const named = value.find((t: { name?: unknown }) => t?.name === "default") as { template?: unknown } | undefined;
  return typeof named?.template === "string" ? named.template : undefined;
}

/** A counter for the files and the chat template in use (null: raw text); a reason when the library refuses them. */
export function promptCounter(files: TokenizerFiles, template: string | null): PromptCounter | { why: string } {
  const { Tokenizer: TokenizerClass } = require("@huggingface/tokenizers") as typeof import("@huggingface/tokenizers");
  let tokenizer: Tokenizer;
  try {
    tokenizer = new TokenizerClass(files.tokenizer as object, files.config);
  } catch (error) {
    return { why: `tokenizer.json not understood (${oneLine(error)})` };
  }
  const specials = specialTokens(files.config);
  const bosId = specials["bos_token"] === undefined ? undefined : tokenizer.token_to_id(specials["bos_token"]);
  if (template === null) {
    return {
      ids(text, system) {
        const ids = tokenizer.encode(system ? `${system}\n\n${text}` : text, { add_special_tokens: true }).ids;
        return bosId !== undefined && ids[0] !== bosId ? [bosId, ...ids] : ids;
      },
    };
  }
  const { Template: TemplateClass } = require("@huggingface/jinja") as typeof import("@huggingface/jinja");
  let chat: Template;
  try {
    chat = new TemplateClass(template);
  } catch (error) {
    return { why: `the chat template does not parse (${oneLine(error)})` };
  }
  return {
    ids(text, system) {
      const messages = [...(system ? [{ role: "system", content: system }] : []), { role: "user", content: text }];
      const rendered = chat.render({ ...specials, messages, add_generation_prompt: true });
      return tokenizer.encode(rendered, { add_special_tokens: false }).ids;
    },
  };
}

/** bos_token, eos_token, ... as strings (tokenizer_config.json writes them as text or `{content}`), as templates see them. */
function specialTokens(config: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]) {
    const value = config[name] as unknown;
    const text = typeof value === "string" ? value : (value as { content?: unknown } | null)?.content;
    if (typeof text === "string") out[name] = text;
  }
  return out;
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 160);
}
