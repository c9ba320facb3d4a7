import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ruleCodes } from "../../compiler/check/rules/index.js";
import { compileFiles } from "../compiler/helpers.js";

/**
 * Every rule: a recipe that triggers its code (at the expected line:col) and a corrected
 * recipe that does not. Data files live in memory beside the recipe.
 */

const DATA = {
  "qa.jsonl": '{"question": "What is 2 + 3?", "answer": "5", "reference": "5", "tests": "assert f() == 5"}\n',
  "pairs.jsonl": '{"prompt": "hi", "chosen": "Hello!", "rejected": "go away"}\n',
  "bad.jsonl": '{"question": "a"}\n{"question": "b",}\n',
  "empty.jsonl": "\n",
  "ifeval.jsonl":
    '{"prompt": "a", "instruction_id_list": ["punctuation:no_comma"], "kwargs": [{}]}\n' +
    '{"prompt": "b", "instruction_id_list": ["punctuation:no_coma"], "kwargs": [{}]}\n',
  "ifeval-args.jsonl": '{"prompt": "a", "instruction_id_list": ["length_constraints:number_words"], "kwargs": [{"relation": "about", "num_words": 300}]}\n',
  "rules.jsonl": '{"prompt": "a", "requirements": [{"id": "punctuation:no_comma"}, {"id": "change_case:shouting"}]}\n',
  "long.jsonl": '{"q": "2+2=", "sys": "Be brief."}\n{"q": "What is the sum of 1234 and 4321?", "sys": "Be brief."}\n',
  "bad.schema.json": '{"type": "object",}',
  "good.schema.json": '{"type": "object", "required": ["answer"]}',
  "judges.mjs": "export function score(sample) { return { status: 'satisfied', reason: 'ok' }; }\nexport default score;\n",
};

/** A Llama-3-style Hugging Face checkpoint's tokenizer and config (test/fixtures/check/models/build.py), under `dir`. */
function llamaFiles(dir: string): Record<string, string> {
  const files = ["tokenizer.json", "tokenizer_config.json", "chat_template.jinja", "config.json"];
  return Object.fromEntries(files.map((name) => [`${dir}/${name}`, readFileSync(new URL(`../fixtures/check/models/llama3/${name}`, import.meta.url), "utf8")]));
}
Object.assign(DATA, llamaFiles("llama"));

const QA = 'dataset qa = jsonl("qa.jsonl") { prompt = "question"  answer = "answer"  reference = "reference" }\n';
const M = 'model m { from = hf("org/m") }\n';
const R = 'reward r { from = hf("org/rm") }\n';
const B = "model b { from = builtin() }\n";
const PAIRS = 'dataset pairs = jsonl("pairs.jsonl") { prompt = "prompt"  chosen = "chosen"  rejected = "rejected" }\n';
const ENDPOINT = 'model judge_llm { from = endpoint("http://judge:8000/v1", model = "j") }\n';

interface Case {
  readonly code: string;
  readonly bad: string;
  /** `line:col` of each expected diagnostic of `code` in `bad`. */
  readonly at: readonly string[];
  readonly good: string;
}

