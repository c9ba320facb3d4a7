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

export interface LoadedTokenizer {
  readonly tokenizer: Tokenizer;
  /** bos_token, eos_token, ... as text, as chat templates see them. */
  readonly specials: Readonly<Record<string, string>>;
  readonly bosId: number | undefined;
  /** tokenizer_config.json's chat template (chat_template.jinja, when there is one, comes first). */
  readonly configTemplate: string | undefined;
}

export interface PromptCounter {
  /** The prompt's token ids, as the worker would encode them. */
  ids(text: string, system: string | undefined): number[];
}

/**
 * Building a Llama-3-sized tokenizer costs ~0.4 s; the language server re-checks on every
 * keystroke, so the last few are kept, keyed by the file's path, mtime and size (or, for a file
 * the compiler host serves from memory, its text) and the tokenizer_config.json text.
 */
const loaded = new Map<string, LoadedTokenizer>();
const KEEP = 2;

/**
 * The tokenizer whose tokenizer.json is at `absolutePath`: read from disk bounded (a regular
 * file up to MAX_TOKENIZER_BYTES; the compiler host's limit is for recipes, and Llama-3's
 * tokenizer is over it), else from `fromHost` (in-memory hosts). A reason when it is missing or
 * not understood.
 */
export function loadTokenizer(absolutePath: string, fromHost: () => string | undefined, configJson: string | undefined): LoadedTokenizer | { why: string } {
  const onDisk = stampOf(absolutePath);
  if ("why" in onDisk) return onDisk;
  const text = onDisk.stamp === null ? fromHost() : undefined;
  if (onDisk.stamp === null && text === undefined) return { why: "no tokenizer.json" };
  const key = `${onDisk.stamp ?? text}\u0000${configJson ?? ""}`;
  const hit = loaded.get(key);
  if (hit) return hit;
  const built = build(text ?? readFileSync(absolutePath, "utf8"), configJson);
  if ("why" in built) return built;
  if (loaded.size >= KEEP) loaded.delete(loaded.keys().next().value!);
  loaded.set(key, built);
  return built;
}

/** `path mtime size` of a readable tokenizer.json on disk; null when there is none. */
function stampOf(absolutePath: string): { stamp: string | null } | { why: string } {
  try {
    const stat = statSync(absolutePath);
    if (!stat.isFile()) return { why: "tokenizer.json is not a regular file" };
    if (stat.size > MAX_TOKENIZER_BYTES) return { why: `tokenizer.json has ${stat.size} bytes, over the ${MAX_TOKENIZER_BYTES / (1024 * 1024)} MiB limit` };
    return { stamp: `${absolutePath} ${stat.mtimeMs} ${stat.size}` };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" || code === "ENOTDIR" ? { stamp: null } : { why: `tokenizer.json is unreadable (${code ?? "error"})` };
  }
}

function build(tokenizerJson: string, configJson: string | undefined): LoadedTokenizer | { why: string } {
  let json: unknown;
  let config: Record<string, unknown> = {};
  try {
    json = JSON.parse(tokenizerJson);
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
  const { Tokenizer: TokenizerClass } = require("@huggingface/tokenizers") as typeof import("@huggingface/tokenizers");
  let tokenizer: Tokenizer;
  try {
    tokenizer = new TokenizerClass(json as object, config);
  } catch (error) {
    return { why: `tokenizer.json is not understood (${oneLine(error)})` };
  }
  const specials = specialTokens(config);
  const bosId = specials["bos_token"] === undefined ? undefined : tokenizer.token_to_id(specials["bos_token"]);
  return { tokenizer, specials, bosId, configTemplate: configTemplate(config["chat_template"]) };
}

/** tokenizer_config.json's chat_template: a string, or a list of named ones (transformers takes "default"). */
function configTemplate(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) return undefined;
  const named = value.find((t: { name?: unknown }) => t?.name === "default") as { template?: unknown } | undefined;
  return typeof named?.template === "string" ? named.template : undefined;
}

/** A counter for the tokenizer and the chat template in use (null: raw text); a reason when the template does not parse. */
export function promptCounter(loaded: LoadedTokenizer, template: string | null): PromptCounter | { why: string } {
  const { tokenizer, bosId, specials } = loaded;
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
