"""Real Hugging Face checkpoints built offline: a byte-level BPE tokenizer trained in code, and
tiny random-init Llama models (causal LM and sequence classification) saved with save_pretrained.

Only imported by tests that already skipped when transformers is missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict

import torch
import transformers
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

PAD, BOS, EOS = "<pad>", "<s>", "</s>"


def corpus():
    """Text like the arithmetic data and the tests' prompts, so BPE learns multi-digit merges."""
    lines = [f"{a}+{b}={a + b}" for a in range(15) for b in range(15)]
    return lines + ["Q: What is BAD ANSWER ok yes no", "the answer is", "hello world"] * 5


def build_tokenizer(padding_side: str = "right") -> transformers.PreTrainedTokenizerFast:
    """Byte-level BPE (any text encodes; ~300 tokens), BOS added by the post-processor like Llama."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=320, special_tokens=[PAD, BOS, EOS], show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(corpus(), trainer)
    tok.post_processor = processors.TemplateProcessing(single=f"{BOS} $A", pair=f"{BOS} $A $B",
                                                       special_tokens=[(BOS, tok.token_to_id(BOS))])
    return transformers.PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=BOS, eos_token=EOS,
                                                pad_token=PAD, padding_side=padding_side)


def llama_config(tok, layers: int = 1, hidden: int = 32, context: int = 64, heads: int = 2, kv_heads: int = 2,
                 **extra) -> transformers.LlamaConfig:
    return transformers.LlamaConfig(vocab_size=len(tok), hidden_size=hidden, intermediate_size=2 * hidden,
                                    num_hidden_layers=layers, num_attention_heads=heads, num_key_value_heads=kv_heads,
                                    max_position_embeddings=context, bos_token_id=tok.bos_token_id,
                                    eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id, **extra)


def save_causal_lm(out: Path, seed: int = 0, **config) -> Path:
    """A random-init LlamaForCausalLM and its tokenizer in `out` (what a hub download looks like)."""
    tok = build_tokenizer()
    torch.manual_seed(seed)
    model = transformers.LlamaForCausalLM(llama_config(tok, **config))
    model.save_pretrained(str(out))
    tok.save_pretrained(str(out))
    return out


def save_reward_model(out: Path, seed: int = 0, padding_side: str = "right",
                      pad_in_config: bool = True) -> Path:
    """A random-init LlamaForSequenceClassification (one label) and its tokenizer in `out`."""
    tok = build_tokenizer(padding_side)
    torch.manual_seed(seed)
    cfg = llama_config(tok, num_labels=1)
    if not pad_in_config:
        cfg.pad_token_id = None
    model = transformers.LlamaForSequenceClassification(cfg)
    model.save_pretrained(str(out))
    tok.save_pretrained(str(out))
    return out


def load_weights(path: Path) -> Dict[str, torch.Tensor]:
    """The state dict plain transformers loads from a directory (no worker code involved)."""
    model = transformers.AutoModelForCausalLM.from_pretrained(str(path))
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def save_wide_llama(out: Path, seed: int = 0) -> Path:
    """A 63M-parameter random Llama in bf16 (125 MB of safetensors; a 32k vocabulary, grouped-query
    attention), big enough that a rank holding the whole of it stands out from one holding a shard."""
    tok = build_tokenizer()
    cfg = llama_config(tok, layers=6, hidden=512, context=128)
    cfg.vocab_size, cfg.intermediate_size = 32000, 1536
    cfg.num_attention_heads, cfg.num_key_value_heads = 8, 2
    torch.manual_seed(seed)
    transformers.LlamaForCausalLM(cfg).to(torch.bfloat16).save_pretrained(str(out))
    tok.save_pretrained(str(out))
    return out


def save_deep_llama(out: Path, seed: int = 0) -> Path:
    """A 48M-parameter random Llama with a small vocabulary (16 layers of 3M parameters, saved in
    bf16): the trained-model loading test, where one decoder layer is the unit FSDP flattens."""
    tok = build_tokenizer()
    cfg = llama_config(tok, layers=16, hidden=512, context=128)
    cfg.intermediate_size, cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim = 1536, 8, 2, 64
    torch.manual_seed(seed)
    transformers.LlamaForCausalLM(cfg).to(torch.bfloat16).save_pretrained(str(out))
    tok.save_pretrained(str(out))
    return out
