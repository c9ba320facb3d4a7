/**
 * An llm_judge queries its model over the OpenAI-compatible API (the judge server runs apart
 * from the training ranks), so its model must be an `endpoint(...)`.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";
import { judgesOf } from "./support/planIndex.js";

export const llmJudgeNeedsEndpointCode: CodeInfo = {
  code: "AL4007",
  severity: "error",
  title: "llm_judge model is not an endpoint",
  description:
    "LLM judges run in the judge server and call their model over an OpenAI-compatible HTTP " +
    "API, reading token log-probabilities. Declare the judge's model with " +
    "`from = endpoint(\"http://host:8000/v1\", model = \"name\")` and serve the weights with " +
    "vLLM or a similar server.",
  example:
    'model judge_llm { from = hf("meta-llama/Meta-Llama-3-70B-Instruct") }\n' +
    'judge factual = llm_judge { model = judge_llm  template = "{prompt} {response}" }\n',
};

export const llmJudgeNeedsEndpointRule: Rule = {
  name: "LlmJudgeNeedsEndpoint",
  codes: [llmJudgeNeedsEndpointCode.code],
  check(context) {
    const { plan } = context;
    return judgesOf(context, "llm_judge").flatMap(([name, judge]) => {
      const model = plan.models[judge.model.model];
      if (!model || model.from.type === "endpoint") return [];
      const modelSpan = context.spanOf(pointer("models", judge.model.model, "from"));
      return [
        context.diagnostic(
          llmJudgeNeedsEndpointCode.code,
          context.spanOf(pointer("judges", name, "model")),
          `judge \`${name}\` uses model \`${judge.model.model}\`, which is a \`${model.from.type}\` model, not an \`endpoint\``,
          {
            help: 'LLM judges call an OpenAI-compatible server: `from = endpoint("http://host:8000/v1", model = "...")`',
            ...(modelSpan ? { related: [{ span: modelSpan, message: "the model's source" }] } : {}),
          },
        ),
      ];
    });
  },
};
