"""Write small version-1 plans in Python, with docs/plan.md's defaults filled in.

The compiler is the real author of plans; this exists for tests, the learning demo and the
benchmarks, which must run before (and without) the TypeScript toolchain.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Dict, List, Optional

TRAINING = {"schedule": "cosine", "warmup": 0, "clip": 1.0, "grad_accum": 1, "weight_decay": 0.0,
            "loss_norm": "sample", "checkpoint_every": 100, "micro_batch_size": None}


def builtin_model(layers: int = 2, width: int = 64, heads: int = 4, context: int = 64) -> Dict[str, Any]:
    return {"from": {"type": "builtin", "layers": layers, "width": width, "heads": heads,
                     "context": context, "vocab": 259},
            "dtype": "fp32", "params": None, "gradient_checkpointing": False, "lora": None}


def jsonl_dataset(path: str, fields: Optional[Dict[str, str]] = None, shuffle: bool = True) -> Dict[str, Any]:
    return {"type": "jsonl", "path": path, "fields": fields or {"prompt": "prompt"}, "limit": None,
            "shuffle": shuffle}


def math_judge(answer: str = "answer", on_error: str = "violated") -> Dict[str, Any]:
    return {"variant": "math_answer", "on_error": on_error, "scope": None, "answer": {"field": answer},
            "extract": ["final_answer", "boxed", "last_number"], "tolerance": 1e-6, "symbolic": True}


def judge_reward(judge: str, baseline: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    return {"from": {"type": "judge", "judge": judge}, "kind": "scalar",
            "baseline": baseline or {"type": "none"}}


def optimizer(variant: str = "crpg", generations: int = 4, temperature: float = 1.0, top_p: float = 1.0,
              max_tokens: int = 8, **extra: Any) -> Dict[str, Any]:
    opt = {"variant": variant, "generations": generations, "temperature": temperature, "top_p": top_p,
           "max_tokens": max_tokens}
    defaults = {"crpg": {"kl_max": 0.1}, "codpo": {"beta": 0.1, "lambda": 0.0},
                "crraft": {"kl_max": 0.1, "fallback": "baseline"},
                "grpo": {"kl_coef": 0.04, "judges_gate": True, "infeasible_reward": -1.0, "scale_rewards": True,
                         "clip_eps": 0.2, "ppo_epochs": 1, "kl_estimator": "k3", "loss_aggregation": "sequence"},
                "rloo": {"kl_coef": 0.05, "judges_gate": True, "infeasible_reward": -1.0},
                "ppo": {"value_model": None, "value_lr": 1e-5, "value_clip": 0.2, "clip_eps": 0.2, "ppo_epochs": 4,
                        "gamma": 1.0, "lam": 0.95, "kl_coef": 0.05, "kl_estimator": "k1", "judges_gate": True,
                        "infeasible_reward": -1.0, "whiten_advantages": False}}[variant]
    opt.update(defaults)
    opt.update(extra)
    return opt


def task(prompts: List[str], reward: str, judges: List[str], opt: Dict[str, Any], weight: float = 1.0,
         batch_size: int = 8) -> Dict[str, Any]:
    return {"prompts": [{"dataset": p} for p in prompts], "reward": {"reward": reward},
            "judges": [{"judge": j} for j in judges], "optimizer": opt, "weight": weight,
            "batch_size": batch_size}


def sft_stage(model: Dict[str, Any], data: List[Dict[str, Any]], epochs: int = 1, lr: float = 1e-3,
              batch_size: int = 8, **training: Any) -> Dict[str, Any]:
    return {"variant": "sft", "needs": [], "output": "model", "model": model, "data": data,
            "epochs": epochs, "lr": lr, "batch_size": batch_size, "max_length": 1024, "lora": None,
            **{**TRAINING, **training}}


def cgpo_stage(policy: Dict[str, Any], tasks: List[str], steps: int, lr: float = 1e-4,
               reference: Optional[Dict[str, Any]] = None, **training: Any) -> Dict[str, Any]:
    return {"variant": "cgpo", "needs": [], "output": "model", "policy": policy, "reference": reference,
            "tasks": [{"task": t} for t in tasks], "steps": steps, "lr": lr, **{**TRAINING, **training}}


def dpo_stage(model: Dict[str, Any], data: List[Dict[str, Any]], beta: float = 0.1, lr: float = 1e-3,
              batch_size: int = 4, epochs: int = 1, **training: Any) -> Dict[str, Any]:
    return {"variant": "dpo", "needs": [], "output": "model", "model": model, "data": data,
            "reference": None, "beta": beta, "epochs": epochs, "lr": lr, "batch_size": batch_size,
            **{**TRAINING, **training}}


def reward_model_stage(model: Dict[str, Any], data: List[Dict[str, Any]], held_out: Optional[List[Dict[str, Any]]] = None,
                       eval_fraction: float = 0.1, margin: float = 0.0, lr: float = 1e-3, batch_size: int = 8,
                       epochs: int = 1, **training: Any) -> Dict[str, Any]:
    return {"variant": "reward_model", "needs": [], "output": "model", "model": model, "data": data,
            "held_out": held_out, "eval_fraction": eval_fraction, "margin": margin, "epochs": epochs,
            "lr": lr, "batch_size": batch_size, "max_length": 1024, **{**TRAINING, **training}}


def generate_stage(model: Dict[str, Any], prompts: Dict[str, Any], template: Optional[str] = None,
                   samples: int = 1, temperature: float = 1.0, max_tokens: int = 8,
                   judges: Optional[List[str]] = None, keep: Optional[Dict[str, Any]] = None,
                   response_field: str = "response") -> Dict[str, Any]:
    tpl = None if template is None else {"text": template, "file": None, "slots": []}
    return {"variant": "generate", "needs": [], "output": "dataset", "model": model, "prompts": prompts,
            "from": None, "template": tpl, "samples": samples, "temperature": temperature, "top_p": 1.0,
            "max_tokens": max_tokens, "response_field": response_field,
            "judges": [{"judge": j} for j in judges or []], "keep": keep or {"type": "all", "judges": []}}


def eval_stage(model: Dict[str, Any], tasks: List[str], samples: int = 1, temperature: float = 0.0,
               max_tokens: int = 8) -> Dict[str, Any]:
    return {"variant": "eval", "needs": [], "output": "report", "model": model,
            "tasks": [{"task": t} for t in tasks], "prompts": None, "judges": [], "samples": samples,
            "max_tokens": max_tokens, "temperature": temperature, "top_p": 1.0}


def plan(seed: int = 1234, models=None, rewards=None, datasets=None, judges=None, tasks=None,
         stages=None) -> Dict[str, Any]:
    stages = stages or {}
    return {"version": 1, "compiler": {"name": "align", "version": "0.1.0"},
            "recipe": {"name": "test", "seed": seed, "file": "test.align", "description": "",
                       "output_dir": "runs", "tracking": None},
            "models": models or {}, "rewards": rewards or {}, "datasets": datasets or {},
            "judges": judges or {}, "tasks": tasks or {}, "stages": stages,
            "stage_order": list(stages), "cluster": {"nodes": 1, "gpus_per_node": 0, "gpu": "cpu",
                                                     "gpu_memory": None, "sharding": "auto"},
            "launch": {"local": {}}, "estimates": {}, "provenance": {}}


def write(plan_obj: Dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(plan_obj, indent=1, sort_keys=True))
    return path


def with_changes(plan_obj: Dict[str, Any], **changes: Any) -> Dict[str, Any]:
    return copy.deepcopy({**plan_obj, **changes})
