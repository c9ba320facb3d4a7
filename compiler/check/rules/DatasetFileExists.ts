/** Every dataset's file must exist (relative to the recipe) and be a readable file. */
import { readdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { posix } from "node:path";
import type { CodeInfo } from "../../diagnostics/types.js";
import { suggestions } from "../../diagnostics/suggest.js";
import type { Rule, RuleContext } from "../rule.js";
import { datasetHead } from "./support/datasetHeads.js";
import { pointer } from "./support/pointer.js";

export const datasetFileExistsCode: CodeInfo = {
  code: "AL5001",
  severity: "error",
  title: "dataset file not found",
  description:
    "A dataset's path does not name a readable file. Paths are relative to the directory of " +
    "the root recipe. The message suggests a file with a similar name in the same directory.",
  example: 'dataset chat = jsonl("data/no-such-file.jsonl")\n',
};

export const datasetFileExistsRule: Rule = {
  name: "DatasetFileExists",
  codes: [datasetFileExistsCode.code],
  check(context) {
    return Object.entries(context.plan.datasets).flatMap(([name, dataset]) => {
      const head = datasetHead(context, dataset.path);
      if (head.kind === "ok") return [];
      const span = context.spanOf(pointer("datasets", name, "path"));
      if (head.kind === "unreadable") {
        return [context.diagnostic(datasetFileExistsCode.code, span, `dataset \`${name}\` cannot read ${dataset.path}: ${head.message}`)];
      }
      const similar = similarFile(context, dataset.path);
      return [
        context.diagnostic(datasetFileExistsCode.code, span, `dataset \`${name}\` reads ${dataset.path}, which does not exist`, {
          notes: [`paths are relative to the recipe's directory, ${context.rootDir}`],
          ...(similar ? { help: `did you mean \`${similar}\`?` } : {}),
          ...(similar && span ? { fix: { title: `use \`${similar}\``, edits: [{ span, newText: JSON.stringify(similar) }] } } : {}),
        }),
      ];
    });
  },
};

/** A file in the same directory whose name is close to the missing one. */
function similarFile(context: RuleContext, path: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(dirname(resolve(context.rootDir, path)));
  } catch {
    return undefined;
  }
  const best = suggestions(posix.basename(path), names, 1)[0];
  return best === undefined ? undefined : posix.join(posix.dirname(path), best);
}
