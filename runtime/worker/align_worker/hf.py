"""Hugging Face backend: causal LMs, sequence-classification reward models, LoRA via peft.

Imported lazily: CPU test machines have no transformers; the built-in model covers them.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import torch

from .errors import UserError


def _transformers():
    try:
        import transformers  # noqa: F401
    except ImportError:
        raise UserError("this stage uses a Hugging Face model, but transformers is not installed "
                        "(pip install -r runtime/worker/requirements.txt)") from None
    # Its tqdm bars (loading and writing weights) would interleave with our one-line progress.
    disable = getattr(getattr(transformers.utils, "logging", None), "disable_progress_bar", None)
    if disable is not None:
        disable()
    return transformers


class HFTokenizer:
    """The byte-tokenizer interface over a Hugging Face tokenizer, with its chat template.

    `template`: the Jinja chat template prompts are rendered with (None: raw text). With one, a
    prompt is the conversation [system?, user] plus the generation prompt, and a response ends
    with the template's end-of-turn token (Llama-3's <|eot_id|>, Qwen's <|im_end|>), which also
    stops generation. `max_prompt_tokens` bounds a prompt: `left` drops its oldest tokens and
    counts the truncation, `error` stops the stage.
    """

    def __init__(self, tok: Any, generation_eos: Any = None, template: Optional[str] = None,
                 max_prompt_tokens: Optional[int] = None, truncation: str = "left", where: str = "") -> None:
        self.tok = tok
        self.eos_id = tok.eos_token_id
        self.bos_id = tok.bos_token_id
        self.pad_id = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
        self.vocab_size = len(tok)
        self.template = template
        self.max_prompt_tokens, self.truncation, self.where = max_prompt_tokens, truncation, where
        self.truncations = 0
        self.end_id = self._end_of_turn() if template else self.eos_id
        # Every id that ends a response: the turn's end, the tokenizer's EOS and the generation
        # config's list (Llama-3 instruct ends turns with <|eot_id|>, not the tokenizer's EOS).
        extra = generation_eos if isinstance(generation_eos, (list, tuple)) else [generation_eos]
        ids = [self.end_id, self.eos_id] + [int(i) for i in extra if i is not None]
        self.stop_ids = tuple(dict.fromkeys(i for i in ids if i is not None))

    def render(self, messages: List[Dict[str, str]], generation_prompt: bool) -> List[int]:
        text = self.tok.apply_chat_template(messages, chat_template=self.template, tokenize=False,
                                            add_generation_prompt=generation_prompt)
        return self.tok(text, add_special_tokens=False)["input_ids"]

    def _end_of_turn(self) -> int:
        """The first token the template puts after an assistant message's content."""
        mark = "\u2063ALIGN\u2063"
        text = self.tok.apply_chat_template([{"role": "user", "content": "x"}, {"role": "assistant", "content": mark}],
                                            chat_template=self.template, tokenize=False)
        after = self.tok(text[text.rindex(mark) + len(mark):], add_special_tokens=False)["input_ids"]
        return after[0] if after else self.eos_id

    def encode_prompt(self, text: str, system: Optional[str] = None) -> List[int]:
        if self.template:
            messages = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": text}]
            ids = self.render(messages, generation_prompt=True)
        else:
            ids = self.tok(f"{system}\n\n{text}" if system else text, add_special_tokens=True)["input_ids"]
            if self.bos_id is not None and (not ids or ids[0] != self.bos_id):
                ids = [self.bos_id] + ids
        return self._bounded(ids)

    def _bounded(self, ids: List[int]) -> List[int]:
        limit = self.max_prompt_tokens
        if limit is None or len(ids) <= limit:
            return ids
        return self.bound(ids, limit, "max_prompt_tokens", "raise max_prompt_tokens")

    def bound(self, ids: Sequence[int], limit: int, field: str, remedy: str) -> List[int]:
        """`ids` cut to its last `limit` tokens under the declared truncation policy: `left` cuts,
        counts and says so once; `error` stops the stage. `field` names the limit in messages."""
        if len(ids) <= limit:
            return list(ids)
        if self.truncation == "error":
            raise UserError(f"{self.where}/{field}: a prompt has {len(ids)} tokens, more than "
                            f"{limit} (truncation = error); {remedy} or use truncation = left")
        self.truncations += 1
        if self.truncations == 1:
            # Left truncation is the declared default, but never a silent one: say so once, on the
            # console, where the run's other warnings are; metrics.jsonl counts every later cut.
            print(f"align-worker: warning: {self.where}/{field}: a prompt of {len(ids)} tokens was cut "
                  f"from the left to {limit} (truncation = left); later cuts are counted as prompts_truncated "
                  f"in metrics.jsonl, and truncation = error stops the stage instead", file=sys.stderr, flush=True)
        return list(ids)[-limit:]

    def encode_response(self, text: str) -> List[int]:
        return self.tok(text, add_special_tokens=False)["input_ids"] + [self.end_id]

    def decode(self, ids: Sequence[int]) -> str:
        return self.tok.decode([i for i in ids if i != self.pad_id], skip_special_tokens=True)