const cases: readonly Case[] = [
  {
    code: "AL4001",
    bad: `${M}stage a = generate { model = m  from = b }\nstage b = generate { model = m  from = a }\n`,
    at: ["2:1"],
    good: `${M}${QA}stage a = generate { model = m  prompts = qa }\nstage b = generate { model = m  from = a }\n`,
  },
  {
    code: "AL4002",
    bad: `${QA}${R}task t { prompts = [qa]  reward = r  optimizer = codpo { generations = 1 } }\n`,
    at: ["3:72"],
    good: `${QA}${R}task t { prompts = [qa]  reward = r  optimizer = codpo { generations = 2 } }\n`,
  },
  {
    code: "AL4003",
    bad: `${QA}${R}task t { prompts = [qa]  reward = r  optimizer = crpg { kl_max = 0 } }\n`,
    at: ["3:66"],
    good: `${QA}${R}task t { prompts = [qa]  reward = r  optimizer = crpg { kl_max = 0.1 } }\n`,
  },
  {
    code: "AL4350",
    bad: `${QA}${R}task t { prompts = [qa]  reward = r  optimizer = grpo { generations = 1 } }\ntask u { prompts = [qa]  reward = r  optimizer = rloo { generations = 1 } }\n`,
    at: ["3:71", "4:71"],
    good: `${QA}${R}task t { prompts = [qa]  reward = r  optimizer = grpo { generations = 2 } }\ntask u { prompts = [qa]  reward = r  optimizer = rloo {} }\n`,
  },
  {
    code: "AL4351",
    bad: `${QA}${R}task t { prompts = [qa]  reward = r  optimizer = grpo { clip_eps = 0 } }\ntask u { prompts = [qa]  reward = r  optimizer = grpo { clip_eps = 1.5 } }\n`,
    at: ["3:68", "4:68"],
    good: `${QA}${R}task t { prompts = [qa]  reward = r  optimizer = grpo { clip_eps = 0.28 } }\ntask u { prompts = [qa]  reward = r  optimizer = grpo {} }\n`,
  },
  {
    code: "AL4352",
    bad: `${QA}${R}task t { prompts = [qa]  reward = r  optimizer = grpo { kl_estimator = k1 } }\n`,
    at: ["3:72"],
    good: `${QA}${R}task t { prompts = [qa]  reward = r  optimizer = grpo { kl_estimator = k1  kl_coef = 0 } }\ntask u { prompts = [qa]  reward = r  optimizer = grpo { kl_estimator = k3 } }\n`,
  },
  {
    code: "AL4353",
    bad: `${B}${PAIRS}stage rm = reward_model { model = b  data = [pairs] }\nstage s = sft { model = rm.model  data = [render(pairs, template = "{prompt}", target = "chosen")] }\nreward r { from = s.model }\n`,
    at: ["4:25", "5:19"],
    good: `${B}${PAIRS}stage rm = reward_model { model = b  data = [pairs] }\nstage s = sft { model = b  data = [render(pairs, template = "{prompt}", target = "chosen")] }\nreward r { from = rm.model }\n`,
  },
  {
    code: "AL4354",
    bad: `${ENDPOINT}${PAIRS}stage rm = reward_model { model = judge_llm  data = [pairs] }\n`,
    at: ["3:35"],
    good: `${M}${PAIRS}stage rm = reward_model { model = m  data = [pairs] }\n`,
  },

  {
    code: "AL4355",
    bad: `${QA}${R}task t { prompts = [qa]  reward = r  optimizer = ppo { generations = 2 } }\n`,
    at: ["3:50"],
    good: `${B}${QA}${R}task t { prompts = [qa]  reward = r  optimizer = ppo { value_model = b } }\n`,
  },
  {
    code: "AL4356",
    bad: `${ENDPOINT}${M}${B}${QA}${R}task t { prompts = [qa]  reward = r  optimizer = ppo { value_model = judge_llm } }\ntask u { prompts = [qa]  reward = r  optimizer = ppo { value_model = b } }\nstage s = cgpo { policy = m  tasks = [u]  steps = 1 }\n`,
    at: ["6:70", "8:27"],
    good: `${M}${PAIRS}${QA}${R}stage rm = reward_model { model = m  data = [pairs] }\ntask t { prompts = [qa]  reward = r  optimizer = ppo { value_model = rm.model } }\ntask u { prompts = [qa]  reward = r  optimizer = ppo { value_model = m } }\nstage s = cgpo { policy = m  tasks = [t, u]  steps = 1 }\n`,
  },
  {
    code: "AL4004",
    bad: `${QA}${R}task t { prompts = [qa]  reward = r  optimizer = crpg {}  weight = -1 }\n`,
    at: ["3:68"],
    good: `${QA}${R}task t { prompts = [qa]  reward = r  optimizer = crpg {}  weight = 0 }\n`,
  },
  {
    code: "AL4005",
    bad: `${M}${QA}${R}task t { prompts = [qa]  reward = r  optimizer = crpg {}  weight = 0 }\nstage s = cgpo { policy = m  tasks = [t]  steps = 1 }\n`,
    at: ["5:38"],
    good: `${M}${QA}${R}task t { prompts = [qa]  reward = r  optimizer = crpg {}  weight = 0.5 }\nstage s = cgpo { policy = m  tasks = [t]  steps = 1 }\n`,
  },
  {
    code: "AL4006",
    bad: `${QA}${R}task t { prompts = [qa]  reward = r  optimizer = crraft { fallback = baseline } }\n`,
    at: ["3:70"],
    good: `${QA}reward r { from = hf("org/rm")  baseline = field("reference") }\ntask t { prompts = [qa]  reward = r  optimizer = crraft { fallback = baseline } }\n`,
  },
  {
    code: "AL4007",
    bad: `model judge_llm { from = hf("org/judge") }\njudge j = llm_judge { model = judge_llm  template = "{response}" }\n`,
    at: ["2:31"],
    good: `${ENDPOINT}judge j = llm_judge { model = judge_llm  template = "{response}" }\n`,
  },
  {
    code: "AL4008",
    bad: `${QA}dataset other = jsonl("qa.jsonl") { prompt = "question"  answer = "answer" }\n${R}judge j = math_answer { scope = [other] }\ntask t { prompts = [qa]  reward = r  judges = [j]  optimizer = crpg {} }\n`,
    at: ["4:34"],
    good: `${QA}dataset other = jsonl("qa.jsonl") { prompt = "question"  answer = "answer" }\n${R}judge j = math_answer { scope = [other] }\ntask t { prompts = [qa, other]  reward = r  judges = [j]  optimizer = crpg {} }\n`,
  },
  {
    code: "AL4009",
    bad: `${M}model spare { from = hf("org/s") }\n${QA}stage s = generate { model = m  prompts = qa }\n`,
    at: ["2:7"],
    good: `${M}${QA}stage s = generate { model = m  prompts = qa }\n`,
  },
  {
    code: "AL4010",
    bad: 'judge j = custom { module = "j.ts"  options { token = "sk-proj-abcdefghijklmnopqrstuvwx12" } }\n',
    at: ["1:55"],
    good: 'judge j = custom { module = "j.ts"  options { token_env = "JUDGE_TOKEN" } }\n',
  },
  {
    code: "AL4011",
    bad: "judge t = code_tests { sandbox = none }\n",
    at: ["1:34"],
    good: "judge t = code_tests { sandbox = bwrap }\n",
  },
  {
    code: "AL4012",
    bad: 'judge j = regex { pattern = "(unclosed" }\n',
    at: ["1:29"],
    good: 'judge j = regex { pattern = "(closed)" }\n',
  },
  {
    code: "AL4013",
    bad: "judge j = length { min = 10  max = 5 }\njudge k = length { unit = chars }\n",
    at: ["1:26", "2:1"],
    good: "judge j = length { min = 5  max = 10 }\njudge k = length { unit = chars  max = 80 }\n",
  },
  {
    code: "AL4014",
    bad: `${ENDPOINT}judge j = llm_judge { model = judge_llm  template = "{response}"  positive = "A"  negative = "A" }\n`,
    at: ["2:94"],
    good: `${ENDPOINT}judge j = llm_judge { model = judge_llm  template = "{response}"  positive = "A"  negative = "B" }\n`,
  },
  {
    code: "AL4015",
    bad: `${M}${QA}stage g = generate { model = m }\n`,
    at: ["3:1"],
    good: `${M}${QA}stage g = generate { model = m  prompts = qa }\n`,
  },
  {
    code: "AL4200",
    bad: 'judge tests = code_tests { memory = 1MiB  timeout = 2h }\n',
    at: ["1:37", "1:53"],
    good: 'judge tests = code_tests { memory = 64MiB  timeout = 30s }\n',
  },
  {
    code: "AL4250",
    bad: 'judge ifeval = instructions { requirements = field("kwargs")  kwargs = field("kwargs") }\n',
    at: ["1:72"],
    good: 'judge ifeval = instructions { requirements = field("instruction_id_list")  kwargs = field("kwargs") }\n',
  },
  {
    code: "AL4300",
    bad: 'recipe r {\n  tracking {\n    wandb { project = "p"  mode = online }\n  }\n}\n',
    at: ["3:35"],
    good: 'recipe r {\n  tracking {\n    wandb { project = "p"  mode = online  api_key = env("WANDB_API_KEY") }\n  }\n}\n',
  },
  {
    code: "AL4301",
    bad: 'recipe r {\n  tracking {\n    wandb { project = "p"  api_key = env("WANDB_API_KEY") }\n  }\n}\n',
    at: ["3:38"],
    good: 'recipe r {\n  tracking {\n    wandb { project = "p" }\n  }\n}\n',
  },
  {
    code: "AL4302",
    bad: "recipe r {\n  tracking {\n    tensorboard = false\n  }\n}\n",
    at: ["2:12"],
    good: "recipe r {\n  tracking {\n    tensorboard = true\n  }\n}\n",
  },
  {
    code: "AL4100",
    bad: 'launch kubernetes {\n  volume_claim = "runs"\n}\n',
    at: ["1:1"],
    good: 'launch kubernetes {\n  image = "r/w:1"\n  volume_claim = "runs"\n}\n',
  },
  {
    code: "AL4101",
    bad: 'cluster { nodes = 2  gpus_per_node = 8  gpu = h100_80gb }\nlaunch skypilot { accelerators = "H100:4" }\n',
    at: ["2:34"],
    good: 'cluster { nodes = 2  gpus_per_node = 8  gpu = h100_80gb }\nlaunch skypilot { accelerators = "H100:8" }\n',
  },
  {
    code: "AL4102",
    bad: "launch slurm { time = 10m  signal_before = 10m }\n",
    at: ["1:44"],
    good: "launch slurm { time = 10m  signal_before = 1m }\n",
  },
  {
    code: "AL4103",
    bad: "launch skypilot { use_spot = true }\n",
    at: ["1:30"],
    good: 'launch skypilot { use_spot = true  run_storage = "s3://b/runs" }\n',
  },
  {
    code: "AL5001",
    bad: 'dataset d = jsonl("qa.jsnl") { prompt = "question" }\n',
    at: ["1:19"],
    good: 'dataset d = jsonl("qa.jsonl") { prompt = "question" }\n',
  },
  {
    code: "AL5002",
    bad: 'dataset d = jsonl("bad.jsonl") { prompt = "question" }\n',
    at: ["1:19"],
    good: 'dataset d = jsonl("qa.jsonl") { prompt = "question" }\n',
  },
  {
    code: "AL5003",
    bad: 'dataset d = jsonl("qa.jsonl") { prompt = "question"  answer = "answr" }\n',
    at: ["1:63"],
    good: 'dataset d = jsonl("qa.jsonl") { prompt = "question"  answer = "answer" }\n',
  },
  {
    code: "AL5004",
    bad: `${M}${QA}stage g = generate { model = m  prompts = qa  template = "{question}" }\n`,
    at: ["3:58"],
    good: `${M}${QA}stage g = generate { model = m  prompts = qa  template = "{prompt} {answer}" }\n`,
  },
  {
    code: "AL5005",
    bad: `dataset qa = jsonl("qa.jsonl") { prompt = "question" }\n${R}judge j = math_answer {}\ntask t { prompts = [qa]  reward = r  judges = [j]  optimizer = crpg {} }\n`,
    at: ["3:1"],
    good: `${QA}${R}judge j = math_answer {}\ntask t { prompts = [qa]  reward = r  judges = [j]  optimizer = crpg {} }\n`,
  },
  {
    code: "AL5006",
    bad: `${M}${QA}stage s = sft { model = m  data = [qa] }\n`,
    at: ["3:36"],
    good: `${M}${QA}stage s = sft { model = m  data = [render(qa, template = "{prompt}", target = "answer")] }\n`,
  },
  {
    code: "AL5007",
    bad: `${M}${QA}stage g = generate { model = m  prompts = qa  template = "{prompt" }\nstage h = generate { model = m  prompts = qa  template = "{{ prompt }} (briefly)" }\n`,
    at: ["3:58", "4:58"],
    good: `${M}${QA}stage g = generate { model = m  prompts = qa  template = "{{prompt}} {prompt}" }\n`,
  },
  {
    code: "AL5008",
    bad: 'dataset d = jsonl("empty.jsonl")\n',
    at: ["1:19"],
    good: 'dataset d = jsonl("pairs.jsonl")\n',
  },
  {
    code: "AL5009",
    bad: `dataset qa = jsonl("qa.jsonl") { prompt = "question" }\nreward r { from = hf("org/rm")  baseline = field("reference") }\ntask t { prompts = [qa]  reward = r  optimizer = crpg {} }\n`,
    at: ["3:21"],
    good: `${QA}reward r { from = hf("org/rm")  baseline = field("reference") }\ntask t { prompts = [qa]  reward = r  optimizer = crpg {} }\n`,
  },
  {
    code: "AL6001",
    bad: `model p { from = hf("meta-llama/Meta-Llama-3-8B") }\n${QA}stage s = sft { model = p  data = [render(qa, template = "{prompt}", target = "answer")] }\ncluster { gpus_per_node = 1  gpu = a100_40gb }\n`,
    at: ["3:25"],
    good: `model p { from = hf("meta-llama/Meta-Llama-3-8B") }\n${QA}stage s = sft { model = p  data = [render(qa, template = "{prompt}", target = "answer")]  lora { rank = 8 }  micro_batch_size = 1 }\ncluster { gpus_per_node = 1  gpu = a100_40gb }\n`,
  },
  {
    code: "AL6002",
    bad: `${QA}${R}task t { prompts = [qa]  reward = r  optimizer = crpg {}  batch_size = 6 }\ncluster { gpus_per_node = 4  gpu = h100_80gb }\n`,
    at: ["3:72"],
    good: `${QA}${R}task t { prompts = [qa]  reward = r  optimizer = crpg {}  batch_size = 8 }\ncluster { gpus_per_node = 4  gpu = h100_80gb }\n`,
  },
  {
    code: "AL6003",
    bad: "cluster { gpus_per_node = 0  gpu = h100_80gb }\n",
    at: ["1:27"],
    good: "cluster { gpus_per_node = 2  gpu = h100_80gb }\n",
  },
  {
    code: "AL6004",
    bad: `model tiny { from = builtin(context = 64) }\n${QA}stage g = generate { model = tiny  prompts = qa  max_tokens = 100 }\n`,
    at: ["3:63"],
    good: `model tiny { from = builtin(context = 64) }\n${QA}stage g = generate { model = tiny  prompts = qa  max_tokens = 32 }\n`,
  },
  {
    code: "AL4051",
    bad: `judge a = custom { module = "absent.mjs" }\njudge b = custom { module = "judges.mjs"  export = "scorer" }\n`,
    at: ["1:29", "2:52"],
    good: `judge b = custom { module = "judges.mjs"  export = "score" }\njudge c = custom { module = "judges.mjs"  export = "default" }\n`,
  },
  {
    code: "AL4052",
    bad: 'judge a = json { schema = file("bad.schema.json") }\njudge b = json { schema = "{\\"type\\": \\"objekt\\"}" }\njudge c = json { schema = "{\\"type\\": \\"string\\", \\"format\\": \\"phone\\"}" }\n',
    at: ["1:27", "2:27", "3:27"],
    good: 'judge a = json { schema = file("good.schema.json") }\njudge b = json { schema = "{\\"type\\": \\"object\\"}" }\njudge c = json { schema = "{\\"type\\": \\"string\\", \\"format\\": \\"email\\"}" }\n',
  },
  {
    code: "AL4053",
    bad: 'judge j = contains { values = ["yes", ""] }\n',
    at: ["1:39"],
    good: 'judge j = contains { values = ["yes"] }\n',
  },
  {
    code: "AL4054",
    bad:
      'dataset a = jsonl("ifeval.jsonl") { prompt = "prompt"  fields { ids = "instruction_id_list"  kwargs = "kwargs" } }\n' +
      'dataset b = jsonl("ifeval-args.jsonl") { prompt = "prompt"  fields { words = "instruction_id_list"  args = "kwargs" } }\n' +
      'dataset c = jsonl("rules.jsonl") { prompt = "prompt"  fields { requirements = "requirements" } }\n' +
      'judge ids = instructions { requirements = field("ids")  kwargs = field("kwargs") }\n' +
      'judge args = instructions { requirements = field("words")  kwargs = field("args") }\n' +
      "judge one = instructions { }\n",
    at: ["4:43", "5:44", "6:1"],
    good:
      'dataset a = jsonl("pairs.jsonl") { prompt = "prompt"  fields { ids = "chosen"  kwargs = "rejected" } }\n' +
      'dataset c = jsonl("ifeval.jsonl") { prompt = "prompt"  fields { ids = "instruction_id_list"  kwargs = "kwargs" } }\n' +
      "judge one = instructions { }\n",
  },
  {
    code: "AL6005",
    bad:
      `model house { from = hf("acme/house-model") }\nmodel known { from = hf("meta-llama/Meta-Llama-3-8B") }\n${QA}` +
      'reward r { from = hf("acme/house-rm") }\ntask t { prompts = [qa]  reward = r  optimizer = crpg { generations = 4 } }\n' +
      "stage s = sft { model = house  data = [qa] }\nstage rl = cgpo { policy = known  tasks = [t]  steps = 1 }\ncluster { gpus_per_node = 1  gpu = h100_80gb }\n",
    at: ["1:22", "4:19"],
    good:
      `model house { from = hf("acme/house-model")  params = 1e9 }\nmodel known { from = hf("meta-llama/Meta-Llama-3-8B") }\n${QA}` +
      'reward r { from = hf("acme/house-rm")  params = 1e9 }\ntask t { prompts = [qa]  reward = r  optimizer = crpg { generations = 4 } }\n' +
      "stage s = sft { model = house  data = [qa] }\nstage rl = cgpo { policy = known  tasks = [t]  steps = 1 }\ncluster { gpus_per_node = 1  gpu = h100_80gb }\n",
  },
  {
    code: "AL6006",
    bad:
      'model tiny { from = builtin(context = 32) }\ndataset long = jsonl("long.jsonl") { prompt = "q"  fields { system = "sys" } }\n' +
      'stage g = generate { model = tiny  prompts = long  max_tokens = 8 }\n' +
      'stage e = eval { model = tiny  prompts = long  template = "Q: {prompt}"  max_tokens = 16 }\n',
    at: ["3:65", "4:59"],
    good:
      'model tiny { from = builtin(context = 64) }\ndataset long = jsonl("long.jsonl") { prompt = "q"  fields { system = "sys" } }\n' +
      'stage g = generate { model = tiny  prompts = long  max_tokens = 8 }\n' +
      'stage e = eval { model = tiny  prompts = long  template = "Q: {prompt}"  max_tokens = 16 }\n',
  },
  {
    code: "AL6007",
    bad:
      'model l { from = local("llama") }\ndataset long = jsonl("long.jsonl") { prompt = "q"  fields { system = "sys" } }\n' +
      'stage g = generate { model = l  prompts = long  max_tokens = 40 }\n' +
      'stage e = eval { model = l  prompts = long  template = "Q: {prompt}"  max_tokens = 16 }\n',
    at: ["3:62", "4:56"],
    good:
      'model l { from = local("llama") }\ndataset long = jsonl("long.jsonl") { prompt = "q"  fields { system = "sys" } }\n' +
      'stage g = generate { model = l  prompts = long  max_tokens = 8 }\n' +
      'stage e = eval { model = l  prompts = long  template = "Q: {prompt}"  max_tokens = 8 }\n',
  },
  {
    code: "AL6008",
    bad: 'model l { from = local("llama")  truncation = error }\ndataset long = jsonl("long.jsonl") { prompt = "q" }\nstage g = generate { model = l  prompts = long  max_tokens = 40 }\n',
    at: ["3:62"],
    good: 'model l { from = local("llama")  truncation = error }\ndataset long = jsonl("long.jsonl") { prompt = "q" }\nstage g = generate { model = l  prompts = long  max_tokens = 8 }\n',
  },
  {
    code: "AL6009",
    bad: `model h { from = hf("org/not-cached") }\n${QA}stage g = generate { model = h  prompts = qa }\nstage s = sft { model = h  data = [qa] }\n`,
    at: ["1:18"],
    good: `model h { from = local("llama") }\n${QA}stage g = generate { model = h  prompts = qa  max_tokens = 8 }\nstage s = sft { model = h  data = [qa] }\n`,
  },
  {
    code: "AL6010",
    bad: `${M}${QA}stage s = sft { model = m  data = [qa]  batch_size = 16  micro_batch_size = 32 }\nstage t = sft { model = m  data = [qa]  batch_size = 16  grad_accum = 4  micro_batch_size = 8 }\ncluster { gpus_per_node = 2  gpu = h100_80gb }\n`,
    at: ["3:77", "4:93"],
    good: `${M}${QA}stage s = sft { model = m  data = [qa]  batch_size = 64  micro_batch_size = 32 }\nstage t = sft { model = m  data = [qa]  batch_size = 16  grad_accum = 4  micro_batch_size = 2 }\ncluster { gpus_per_node = 2  gpu = h100_80gb }\n`,
  },
  {
    code: "AL4055",
    bad: `${ENDPOINT}judge a = llm_judge { model = judge_llm  template = "{response}"  positive = ""  timeout = 0s }\njudge b = custom { module = "judges.mjs"  export = "score"  timeout = 0s }\n`,
    at: ["2:78", "2:92", "3:71"],
    good: `${ENDPOINT}judge a = llm_judge { model = judge_llm  template = "{response}"  positive = "Yes"  timeout = 5s }\njudge b = custom { module = "judges.mjs"  export = "score"  timeout = 1s }\n`,
  },
  {
    code: "AL4050",
    bad: `model b { from = builtin() }\n${QA.replace('answer = "answer"', 'target = "answer"')}stage s = sft { model = b  data = [qa]  lora { rank = 8 } }\nstage t = sft { model = s.model  data = [qa]  lora { rank = 4 } }\n`,
    at: ["3:46", "4:52"],
    good: `${M}${QA.replace('answer = "answer"', 'target = "answer"')}stage s = sft { model = m  data = [qa]  lora { rank = 8 } }\nstage t = sft { model = s.model  data = [qa]  lora { rank = 4 } }\n`,
  },
  {
    code: "AL7001",
    bad: `${M}${QA}stage bundle = generate { model = m  prompts = qa }\n`,
    at: ["3:1"],
    good: `${M}${QA}stage bundled = generate { model = m  prompts = qa }\n`,
  },
  {
    code: "AL6051",
    bad: `model p { from = hf("acme/Secret-70B") }\n${QA}stage s = sft { model = p  data = [render(qa, template = "{prompt}", target = "answer")] }\ncluster { gpus_per_node = 1  gpu = h100_80gb }\n`,
    at: ["3:25"],
    good: `model p { from = hf("acme/Secret-1B") }\n${QA}stage s = sft { model = p  data = [render(qa, template = "{prompt}", target = "answer")] }\ncluster { gpus_per_node = 1  gpu = h100_80gb }\n`,
  },
  {
    code: "AL6050",
    bad: `${QA}${R}task t { prompts = [qa]  reward = r  optimizer = crpg { top_p = 0.9 } }\ntask u { prompts = [qa]  reward = r  optimizer = crraft { temperature = 0 } }\n`,
    at: ["3:65", "4:73"],
    good: `${QA}${R}task t { prompts = [qa]  reward = r  optimizer = crpg { temperature = 0.7 } }\ntask u { prompts = [qa]  reward = r  optimizer = crraft { temperature = 1.2 } }\n`,
  },
];

