"""Load, wrap and save models: the built-in transformer, or Hugging Face models when installed.

Everything above this module sees a `LanguageModel`: a tokenizer, a torch module and one
`step` function with the cache-aware forward signature, whichever backend is behind it.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn

from .errors import UserError
from .model_builtin import BuiltinConfig, TinyLM, TinyRewardModel
from .plan import ModelSpec
from .pointer import escape
from .tokenizer import ByteTokenizer

MODEL_META = "align_model.json"
HF_REWARD = "hf_reward"          # MODEL_META's type of a trained Hugging Face reward or value model
DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}


@dataclass
class LanguageModel:
    """A causal LM behind one interface. `module` is what gets trained (maybe DDP/FSDP-wrapped)."""
    module: nn.Module
    tokenizer: Any
    backend: str                 # "builtin" | "hf"
    context: int                 # maximum sequence length
    meta: dict                   # what `save_model` writes to align_model.json
    autocast: Optional[torch.dtype] = None   # bf16/fp16 compute over fp32 master weights (set on GPU)
    # A trained model built on the meta device: reads a module's own weights; FSDP calls it per
    # module as it wraps each unit (distributed.wrap), so the whole model is never materialised.
    param_init: Optional[Callable[[nn.Module], None]] = None

    def step(self, ids: torch.Tensor, mask: torch.Tensor, pos: torch.Tensor, past: Any = None,
             module: Optional[nn.Module] = None, cache: bool = False):
        """Logits [B, T, V] and the new cache; `module` overrides self.module (e.g. the DDP wrapper).

        `cache` starts a KV cache (generation's prefill); a step given `past` always extends it.
        """
        m = module if module is not None else self.module
        if self.autocast is not None:
            with torch.autocast(ids.device.type, dtype=self.autocast):
                return self._forward(m, ids, mask, pos, past, cache)
        return self._forward(m, ids, mask, pos, past, cache)

    def _forward(self, m: nn.Module, ids: torch.Tensor, mask: torch.Tensor, pos: torch.Tensor, past: Any,
                 cache: bool):
        if self.backend == "builtin":
            return m(ids, mask, pos, past)
        # HF builds its cache only when asked: for a teacher-forced pass (reference log-probs,
        # DPO) it would hold every layer's keys and values of the whole batch for nothing.
        out = m(input_ids=ids, attention_mask=mask, position_ids=pos, past_key_values=past,
                use_cache=cache or past is not None)
        return out.logits, getattr(out, "past_key_values", None)

    @property
    def device(self) -> torch.device:
        return next(self.module.parameters()).device

    def unwrapped(self) -> nn.Module:
        """The bare module (no DDP wrapper), for generation and saving."""
        return getattr(self.module, "module", self.module)


def seed_for(seed: int, name: str) -> int:
    """A stable per-declaration seed: the same model declaration gets the same initial weights."""
    return (seed * 1_000_003 + zlib.crc32(name.encode())) % (2**31)


def load_model(spec: ModelSpec, seed: int, base_dir: Path, run_dir: Path,
               device: torch.device, trainable: bool, shard: bool = False) -> LanguageModel:
    """Build or load the model `spec` names. Trainable models keep fp32 master weights.

    `shard` (models of a sharded run): a frozen model is sharded over the world with FSDP2, a
    Hugging Face checkpoint built on the meta device and read per shard (sharded.py); its
    forwards are then collective. A trained Hugging Face model without LoRA is built on the meta
    device and read unit by unit as FSDP wraps it (`LanguageModel.param_init`)."""
    src = spec.source
    shard = shard and (not trainable or src["type"] != "builtin")
    template = spec.chat_template or {}
    if template.get("type") == "file":             # plan paths are relative to the recipe
        spec = dataclasses.replace(spec, chat_template={"type": "file",
                                                        "path": str(resolve_path(base_dir, template["path"]))})
    if src["type"] == "builtin":
        cfg = BuiltinConfig(src["layers"], src["width"], src["heads"], src["context"],
                            src.get("vocab") or 259)
        torch.manual_seed(seed_for(seed, spec.name))
        lm = LanguageModel(TinyLM(cfg), ByteTokenizer(), "builtin", cfg.context,
                           {"type": "builtin", "config": cfg.to_dict()})
    elif src["type"] == "stage":
        lm = load_local(run_dir / src["stage"] / "model", spec, device, trainable, shard)
    elif src["type"] == "local":
        lm = load_local(resolve_path(base_dir, src["path"]), spec, device, trainable, shard)
    else:
        from .hf import load_hf_causal_lm
        lm = load_hf_causal_lm(src["id"], src.get("revision"), spec, device, trainable, shard)
    return finish(lm, spec, device, trainable, shard, seed_for(seed, spec.name))


def is_sharded(module: nn.Module) -> bool:
    """Whether FSDP2 already shards the module's parameters (DTensors)."""
    p = next(module.parameters(), None)
    return p is not None and type(p).__name__ == "DTensor"


def finish(lm: LanguageModel, spec: ModelSpec, device: torch.device, trainable: bool,
           shard: bool = False, seed: int = 0) -> LanguageModel:
    """Device, dtype, gradient checkpointing, LoRA and train/eval mode, the same for all backends.

    LoRA adapters are initialised from `seed` by parameter name (hf.adapter_init): on a model
    built on the meta device by the unit reader as FSDP wraps each unit, else here."""
    dtype = DTYPES[spec.dtype] if not trainable else torch.float32
    if device.type == "cpu" and dtype == torch.float16:
        dtype = torch.float32            # fp16 kernels are missing on CPU
    if lm.param_init is None and not is_sharded(lm.module):
        cast(lm.module, device, dtype)
        if shard and not trainable:
            from .sharded import shard_module
            shard_module(lm.module, device)
    if trainable and device.type == "cuda" and spec.dtype != "fp32":
        lm.autocast = DTYPES[spec.dtype]
    if spec.gradient_checkpointing:
        if lm.backend == "builtin":
            lm.module.gradient_checkpointing = True
        elif hasattr(lm.module, "gradient_checkpointing_enable"):
            # Non-reentrant: with LoRA the frozen embeddings' output needs no grad, and 4.x's
            # default reentrant checkpoint (5.x makes that output require grad) would then pass
            # no gradient to the adapters at all.
            lm.module.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    if trainable and spec.lora is not None:
        from .hf import apply_lora
        lm.module = apply_lora(lm, spec.lora, spec.pointer)
        if lm.param_init is not None:         # on the meta device: the reader fills adapters too
            from .sharded import unit_weights_reader
            reader = lm.param_init
            lm.param_init = unit_weights_reader(lm.module, reader.index, reader.where, adapter_seed=seed)
        else:
            from .hf import init_adapters
            init_adapters(lm.module, seed)
    lm.module.train(trainable)
    for p in lm.module.parameters():
        if not trainable:
            p.requires_grad_(False)
    return lm


def disable_dropout(module: nn.Module) -> None:
    """Dropout off (RL and DPO): log π must be the same function of the weights in sampling,
    in the reference's and the old policy's scoring and in the loss, or the ratios carry noise.
    The module stays in train mode (gradient checkpointing needs it); LoRA's dropout included."""
    for m in module.modules():
        if isinstance(m, nn.Dropout):
            m.p = 0.0
        for attr in ("attention_dropout", "dropout", "hidden_dropout", "resid_pdrop", "attn_pdrop"):
            if isinstance(getattr(m, attr, None), float):
                setattr(m, attr, 0.0)
    config = getattr(module, "config", None)
    for attr in ("attention_dropout", "hidden_dropout", "resid_pdrop", "attn_pdrop", "embd_pdrop"):
        if isinstance(getattr(config, attr, None), float):
            setattr(config, attr, 0.0)


def cast(module: nn.Module, device: Optional[torch.device], dtype: torch.dtype) -> None:
    """`module.to(device, dtype)`, except that rotary `inv_freq` buffers stay fp32.

    transformers computes RoPE frequencies in fp32 and keeps them so in a bf16 model; a plain
    `.to(bf16)` rounds them (0.3162 → 0.3164) and shifts a reference model's log-probs away
    from the policy it is compared with.
    """
    keep = {name: buf.detach().clone() for name, buf in module.named_buffers()
            if name.endswith("inv_freq") and buf.is_floating_point()}
    module.to(device=device, dtype=dtype)
    for name, value in keep.items():
        owner, _, attr = name.rpartition(".")
        sub = module.get_submodule(owner) if owner else module
        setattr(sub, attr, value.to(device=getattr(sub, attr).device))


def load_local(path: Path, spec: ModelSpec, device: torch.device, trainable: bool,
               shard: bool = False) -> LanguageModel:
    """A directory written by `save_model` (builtin) or any Hugging Face checkpoint directory."""
    meta_file = path / MODEL_META
    check_model_dir(path, spec.pointer)
    meta = json.loads(meta_file.read_text()) if meta_file.exists() else {"type": "hf"}
    if meta["type"] == "builtin":
        cfg = BuiltinConfig(**meta["config"])
        module = TinyLM(cfg)
        module.load_state_dict(torch.load(path / "model.pt", map_location="cpu"))
        return LanguageModel(module, ByteTokenizer(), "builtin", cfg.context, meta)
    from .hf import load_hf_causal_lm
    return load_hf_causal_lm(str(path), None, spec, device, trainable, shard)


def check_model_dir(path: Path, where: str) -> None:
    """Fail in one line before transformers, which reads a missing local path as a hub id and
    a directory without a config as a multi-line error."""
    if not path.is_dir():
        raise UserError(f"{where}: model directory {path} does not exist")
    if not (path / MODEL_META).exists() and not (path / "config.json").exists():
        raise UserError(f"{where}: {path} is not a model directory (no {MODEL_META} of a "
                        f"stage output, no config.json of a Hugging Face checkpoint)")


def save_model(lm: LanguageModel, out_dir: Path, state_dict: Optional[dict] = None,
               dtype: Optional[torch.dtype] = None) -> None:
    """Write the final model atomically (temp dir, fsync, rename) so later stages can load it;
    a Hugging Face model in `dtype` (its declared dtype), the built-in one in fp32."""
    from .checkpoint import atomic_dir

    def write(tmp: Path) -> None:
        if lm.backend == "builtin":
            sd = state_dict if state_dict is not None else lm.unwrapped().state_dict()
            torch.save({k: v.detach().cpu().float() for k, v in sd.items()}, tmp / "model.pt")
        else:
            from .hf import save_hf
            save_hf(lm, tmp, state_dict, dtype)
        (tmp / MODEL_META).write_text(json.dumps(lm.meta, sort_keys=True))
    atomic_dir(out_dir, write)


def frozen_copy(lm: LanguageModel, dtype: Optional[torch.dtype] = None) -> LanguageModel:
    """A gradient-free copy (the reference model when the plan says reference = null)."""
    module = copy.deepcopy(lm.unwrapped())
    if dtype is not None:
        cast(module, None, dtype)
    module.eval()
    for p in module.parameters():
        p.requires_grad_(False)
    return LanguageModel(module, lm.tokenizer, lm.backend, lm.context, dict(lm.meta), lm.autocast)


@dataclass
class RewardScorer:
    """A frozen reward model in two halves, so a caller can batch by tokens (frozen.lockstep_score):
    `encode` turns (prompt, response) pairs into token ids, `forward` scores right-padded id rows
    ([B] fp32 on the CPU). Called whole, it scores its arguments in one batch."""
    encode: Callable[[Sequence[str], Sequence[str]], List[List[int]]]
    forward: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]    # (ids, mask) on the CPU
    pad_id: int
    model: nn.Module

    @torch.no_grad()
    def score_ids(self, seqs: Sequence[Sequence[int]]) -> torch.Tensor:
        """Scores [B] of token-id rows (right-padded with pad_id: real tokens keep their positions)."""
        if not seqs:
            return torch.zeros(0)
        ids = torch.full((len(seqs), max(len(s) for s in seqs)), self.pad_id, dtype=torch.long)
        mask = torch.zeros_like(ids)
        for i, s in enumerate(seqs):
            ids[i, :len(s)] = torch.tensor(list(s), dtype=torch.long)
            mask[i, :len(s)] = 1
        return self.forward(ids, mask).float().cpu()

    def __call__(self, prompts: Sequence[str], responses: Sequence[str]) -> torch.Tensor:
        return self.score_ids(self.encode(prompts, responses))


