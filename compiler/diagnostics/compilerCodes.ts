import type { CodeInfo } from "./types.js";

/**
 * The compiler's own codes: AL2xxx names and imports, AL3xxx types and schema. Code that
 * reports one refers to it as `NameCode.UnknownReference.code`, so each code is written once.
 * Every `example` triggers its code (test/compiler/codes.test.ts checks it).
 */

export const NameCode = {
  UnknownReference: {
    code: "AL2001",
    severity: "error",
    title: "unknown reference",
    description:
      "A name does not refer to any declaration in this file or its imports. The message " +
      "suggests the closest declared name of the expected kind.",
    example: 'model policy { from = hf("org/m") }\nstage s = sft { model = polcy  data = [d] }\ndataset d = jsonl("d.jsonl")\n',
  },
  UnknownKind: {
    code: "AL2002",
    severity: "error",
    title: "unknown declaration kind",
    description:
      "A declaration starts with a word that is not a kind. The kinds are recipe, model, " +
      "reward, dataset, judge, task, stage, cluster and launch.",
    example: 'modle policy { from = hf("org/m") }\n',
  },
  UnknownVariant: {
    code: "AL2003",
    severity: "error",
    title: "unknown variant",
    description:
      "The variant after `=` (or a call such as `hf(...)`, `crpg { }`, `satisfied(...)`) is " +
      "not one the field or kind accepts. `align schema KIND` lists the variants.",
    example: "judge j = math_anwser {}\n",
  },
  DuplicateName: {
    code: "AL2004",
    severity: "error",
    title: "duplicate name",
    description:
      "Two declarations have the same name. Names share one namespace across kinds, so a " +
      "model and a dataset cannot both be called `chat`.",
    example: 'model chat { from = hf("org/m") }\ndataset chat = jsonl("d.jsonl")\n',
  },
  ImportNotFound: {
    code: "AL2005",
    severity: "error",
    title: "import not found",
    description: "An imported file cannot be read. Paths are relative to the importing file.",
    example: 'import "missing.align"\n',
  },
  ImportCycle: {
    code: "AL2006",
    severity: "error",
    title: "import cycle",
    description: "A file imports itself, directly or through other files. The message lists the chain.",
    example: 'import "self.align"   # in self.align\n',
  },
  AmbiguousName: {
    code: "AL2007",
    severity: "error",
    title: "ambiguous name",
    description:
      "A name is declared by a file and by one of its merged imports, or by two merged " +
      "imports. Rename one, or import with `as NAMESPACE` and write `NAMESPACE.name`.",
    example: 'import "common.align"   # which also declares `policy`\nmodel policy { from = hf("org/m") }\n',
  },
  WrongKind: {
    code: "AL2008",
    severity: "error",
    title: "wrong kind of reference",
    description: "A name refers to a declaration of another kind than the field needs, e.g. a model where a reward is expected.",
    example: 'model policy { from = hf("org/m") }\ndataset d = jsonl("d.jsonl")\ntask t { prompts = [d]  reward = policy  optimizer = crpg }\n',
  },
  MissingName: {
    code: "AL2009",
    severity: "error",
    title: "missing declaration name",
    description: "Declarations of this kind are named: `KIND NAME ...`.",
    example: 'model = hf("org/m")\n',
  },
  DuplicateSingleton: {
    code: "AL2010",
    severity: "error",
    title: "declared more than once",
    description: "`recipe` and `cluster` may be declared once, and each launch target once, across a file and its imports.",
    example: "cluster { nodes = 1 }\ncluster { nodes = 2 }\n",
  },
  UnknownMember: {
    code: "AL2011",
    severity: "error",
    title: "unknown member",
    description:
      "`NAME.member` refers to an output of a stage (`finetune.model`, `induce.dataset`); " +
      "other declarations have no members, and a stage has only the output it produces.",
    example: 'dataset d = jsonl("d.jsonl")\nmodel m { from = hf("org/m") }\nstage s = generate { model = m.weights  prompts = d }\n',
  },
  UnexpectedVariant: {
    code: "AL2012",
    severity: "error",
    title: "kind takes no variant",
    description: "Only dataset, judge and stage declarations take `= VARIANT`; a launch target is named by its header (`launch slurm { }`).",
    example: 'model policy = hf("org/m")\n',
  },
  MissingVariant: {
    code: "AL2013",
    severity: "error",
    title: "missing variant",
    description: "Dataset, judge and stage declarations need `= VARIANT`, e.g. `judge j = math_answer { }`.",
    example: "judge j { }\n",
  },
  UnknownLaunchTarget: {
    code: "AL2014",
    severity: "error",
    title: "unknown launch target",
    description: "The launch targets are local, torchrun, slurm, kubernetes, ray and skypilot.",
    example: 'launch slrum { partition = "gpu"  time = 1h }\n',
  },
} as const satisfies Record<string, CodeInfo>;

