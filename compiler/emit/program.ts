/**
 * The generated program (`main.ts`, and `main.js` beside it): one function per stage, in the
 * plan's order, each calling the vendored runtime (`runtime/align-runtime.js`) as a library.
 * Built with ts-morph from structures, printed with fixed manipulation settings, so the same plan
 * gives the same bytes (no formatText pass: the printer already indents as those settings say,
 * and TypeScript's formatter costs more than the rest of the generation). `hooks.ts` is the user's file: created once, never overwritten.
 */
import { createRequire } from "node:module";
import type * as TsMorph from "ts-morph";
import type { Plan } from "../plan/types.js";

// ts-morph is CommonJS: required rather than imported, node skips the scan for named exports
// that an ES import of its 1 MB file costs (about a third of loading it).
const morph = createRequire(import.meta.url)("ts-morph") as typeof TsMorph;
const { IndentationText, NewLineKind, Project, QuoteKind, ts, VariableDeclarationKind } = morph;
type Project = TsMorph.Project;

export interface ProgramInput {
  readonly plan: Plan;
  /** Where each stage is declared, `file:line` relative to the recipe's directory. */
  readonly stageSources: Readonly<Record<string, string>>;
  readonly header: readonly string[];
}

/** The function name of a stage (stage names are identifiers; the prefix keeps off reserved words). */
export function stageFunctionName(stage: string): string {
  return `stage_${stage}`;
}

const RUNTIME = "./runtime/align-runtime.js";

function newProject(): Project {
  return new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: {
      indentationText: IndentationText.TwoSpaces,
      newLineKind: NewLineKind.LineFeed,
      quoteKind: QuoteKind.Double,
      useTrailingCommas: true,
    },
  });
}

function stageDoc(plan: Plan, stage: string, source: string | undefined): string {
  const entry = plan.stages[stage] as { variant: string; needs: readonly string[] };
  const reads = entry.needs.length === 0 ? "no other stage" : entry.needs.map((n) => `\`${n}\``).join(", ");
  return `Stage \`${stage}\` (${entry.variant}), from ${source ?? "the recipe"}; reads ${reads}.`;
}

/** `main.ts`'s text. */
export function emitProgram(input: ProgramInput): string {
  const { plan } = input;
  const file = newProject().createSourceFile("main.ts", "", { overwrite: true });
  file.addImportDeclaration({ moduleSpecifier: RUNTIME, namedImports: ["openProgram", "runIfMain"] });
  file.addImportDeclaration({ moduleSpecifier: RUNTIME, namedImports: ["Program"], isTypeOnly: true });
  file.addImportDeclaration({ moduleSpecifier: "./hooks.js", namedImports: ["hooks"] });
  for (const stage of plan.stage_order) {
    file.addFunction({
      name: stageFunctionName(stage),
      isAsync: true,
      docs: [stageDoc(plan, stage, input.stageSources[stage])],
      parameters: [{ name: "program", type: "Program" }],
      returnType: "Promise<boolean>",
      statements: [`return program.stage(${JSON.stringify(stage)});`],
    });
  }
  file.addVariableStatement({
    declarationKind: VariableDeclarationKind.Const,
    docs: ["The stages in the plan's order (every stage after the ones it reads)."],
    declarations: [{
      name: "STAGES",
      type: "ReadonlyArray<(program: Program) => Promise<boolean>>",
      initializer: `[${plan.stage_order.map(stageFunctionName).join(", ")}]`,
    }],
  });
  file.addFunction({
    name: "main",
    isExported: true,
    isAsync: true,
    docs: [
      "Runs the recipe: checks the inputs against align.lock.json and the environment, then each\n" +
        "stage in order until one fails. Flags and exit codes: README.md beside this file.",
    ],
    parameters: [{ name: "argv", type: "readonly string[]", hasQuestionToken: true }],
    returnType: "Promise<number>",
    statements: [
      "const program = await openProgram({ programUrl: import.meta.url, argv, hooks });",
      "if (typeof program === \"number\") return program;",
      "for (const stage of STAGES) {\n  if (!(await stage(program))) break;\n}",
      "return program.close();",
    ],
  });
  file.addStatements("\n// Runs main() when node starts this file (not when align run imports it).\nrunIfMain(import.meta.url, main);");
  return `${input.header.map((line) => `// ${line}`).join("\n")}\n\n${file.getFullText()}`;
}

/** `hooks.ts`'s first version (align build writes it only when the bundle has none). */
export function emitHooks(recipeFile: string): string {
  return [
    `// Your code around the stages of ${recipeFile}. align build created this file once and never`,
    "// overwrites it; after editing it, run align build again to compile it to hooks.js.",
    `import type { StageHooks } from "${RUNTIME}";`,
    "",
    "export const hooks: StageHooks = {",
    "  // before: async (stage) => { ... },          // before a stage runs (not when skipped)",
    "  // after: async (stage, ok) => { ... },       // after it ran; ok is false when it failed",
    "};",
    "",
  ].join("\n");
}

/** The JavaScript node runs for a generated (or hooks) TypeScript file: types erased, nothing else. */
export function transpile(source: string): string {
  return ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, removeComments: false },
  }).outputText;
}

/** The generated TypeScript of a bundle and the JavaScript node runs. */
export interface GeneratedProgram {
  readonly main: string;
  readonly mainJs: string;
  readonly hooks: string;
  readonly hooksJs: string;
}

/** main.ts, hooks.ts (the user's when given) and their JavaScript. */
export function generateProgram(input: ProgramInput, recipeFile: string, userHooks: string | undefined): GeneratedProgram {
  const main = emitProgram(input);
  const hooks = userHooks ?? emitHooks(recipeFile);
  return { main, mainJs: transpile(main), hooks, hooksJs: transpile(hooks) };
}
