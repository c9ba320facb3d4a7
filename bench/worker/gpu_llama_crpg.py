"""CRPG steps on a random-initialised 1B-class Llama (built from a config, nothing downloaded).

Needs a CUDA GPU, torch >= 2.1 and transformers (runtime/worker/requirements.txt):

    python bench/worker/gpu_llama_crpg.py --steps 5 [--prompts 16 --k 8 --prompt-len 256 --max-tokens 256]

Each step runs the worker's own code path: KV-cached sampling of K responses per prompt
(align_worker.generation.generate), the frozen reference's sequence log-probs, the CRPG
advantage and loss (align_worker.losses), backward with bf16 autocast over fp32 master weights,
clipping and AdamW. It reports tokens/s per phase and model FLOPs utilisation (MFU):
  training MFU   = 6 · N · tokens_trained / t_train / peak   (forward + backward)
  generation MFU = 2 · N · tokens_generated / t_generate / peak
  step MFU       = (2·N·(generated + reference tokens) + 6·N·trained) / t_step / peak
N = non-embedding parameters; attention FLOPs are left out (small at these lengths), so MFU is a
slight underestimate. Peaks are dense bf16 tensor-core figures from the vendors' datasheets.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "runtime" / "worker"))

PEAK_BF16_TFLOPS = {"H200": 989.0, "H100": 989.0, "A100": 312.0, "L40S": 362.0, "B200": 2250.0,
                    "A10": 125.0, "L4": 121.0}


def peak_tflops(name: str) -> float:
    for key, value in PEAK_BF16_TFLOPS.items():
        if key in name:
            return value
    raise SystemExit(f"unknown GPU {name!r}: pass --peak-tflops")


def llama_1b(transformers, vocab: int, layers: int):
    """TinyLlama-1.1B's shape: hidden 2048, MLP 5632, 32 heads, 4 KV heads."""
    return transformers.LlamaConfig(vocab_size=vocab, hidden_size=2048, intermediate_size=5632,
                                    num_hidden_layers=layers, num_attention_heads=32, num_key_value_heads=4,
                                    max_position_embeddings=4096, rms_norm_eps=1e-5, tie_word_embeddings=False)


class IdTokenizer:
    """Token ids are the text: the benchmark needs shapes, not language."""
    bos_id, eos_id, pad_id = 1, 2, 0

    def __init__(self, vocab: int) -> None:
        self.vocab_size = vocab


def build(args):
    import transformers
    from align_worker.models import LanguageModel, frozen_copy
    torch.manual_seed(0)
    cfg = llama_1b(transformers, args.vocab, args.layers)
    try:
        model = transformers.LlamaForCausalLM._from_config(cfg, attn_implementation="sdpa",
                                                           torch_dtype=torch.float32)
    except (TypeError, ValueError):           # older transformers: no attn_implementation
        model = transformers.LlamaForCausalLM(cfg)
    model.to("cuda")
    if args.gradient_checkpointing:
        model.gradient_checkpointing_enable()
    model.config.use_cache = True
    policy = LanguageModel(model, IdTokenizer(args.vocab), "hf", 4096, {"type": "hf"}, torch.bfloat16)
    ref = frozen_copy(policy, dtype=torch.bfloat16)
    ref.autocast = None
    n_total = sum(p.numel() for p in model.parameters())
    n_embed = model.model.embed_tokens.weight.numel() + model.lm_head.weight.numel()
    return policy, ref, n_total, n_total - n_embed


