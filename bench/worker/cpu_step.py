"""Training-step throughput of the built-in model on CPU: SFT steps and CRPG steps.

    /usr/bin/python3 bench/worker/cpu_step.py [--layers 2 --width 128 --heads 4]

tokens/s counts prompt + response tokens through forward and backward (SFT), and for CRPG the
sampled sequences' tokens over the whole step (sampling, reference pass, loss, AdamW).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "runtime" / "worker"))

from align_worker import losses as L  # noqa: E402
from align_worker.generation import generate, sequence_logprobs, token_logprobs  # noqa: E402
from align_worker.model_builtin import BuiltinConfig, TinyLM  # noqa: E402
from align_worker.models import LanguageModel, frozen_copy  # noqa: E402
from align_worker.optim import make_optimizer  # noqa: E402
from align_worker.tokenizer import ByteTokenizer  # noqa: E402


def sft_tokens_per_s(lm: LanguageModel, opt, batch: int, length: int, steps: int) -> float:
    tok = lm.tokenizer
    prompts = [tok.encode_prompt("x" * (length // 2))] * batch
    responses = [tok.encode_response("y" * (length // 2 - 2))] * batch
    t0 = time.perf_counter()
    for _ in range(steps):
        lp, mask = token_logprobs(lm, prompts, responses)
        L.sft_loss(lp, mask).backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
    return batch * length * steps / (time.perf_counter() - t0)


def crpg_tokens_per_s(lm: LanguageModel, ref: LanguageModel, opt, prompts: int, k: int, max_tokens: int,
                      steps: int) -> float:
    tok = lm.tokenizer
    ids = [tok.encode_prompt(f"{i}+{i}=") for i in range(prompts) for _ in range(k)]
    tokens, t0 = 0, time.perf_counter()
    for step in range(steps):
        s = generate(lm, ids, [step * 1000 + i for i in range(len(ids))], 1.0, 1.0, max_tokens)
        with torch.no_grad():
            ref_lp, _ = sequence_logprobs(ref, ids, s.tokens)
        rc = torch.rand(len(ids))
        adv, _ = L.crpg_advantages(s.logp, ref_lp, rc, torch.ones(len(ids), dtype=torch.bool), 1.0)
        logp, _ = sequence_logprobs(lm, ids, s.tokens)
        L.crpg_loss(logp, adv).backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        tokens += sum(len(p) + len(t) for p, t in zip(ids, s.tokens))
    return tokens / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--width", type=int, default=128)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    cfg = BuiltinConfig(args.layers, args.width, args.heads, 256)
    lm = LanguageModel(TinyLM(cfg), ByteTokenizer(), "builtin", 256, {})
    ref = frozen_copy(lm)
    opt = make_optimizer(lm.module.parameters(), 1e-4, 0.0)
    sft_tokens_per_s(lm, opt, 4, 32, 1)                        # warm-up
    out = {"model": cfg.to_dict(), "params": sum(p.numel() for p in lm.module.parameters()),
           "threads": args.threads, "torch": torch.__version__,
           "sft_tokens_per_s": round(sft_tokens_per_s(lm, opt, 16, 128, args.steps)),
           "crpg_tokens_per_s": round(crpg_tokens_per_s(lm, ref, opt, 8, 8, 32, args.steps))}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