def chat_template_of(tok: Any, spec: Any, base_dir: Optional[Path]) -> Optional[str]:
    """auto: the tokenizer's template when it has one; none; file("...") relative to the recipe.
    Plans from before the field have none (raw text, as the worker did then)."""
    choice = getattr(spec, "chat_template", None) or {"type": "none"}
    if choice["type"] == "none":
        return None
    if choice["type"] == "auto":
        return getattr(tok, "chat_template", None) or None
    path = Path(choice["path"])
    path = path if path.is_absolute() or base_dir is None else base_dir / path
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{spec.pointer}/chat_template: cannot read {path}: {exc.strerror}") from None


# What from_pretrained raises for a missing, partial or foreign checkpoint (no config, an
# unknown model_type, a tokenizer it cannot build): the user's to fix, not a worker bug.
LOAD_ERRORS = (OSError, ValueError, KeyError)


def one_line(exc: BaseException) -> str:
    """transformers' load errors run over several lines (hints, links); a user error is one."""
    lines = [s.strip() for s in str(exc).splitlines() if s.strip()]
    return lines[0] if lines else type(exc).__name__


def dtype_kwarg(tf: Any, dtype: torch.dtype) -> dict:
    """from_pretrained's dtype argument: `dtype` since the configs have one (transformers 5;
    `torch_dtype` is deprecated there), `torch_dtype` before (4.x would ignore `dtype`)."""
    config_cls = getattr(tf, "PreTrainedConfig", None) or tf.PretrainedConfig
    if "dtype" in inspect.signature(config_cls.__init__).parameters:
        return {"dtype": dtype}
    return {"torch_dtype": dtype}


def load_hf_causal_lm(ident: str, revision: Optional[str], spec: Any, device: torch.device,
                      trainable: bool, shard: bool = False):
    """AutoModelForCausalLM + AutoTokenizer from a hub id or a local directory; `shard` builds a
    frozen model sharded over the world from the safetensors files, and a trained one (to be
    FSDP-wrapped) on the meta device with `param_init` reading each unit as FSDP wraps it."""
    from .models import DTYPES, LanguageModel
    tf = _transformers()
    dtype = torch.float32 if trainable else DTYPES[spec.dtype]
    reader = None
    if shard and not trainable:
        model, tok = load_sharded(ident, revision, "AutoModelForCausalLM", dtype, device, spec.pointer)
    elif shard:                                   # trained and FSDP-sharded: read as FSDP wraps
        from . import sharded
        model, tok, index = build_on_meta(ident, revision, "AutoModelForCausalLM", dtype, device, spec.pointer)
        reader = sharded.unit_weights_reader(model, index, spec.pointer)
    else:
        try:
            tok = tf.AutoTokenizer.from_pretrained(ident, revision=revision)
            model = tf.AutoModelForCausalLM.from_pretrained(ident, revision=revision, **dtype_kwarg(tf, dtype))
        except LOAD_ERRORS as exc:
            raise UserError(f"{spec.pointer}: cannot load Hugging Face model {ident!r}: {one_line(exc)}") from None
    if tok.eos_token_id is None:
        raise UserError(f"{spec.pointer}: the tokenizer of {ident!r} has no EOS token; "
                        f"responses are trained and sampled to end with one")
    context = getattr(model.config, "max_position_embeddings", None) or 4096
    gen_eos = getattr(getattr(model, "generation_config", None), "eos_token_id", None)
    tokenizer = HFTokenizer(tok, gen_eos, chat_template_of(tok, spec, None),
                            getattr(spec, "max_prompt_tokens", None), getattr(spec, "truncation", "left"),
                            spec.pointer)
    return LanguageModel(model, tokenizer, "hf", int(context), {"type": "hf", "source": ident},
                         param_init=reader)