def load_reward_model(source: dict, name: str, seed: int, base_dir: Path, device: torch.device,
                      dtype: str = "fp32", shard: bool = False,
                      run_dir: Optional[Path] = None) -> RewardScorer:
    """A frozen sequence-classification reward model (`score(prompts, responses) -> [N]`).

    `shard`: sharded over the world (forwards are collective; see frozen.lockstep_score).
    A `stage` source is a reward_model stage's output under `run_dir`."""
    where = f"/rewards/{escape(name)}/from"
    trained = run_dir / source["stage"] / "model" if source["type"] == "stage" and run_dir is not None else None
    if trained is not None and output_type(trained) == HF_REWARD:   # a Hugging Face reward_model stage's
        return load_hf_reward(str(trained), None, device, DTYPES[dtype], where, shard)
    if source["type"] in ("builtin", "stage"):
        model, context = _builtin_reward(source, name, seed, run_dir, where)
        model = model.to(device).eval()
        model.requires_grad_(False)
        if shard:
            from .sharded import shard_module
            shard_module(model, device)
        tok = ByteTokenizer()
        dev = torch.device(device)

        def encode(prompts: Sequence[str], responses: Sequence[str]) -> List[List[int]]:
            return [(tok.encode_prompt(p) + tok.encode_response(r))[-context:] for p, r in zip(prompts, responses)]
        return RewardScorer(encode, lambda ids, mask: model(ids.to(dev), mask.to(dev)), tok.pad_id, model)
    if source["type"] == "hf":
        ident = source["id"]
    else:
        path = resolve_path(base_dir, source["path"])
        check_model_dir(path, where)
        ident = str(path)
    return load_hf_reward(ident, source.get("revision"), device, DTYPES[dtype], f"/rewards/{escape(name)}/from", shard)


