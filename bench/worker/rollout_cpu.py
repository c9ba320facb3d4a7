"""Rollout throughput on CPU: the worker's sampler against plain transformers `generate`.

    .venv-worker/bin/python bench/worker/rollout_cpu.py [--prompts 4 --k 8 --max-tokens 48]

A random-initialised Llama built from a config (nothing downloaded) samples K responses for
each of P prompts, both ways, in the same run and on the same weights:
- worker: `align_worker.generation.generate(..., repeats=K)` (each prompt prefilled once, its
  KV cache expanded to K rows, stopped rows leave the batch; per-row seeded sampling);
- baseline: `model.generate(input_ids repeated K times, do_sample=True)` (one prefill per row).
tokens/s counts generated tokens (up to and including the stop token). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "runtime" / "worker"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "runtime" / "worker" / "tests"))

import transformers  # noqa: E402

import hf_fixtures as F  # noqa: E402
from align_worker.generation import generate  # noqa: E402
from align_worker.hf import HFTokenizer  # noqa: E402
from align_worker.models import LanguageModel  # noqa: E402


def build(layers: int, hidden: int, prompt_len: int):
    tok = F.build_tokenizer()
    cfg = F.llama_config(tok, layers=layers, hidden=hidden, context=512)
    cfg.num_attention_heads, cfg.num_key_value_heads = max(2, hidden // 64), max(1, hidden // 256)
    torch.manual_seed(0)
    model = transformers.LlamaForCausalLM(cfg).eval()
    # A bias against EOS so responses run long (a random model would stop at a random token).
    with torch.no_grad():
        model.lm_head.weight[tok.eos_token_id].mul_(0.0)
    g = torch.Generator().manual_seed(1)
    prompts = [[tok.bos_token_id] + torch.randint(3, len(tok), (prompt_len,), generator=g).tolist()
               for _ in range(args.prompts)]
    return model, tok, prompts


def worker_rollout(model, tok, prompts, k: int, max_tokens: int) -> int:
    lm = LanguageModel(model, HFTokenizer(tok), "hf", 512, {})
    seeds = list(range(len(prompts) * k))
    s = generate(lm, prompts, seeds, 1.0, 1.0, max_tokens, repeats=k)
    return sum(len(t) for t in s.tokens)


def plain_generate(model, tok, prompts, k: int, max_tokens: int) -> int:
    rows = [p for p in prompts for _ in range(k)]
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), tok.pad_token_id)
    mask = torch.zeros_like(ids)
    for i, r in enumerate(rows):
        ids[i, width - len(r):], mask[i, width - len(r):] = torch.tensor(r), 1
    torch.manual_seed(0)
    with torch.no_grad():
        out = model.generate(input_ids=ids, attention_mask=mask, do_sample=True, top_k=0, top_p=1.0,
                             temperature=1.0, max_new_tokens=max_tokens, pad_token_id=tok.pad_token_id,
                             eos_token_id=tok.eos_token_id)
    new = out[:, width:]
    return int(sum(int((row != tok.pad_token_id).sum()) for row in new))


def timed(fn, repeat: int):
    best, tokens = float("inf"), 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        tokens = fn()
        best = min(best, time.perf_counter() - t0)
    return tokens, best


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--prompts", type=int, default=4)
    ap.add_argument("--k", type=int, default=8)
    ap.add_argument("--max-tokens", type=int, default=48)
    ap.add_argument("--prompt-len", type=int, default=96)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(1)
    model, tok, prompts = build(args.layers, args.hidden, args.prompt_len)
    w_tokens, w_s = timed(lambda: worker_rollout(model, tok, prompts, args.k, args.max_tokens), args.repeat)
    p_tokens, p_s = timed(lambda: plain_generate(model, tok, prompts, args.k, args.max_tokens), args.repeat)
    print(json.dumps({"torch": torch.__version__, "transformers": transformers.__version__,
                      "prompts": args.prompts, "k": args.k, "max_tokens": args.max_tokens,
                      "prompt_len": args.prompt_len, "worker_tokens_per_s": round(w_tokens / w_s, 1),
                      "generate_tokens_per_s": round(p_tokens / p_s, 1),
                      "ratio": round((w_tokens / w_s) / (p_tokens / p_s), 3),
                      "worker_tokens": w_tokens, "generate_tokens": p_tokens}))
