/**
 * What the stages about to run need from this machine, read from the plan: the environment
 * variables their declarations name (`env("NAME")`), the model sources they reach, the judge
 * variants they use. Only the stages' configuration closures count, so a declaration no running
 * stage reaches asks for nothing.
 */
import { stageClosure } from "../orchestrator/plan.js";
import type { RunPlan } from "../orchestrator/plan.js";

export interface EnvNeed {
  readonly name: string;
  /** Who asks for it, e.g. `model gpt4`. */
  readonly by: string;
}

export interface EndpointNeed {
  readonly model: string;
  readonly url: string;
  readonly apiKeyEnv: string | null;
}

export interface RunNeeds {
  readonly env: readonly EnvNeed[];
  /** Stages that reach a Hugging Face model (the worker then needs transformers). */
  readonly hfStages: readonly string[];
  /** Stages that train with LoRA (the worker then needs peft). */
  readonly loraStages: readonly string[];
  /** Stages that reach a code-executing judge (the judge server then needs the sandbox). */
  readonly sandboxStages: readonly string[];
  readonly endpoints: readonly EndpointNeed[];
}

const SINGULAR: Record<string, string> = { models: "model", rewards: "reward", datasets: "dataset", judges: "judge", tasks: "task" };
const SANDBOXED_JUDGES = new Set(["code_tests"]);

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Every `{env: "NAME"}` inside a value. */
function envNames(value: unknown, out: string[]): void {
  if (Array.isArray(value)) for (const v of value) envNames(v, out);
  else if (isObj(value)) {
    if (typeof value["env"] === "string" && Object.keys(value).length === 1) out.push(value["env"]);
    else for (const v of Object.values(value)) envNames(v, out);
  }
}

/** The needs of the given stages, in a stable order (first stage first, then declaration name). */
export function runNeeds(plan: RunPlan, stages: readonly string[]): RunNeeds {
  const env = new Map<string, EnvNeed>();
  const endpoints = new Map<string, EndpointNeed>();
  const hf: string[] = [], lora: string[] = [], sandbox: string[] = [];
  for (const stage of stages) {
    const entries = [...stageClosure(plan, stage)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const stageDecl = plan.stages[stage];
    if (isObj(stageDecl) && isObj(stageDecl["lora"])) lora.push(stage);
    const names: string[] = [];
    envNames(stageDecl, names);
    for (const name of names) if (!env.has(name)) env.set(name, { name, by: `stage ${stage}` });
    for (const [key, decl] of entries) {
      const [section = "", name = ""] = key.split("/");
      const found: string[] = [];
      envNames(decl, found);
      for (const n of found) if (!env.has(n)) env.set(n, { name: n, by: `${SINGULAR[section] ?? section} ${name}` });
      if (!isObj(decl)) continue;
      const from = decl["from"];
      if (section === "models" && isObj(from) && from["type"] === "hf" && !hf.includes(stage)) hf.push(stage);
      if (section === "models" && isObj(decl["lora"]) && !lora.includes(stage)) lora.push(stage);
      if (section === "models" && isObj(from) && from["type"] === "endpoint" && typeof from["url"] === "string") {
        const key = isObj(from["api_key"]) && typeof from["api_key"]["env"] === "string" ? from["api_key"]["env"] : null;
        if (!endpoints.has(name)) endpoints.set(name, { model: name, url: from["url"], apiKeyEnv: key });
      }
      if (section === "judges" && SANDBOXED_JUDGES.has(String(decl["variant"])) && !sandbox.includes(stage)) sandbox.push(stage);
    }
  }
  return { env: [...env.values()], hfStages: hf, loraStages: lora, sandboxStages: sandbox, endpoints: [...endpoints.values()] };
}
