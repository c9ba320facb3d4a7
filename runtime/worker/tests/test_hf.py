"""The Hugging Face path, tested only where transformers is installed (GPU clusters)."""

import pytest
import torch

transformers = pytest.importorskip("transformers")


def test_hf_llama_from_config_has_the_worker_interface(tmp_path):
    from align_worker.generation import generate, sequence_logprobs
    from align_worker.hf import HFTokenizer
    from align_worker.models import LanguageModel
    cfg = transformers.LlamaConfig(vocab_size=300, hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                                   num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=64)
    model = transformers.LlamaForCausalLM(cfg).eval()

    class Tok:
        eos_token_id, bos_token_id, pad_token_id = 2, 1, 0

        def __len__(self):
            return 300

        def __call__(self, text, add_special_tokens=True):
            ids = [3 + (b % 290) for b in text.encode()]
            return {"input_ids": ([1] if add_special_tokens else []) + ids}

        def decode(self, ids, skip_special_tokens=True):
            return "".join(chr(i) for i in ids)
    lm = LanguageModel(model, HFTokenizer(Tok()), "hf", 64, {"type": "hf"})
    prompts = [lm.tokenizer.encode_prompt("ab"), lm.tokenizer.encode_prompt("abcdef")]
    s = generate(lm, prompts, [1, 2], 1.0, 1.0, 5)
    with torch.no_grad():
        lp, _ = sequence_logprobs(lm, prompts, s.tokens)
    assert torch.allclose(lp, s.logp, atol=1e-3)
