"""One rank of the rollout tests and bench (run on gloo ranks by test_rollout_weights.py and
bench/worker/rollout_fsdp.py): an FSDP-wrapped policy samples a rollout phase through
`replica.RolloutWeights` in a given mode, and this rank prints one JSON line with the tokens it
generated, the collectives it issued (by kind) and the seconds the phase took.

    rollout_ranks.py MODEL_DIR|frozen:MODEL_DIR|builtin MODE[,MODE...] MAX_TOKENS[,MAX_TOKENS...] [PROMPTS K TEMPERATURE lora]

MODE: shards | gather | tp | auto, or auto with the free memory injected: auto-nomem (none),
auto-tpN (enough for a tensor-parallel copy over N ranks, not for a replicated copy, nor for a
split over fewer ranks); plain: the model loaded again without FSDP, decoded directly.

Report: {"rank", "units" (FSDP units holding parameters), "copy_bytes", MODE: {MAX_TOKENS: {"tokens", "logp",
"calls", "seconds", "generated", "kind" (what the phase decoded through), "param_bytes" (of that module on
this rank), "group_tokens" (tp: the whole group's rows as this rank decoded them)}}}.
"""

import json
import sys
import time
from collections import Counter
from pathlib import Path

import torch
import torch.distributed as dist

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from align_worker.distributed import Dist, wrap  # noqa: E402
from align_worker.generation import generate  # noqa: E402
from align_worker.models import load_model  # noqa: E402
from align_worker.plan import ModelSpec  # noqa: E402
from align_worker import replica  # noqa: E402
from align_worker.replica import HEADROOM, RolloutWeights, kv_bytes_per_token, unit_sizes  # noqa: E402
from align_worker.tensor_parallel import local_bytes  # noqa: E402

COLLECTIVES = ("all_gather", "all_gather_single", "all_gather_into_tensor", "_all_gather_base", "all_reduce",
               "broadcast", "reduce_scatter_tensor", "all_to_all_single", "barrier")


def counting(calls: Counter):
    """Wraps torch.distributed's collectives (FSDP looks them up there at call time)."""
    for name in COLLECTIVES:
        fn = getattr(dist, name, None)
        if fn is None:
            continue

        def counted(*a, _fn=fn, _name=name, **kw):
            calls[_name] += 1
            return _fn(*a, **kw)
        setattr(dist, name, counted)


def policy(source: str, lora: bool, d: Dist):
    cpu = torch.device("cpu")
    if source.startswith("frozen:"):    # a frozen model of a sharded run: FSDP2, read per shard
        spec = ModelSpec("/models/f", "f", {"type": "local", "path": source[len("frozen:"):]}, "fp32")
        lm = load_model(spec, 3, Path("."), Path("."), cpu, trainable=False, shard=True)
        lm.tokenizer.stop_ids = ()
        return lm
    if source == "builtin":
        src = {"type": "builtin", "layers": 2, "width": 64, "heads": 2, "context": 96}
    else:
        src = {"type": "local", "path": source}
    spec = ModelSpec("/models/p", "p", src, "fp32",
                     lora={"rank": 4, "alpha": 8, "dropout": 0.0, "targets": ["q_proj", "v_proj"]} if lora else None)
    lm = load_model(spec, 3, Path("."), Path("."), cpu, trainable=True, shard=True)
    lm.module = wrap(lm.module, d, "fsdp", torch.float32, lm.param_init)
    lm.param_init = None
    if lora:                            # adapters that change the model, so the merge matters
        g = torch.Generator().manual_seed(d.rank)
        with torch.no_grad():
            for name, p in lm.module.named_parameters():
                if "lora_B" in name and p.numel():
                    p.add_(0.2 * torch.randn(p.shape, generator=g))
    lm.tokenizer.stop_ids = ()          # rows run to max_tokens: the token count is the variable
    return lm


def held_bytes(module) -> int:
    """Parameter bytes this rank holds (a DTensor's local slice)."""
    return sum((p.to_local() if hasattr(p, "to_local") else p).numel() * p.element_size()
               for p in module.parameters())