def checkpoint_dir(ident: str, revision: Optional[str]) -> Path:
    """The local directory of a checkpoint: a path as is, a hub id through the local cache
    (downloading config, tokenizer and safetensors files when they are not there yet)."""
    path = Path(ident)
    if path.is_dir():
        return path
    from huggingface_hub import snapshot_download
    return Path(snapshot_download(ident, revision=revision,
                                  allow_patterns=["*.json", "*.safetensors", "tokenizer*", "*.model", "*.txt"]))


def load_sharded(ident: str, revision: Optional[str], auto: str, dtype: torch.dtype, device: torch.device,
                 where: str, **config_overrides: Any):
    """A frozen model (`auto` = AutoModelForCausalLM or ...ForSequenceClassification) built on the
    meta device, sharded with FSDP2 over the world, each rank reading only its rows from the
    safetensors files. Returns the module and its tokenizer."""
    from . import sharded
    module, tok, index = build_on_meta(ident, revision, auto, dtype, device, where, **config_overrides)
    module.eval()
    module.requires_grad_(False)
    sharded.shard_module(module, device)
    sharded.materialize(module, device)
    sharded.read_weights(module, index, where)
    return module, tok


def build_on_meta(ident: str, revision: Optional[str], auto: str, dtype: torch.dtype, device: torch.device,
                  where: str, **config_overrides: Any):
    """The module with its parameters on the meta device, its tokenizer, and where its weights
    are in the safetensors files (nothing read yet)."""
    from . import sharded
    tf = _transformers()
    if device.type == "cpu" and dtype == torch.float16:
        dtype = torch.float32                 # fp16 kernels are missing on CPU
    try:
        directory = checkpoint_dir(ident, revision)
        tok = tf.AutoTokenizer.from_pretrained(str(directory))
        config = tf.AutoConfig.from_pretrained(str(directory), **config_overrides)
    except LOAD_ERRORS as exc:
        raise UserError(f"{where}: cannot load Hugging Face model {ident!r}: {one_line(exc)}") from None
    index = sharded.SafetensorsIndex(directory)
    if not index:
        raise UserError(f"{where}: {ident!r} has no safetensors weights; sharded loading reads "
                        f"safetensors only (convert the checkpoint with save_pretrained)")
    with sharded.parameters_on_meta():
        module = getattr(tf, auto).from_config(config, **dtype_kwarg(tf, dtype))
    if (directory / "generation_config.json").exists():   # its EOS list (from_config reads only config.json)
        module.generation_config = tf.GenerationConfig.from_pretrained(str(directory))
    return module, tok, index


def apply_lora(lm: Any, lora: dict, where: str):
    """Wrap the module in a peft LoRA adapter; only adapter weights stay trainable."""
    if lm.backend != "hf":
        raise UserError(f"{where}: lora needs a Hugging Face model; this is a {lm.backend} model "
                        f"(it trains all weights), so remove lora")
    try:
        import peft
    except ImportError:
        raise UserError(f"{where}: lora is declared but peft is not installed") from None
    cfg = peft.LoraConfig(r=int(lora["rank"]), lora_alpha=float(lora["alpha"]),
                          lora_dropout=float(lora["dropout"]), target_modules=list(lora["targets"]),
                          task_type="CAUSAL_LM")
    return peft.get_peft_model(lm.module, cfg)


def plain_name(name: str) -> str:
    """A peft model's parameter name as the plain model's (its checkpoint's) name."""
    name = name[len(PEFT_PREFIX):] if name.startswith(PEFT_PREFIX) else name
    return name.replace(".base_layer.", ".")