def step(policy, ref, opt, prompts, seed: int, args) -> dict:
    from align_worker import losses as L
    from align_worker.generation import generate, sequence_logprobs
    from align_worker.optim import clip_gradients
    sync = torch.cuda.synchronize
    sync()
    t0 = time.perf_counter()
    s = generate(policy, prompts, [seed * 100_003 + i for i in range(len(prompts))], 1.0, 1.0, args.max_tokens)
    sync()
    t1 = time.perf_counter()
    logp_ref = torch.cat([sequence_logprobs(ref, prompts[i:i + args.micro], s.tokens[i:i + args.micro])[0]
                          .float().cpu() for i in range(0, len(prompts), args.micro)])
    sync()
    t2 = time.perf_counter()
    rc = torch.rand(len(prompts))
    adv, _ = L.crpg_advantages(s.logp, logp_ref, rc, torch.ones(len(prompts), dtype=torch.bool), kl_max=1.0)
    for i in range(0, len(prompts), args.micro):
        logp, _ = sequence_logprobs(policy, prompts[i:i + args.micro], s.tokens[i:i + args.micro])
        L.crpg_loss(logp.float().cpu(), adv[i:i + args.micro], denom=len(prompts)).backward()
    clip_gradients(policy.module, 1.0)
    opt.step()
    opt.zero_grad(set_to_none=True)
    sync()
    t3 = time.perf_counter()
    gen = sum(len(t) for t in s.tokens)
    seq = sum(len(p) + len(t) for p, t in zip(prompts, s.tokens))
    return {"t_generate": t1 - t0, "t_reference": t2 - t1, "t_train": t3 - t2, "t_step": t3 - t0,
            "generated_tokens": gen, "sequence_tokens": seq}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--prompts", type=int, default=16)
    ap.add_argument("--k", type=int, default=8)
    ap.add_argument("--prompt-len", type=int, default=256)
    ap.add_argument("--max-tokens", type=int, default=256)
    ap.add_argument("--micro", type=int, default=16, help="sequences per training forward")
    ap.add_argument("--layers", type=int, default=22)
    ap.add_argument("--vocab", type=int, default=32000)
    ap.add_argument("--gradient-checkpointing", action="store_true")
    ap.add_argument("--peak-tflops", type=float, default=None)
    args = ap.parse_args()
    if not torch.cuda.is_available():
        raise SystemExit("gpu_llama_crpg.py needs a CUDA GPU")
    from align_worker.optim import make_optimizer
    torch.backends.cuda.matmul.allow_tf32 = True
    name = torch.cuda.get_device_name()
    peak = (args.peak_tflops or peak_tflops(name)) * 1e12
    policy, ref, n_total, n = build(args)
    opt = make_optimizer(policy.module.parameters(), 1e-6, 0.0)
    g = torch.Generator().manual_seed(0)
    base = [[1] + torch.randint(3, args.vocab, (args.prompt_len - 1,), generator=g).tolist()
            for _ in range(args.prompts)]
    prompts = [p for p in base for _ in range(args.k)]
    results = []
    for i in range(args.warmup + args.steps):
        r = step(policy, ref, opt, prompts, i, args)
        if i >= args.warmup:
            results.append(r)
        print(json.dumps({"step": i, **{k: round(v, 3) for k, v in r.items()}}), file=sys.stderr, flush=True)
    tot = {k: sum(r[k] for r in results) for k in results[0]}
    flops_gen = 2 * n * tot["generated_tokens"]
    flops_ref = 2 * n * tot["sequence_tokens"]
    flops_train = 6 * n * tot["sequence_tokens"]
    out = {"gpu": name, "peak_bf16_tflops": peak / 1e12, "params": n_total, "non_embedding_params": n,
           "samples_per_step": len(prompts), "prompt_len": args.prompt_len, "max_tokens": args.max_tokens,
           "generate_tokens_per_s": tot["generated_tokens"] / tot["t_generate"],
           "train_tokens_per_s": tot["sequence_tokens"] / tot["t_train"],
           "step_tokens_per_s": tot["sequence_tokens"] / tot["t_step"],
           "mfu_generate": flops_gen / tot["t_generate"] / peak,
           "mfu_train": flops_train / tot["t_train"] / peak,
           "mfu_step": (flops_gen + flops_ref + flops_train) / tot["t_step"] / peak,
           "seconds_per_step": tot["t_step"] / len(results),
           "peak_memory_gib": torch.cuda.max_memory_allocated() / 2**30}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
