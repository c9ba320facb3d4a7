"""CRPG steps on a random-initialised 1B-class Llama (built from a config, nothing downloaded).

Needs torch >= 2.1 and transformers (runtime/worker/requirements.txt). The real run needs a CUDA GPU:

    python bench/worker/gpu_llama_crpg.py --steps 5 [--prompts 16 --k 8 --prompt-len 256 --max-tokens 256]

A CPU smoke run executes the same code path on a tiny shape (its timings mean nothing):

    python bench/worker/gpu_llama_crpg.py --device cpu --hidden 64 --intermediate 128 --heads 4 \\
        --kv-heads 2 --layers 2 --vocab 512 --prompts 2 --k 2 --prompt-len 16 --max-tokens 16 \\
        --steps 2 --peak-tflops 1

`--check-flops` only checks the FLOP accounting, then exits (no GPU needed, any shape): N counted
on a meta-device model against the config formula, and the matmul FLOPs of a one-layer CPU model
of the same shape counted by torch.utils.flop_counter against 2·N / 6·N per token. CPU runs
include both checks.

Each step runs the worker's own code path: KV-cached sampling of K responses per prompt
(align_worker.generation.generate, bf16 autocast over the fp32 policy), the frozen reference's
sequence log-probs (align_worker.rollout.score_no_grad; the reference holds bf16 weights on a GPU,
fp32 on a CPU, no autocast), the CRPG advantage and loss (align_worker.losses) on the model's
device, backward with bf16 autocast over fp32 master weights, clipping and AdamW
(align_worker.optim). It reports tokens/s per phase and model FLOPs utilisation (MFU):
  generation MFU = 2 · N · generated_tokens / t_generate / peak
  reference MFU  = 2 · N · sequence_tokens / t_reference / peak
  training MFU   = 6 · N · sequence_tokens / t_train / peak      (forward + backward)
  step MFU       = (2·N·generated_tokens + 2·N·sequence_tokens + 6·N·sequence_tokens) / t_step / peak
sequence_tokens = prompt + response tokens of every sample (padding not counted); generated_tokens
= response tokens (EOS included, padding after EOS not counted).
N = non-embedding parameters (the decoder layers and the final norm; neither the input embedding
nor the output projection lm_head). Left out of the FLOPs, so every MFU is an underestimate:
attention score/value FLOPs (2-5% more at T = 512 for the 1B shape, causal vs. full counting),
the lm_head matmul (2·hidden·vocab per token, vocab·hidden/N ≈ 7% of N for the 1B shape),
generation's prompt prefill (only generated tokens count), and gradient checkpointing's recompute
(6·N stays the model-FLOPs convention). Peaks are dense (no 2:4 sparsity) bf16 tensor-core figures
from the vendors' datasheets: H100 SXM and H200 SXM 989 TFLOP/s (the datasheets' 1979 is sparse).
On a CPU there is no datasheet figure: --peak-tflops is required there.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "runtime" / "worker"))

# Dense bf16 tensor-core TFLOP/s per GPU (datasheet "with sparsity" figures halved), matched as
# whole words against torch.cuda.get_device_name(), most specific first ("A10" must not match
# "A10G", "L4" not "L40", "H200" not "GH200", "H100" not "H100 PCIe").
PEAK_BF16_TFLOPS = [
    ("H100 PCIe", 756.0), ("H100 NVL", 835.0), ("H200 NVL", 835.0),
    ("H100", 989.0), ("H200", 989.0), ("GH200", 989.0), ("B200", 2250.0),
    ("A100", 312.0), ("L40S", 362.0), ("L40", 181.0), ("A10", 125.0), ("L4", 121.0),
]

GPU_SHAPE = {"hidden": 2048, "intermediate": 5632, "heads": 32, "kv_heads": 4, "layers": 22, "vocab": 32000}


def fail(msg: str) -> None:
    """One line on stderr, exit status 2: the run cannot start here."""
    print(f"gpu_llama_crpg.py: {msg}", file=sys.stderr, flush=True)
    raise SystemExit(2)


def peak_tflops(name: str) -> float:
    for key, value in PEAK_BF16_TFLOPS:
        if re.search(r"(?<![A-Za-z0-9])" + re.escape(key) + r"(?![A-Za-z0-9])", name):
            return value
    fail(f"no bf16 peak known for GPU {name!r}: pass --peak-tflops")


def llama_config(transformers, args):
    """The default shape is TinyLlama-1.1B's: hidden 2048, MLP 5632, 32 heads, 4 KV heads, 22 layers."""
    return transformers.LlamaConfig(
        vocab_size=args.vocab, hidden_size=args.hidden, intermediate_size=args.intermediate,
        num_hidden_layers=args.layers, num_attention_heads=args.heads, num_key_value_heads=args.kv_heads,
        max_position_embeddings=4096, rms_norm_eps=1e-5, tie_word_embeddings=False,
        bos_token_id=IdTokenizer.bos_id, eos_token_id=IdTokenizer.eos_id, pad_token_id=IdTokenizer.pad_id,
        attention_bias=False, mlp_bias=False)