@torch.no_grad()
def adapter_init(name: str, out: torch.Tensor, seed: int) -> None:
    """peft's default LoRA initialisation (A: kaiming-uniform with a = √5, i.e. U(±1/√fan_in);
    B: zeros, so the adapted model starts equal to the base), drawn from a generator seeded by
    (seed, parameter name): the same values on every rank, built whole or on the meta device."""
    from .seeding import derive_seed
    if ".lora_B" in name or out.dim() < 2:
        out.zero_()
        return
    g = torch.Generator().manual_seed(derive_seed(seed, name) % (2**63))
    bound = 1.0 / out.shape[1] ** 0.5
    out.copy_((torch.rand(out.shape, generator=g, dtype=torch.float64) * 2 - 1) * bound)


def init_adapters(module: Any, seed: int) -> None:
    """adapter_init over a peft model's materialised LoRA weights."""
    for name, p in module.named_parameters():
        if ".lora_" in name and p.device.type != "meta":
            adapter_init(name, p.data, seed)


def save_hf(lm: Any, out: Path, state_dict: Optional[dict], dtype: Optional[torch.dtype] = None) -> None:
    """save_pretrained, with LoRA merged so the next stage loads a plain model, in `dtype` (the
    model's declared dtype; None: as held) with config.json saying so.

    `state_dict` is FSDP's gathered full state dict (None otherwise). With LoRA it has peft's
    names and unmerged adapters while the module holds only this rank's shards, so the merge
    happens in the dict; saved as is, every weight would be "missing" and re-initialised.
    """
    module = lm.unwrapped()
    if hasattr(module, "merge_and_unload"):
        if state_dict is None:
            module = module.merge_and_unload()
        else:
            state_dict = merge_lora_state(state_dict, lora_layers(module))
            module = module.get_base_model()
    if dtype is not None and state_dict is not None:     # the trained module stays fp32
        state_dict = {k: v.detach().to(dtype) if v.is_floating_point() else v for k, v in state_dict.items()}
    module.save_pretrained(str(out), state_dict=state_dict, safe_serialization=True)
    if dtype is not None:
        if state_dict is None:        # saved from the module (whatever wraps it): cast the files
            cast_safetensors(out, dtype)
        write_config_dtype(out, dtype)
    save_tokenizer(lm, out)


def cast_safetensors(out: Path, dtype: torch.dtype) -> None:
    """Rewrite each safetensors file of `out` with its floating tensors in `dtype`, one file at a
    time (the module that wrote them keeps its fp32 weights)."""
    from safetensors import safe_open
    from safetensors.torch import save_file
    for path in sorted(out.glob("*.safetensors")):
        with safe_open(str(path), "pt") as f:
            metadata = f.metadata()
            tensors = {k: f.get_tensor(k) for k in f.keys()}
        tensors = {k: v.to(dtype) if v.is_floating_point() else v for k, v in tensors.items()}
        save_file(tensors, str(path), metadata=metadata)
        del tensors


def write_config_dtype(out: Path, dtype: torch.dtype) -> None:
    """config.json's dtype field (`dtype` in transformers 5, `torch_dtype` before) set to the
    weights' dtype: save_pretrained writes the module's, and from_pretrained(dtype="auto")
    reads it back."""
    import json
    path = out / "config.json"
    config = json.loads(path.read_text())
    key = next((k for k in ("dtype", "torch_dtype") if k in config), None) or next(iter(dtype_kwarg(_transformers(), dtype)))
    config[key] = str(dtype).replace("torch.", "")
    path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")


def save_tokenizer(lm: Any, out: Path) -> None:
    """The tokenizer with the template this stage used: the next stage (chat_template = auto on
    a stage output) renders prompts as this one did."""
    lm.tokenizer.tok.chat_template = lm.tokenizer.template
    lm.tokenizer.tok.save_pretrained(str(out))


WRAPPERS = ("_fsdp_wrapped_module.", "_checkpoint_wrapped_module.")   # not in state-dict names
PEFT_PREFIX = "base_model.model."


