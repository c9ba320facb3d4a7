"""One rank of the sharded-loading tests (run by test_scale.py under gloo, several at once).

Prints one JSON line: resident memory before and at peak while loading, this rank's share of
the model's bytes, and the logits of a fixed batch (for comparing with plain transformers).
`how`: sharded | whole (a frozen bf16 model), trained | trained-whole (the fp32 policy FSDP wraps),
trained-lora | trained-lora-whole (the same with LoRA adapters, LORA);
save | save-gathered (the trained policy, then its final model written to argv[3] unit by unit,
or from the full state dict gathered on rank 0 as before: memory is measured while saving).
"""

import json
import os
import sys
from pathlib import Path

import torch
import torch.distributed as dist

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import transformers  # noqa: E402
from transformers.models.llama import modeling_llama  # noqa: E402,F401  (imported before measuring)

from align_worker import hf  # noqa: E402
from align_worker.distributed import Dist, wrap  # noqa: E402
from align_worker.models import load_model  # noqa: E402
from align_worker.plan import ModelSpec  # noqa: E402

LORA = {"rank": 8, "alpha": 16, "dropout": 0.0, "targets": ["q_proj", "v_proj", "down_proj"]}


def rss_now() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def rss_peak() -> int:
    """VmHWM. ru_maxrss would do, but Linux carries it over from the forking parent (pytest, with
    its own model loaded) through exec; clear_refs resets the mark (see main)."""
    with open("/proc/self/status") as f:
        line = next(ln for ln in f if ln.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def main() -> None:
    model_dir, how = sys.argv[1], sys.argv[2]
    if how.startswith("save"):
        return save(model_dir, how, Path(sys.argv[3]))
    torch.set_num_threads(1)
    dist.init_process_group("gloo")
    cpu = torch.device("cpu")
    trained = how.startswith("trained")
    lora = LORA if "lora" in how else None
    spec = ModelSpec("/models/big", "big", {"type": "local", "path": model_dir}, "fp32" if trained else "bf16",
                     lora=lora)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")                     # reset the high-water mark to the current resident size
    before = rss_now()
    if trained:                          # the policy: fp32, FSDP1 (meta + per-unit reads, or whole as before)
        d = Dist(dist.get_rank(), dist.get_world_size(), 0, cpu, "fsdp")
        lm = load_model(spec, 0, Path(model_dir), Path(model_dir), cpu, trainable=True,
                        shard=not how.endswith("whole"))
        lm.module = wrap(lm.module, d, "fsdp", torch.float32, lm.param_init)
        lm.module.eval()
    elif how == "sharded":
        lm = hf.load_hf_causal_lm(model_dir, None, spec, cpu, trainable=False, shard=True)
    else:                               # what the worker did before: every rank loads it whole
        lm = hf.load_hf_causal_lm(model_dir, None, spec, cpu, trainable=False)
    local = [p.to_local() if how == "sharded" else p for p in lm.module.parameters()]
    with torch.no_grad():                # page in what a lazily memory-mapped load left on disk
        for t in local:
            t.reshape(-1)[::1024].float().sum()
    peak = rss_peak()
    n_bytes = sum(t.numel() * t.element_size() for t in local)
    ids = torch.tensor([[1, 5, 9, 13, 2]])
    with torch.no_grad():
        logits = lm.module(input_ids=ids).logits.float()
    adapters = sum(float(p.detach().double().sum()) for name, p in lm.module.named_parameters() if "lora_A" in name)
    print(json.dumps({"rank": dist.get_rank(), "before": before, "peak": peak, "local_bytes": n_bytes,
                      "logits": logits[0, :, :8].tolist(), "adapters": adapters}), flush=True)
    dist.barrier()
    dist.destroy_process_group()


def save(model_dir: str, how: str, out: Path) -> None:
    from align_worker.export import save_from_shards
    from align_worker.models import save_model
    from torch.distributed.fsdp import FullyShardedDataParallel as FSDP, FullStateDictConfig, StateDictType
    dist.init_process_group("gloo")
    cpu = torch.device("cpu")
    d = Dist(dist.get_rank(), dist.get_world_size(), 0, cpu, "fsdp")
    spec = ModelSpec("/models/big", "big", {"type": "local", "path": model_dir}, "fp32")
    lm = load_model(spec, 0, Path(model_dir), Path(model_dir), cpu, trainable=True, shard=True)
    lm.module = wrap(lm.module, d, "fsdp", torch.float32, lm.param_init)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = rss_now()
    if how == "save":                    # in the declared dtype's default, bf16 (the master weights are fp32)
        save_from_shards(lm, out, d, torch.bfloat16)
    else:                                # the former final save (trainer._gather_state on CPU)
        with FSDP.state_dict_type(lm.module, StateDictType.FULL_STATE_DICT,
                                  FullStateDictConfig(offload_to_cpu=False, rank0_only=True)):
            sd = lm.module.state_dict()
        if d.is_main:
            save_model(lm, out, sd, torch.bfloat16)
        del sd
    print(json.dumps({"rank": d.rank, "before": before, "peak": rss_peak()}), flush=True)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
