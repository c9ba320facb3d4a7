"""torch.distributed from the environment (torchrun, srun, Kubernetes and Ray all set
RANK / WORLD_SIZE / MASTER_ADDR / MASTER_PORT), gloo on CPU, NCCL on GPU; DDP or FSDP wrapping.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from typing import Any, Callable, List, Optional

import torch
import torch.distributed as dist
import torch.nn as nn

from .errors import UserError


@dataclass
class Dist:
    """This process's place in the job. world = 1 means no process group."""
    rank: int = 0
    world: int = 1
    local_rank: int = 0
    device: torch.device = torch.device("cpu")
    mode: str = "single"          # single | ddp | fsdp

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def reduce_sum(self, t: torch.Tensor) -> torch.Tensor:
        """Sum a tensor over ranks (a no-op alone); returns a new tensor on t's device."""
        if self.world == 1:
            return t
        buf = t.detach().clone().to(self.device)
        dist.all_reduce(buf, op=dist.ReduceOp.SUM)
        return buf.to(t.device)

    def reduce_max(self, value: float) -> float:
        if self.world == 1:
            return value
        buf = torch.tensor([float(value)], device=self.device)
        dist.all_reduce(buf, op=dist.ReduceOp.MAX)
        return float(buf.item())

    def gather_objects(self, obj: Any) -> List[Any]:
        """Every rank's `obj`, in rank order (e.g. per-rank RNG states for a checkpoint)."""
        if self.world == 1:
            return [obj]
        out: List[Any] = [None] * self.world
        dist.all_gather_object(out, obj)
        return out

    def barrier(self) -> None:
        if self.world > 1:
            dist.barrier()


def init_from_env(want_gpu: bool = True) -> Dist:
    """Join the process group the launcher described; pick the device and backend."""
    env = os.environ
    # Only the torch names decide the world: a worker started by `align run` inside a Slurm
    # allocation sees SLURM_NTASKS too, and must not take it for its own world size.
    world = _env_int("WORLD_SIZE", None, 1)
    rank = _env_int("RANK", None, 0)
    local = _env_int("LOCAL_RANK", "SLURM_LOCALID", 0)
    if world > 1 and not (env.get("MASTER_ADDR") and env.get("MASTER_PORT")):
        raise UserError(f"WORLD_SIZE is {world} but MASTER_ADDR/MASTER_PORT are not set: launch with "
                        "torchrun, or export them (the address and a free port of rank 0's host)")
    if not 0 <= rank < world:
        raise UserError(f"RANK {rank} is outside WORLD_SIZE {world}")
    cuda = want_gpu and torch.cuda.is_available()
    device = torch.device("cuda", local) if cuda else torch.device("cpu")
    if cuda:
        if local >= torch.cuda.device_count():
            raise UserError(f"LOCAL_RANK {local} but this node has {torch.cuda.device_count()} GPUs: "
                            "start one process per GPU")
        torch.cuda.set_device(device)
    if world > 1 and not dist.is_initialized():
        dist.init_process_group(backend="nccl" if cuda else "gloo", init_method="env://",
                                rank=rank, world_size=world)
    return Dist(rank, world, local, device, "single" if world == 1 else "ddp")


def _env_int(name: str, fallback: Optional[str], default: int) -> int:
    raw = os.environ.get(name, os.environ.get(fallback) if fallback else None)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise UserError(f"{name if name in os.environ else fallback} must be an integer, got {raw!r}") from None


def cpu_fsdp_supported() -> bool:
    """FSDP runs over gloo on CPU from torch 2.1 (verified on 2.13); 1.x asserts CUDA."""
    major, minor = (int(x) for x in torch.__version__.split(".")[:2])
    return (major, minor) >= (2, 1)


