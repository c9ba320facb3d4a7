/**
 * align check measures a Hugging Face model's prompts with the model's own tokenizer
 * (compiler/check/rules/support/hfTokenizer.ts over @huggingface/tokenizers and @huggingface/jinja):
 * the ids must be the worker's, i.e. transformers' (test/fixtures/check/models/encode.py runs
 * align_worker.hf.HFTokenizer.encode_prompt in the worker venv on the same files). The
 * checkpoints are a Llama-3-style and a Qwen2-style tokenizer built offline
 * (test/fixtures/check/models/build.py).
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadTokenizer, promptCounter } from "../../compiler/check/rules/support/hfTokenizer.js";
import { compile } from "../../compiler/index.js";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const MODELS = path.join(REPO, "test/fixtures/check/models");
/** transformers: the worker venv (CI builds it with scripts/worker-venv.sh). */
const WORKER_PYTHON = path.join(REPO, ".venv-worker/bin/python");

const PROMPTS: readonly (readonly [string, string | null])[] = [
  ["What is 12+35?", null],
  ["What is 12+35?", "Be brief."],
  ["héllo wörld café naïve  e\u0301 ﬁ ①", null],
  ["日本語のテキストです。Привет, мир!", "Réponds en français."],
  ["I'M SURE you'LL see they've", null],
  ["  leading and trailing  \ttabs\n\n\nnewlines\r\nx", null],
  ["emoji 😀🎉 unseen 🦄 and 1234567890123 3.14159", null],
  ["text with <|eot_id|> and <|im_end|> inside", "<|im_start|>system"],
  ["def f(x):\n    return x * 2\n", null],
  ["", null],
];

function jsIds(model: string, template: "auto" | "none"): number[][] {
  const dir = path.join(MODELS, model);
  const loaded = loadTokenizer(path.join(dir, "tokenizer.json"), () => undefined, readFileSync(path.join(dir, "tokenizer_config.json"), "utf8"));
  if ("why" in loaded) throw new Error(loaded.why);
  const counter = promptCounter(loaded, template === "auto" ? readFileSync(path.join(dir, "chat_template.jinja"), "utf8") : null);
  if ("why" in counter) throw new Error(counter.why);
  return PROMPTS.map(([text, system]) => counter.ids(text, system ?? undefined));
}

describe("prompt ids at check time", () => {
  // First: the other cases load the libraries into this process.
  it("loads the tokenizer libraries only when a Hugging Face model with local tokenizer files generates from rows", () => {
    const require = createRequire(path.join(REPO, "compiler/check/rules/support/hfTokenizer.ts"));
    const library = require.resolve("@huggingface/tokenizers");
    delete require.cache[library];
    const recipes = path.join(REPO, "test/fixtures/check");
    compile("AL6004-builtin-context.align", { cwd: path.join(recipes, "err"), hubCache: "/nonexistent" });
    compile("AL6009-hf-tokenizer-missing.align", { cwd: path.join(recipes, "err"), hubCache: "/nonexistent" });
    expect(require.cache[library]).toBeUndefined();
    compile("hf-prompts-fit.align", { cwd: path.join(recipes, "ok"), hubCache: "/nonexistent" });
    expect(require.cache[library]).toBeDefined();
  });

  it("are transformers' ids as the worker encodes prompts, for Llama-3 and Qwen2 tokenizers, with and without the chat template", () => {
    const requests = ["llama3", "qwen2"].flatMap((model) =>
      (["auto", "none"] as const).map((template) => ({ dir: path.join(MODELS, model), template, prompts: PROMPTS, model })),
    );
    const expected = JSON.parse(
      execFileSync(WORKER_PYTHON, [path.join(MODELS, "encode.py")], { input: JSON.stringify(requests), encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] }),
    ) as number[][][];
    requests.forEach((request, i) => {
      expect(jsIds(request.model, request.template), `${request.model} chat_template = ${request.template}`).toEqual(expected[i]);
    });
    // The chat template is really applied: Qwen2's adds its default system prompt.
    expect(expected[2]![0]!.length).toBeGreaterThan(expected[3]![0]!.length + 5);
  }, 60_000);

  it("keeps a loaded tokenizer for the next check while its file is unchanged (the language server re-checks per keystroke)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "align-tokenizer-"));
    cpSync(path.join(MODELS, "qwen2"), dir, { recursive: true });
    const file = path.join(dir, "tokenizer.json");
    const first = loadTokenizer(file, () => undefined, undefined);
    expect(loadTokenizer(file, () => undefined, undefined)).toBe(first);
    writeFileSync(file, readFileSync(file, "utf8").replace(/\}\s*$/, "}\n\n"));
    const changed = loadTokenizer(file, () => undefined, undefined);
    expect(changed).not.toBe(first);
    expect("why" in changed).toBe(false);
    writeFileSync(file, "{ not json");
    expect(loadTokenizer(file, () => undefined, undefined)).toEqual({ why: "tokenizer.json is not valid JSON" });
  });

  it("finds a hub id's tokenizer in the local Hugging Face cache, at the revision's snapshot", () => {
    const root = mkdtempSync(path.join(tmpdir(), "align-hf-cache-"));
    const repo = path.join(root, "hub", "models--acme--chat");
    const commit = "0123456789abcdef0123456789abcdef01234567";
    mkdirSync(path.join(repo, "refs"), { recursive: true });
    writeFileSync(path.join(repo, "refs", "main"), `${commit}\n`);
    cpSync(path.join(MODELS, "qwen2"), path.join(repo, "snapshots", commit), { recursive: true });
    writeFileSync(path.join(root, "q.jsonl"), `${JSON.stringify({ q: "word ".repeat(60) })}\n${JSON.stringify({ q: "hi" })}\n`);
    const recipe = 'model m { from = hf("acme/chat")  truncation = TRUNC }\ndataset d = jsonl("q.jsonl") { prompt = "q" }\nstage g = generate { model = m  prompts = d  max_tokens = 16 }\n';
    const run = (truncation: string) => {
      writeFileSync(path.join(root, "r.align"), recipe.replace("TRUNC", truncation));
      return compile("r.align", { cwd: root, hubCache: path.join(root, "hub") }).diagnostics.map((d) => `${d.code} ${d.severity} ${d.span?.line}:${d.span?.column} ${d.message}`);
    };
    const left = run("left");
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^AL6007 warning 3:59 stage `g`: 1 of 2 sampled prompts are longer than the 48 tokens model `m` has room for \(context 64 - max_tokens 16\)/);
    expect(run("error")[0]).toMatch(/^AL6008 error 3:59 .*`truncation = error` refuses it$/);
    // Another revision is not in the cache: a note, not a guess.
    writeFileSync(path.join(root, "r.align"), recipe.replace("TRUNC", "left").replace('"acme/chat"', '"acme/chat", revision = "v2"'));
    const other = compile("r.align", { cwd: root, hubCache: path.join(root, "hub") }).diagnostics;
    expect(other.map((d) => `${d.code} ${d.severity}`)).toEqual(["AL6009 info"]);
  });
});
