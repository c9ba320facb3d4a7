/**
 * A task's loss trains the tempered policy softmax(logits / T) it samples from (the worker
 * scores the policy, the old policy and the reference at the task's temperature). Nucleus
 * truncation (top_p < 1) or greedy decoding (temperature 0) would sample from a distribution
 * the loss does not train, and the policy gradient would be silently biased.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";

export const taskSamplesWhatItTrainsCode: CodeInfo = {
  code: "AL6050",
  severity: "error",
  title: "Task samples from a distribution its loss does not train",
  description:
    "CGPO's losses are unbiased only for the distribution the samples come from. The worker " +
    "trains the tempered policy `softmax(logits / temperature)`, so any temperature > 0 is " +
    "fine; `top_p < 1` truncates the sampler to a nucleus the loss does not see, and " +
    "`temperature = 0` samples greedily (no policy gradient). Use `top_p = 1` and a " +
    "temperature above 0 in a task's optimizer; generate and eval stages may use both.",
  example:
    'dataset d = jsonl("d.jsonl")\nreward r { from = hf("org/rm") }\n' +
    "task t {\n  prompts = [d]  reward = r\n  optimizer = crpg { top_p = 0.9 }\n}\n",
};

export const taskSamplesWhatItTrainsRule: Rule = {
  name: "TaskSamplesWhatItTrains",
  codes: [taskSamplesWhatItTrainsCode.code],
  check(context) {
    return Object.entries(context.plan.tasks).flatMap(([name, task]) => {
      const optimizer = task.optimizer;
      const out = [];
      if (optimizer.top_p < 1) {
        const span = context.spanOf(pointer("tasks", name, "optimizer", "top_p"));
        out.push(
          context.diagnostic(
            taskSamplesWhatItTrainsCode.code,
            span,
            `task \`${name}\` samples with top_p = ${optimizer.top_p}; its loss trains the untruncated policy`,
            {
              notes: ["the policy gradient of a truncated sampler is biased; the worker trains softmax(logits / temperature)"],
              help: "remove `top_p` (lower the temperature instead to sample more conservatively)",
              ...(span ? { fix: { title: "set `top_p = 1`", edits: [{ span, newText: "1" }] } } : {}),
            },
          ),
        );
      }
      if (optimizer.temperature === 0) {
        const span = context.spanOf(pointer("tasks", name, "optimizer", "temperature"));
        out.push(
          context.diagnostic(
            taskSamplesWhatItTrainsCode.code,
            span,
            `task \`${name}\` samples greedily (temperature = 0); a policy gradient needs sampled responses`,
            { help: "use a temperature above 0 (1 samples the policy itself)" },
          ),
        );
      }
      return out;
    });
  },
};