def choose_mode(d: Dist, sharding: str, n_params: int, gpu_memory: Optional[float],
                estimated: Optional[str] = None) -> str:
    """The wrapping of the trained model: single, ddp or fsdp.

    An explicit `cluster.sharding` wins. `auto` follows the compiler's estimate when the plan
    has one (it counts activations, the reference, reward models and the KV cache); else DDP
    when weights + grads + AdamW state fit comfortably on one device: a trainable fp32
    parameter costs 16 bytes and we allow 60% of device memory for them. CPU runs use DDP.
    """
    if d.world == 1:
        return "single"
    if sharding == "fsdp" and d.device.type == "cpu" and not cpu_fsdp_supported():
        raise UserError(f"/cluster/sharding: fsdp on CPU needs torch >= 2.1 (this is {torch.__version__}); "
                        "use sharding = ddp or run on GPUs")
    if sharding in ("ddp", "fsdp"):
        return sharding
    if d.device.type != "cuda":
        return "ddp"
    if estimated in ("ddp", "fsdp"):
        return estimated
    memory = gpu_memory or torch.cuda.get_device_properties(d.device).total_memory
    return "ddp" if 16 * n_params < 0.6 * memory else "fsdp"


def wrap(module: nn.Module, d: Dist, mode: str, dtype: torch.dtype,
         param_init: Optional[Callable[[nn.Module], None]] = None) -> nn.Module:
    """DDP (replicated) or FSDP (full shard, mixed precision with fp32 reduction).

    `param_init` (a module built on the meta device, models.LanguageModel.param_init): FSDP
    reads each unit's weights as it wraps it; other modes read them all first."""
    if param_init is not None and mode != "fsdp":
        for sub in module.modules():
            param_init(sub)
    if mode == "ddp":
        from torch.nn.parallel import DistributedDataParallel as DDP
        ids = [d.device.index] if d.device.type == "cuda" else None
        return DDP(module, device_ids=ids)
    if mode == "fsdp":
        from torch.distributed.fsdp import FullyShardedDataParallel as FSDP
        from torch.distributed.fsdp import MixedPrecision, ShardingStrategy
        mp = MixedPrecision(param_dtype=dtype, reduce_dtype=torch.float32, buffer_dtype=dtype)
        init = {"param_init_fn": param_init} if param_init is not None else {}
        return FSDP(module, sharding_strategy=ShardingStrategy.FULL_SHARD, mixed_precision=mp,
                    auto_wrap_policy=_block_policy(module), device_id=d.device,
                    use_orig_params=True, **init)
    return module


def _block_policy(module: nn.Module):
    """Wrap each transformer block in its own FSDP unit (decoder layers, or builtin Blocks), and
    untied input and output embeddings of a Hugging Face model too: each is as big as a layer or
    more, and a unit is materialised whole while FSDP flattens it (meta-device loading)."""
    names = {"LlamaDecoderLayer", "MistralDecoderLayer", "Qwen2DecoderLayer", "GPT2Block", "Block"}
    units = {m for m in module.modules() if type(m).__name__ in names}
    get_in, get_out = getattr(module, "get_input_embeddings", None), getattr(module, "get_output_embeddings", None)
    emb_in, emb_out = (get_in() if get_in else None), (get_out() if get_out else None)
    if emb_in is not None and emb_out is not None and emb_in.weight is not emb_out.weight:
        units |= {emb_in, emb_out}

    def policy(module: nn.Module, recurse: bool, nonwrapped_numel: int) -> bool:
        return recurse or module in units
    return policy


def no_sync(module: nn.Module, skip: bool):
    """DDP's no_sync while accumulating; FSDP syncs every backward (sharded grads accumulate)."""
    if skip and hasattr(module, "no_sync") and type(module).__name__ == "DistributedDataParallel":
        return module.no_sync()
    return contextlib.nullcontext()


def full_params(module: nn.Module):
    """Gather FSDP's shards for generation; a no-op for other modules."""
    if type(module).__name__ == "FullyShardedDataParallel":
        from torch.distributed.fsdp import FullyShardedDataParallel as FSDP
        return FSDP.summon_full_params(module, writeback=False, recurse=True)
    return contextlib.nullcontext()