export const TypeCode = {
  UnknownField: {
    code: "AL3001",
    severity: "error",
    title: "unknown field",
    description:
      "A field is not part of the kind or variant. Unknown fields are always errors (a typo " +
      "must never become a silent default); the message suggests the closest field.",
    example: "task t { prompts = [d]  reward = r  optimizer = crpg { genrations = 8 } }\n",
  },
  UnknownEnumMember: {
    code: "AL3002",
    severity: "error",
    title: "unknown enum member",
    description: "The value is not one of the field's members; the message lists them and suggests the closest.",
    example: 'model policy { from = hf("org/m")  dtype = bf61 }\n',
  },
  WrongType: {
    code: "AL3003",
    severity: "error",
    title: "wrong type",
    description: "The value has another type than the field needs (a string where a number is expected, a fraction where an integer is expected, ...).",
    example: 'recipe r { seed = "1234" }\n',
  },
  WrongUnit: {
    code: "AL3004",
    severity: "error",
    title: "missing unit",
    description:
      "Durations and sizes carry a unit: `10s`, `30m`, `512MiB`, `80GB`. A bare number is " +
      "ambiguous; the fix-it adds the most likely unit.",
    example: "judge t = code_tests { timeout = 10 }\n",
  },
  MissingField: {
    code: "AL3005",
    severity: "error",
    title: "missing required field",
    description: "The field has no default and must be written.",
    example: "stage s = cgpo { policy = p  tasks = [t] }\n",
  },
  OutOfRange: {
    code: "AL3006",
    severity: "error",
    title: "value out of range",
    description: "The number is below the field's minimum or above its maximum (`align schema` lists the bounds).",
    example: "cluster { nodes = 0 }\n",
  },
  SecretLiteral: {
    code: "AL3007",
    severity: "error",
    title: "secret not read from the environment",
    description: 'Secret fields (API keys) are written `env("NAME")`; the value is read at run time and never enters the plan or the bundle.',
    example: 'model j { from = endpoint("http://j/v1", model = "m", api_key = "sk-123") }\n',
  },
  WrongStageInput: {
    code: "AL3008",
    severity: "error",
    title: "stage input of the wrong type",
    description:
      "A stage reads a dataset where a model is needed, or a model where a dataset is needed " +
      "(a model-producing stage's `s.model` is a model; a dataset-producing stage is data).",
    example: 'model m { from = hf("org/m") }\nstage s = sft { model = m  data = [m] }\n',
  },
  DuplicateField: {
    code: "AL3009",
    severity: "error",
    title: "field written twice",
    description: "A field is set more than once in the same block; the later value would silently win.",
    example: "recipe r { seed = 1  seed = 2 }\n",
  },
  UnreadableFile: {
    code: "AL3010",
    severity: "error",
    title: "file cannot be read",
    description: 'A `file("...")` template does not exist or cannot be read. Paths are relative to the file that names them.',
    example: 'judge j = json { schema = file("missing.schema.json") }\n',
  },
  TooManyArguments: {
    code: "AL3011",
    severity: "error",
    title: "too many arguments",
    description: "A call has more positional arguments than it takes; name the extra ones (`revision = \"main\"`).",
    example: 'model policy { from = hf("org/m", "main", "extra") }\n',
  },
  TooManyErrors: {
    code: "AL3012",
    severity: "info",
    title: "too many errors",
    description: "After 100 errors in one file the checker stops reporting for that file; fix the first ones and check again.",
    example: "",
  },
} as const satisfies Record<string, CodeInfo>;

export const compilerCodes: readonly CodeInfo[] = [...Object.values(NameCode), ...Object.values(TypeCode)];