def new_model(transformers, cfg):
    """An fp32 LlamaForCausalLM with SDPA attention, random weights (seeded by the caller)."""
    model = transformers.LlamaForCausalLM._from_config(cfg, attn_implementation="sdpa")
    return model.float()


def param_counts(model) -> dict:
    """Total parameters, and N = total − input embedding − output projection."""
    total = sum(p.numel() for p in model.parameters())
    embed = model.get_input_embeddings().weight.numel()
    head = model.get_output_embeddings().weight.numel()
    return {"params": total, "embedding_params": embed + head, "non_embedding_params": total - embed - head}


def non_embedding_formula(cfg) -> int:
    """N from the config: per layer q,o (h·heads·d), k,v (h·kv_heads·d), gate/up/down (3·h·I), 2 RMSNorms (2·h);
    plus the final RMSNorm (h). Llama has no biases."""
    h, d = cfg.hidden_size, getattr(cfg, "head_dim", None) or cfg.hidden_size // cfg.num_attention_heads
    attn = 2 * h * cfg.num_attention_heads * d + 2 * h * cfg.num_key_value_heads * d
    mlp = 3 * h * cfg.intermediate_size
    return cfg.num_hidden_layers * (attn + mlp + 2 * h) + h


def check_flops(counts: dict, cfg) -> dict:
    n, formula = counts["non_embedding_params"], non_embedding_formula(cfg)
    return {"non_embedding_params": n, "non_embedding_params_formula": formula, "match": n == formula,
            "flops_per_token": {"generate": 2 * n, "reference": 2 * n, "train": 6 * n}}


def measured_matmul_flops(transformers, args, tokens: int = 16) -> dict:
    """Count the matmul FLOPs of one forward and one forward+backward with torch's FlopCounterMode.

    Runs on the CPU on a one-layer model of the run's shape (memory stays small for the 1B shape;
    FLOPs per token and parameter do not depend on depth). Counts aten.mm/addmm only, i.e. the
    linear layers: attention's score/value products are left out here as in the MFU. Expected:
    forward 2 · tokens · (N₁ − norm weights + lm_head), forward+backward 3× that, where N₁ is the
    one-layer model's N. Equality confirms the 2·N / 6·N per-token accounting of the MFU (and
    shows the lm_head matmul it leaves out).
    """
    from torch.utils.flop_counter import FlopCounterMode
    one = argparse.Namespace(**{**vars(args), "layers": 1})
    cfg = llama_config(transformers, one)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = new_model(transformers, cfg).train()
        ids = torch.randint(3, cfg.vocab_size, (1, tokens))

    def linear_flops(fc) -> int:
        counts = fc.get_flop_counts().get("Global", {})
        return int(sum(v for k, v in counts.items() if str(k).split(".")[1] in ("mm", "addmm")))

    with FlopCounterMode(display=False) as fwd:
        with torch.no_grad():
            model(input_ids=ids, use_cache=False)
    with FlopCounterMode(display=False) as train:
        model(input_ids=ids, use_cache=False).logits.float().sum().backward()
    n1 = param_counts(model)["non_embedding_params"]
    norms = (2 * cfg.num_hidden_layers + 1) * cfg.hidden_size
    head = cfg.hidden_size * cfg.vocab_size
    expected = 2 * tokens * (n1 - norms + head)
    return {"layers": 1, "tokens": tokens, "forward": linear_flops(fwd), "forward_expected": expected,
            "forward_per_token_2N": 2 * n1 * tokens, "train": linear_flops(train), "train_expected": 3 * expected,
            "lm_head_share_of_N": head / non_embedding_formula(llama_config(transformers, args)),
            "match": linear_flops(fwd) == expected and linear_flops(train) == 3 * expected}


