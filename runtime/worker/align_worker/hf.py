"""Hugging Face backend: causal LMs, sequence-classification reward models, LoRA via peft.

Imported lazily: CPU test machines have no transformers; the built-in model covers them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, List, Optional, Sequence

import torch

from .errors import UserError


def _transformers():
    try:
        import transformers  # noqa: F401
    except ImportError:
        raise UserError("this stage uses a Hugging Face model, but transformers is not installed "
                        "(pip install -r runtime/worker/requirements.txt)") from None
    return transformers


class HFTokenizer:
    """The byte-tokenizer interface over a Hugging Face tokenizer."""

    def __init__(self, tok: Any) -> None:
        self.tok = tok
        self.eos_id = tok.eos_token_id
        self.bos_id = tok.bos_token_id
        self.pad_id = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
        self.vocab_size = len(tok)

    def encode_prompt(self, text: str) -> List[int]:
        ids = self.tok(text, add_special_tokens=True)["input_ids"]
        if self.bos_id is not None and (not ids or ids[0] != self.bos_id):
            ids = [self.bos_id] + ids
        return ids

    def encode_response(self, text: str) -> List[int]:
        return self.tok(text, add_special_tokens=False)["input_ids"] + [self.eos_id]

    def decode(self, ids: Sequence[int]) -> str:
        return self.tok.decode([i for i in ids if i != self.pad_id], skip_special_tokens=True)


def load_hf_causal_lm(ident: str, revision: Optional[str], spec: Any, device: torch.device,
                      trainable: bool):
    """AutoModelForCausalLM + AutoTokenizer from a hub id or a local directory."""
    from .models import DTYPES, LanguageModel
    tf = _transformers()
    dtype = torch.float32 if trainable else DTYPES[spec.dtype]
    try:
        tok = tf.AutoTokenizer.from_pretrained(ident, revision=revision)
        model = tf.AutoModelForCausalLM.from_pretrained(ident, revision=revision, torch_dtype=dtype)
    except OSError as exc:
        raise UserError(f"{spec.pointer}: cannot load Hugging Face model {ident!r}: {exc}") from None
    context = getattr(model.config, "max_position_embeddings", None) or 4096
    return LanguageModel(model, HFTokenizer(tok), "hf", int(context), {"type": "hf", "source": ident})


def apply_lora(lm: Any, lora: dict):
    """Wrap the module in a peft LoRA adapter; only adapter weights stay trainable."""
    if lm.backend != "hf":
        raise UserError("lora needs a Hugging Face model (the builtin model trains all weights)")
    try:
        import peft
    except ImportError:
        raise UserError("lora is declared but peft is not installed") from None
    cfg = peft.LoraConfig(r=int(lora["rank"]), lora_alpha=float(lora["alpha"]),
                          lora_dropout=float(lora["dropout"]), target_modules=list(lora["targets"]),
                          task_type="CAUSAL_LM")
    return peft.get_peft_model(lm.module, cfg)


def save_hf(lm: Any, out: Path, state_dict: Optional[dict]) -> None:
    """save_pretrained, with LoRA merged so the next stage loads a plain model."""
    module = lm.unwrapped()
    if hasattr(module, "merge_and_unload"):
        module = module.merge_and_unload()
    module.save_pretrained(str(out), state_dict=state_dict, safe_serialization=True)
    lm.tokenizer.tok.save_pretrained(str(out))


def load_hf_reward(ident: str, revision: Optional[str], device: torch.device,
                   dtype: torch.dtype) -> Callable[[list, list], torch.Tensor]:
    """AutoModelForSequenceClassification scoring prompt+response; the score is logit 0."""
    tf = _transformers()
    try:
        tok = tf.AutoTokenizer.from_pretrained(ident, revision=revision)
        model = tf.AutoModelForSequenceClassification.from_pretrained(
            ident, revision=revision, torch_dtype=dtype).to(device).eval()
    except OSError as exc:
        raise UserError(f"cannot load reward model {ident!r}: {exc}") from None
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
        model.config.pad_token_id = tok.pad_token_id

    @torch.no_grad()
    def score(prompts: list, responses: list) -> torch.Tensor:
        texts = [p + r for p, r in zip(prompts, responses)]
        batch = tok(texts, return_tensors="pt", padding=True, truncation=True).to(device)
        return model(**batch).logits[:, 0].float().cpu()
    return score