def load_hf_reward(*args: Any, **kwargs: Any) -> RewardScorer:
    from .hf import load_hf_reward as load      # transformers only where a Hugging Face model is used
    return load(*args, **kwargs)


def output_type(path: Path) -> Optional[str]:
    """align_model.json's `type` of a stage output directory (None when it has none)."""
    try:
        return json.loads((path / MODEL_META).read_text()).get("type")
    except (OSError, json.JSONDecodeError, AttributeError):
        return None


def _builtin_reward(source: dict, name: str, seed: int, run_dir: Optional[Path],
                    where: str) -> Tuple[TinyRewardModel, int]:
    """A fresh seeded built-in reward model, or the one a reward_model stage trained and saved."""
    if source["type"] == "builtin":
        cfg = BuiltinConfig(source["layers"], source["width"], source["heads"], source["context"],
                            source.get("vocab") or 259)
        torch.manual_seed(seed_for(seed, "reward:" + name))
        return TinyRewardModel(cfg), cfg.context
    assert run_dir is not None, "a stage's reward model is read from the run directory"
    path = run_dir / source["stage"] / "model"
    try:
        meta = json.loads((path / MODEL_META).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise UserError(f"{where}: no trained reward model of stage {source['stage']!r} in {path} "
                        f"({exc.__class__.__name__}); run that stage first") from None
    if meta.get("type") != "builtin_reward":
        raise UserError(f"{where}: {path} holds a {meta.get('type')!r} model, not a reward model "
                        f"(a reward's `from` must be a reward_model stage's output)")
    c = meta["config"]
    cfg = BuiltinConfig(c["layers"], c["width"], c["heads"], c["context"], c.get("vocab") or 259)
    model = TinyRewardModel(cfg)
    model.load_state_dict(torch.load(path / "model.pt", map_location="cpu"))
    return model, cfg.context


def builtin_value_net(source: dict, name: str, seed: int, run_dir: Optional[Path], where: str,
                      device: torch.device) -> Tuple[TinyRewardModel, int]:
    """PPO's value model, built as the reward models are (a fresh seeded scalar-head transformer,
    or a reward_model stage's trained one), trainable in fp32 on `device`."""
    model, context = _builtin_reward(source, name, seed, run_dir, where)
    model = model.to(device=device, dtype=torch.float32)
    disable_dropout(model)
    model.train(True)
    return model, context


def resolve_path(base_dir: Path, path: str) -> Path:
    """Plan paths are relative to the root recipe's directory (docs/plan.md)."""
    p = Path(os.path.expanduser(path))
    return p if p.is_absolute() else base_dir / p