def lora_layers(module: Any) -> Dict[str, Tuple[float, bool]]:
    """Each LoRA layer of a peft model: its state-dict name → (scaling, fan_in_fan_out)."""
    found = {}
    for name, m in module.named_modules():
        scaling = getattr(m, "scaling", None)
        if isinstance(scaling, dict) and "default" in scaling and hasattr(m, "lora_A"):
            for w in WRAPPERS:
                name = name.replace(w, "")
            found[name] = (float(scaling["default"]), bool(getattr(m, "fan_in_fan_out", False)))
    return found


def merge_lora_state(sd: Dict[str, torch.Tensor], layers: Dict[str, Tuple[float, bool]]) -> Dict[str, torch.Tensor]:
    """A peft state dict as the plain model's: W + scaling·B·A (transposed for fan-in-fan-out
    layers, as peft merges), base-model names. Other adapter kinds (DoRA, embeddings) refuse."""
    out = {}
    for key, value in sd.items():
        if ".lora_" in key:
            layer, kind = key.split(".lora_", 1)
            if layer not in layers or kind not in ("A.default.weight", "B.default.weight"):
                raise UserError(f"cannot merge LoRA weight {key!r} from a sharded (FSDP) state dict; "
                                f"use lora targets that are linear layers")
            continue
        if key.endswith(".base_layer.weight"):
            layer = key[:-len(".base_layer.weight")]
            scale, fan_in_fan_out = layers[layer]
            delta = sd[f"{layer}.lora_B.default.weight"].float() @ sd[f"{layer}.lora_A.default.weight"].float()
            value = (value.float() + (delta.t() if fan_in_fan_out else delta) * scale).to(value.dtype)
        name = key[len(PEFT_PREFIX):] if key.startswith(PEFT_PREFIX) else key
        out[name.replace(".base_layer.", ".")] = value
    return out


def load_hf_reward(ident: str, revision: Optional[str], device: torch.device,
                   dtype: torch.dtype, where: str = "reward", shard: bool = False):
    """AutoModelForSequenceClassification scoring prompt+response (a models.RewardScorer); the
    score is logit 0.

    `shard`: built sharded over the world (its forwards are then collective: every rank must
    score the same number of batches)."""
    from .models import RewardScorer
    tf = _transformers()
    if shard:
        model, tok = load_sharded(ident, revision, "AutoModelForSequenceClassification", dtype, device,
                                  f"cannot load reward model {ident!r}")
    else:
        try:
            tok = tf.AutoTokenizer.from_pretrained(ident, revision=revision)
            model = tf.AutoModelForSequenceClassification.from_pretrained(
                ident, revision=revision, **dtype_kwarg(tf, dtype)).to(device).eval()
        except LOAD_ERRORS as exc:
            raise UserError(f"cannot load reward model {ident!r}: {one_line(exc)}") from None
    set_reward_pad(tok, model)
    encode = reward_encoder(tok)

    def forward(ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits[:, 0]
    return RewardScorer(encode, forward, tok.pad_token_id, model)


def set_reward_pad(tok: Any, model: Any) -> None:
    """The pad token a sequence-classification model pools with (the reward_model stage trains
    with the same): the tokenizer's, else its EOS."""
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    if model.config.pad_token_id is None:
        # The model pools the last non-pad token and refuses batches > 1 without a pad id;
        # checkpoints often carry the pad token in the tokenizer only.
        model.config.pad_token_id = tok.pad_token_id
    # RewardScorer pads on the right: the last real token is where both pooling rules look
    # (older 4.x: first pad − 1; newer: rightmost non-pad) and real tokens keep their positions.


def reward_encoder(tok: Any):
    """(prompts, responses) → token ids as a reward model reads them: the conversation through
    the tokenizer's chat template when it has one, else prompt + response as one text."""
    template = getattr(tok, "chat_template", None) or None

    def encode(prompts: Sequence[str], responses: Sequence[str]) -> List[List[int]]:
        if template:       # the conversation as the reward model was trained to read it
            texts = [tok.apply_chat_template([{"role": "user", "content": p}, {"role": "assistant", "content": r}],
                                             tokenize=False) for p, r in zip(prompts, responses)]
            return tok(texts, truncation=True, add_special_tokens=False)["input_ids"]
        return tok([p + r for p, r in zip(prompts, responses)], truncation=True)["input_ids"]
    return encode
