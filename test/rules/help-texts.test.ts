/** Help texts that must not suggest something wrong or already applied (issue 13's six). */
import { describe, expect, it } from "vitest";
import { compileText, compileFiles } from "../compiler/helpers.js";

const QA = 'dataset qa = jsonl("qa.jsonl") { prompt = "question"  answer = "answer" }\n';
const DATA = { "qa.jsonl": '{"question": "What is 2 + 3?", "answer": "5"}\n' };

function only(code: string, result: ReturnType<typeof compileText>) {
  const found = result.diagnostics.filter((d) => d.code === code);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe("help texts", () => {
  it("a password in a URL is not fixed with env() on a field that takes none", () => {
    const d = only("AL4010", compileText('model j { from = endpoint("https://user:hunter2secret@judge.example/v1", model = "j") }\n'));
    expect(d.help).toBe('remove the credentials from the URL and give the key as `api_key = env("NAME")` on the endpoint, and rotate the exposed password');
    expect(d.fix).toBeUndefined();
  });

  it("the memory error does not ask for gradient checkpointing already set", () => {
    const stage = 'stage s = sft { model = p  data = [render(qa, template = "{prompt}", target = "answer")]  micro_batch_size = 64  max_length = 8192 }\ncluster { gpus_per_node = 1  gpu = a100_40gb }\n';
    const off = only("AL6001", compileFiles({ "main.align": `model p { from = hf("meta-llama/Meta-Llama-3-8B") }\n${QA}${stage}`, ...DATA }));
    expect(off.help).toContain("set `gradient_checkpointing = true` on the model");
    expect(off.help).toContain("lower `micro_batch_size`");
    const on = only("AL6001", compileFiles({ "main.align": `model p { from = hf("meta-llama/Meta-Llama-3-8B")  gradient_checkpointing = true }\n${QA}${stage}`, ...DATA }));
    expect(on.help).not.toContain("gradient_checkpointing");
    expect(on.help).toContain("lower `micro_batch_size`");
  });

  it("a Slurm time limit without a unit is hours, not seconds", () => {
    const d = only("AL3004", compileText('launch slurm { partition = "gpu"  time = 24 }\n'));
    expect(d.help).toBe("write `24h` for hours (units: ms, s, m, h, d)");
    expect(d.fix?.edits[0]?.newText).toBe("24h");
  });
});