function codesOf(recipe: string, code: string): string[] {
  const result = compileFiles({ "main.align": recipe, ...DATA });
  return result.diagnostics.filter((d) => d.code === code).map((d) => `${d.span?.line}:${d.span?.column}`);
}

describe("semantic, data and resource rules", () => {
  for (const { code, bad, at, good } of cases) {
    it(`${code} is reported where it applies`, () => {
      expect(codesOf(bad, code)).toEqual(at);
    });
    it(`${code} is silent on the corrected recipe`, () => {
      expect(codesOf(good, code)).toEqual([]);
    });
  }

  it("has a case for every rule code", () => {
    expect(cases.map((c) => c.code).sort()).toEqual(ruleCodes.map((c) => c.code).sort());
  });

  it("each code's example triggers it (in memory, with its data)", () => {
    const examples: Record<string, string> = { ...DATA, "d.jsonl": '{"prompt": "x"}\n', "chat.jsonl": '{"prompt": "x"}\n', "math.jsonl": '{"problem": "1+1", "answer": "2"}\n', "prompts.jsonl": '{"prompt": "x"}\n', "empty.jsonl": "",
      ...llamaFiles("checkpoints/llama"), "long_prompts.jsonl": `${JSON.stringify({ prompt: "word ".repeat(80) })}\n` };
    const dataBound = new Set(["AL5002"]);
    const failing = ruleCodes
      .filter((info) => !dataBound.has(info.code))
      .map((info) => ({ code: info.code, got: compileFiles({ "main.align": info.example, ...examples }).diagnostics.map((d) => d.code) }))
      .filter(({ code, got }) => !got.includes(code));
    expect(failing).toEqual([]);
  });
});

describe("built-in model defaults", () => {
  it("leave the default max_tokens as much room again for the prompt: no AL6006 on defaults", () => {
    const prompt = "What is the sum of twelve and thirty-five? ".repeat(5); // 215 bytes
    const result = compileFiles({
      "main.align": 'model b { from = builtin() }\ndataset d = jsonl("d.jsonl") { prompt = "q" }\nstage g = generate { model = b  prompts = d }\nstage e = eval { model = b  prompts = d }\n',
      "d.jsonl": `${JSON.stringify({ q: prompt })}\n`,
    });
    expect(result.diagnostics.map((d) => d.code)).toEqual([]);
    const from = result.plan!.models["b"]!.from as { context: number };
    const stage = result.plan!.stages["g"] as { max_tokens: number };
    expect(from.context - stage.max_tokens).toBeGreaterThanOrEqual(256);
  });
});
