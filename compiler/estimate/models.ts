/** Finding the declared model behind a stage's MODEL value, and its architecture. */
import { posix } from "node:path";
import {
  architectureOfConfig,
  architectureOfHfId,
  builtinArchitecture,
  guessFromParams,
  type Architecture,
} from "./architecture.js";
import { asObj, num, refName, str, type Obj } from "./read.js";
import type { EstimateIO, EstimatePlan } from "./types.js";

export interface ModelInfo {
  /** The declaration name (a model or a reward). */
  readonly name: string;
  readonly arch: Architecture | undefined;
  readonly bytesPerParam: number;
  readonly gradientCheckpointing: boolean;
  readonly lora: { readonly rank: number; readonly targets: readonly string[] } | undefined;
}

const DTYPE_BYTES: Readonly<Record<string, number>> = { bf16: 2, fp16: 2, fp32: 4 };

/** The architecture of a `from` source (model or reward), honouring a declared size. */
export function architectureOf(from: Obj | undefined, params: number | undefined, io: EstimateIO): Architecture | undefined {
  const measured = measuredArchitecture(from, io);
  if (params === undefined || params <= 0) return measured;
  return measured ? { ...measured, params } : guessFromParams(params);
}

function measuredArchitecture(from: Obj | undefined, io: EstimateIO): Architecture | undefined {
  switch (str(from, "type")) {
    case "builtin":
      return builtinArchitecture(num(from, "layers") ?? 2, num(from, "width") ?? 128, num(from, "heads") ?? 4, num(from, "context") ?? 512, num(from, "vocab") ?? 259);
    case "hf": {
      const id = str(from, "id");
      if (id === undefined) return undefined;
      const cached = hubConfig(io, id, str(from, "revision") ?? "main");
      return (cached === undefined ? undefined : architectureOfConfig(cached)) ?? architectureOfHfId(id);
    }
    case "local": {
      const path = str(from, "path");
      const text = path === undefined ? undefined : io.readFile?.(posix.join(path, "config.json"));
      return text === undefined ? undefined : architectureOfConfig(text);
    }
    default:
      return undefined; // endpoint models do not run on the cluster; judge rewards hold no weights
  }
}

/**
 * A hub model's config.json from the local Hugging Face cache, as huggingface_hub lays it out:
 * `models--ORG--NAME/refs/REVISION` holds the commit, `snapshots/COMMIT/config.json` the file.
 */
export function hubConfig(io: EstimateIO, id: string, revision: string): string | undefined {
  const snapshot = hubSnapshot(io, id, revision);
  return snapshot === undefined ? undefined : io.readFile?.(posix.join(snapshot, "config.json"));
}

/** The snapshot directory of a hub model's revision in the local cache, when the cache names one. */
export function hubSnapshot(io: EstimateIO, id: string, revision: string): string | undefined {
  if (io.hubCache === undefined || io.readFile === undefined) return undefined;
  const repo = posix.join(io.hubCache, `models--${id.split("/").join("--")}`);
  const commit = /^[0-9a-f]{40}$/.test(revision) ? revision : io.readFile(posix.join(repo, "refs", revision))?.trim();
  return commit ? posix.join(repo, "snapshots", commit) : undefined;
}

function loraOf(value: unknown): ModelInfo["lora"] {
  const lora = asObj(value);
  if (!lora) return undefined;
  const targets = Array.isArray(lora["targets"]) ? lora["targets"].filter((t): t is string => typeof t === "string") : [];
  return { rank: num(lora, "rank") ?? 16, targets: targets.length > 0 ? targets : ["q_proj", "v_proj"] };
}

export function modelInfo(plan: EstimatePlan, name: string, io: EstimateIO): ModelInfo | undefined {
  const model = asObj(plan.models[name]);
  if (!model) return undefined;
  const from = asObj(model["from"]);
  const builtin = str(from, "type") === "builtin";
  return {
    name,
    arch: architectureOf(from, num(model, "params"), io),
    bytesPerParam: DTYPE_BYTES[str(model, "dtype") ?? (builtin ? "fp32" : "bf16")] ?? 2,
    gradientCheckpointing: model["gradient_checkpointing"] === true,
    lora: loraOf(model["lora"]),
  };
}

export function rewardInfo(plan: EstimatePlan, name: string, io: EstimateIO): ModelInfo | undefined {
  const reward = asObj(plan.rewards?.[name]);
  const from = asObj(reward?.["from"]);
  if (!reward || str(from, "type") === "judge") return undefined;
  if (str(from, "type") === "stage") {
    // A reward_model stage's output: the shape of the model that stage trained.
    const base = baseModelName(plan, from);
    const trained = base === undefined ? undefined : modelInfo(plan, base, io);
    return trained && { ...trained, name, bytesPerParam: DTYPE_BYTES[str(reward, "dtype") ?? "bf16"] ?? 2, gradientCheckpointing: false, lora: undefined };
  }
  return {
    name,
    arch: architectureOf(from, num(reward, "params"), io),
    bytesPerParam: DTYPE_BYTES[str(reward, "dtype") ?? "bf16"] ?? 2,
    gradientCheckpointing: false,
    lora: undefined,
  };
}

/**
 * The declared model a MODEL value stands for: `{"model": "m"}` directly, or the model a
 * model-producing stage trains (`{"stage": "s", "output": "model"}`), followed back.
 */
export function baseModelName(plan: EstimatePlan, value: unknown, seen = new Set<string>()): string | undefined {
  const model = refName(value, "model");
  if (model !== undefined) return model;
  const stageName = refName(value, "stage");
  if (stageName === undefined || seen.has(stageName)) return undefined;
  seen.add(stageName);
  const stage = asObj(plan.stages[stageName]);
  return baseModelName(plan, stage?.["model"] ?? stage?.["policy"], seen);
}
