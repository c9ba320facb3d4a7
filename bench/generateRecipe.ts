/**
 * A large, valid `.align` recipe for benchmarks and scale tests: numbered copies of a chunk
 * that uses every construct (calls, constructors, lists, blocks, `"""` strings, units,
 * comments) in the style of recipes/cgpo.align.
 */
/** One block of declarations in the style of recipes/cgpo.align, numbered by `i`. */
function recipeChunk(i: number): string {
  return `# tasks of group ${i}
model policy_${i} { from = hf("meta-llama/Meta-Llama-3-70B", revision = "main")  dtype = bf16 }
reward helpfulness_${i} { from = hf("org/helpfulness-rm-${i}")  baseline = field("reference") }
dataset chat_${i} = jsonl("data/chat_${i}.jsonl") { prompt = "prompt"  reference = "chosen" }
judge unit_tests_${i} = code_tests { tests = field("tests")  language = python  timeout = 10s  memory = 512MiB }
judge refusal_${i} = llm_judge {
  model = judge_llm
  template = """
    Does the answer refuse a benign request?
    Question: {prompt}
    Answer: {response}
    """
  violated_when = "True"
}
task reasoning_${i} {
  prompts   = [math_${i}, apps_${i}]
  reward    = helpfulness_${i}
  judges    = [math_answer, unit_tests_${i}]  # scoped judges
  optimizer = crpg { generations = 8  kl_max = 0.2 }
  weight    = 0.3
  lr        = 5e-7
  lora { rank = 16  alpha = 32  enabled = true }
}
stage finetune_${i} = sft {
  model = alpaca
  data  = [render(analyze_${i}, template = file("prompts/unguided.txt"), target = "analysis"), helpful]
  epochs = 3  max_tokens = 70_000  time = 1.5h
}

`;
}

export function generateRecipe(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const chunk = recipeChunk(i);
    parts.push(chunk);
    size += chunk.length;
  }
  return parts.join("");
}