class IdTokenizer:
    """Token ids are the text: the benchmark needs shapes, not language."""
    bos_id, eos_id, pad_id = 1, 2, 0

    def __init__(self, vocab: int) -> None:
        self.vocab_size = vocab

    def encode_prompt(self, text: str) -> list:
        return [self.bos_id] + [int(t) for t in text.split()]

    def encode_response(self, text: str) -> list:
        return [int(t) for t in text.split()] + [self.eos_id]

    def decode(self, ids) -> str:
        return " ".join(str(i) for i in ids if i != self.pad_id)


def build(args, device: torch.device):
    import transformers
    from align_worker.models import LanguageModel, frozen_copy
    torch.manual_seed(0)
    cfg = llama_config(transformers, args)
    model = new_model(transformers, cfg).to(device)
    if args.gradient_checkpointing:
        model.gradient_checkpointing_enable()
    model.config.use_cache = True
    model.train()
    policy = LanguageModel(model, IdTokenizer(args.vocab), "hf", cfg.max_position_embeddings,
                           {"type": "hf"}, autocast=torch.bfloat16)
    ref_dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    ref = frozen_copy(policy, dtype=ref_dtype)
    ref.autocast = None                     # the weights themselves are in ref_dtype (RoPE stays fp32)
    dtypes = {p.dtype for p in ref.module.parameters()}
    if dtypes != {ref_dtype} or any(p.requires_grad for p in ref.module.parameters()):
        raise RuntimeError(f"reference parameters are {dtypes}, expected frozen {ref_dtype}")
    if {p.dtype for p in policy.module.parameters()} != {torch.float32}:
        raise RuntimeError("policy master weights are not fp32")
    return cfg, policy, ref, ref_dtype


def compute_dtype(lm) -> str:
    """The dtype the model's linear layers actually compute in (autocast or not), from one tiny forward."""
    seen = []
    linear = next(m for m in lm.unwrapped().modules() if isinstance(m, torch.nn.Linear))
    hook = linear.register_forward_hook(lambda mod, inp, out: seen.append(out.dtype))
    ids = torch.tensor([[IdTokenizer.bos_id, 3]], device=lm.device)
    module = lm.unwrapped()
    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            lm.step(ids, torch.ones_like(ids), torch.arange(2, device=lm.device)[None])
    finally:
        hook.remove()
        module.train(was_training)
    return str(seen[0]).replace("torch.", "")


