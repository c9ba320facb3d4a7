/**
 * The English detector of the instructions judge (text/langid.ts) on short text: false
 * rejection by length band on English corpora, and false acceptance (non-English called
 * English), for ELD (what the judge uses for `en`) against franc's trigrams (what it used
 * before, and still uses for every other language), in the same run.
 *
 *   python3 bench/langid-corpus.py /tmp/langid   # build the corpora from this machine's text
 *   npx tsx bench/langid.ts /tmp/langid
 *
 * Without a directory, only the repository's fixture (test/fixtures/judges/instructions/
 * english-short.txt) is measured.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { francSays, isEnglish, SHORT_LETTERS } from "../runtime/judges/instructions/text/langid.js";

type Detector = (text: string) => boolean;
const DETECTORS: ReadonlyArray<readonly [string, Detector]> = [
  ["eld", isEnglish],
  ["franc", (text) => francSays(text, "en")],
];
const BANDS: ReadonlyArray<readonly [string, number, number]> = [["20-49", 20, 50], ["50-99", 50, 100], ["100+", 100, Infinity]];

function letters(text: string): number {
  return (text.match(/\p{L}/gu) ?? []).length;
}

function rejection(name: string, texts: readonly string[]): void {
  // The judge checks only the writing system below SHORT_LETTERS letters; those always pass.
  const measured = texts.filter((t) => t.length >= 20 && letters(t) >= SHORT_LETTERS);
  for (const [detector, says] of DETECTORS) {
    const cells = BANDS.map(([band, low, high]) => {
      const inBand = measured.filter((t) => t.length >= low && t.length < high);
      const rejected = inBand.filter((t) => !says(t)).length;
      return `${band} ${rejected}/${inBand.length} ${pct(rejected, inBand.length)}`;
    });
    const all = measured.filter((t) => !says(t)).length;
    console.log(`${name.padEnd(14)} ${detector.padEnd(6)} ${cells.join("  ")}  all ${pct(all, measured.length)}`);
  }
}

function pct(n: number, d: number): string {
  return d === 0 ? "-" : `${((100 * n) / d).toFixed(2)}%`;
}

function readJson(path: string): string[] {
  return JSON.parse(readFileSync(path, "utf8")) as string[];
}

const fixture = readFileSync(new URL("../test/fixtures/judges/instructions/english-short.txt", import.meta.url), "utf8")
  .split("\n")
  .filter((line) => line !== "" && !line.startsWith("#"));
console.log("false rejection of English (as written)");
rejection("fixture", fixture);
const dir = process.argv[2];
if (dir !== undefined && existsSync(dir)) {
  for (const file of ["py_en.json", "mo_en.json"]) if (existsSync(join(dir, file))) rejection(file, readJson(join(dir, file)));
  console.log("false rejection of English (lowercased)");
  for (const file of ["py_en.json", "mo_en.json"]) if (existsSync(join(dir, file))) rejection(file, readJson(join(dir, file)).map((t) => t.toLowerCase()));
  console.log("false acceptance: non-English called English");
  const foreign = readdirSync(dir).filter((f) => /^mo_(?!en\.)\w+\.json$/.test(f)).sort();
  for (const [detector, says] of DETECTORS) {
    let accepted = 0;
    let total = 0;
    const worst: string[] = [];
    for (const file of foreign) {
      const texts = readJson(join(dir, file)).filter((t) => letters(t) >= SHORT_LETTERS);
      const n = texts.filter(says).length;
      accepted += n;
      total += texts.length;
      worst.push(`${file.slice(3, -5)} ${pct(n, texts.length)}`);
    }
    console.log(`${detector.padEnd(6)} ${accepted}/${total} ${pct(accepted, total)}  (${worst.join(", ")})`);
  }
}
