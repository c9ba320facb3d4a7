/**
 * What measuring prompts with a Hugging Face model's own tokenizer costs `align check`
 * (rule HfPromptFitsContext): whole-process `align check` of a recipe whose `local(...)` model
 * has a Llama-3-sized tokenizer.json (128k vocabulary and ~128k merges, grown by random merges
 * from test/fixtures/check/models/llama3: ~7 MB, nothing downloaded), against the same recipe
 * whose model directory has no tokenizer (a note, no library loaded), and `node -e 0`; then the
 * build of that tokenizer in-process (JSON.parse + @huggingface/tokenizers) and the encoding of
 * 20 prompts with the chat template.
 *
 *   npm run build && node dist/bench/check-tokenizer.js [--runs 5]
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadTokenizer, promptCounter } from "../compiler/check/rules/support/hfTokenizer.js";
import { loadLine, medianOf, procCpuMs } from "./lib/measure.js";

function findRepo(start: string): string {
  for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, "package.json"))) return dir;
  return process.cwd();
}

const REPO = findRepo(dirname(fileURLToPath(import.meta.url)));
const at = process.argv.indexOf("--runs");
const RUNS = at > 0 ? Number(process.argv[at + 1]) : 5;
const VOCAB = 128_000;

/** A tokenizer.json grown to VOCAB entries by merging random pairs of existing tokens (valid BPE). */
function bigTokenizer(dir: string): void {
  const source = join(REPO, "test/fixtures/check/models/llama3");
  cpSync(source, dir, { recursive: true });
  const json = JSON.parse(readFileSync(join(source, "tokenizer.json"), "utf8")) as { model: { vocab: Record<string, number>; merges: unknown[] } };
  const { vocab, merges } = json.model;
  const tokens = Object.keys(vocab).filter((t) => !t.startsWith("<|"));
  let id = Math.max(...Object.values(vocab)) + 1;
  let seed = 1;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  while (id < VOCAB) {
    const a = tokens[random(tokens.length)]!;
    const b = tokens[random(tokens.length)]!;
    const joined = a + b;
    if (joined.length > 16 || joined in vocab) continue;
    vocab[joined] = id++;
    tokens.push(joined);
    merges.push(Array.isArray(merges[0]) ? [a, b] : `${a} ${b}`);
  }
  writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(json));
}

function processTime(args: readonly string[]): { wall: number; cpu: number | undefined } {
  execFileSync(process.execPath, args, { stdio: "ignore" });
  const before = procCpuMs("self", true);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, args, { stdio: "ignore" });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const after = procCpuMs("self", true);
  return { wall: medianOf(times), cpu: before !== undefined && after !== undefined ? (after - before) / RUNS : undefined };
}

const root = mkdtempSync(join(tmpdir(), "align-bench-tokenizer-"));
bigTokenizer(join(root, "model"));
writeFileSync(join(root, "d.jsonl"), Array.from({ length: 20 }, (_, i) => JSON.stringify({ q: `Question ${i}: what is ${i} + ${i * 7}? `.repeat(8) })).join("\n") + "\n");
const recipe = (dir: string) => `model m { from = local("${dir}") }\ndataset d = jsonl("d.jsonl") { prompt = "q" }\nstage g = generate { model = m  prompts = d  max_tokens = 16 }\n`;
writeFileSync(join(root, "with.align"), recipe("model"));
writeFileSync(join(root, "without.align"), recipe("nothing-here"));
const cli = join(REPO, "bin", "align.js");

console.log(loadLine("before"));
const bare = processTime(["-e", "0"]);
const without = processTime([cli, "check", join(root, "without.align")]);
const withTokenizer = processTime([cli, "check", join(root, "with.align")]);
const cpu = (t: { cpu: number | undefined }) => (t.cpu === undefined ? "?" : `${t.cpu.toFixed(0)} ms CPU`);
console.log(`whole process, median wall / mean CPU of ${RUNS}:`);
console.log(`  node -e 0                          ${bare.wall.toFixed(0)} ms, ${cpu(bare)}`);
console.log(`  align check, no tokenizer (note)   ${without.wall.toFixed(0)} ms, ${cpu(without)} (${(without.wall / bare.wall).toFixed(2)}x node wall)`);
console.log(`  align check, 128k-vocab tokenizer  ${withTokenizer.wall.toFixed(0)} ms, ${cpu(withTokenizer)} (${(withTokenizer.wall / bare.wall).toFixed(2)}x node wall, ${(withTokenizer.wall / without.wall).toFixed(2)}x without)`);

const file = join(root, "model", "tokenizer.json");
const start = performance.now();
const loaded = loadTokenizer(file, () => undefined, readFileSync(join(root, "model", "tokenizer_config.json"), "utf8"));
const built = performance.now();
if ("why" in loaded) throw new Error(loaded.why);
const counter = promptCounter(loaded, readFileSync(join(root, "model", "chat_template.jinja"), "utf8"));
if ("why" in counter) throw new Error(counter.why);
let tokens = 0;
for (let i = 0; i < 20; i++) tokens += counter.ids(`Question ${i}: what is ${i} + ${i * 7}? `.repeat(8), "Be brief.").length;
const encoded = performance.now();
console.log(`in process: tokenizer.json (${(readFileSync(file).length / 1e6).toFixed(1)} MB) read and built in ${(built - start).toFixed(0)} ms; 20 chat-templated prompts (${tokens} tokens) in ${(encoded - built).toFixed(0)} ms`);
console.log(loadLine("after"));