def step(policy, ref, opt, prompts, seed: int, args, sync) -> dict:
    from align_worker import losses as L
    from align_worker.generation import generate, sequence_logprobs
    from align_worker.optim import clip_gradients
    from align_worker.rollout import score_no_grad
    dev = policy.device
    n = len(prompts)
    sync()
    t0 = time.perf_counter()
    s = generate(policy, prompts, [seed * 100_003 + i for i in range(n)], 1.0, 1.0, args.max_tokens)
    sync()
    t1 = time.perf_counter()
    logp_ref = score_no_grad(ref, prompts, s.tokens)              # [N] fp32, on the CPU like the worker's
    sync()
    t2 = time.perf_counter()
    rc = torch.rand(n, generator=torch.Generator().manual_seed(seed))
    adv, _ = L.crpg_advantages(s.logp.to(dev), logp_ref.to(dev), rc.to(dev),
                               torch.ones(n, dtype=torch.bool, device=dev), kl_max=1.0)
    loss_sum = torch.zeros((), device=dev)
    for i in range(0, n, args.micro):
        logp, _ = sequence_logprobs(policy, prompts[i:i + args.micro], s.tokens[i:i + args.micro])
        loss = L.crpg_loss(logp, adv[i:i + args.micro], denom=n)     # on the model's device
        loss.backward()
        loss_sum += loss.detach()
    grad_norm = clip_gradients(policy.module, 1.0)
    opt.step()
    opt.zero_grad(set_to_none=True)
    sync()
    t3 = time.perf_counter()
    gen = sum(len(t) for t in s.tokens)
    seq = sum(len(p) + len(t) for p, t in zip(prompts, s.tokens))
    return {"t_generate": t1 - t0, "t_reference": t2 - t1, "t_train": t3 - t2, "t_step": t3 - t0,
            "generated_tokens": gen, "sequence_tokens": seq,
            "loss": float(loss_sum), "grad_norm": grad_norm,
            "log_ratio_mean": float((s.logp - logp_ref).mean())}


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", choices=["cuda", "cpu"], default="cuda",
                    help="cuda (default): the real run; cpu: a smoke run of the same code path")
    ap.add_argument("--steps", type=int, default=5, help="measured steps")
    ap.add_argument("--warmup", type=int, default=1, help="unmeasured steps first")
    ap.add_argument("--prompts", type=int, default=16)
    ap.add_argument("--k", type=int, default=8, help="samples per prompt")
    ap.add_argument("--prompt-len", type=int, default=256)
    ap.add_argument("--max-tokens", type=int, default=256)
    ap.add_argument("--micro", type=int, default=16, help="sequences per training forward")
    ap.add_argument("--hidden", type=int, default=GPU_SHAPE["hidden"])
    ap.add_argument("--intermediate", type=int, default=GPU_SHAPE["intermediate"])
    ap.add_argument("--heads", type=int, default=GPU_SHAPE["heads"])
    ap.add_argument("--kv-heads", type=int, default=GPU_SHAPE["kv_heads"])
    ap.add_argument("--layers", type=int, default=GPU_SHAPE["layers"])
    ap.add_argument("--vocab", type=int, default=GPU_SHAPE["vocab"])
    ap.add_argument("--gradient-checkpointing", action="store_true")
    ap.add_argument("--peak-tflops", type=float, default=None,
                    help="bf16 peak for MFU (default: datasheet value of the GPU; required with --device cpu)")
    ap.add_argument("--check-flops", action="store_true",
                    help="only compare N with the config formula (meta device, no GPU needed) and exit")
    args = ap.parse_args(argv)
    if min(args.steps, args.prompts, args.k, args.prompt_len, args.max_tokens, args.micro, args.heads,
           args.kv_heads, args.layers) < 1 or args.warmup < 0:
        ap.error("--steps, --prompts, --k, --prompt-len, --max-tokens, --micro and the shape must be >= 1")
    if args.hidden % args.heads or args.heads % args.kv_heads:
        ap.error("--hidden must be a multiple of --heads, and --heads of --kv-heads")
    if args.vocab < 4:
        ap.error("--vocab must be >= 4 (ids 0-2 are pad, bos, eos)")
    if args.prompt_len + args.max_tokens > 4096:
        ap.error("--prompt-len + --max-tokens must fit the 4096-token context")
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    try:
        import transformers
    except ImportError:
        fail("transformers is not installed (pip install -r runtime/worker/requirements.txt)")
    if args.check_flops:
        with torch.device("meta"):
            model = new_model(transformers, llama_config(transformers, args))
        shape = {k: getattr(args, k) for k in GPU_SHAPE}
        result = {"shape": shape, **param_counts(model), **check_flops(param_counts(model), model.config),
                  "matmul_flops": measured_matmul_flops(transformers, args)}
        result["match"] = result["match"] and result["matmul_flops"]["match"]
        print(json.dumps(result, indent=1))
        raise SystemExit(0 if result["match"] else 1)
    if args.device == "cuda" and not torch.cuda.is_available():
        fail("no CUDA GPU here; for a smoke run of the same code path use --device cpu with a small "
             "shape and --peak-tflops (see the module docstring)")
    if args.device == "cpu" and args.peak_tflops is None:
        fail("--device cpu needs --peak-tflops (there is no datasheet bf16 peak for a CPU)")
    from align_worker.optim import make_optimizer
    device = torch.device(args.device)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.cuda.reset_peak_memory_stats()
        name = torch.cuda.get_device_name()
        sync = torch.cuda.synchronize
    else:
        name = platform.processor() or platform.machine() or "cpu"
        sync = lambda: None  # noqa: E731 - CPU ops are synchronous
    peak = (args.peak_tflops or peak_tflops(name)) * 1e12
    cfg, policy, ref, ref_dtype = build(args, device)
    counts = param_counts(policy.module)
    flops_check = check_flops(counts, cfg)
    if not flops_check["match"]:
        raise RuntimeError(f"FLOP accounting: N = {flops_check['non_embedding_params']} from the model, "
                           f"{flops_check['non_embedding_params_formula']} from the config formula")
    n = counts["non_embedding_params"]
    dtypes = {"policy_dtype": "float32", "policy_compute_dtype": compute_dtype(policy),
              "reference_dtype": str(ref_dtype).replace("torch.", ""), "reference_compute_dtype": compute_dtype(ref)}
    matmul = measured_matmul_flops(transformers, args) if device.type == "cpu" else None
    if matmul is not None and not matmul["match"]:
        raise RuntimeError(f"FLOP accounting: measured matmul FLOPs disagree with 2·N per token: {matmul}")
    opt = make_optimizer(policy.module.parameters(), 1e-6, 0.0)
    g = torch.Generator().manual_seed(0)
    base = [[IdTokenizer.bos_id] + torch.randint(3, args.vocab, (args.prompt_len - 1,), generator=g).tolist()
            for _ in range(args.prompts)]
    prompts = [p for p in base for _ in range(args.k)]
    results = []
    for i in range(args.warmup + args.steps):
        r = step(policy, ref, opt, prompts, i, args, sync)
        if i >= args.warmup:
            results.append(r)
        print(json.dumps({"step": i, "warmup": i < args.warmup, **{k: round(v, 4) for k, v in r.items()}}),
              file=sys.stderr, flush=True)
    tot = {k: sum(r[k] for r in results) for k in results[0]}
    flops_gen = 2 * n * tot["generated_tokens"]
    flops_ref = 2 * n * tot["sequence_tokens"]
    flops_train = 6 * n * tot["sequence_tokens"]
    if device.type == "cuda":
        mem, mem_src = torch.cuda.max_memory_allocated() / 2**30, "torch.cuda.max_memory_allocated"
    else:
        try:                                  # Linux: KiB; the process's peak resident set
            import resource
            mem, mem_src = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, "ru_maxrss"
        except (ImportError, AttributeError, OSError):
            mem, mem_src = None, None
    out = {"device": name, "device_type": device.type, "peak_bf16_tflops": peak / 1e12,
           "peak_source": "--peak-tflops" if args.peak_tflops else "datasheet",
           "torch": torch.__version__, "transformers": transformers.__version__,
           "attn_implementation": getattr(policy.module.config, "_attn_implementation", None),
           "shape": {k: getattr(args, k) for k in GPU_SHAPE},
           **dtypes,
           "gradient_checkpointing": args.gradient_checkpointing,
           **counts, "non_embedding_params_formula": flops_check["non_embedding_params_formula"],
           "matmul_flops_check": matmul,
           "samples_per_step": len(prompts), "prompt_len": args.prompt_len, "max_tokens": args.max_tokens,
           "micro": args.micro, "measured_steps": len(results),
           "generated_tokens_per_step": tot["generated_tokens"] / len(results),
           "sequence_tokens_per_step": tot["sequence_tokens"] / len(results),
           "generate_tokens_per_s": tot["generated_tokens"] / tot["t_generate"],
           "reference_tokens_per_s": tot["sequence_tokens"] / tot["t_reference"],
           "train_tokens_per_s": tot["sequence_tokens"] / tot["t_train"],
           "step_tokens_per_s": tot["sequence_tokens"] / tot["t_step"],
           "mfu_generate": flops_gen / tot["t_generate"] / peak,
           "mfu_reference": flops_ref / tot["t_reference"] / peak,
           "mfu_train": flops_train / tot["t_train"] / peak,
           "mfu_step": (flops_gen + flops_ref + flops_train) / tot["t_step"] / peak,
           "seconds_per_step": tot["t_step"] / len(results),
           "seconds_per_phase": {k[2:]: tot[k] / len(results) for k in ("t_generate", "t_reference", "t_train")},
           "peak_memory_gib": mem, "peak_memory_source": mem_src}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
