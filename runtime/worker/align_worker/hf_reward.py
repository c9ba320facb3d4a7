"""Trainable Hugging Face scalar-head models: the reward_model stage's Bradley-Terry model and
PPO's value model, for Hugging Face backbones (docs/optimizers.md, "Reward models" and "PPO").

Both are AutoModelForSequenceClassification with one label, loaded from a causal-LM directory
(the score head is then fresh, seeded) or an existing reward model. `ScalarHead` gives them the
built-in TinyRewardModel's interface: `forward(ids, mask)` is the score the worker's reward
scorer reads (logit 0, pooled by the model at the last non-pad token, the pad id set as
`hf.load_hf_reward` sets it), `token_values(ids, mask)` is the same head at every position.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Dict, Tuple

import torch
import torch.nn as nn

from .errors import UserError
from .hf import LOAD_ERRORS, HFTokenizer, _transformers, dtype_kwarg, one_line, set_reward_pad
from .models import HF_REWARD, LanguageModel, cast, check_model_dir, disable_dropout, resolve_path, seed_for

class ScalarHead(nn.Module):
    """A one-label sequence-classification model with the built-in reward model's interface."""

    def __init__(self, model: nn.Module, where: str) -> None:
        super().__init__()
        self.model = model
        _score_head(model, where)

    @property
    def head(self) -> nn.Module:
        return self.model.score

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.model(input_ids=input_ids, attention_mask=attention_mask).logits[:, 0]

    def token_values(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """[B, S]: the score head over the backbone's last hidden state at every position (at a
        sequence's last real token it is `forward`'s score when padding is on the right)."""
        backbone = getattr(self.model, self.model.base_model_prefix)
        hidden = backbone(input_ids=input_ids, attention_mask=attention_mask)[0]
        return self.head(hidden).squeeze(-1)

    def save_pretrained(self, out: str, **kwargs: Any) -> None:
        """What hf.save_hf calls on the trained module: the classification model's own save."""
        self.model.save_pretrained(out, **kwargs)


def _score_head(model: nn.Module, where: str) -> nn.Module:
    """The linear head sequence-classification models put on the backbone (Llama, Mistral,
    Qwen, Gemma: `score`)."""
    head = getattr(model, "score", None)
    if not isinstance(head, nn.Linear) or head.out_features != 1:
        raise UserError(f"{where}: {type(model).__name__} has no one-output linear `score` head over its "
                        f"backbone; scalar-head training supports Llama-style models (Llama, Mistral, Qwen, Gemma)")
    return head


def load_scalar_head(ident: str, seed: int, name: str, device: torch.device, where: str) -> Tuple[ScalarHead, Any]:
    """A trainable (fp32, dropout off) scalar-head model from a local directory or hub id, and its
    tokenizer. A causal-LM checkpoint gets a fresh score head, seeded by `name`."""
    tf = _transformers()
    quiet = tf.logging.get_verbosity()
    tf.logging.set_verbosity_error()          # "newly initialized: score.weight" is the point here
    try:
        tok = tf.AutoTokenizer.from_pretrained(ident)
        torch.manual_seed(seed_for(seed, name))
        model = tf.AutoModelForSequenceClassification.from_pretrained(ident, num_labels=1,
                                                                       **dtype_kwarg(tf, torch.float32))
    except LOAD_ERRORS as exc:
        raise UserError(f"{where}: cannot load Hugging Face model {ident!r} with a score head: {one_line(exc)}") from None
    finally:
        tf.logging.set_verbosity(quiet)
    set_reward_pad(tok, model)
    module = ScalarHead(model, where)
    cast(module, device, torch.float32)
    disable_dropout(model)               # its modules and its config
    module.train(True)
    return module, tok


def model_dir(source: Dict[str, Any], base_dir: Path, run_dir: Path, where: str) -> str:
    """The directory (or hub id) a Hugging Face model declaration or stage output is read from."""
    if source["type"] == "hf":
        return source["id"]
    path = run_dir / source["stage"] / "model" if source["type"] == "stage" else resolve_path(base_dir, source["path"])
    check_model_dir(path, where)
    return str(path)


def reward_language_model(module: ScalarHead, tok: Any, ident: str, context: int) -> LanguageModel:
    """The trained reward model as the trainer handles it; saved (hf.save_hf) with its tokenizer
    and chat template, so the worker's reward scorer encodes as training did."""
    template = getattr(tok, "chat_template", None) or None
    return LanguageModel(module, HFTokenizer(tok, template=template), "hf", context,
                         {"type": HF_REWARD, "source": ident})


def warn_unused_lora(model: Any, where: str) -> None:
    """A scalar-head model trains all its weights in fp32: a declaration's `lora` (there for the
    stages that fine-tune it as a language model) is not applied; say so rather than ignore it."""
    if getattr(model, "lora", None) is not None:
        print(f"align-worker: warning: {where}: model {model.name!r} declares lora, which a reward or value "
              f"model does not use: all its weights are trained", file=sys.stderr, flush=True)


def same_vocabulary(value_tok: Any, policy_tok: Any, where: str) -> None:
    """PPO's value model reads the policy's token ids: both tokenizers must map text alike."""
    if value_tok.get_vocab() != policy_tok.get_vocab():
        raise UserError(f"{where}: the value model's tokenizer differs from the policy's ({len(value_tok)} vs "
                        f"{len(policy_tok)} tokens); it reads the policy's token ids, so start it from the "
                        f"policy's base model or a reward model trained from it")