def free_for(mode: str, weights: RolloutWeights, lm, rows: int, tokens: int):
    """The free memory auto-MODE injects (replica.free_bytes), per the sizes RolloutWeights counts."""
    if mode == "auto-nomem":
        return 0
    tp = int(mode[len("auto-tp"):])
    need_tp = local_bytes(weights.frame, tp) + weights.unit_bytes + rows * tokens * kv_bytes_per_token(lm, torch.float32)
    return int(need_tp / HEADROOM) + 1


def recording(group, into: list):
    """The group's token agreement, keeping the rows it compared (the whole group's)."""
    agree = group.agree

    def record(tokens):
        into.append(tokens)
        agree(tokens)
    return record


def run_plain(lm, prompts, seeds, temperature, max_tokens, k):
    s = generate(lm, prompts, seeds, temperature, 1.0, max_tokens, repeats=k)
    return {"tokens": s.tokens, "logp": s.logp.tolist()}


def plain(source: str):
    spec = ModelSpec("/models/p", "p", {"type": "local", "path": source}, "fp32")
    lm = load_model(spec, 3, Path("."), Path("."), torch.device("cpu"), trainable=False)
    lm.tokenizer.stop_ids = ()
    return lm


def main() -> None:
    source, modes, lengths = sys.argv[1], sys.argv[2].split(","), [int(n) for n in sys.argv[3].split(",")]
    n_prompts, k, temperature = (int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])) if len(sys.argv) > 6 else (2, 2, 0.0)
    lora = len(sys.argv) > 7 and sys.argv[7] == "lora"
    torch.set_num_threads(1)
    dist.init_process_group("gloo")
    d = Dist(dist.get_rank(), dist.get_world_size(), 0, torch.device("cpu"), "fsdp")
    lm = policy(source, lora, d)
    g = torch.Generator().manual_seed(100 + d.rank)
    prompts = [[1] + torch.randint(3, 250, (5 + i,), generator=g).tolist() for i in range(n_prompts)]
    seeds = list(range(d.rank * 1000, d.rank * 1000 + n_prompts * k))
    calls: Counter = Counter()
    counting(calls)
    report = {"rank": d.rank, "units": len(unit_sizes(lm.module))}
    real_free = replica.free_bytes
    for mode in modes:
        if mode == "plain":
            report[mode] = {n: run_plain(plain(source), prompts, seeds, temperature, n, k) for n in lengths}
            continue
        weights = RolloutWeights(lm, d, torch.float32, "test", mode.split("-")[0])
        report["copy_bytes"] = replica.param_bytes(weights.frame)
        report.setdefault(mode, {})
        for max_tokens in lengths:
            if mode.startswith("auto-"):    # auto on ranks with this much free memory
                free = free_for(mode, weights, lm, n_prompts * k, 16 + max_tokens)
                replica.free_bytes = lambda device, free=free: free
            d.barrier()
            calls.clear()
            seen: list = []
            t0 = time.perf_counter()
            with weights.phase(n_prompts * k, 16 + max_tokens) as (module, all_done):
                if hasattr(module, "row_group"):
                    module.row_group.agree = recording(module.row_group, seen)
                s = generate(lm, prompts, seeds, temperature, 1.0, max_tokens, module=module, all_done=all_done,
                             repeats=k)
                held = held_bytes(module)
            seconds = time.perf_counter() - t0
            replica.free_bytes = real_free
            best = report[mode].get(max_tokens)      # a mode named twice: the faster run (benches)
            if best is None or seconds < best["seconds"]:
                report[mode][max_tokens] = {"tokens": s.tokens, "logp": s.logp.tolist(), "calls": dict(calls),
                                            "seconds": seconds, "generated": sum(len(t) for t in s.tokens),
                                            "kind": weights.said[0], "param_bytes": held,
                                            "group_tokens": seen[0] if seen else None}
    print(json.dumps(report), flush=True)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
