"""Batched KV-cached sampling and teacher-forced sequence log-probabilities.

Sampling draws each row's random numbers from its own generator seeded per (step, prompt,
sample), so what a prompt samples does not depend on the batch it shares or the number of ranks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, List, Optional, Sequence, Tuple

import torch

from .models import LanguageModel


@dataclass
class Samples:
    """Generated responses, one per (prompt, sample) row, in prompt-major order."""
    tokens: List[List[int]]        # response tokens, EOS included when the row stopped
    logp: torch.Tensor             # [N] sequence log π(a|s) under the untempered policy, no grad
    finished: List[bool]           # stopped at EOS (False: hit max_tokens)

    def rows(self, part: slice) -> "Samples":
        return Samples(self.tokens[part], self.logp[part], self.finished[part])


def left_pad(seqs: Sequence[Sequence[int]], pad: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """Left-padded ids and attention mask, so every row's next token sits in the last column."""
    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), pad, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for i, s in enumerate(seqs):
        if s:
            ids[i, width - len(s):] = torch.tensor(list(s), dtype=torch.long)
            mask[i, width - len(s):] = 1
    return ids, mask


def filter_top_p(probs: torch.Tensor, top_p: float) -> torch.Tensor:
    """Zero the tail outside the smallest set with cumulative probability ≥ top_p (nucleus)."""
    if top_p >= 1.0:
        return probs
    sorted_p, order = probs.sort(dim=-1, descending=True)
    before = sorted_p.cumsum(dim=-1) - sorted_p          # mass strictly before each token
    sorted_p = torch.where(before < top_p, sorted_p, torch.zeros_like(sorted_p))
    return torch.zeros_like(probs).scatter(-1, order, sorted_p)


def uniforms(seeds: Sequence[int], count: int, device: torch.device) -> torch.Tensor:
    """[N, count] draws, row i from its own generator seeded seeds[i], moved to the device once
    (one host-to-device copy per generation, not one per token)."""
    rows = [torch.rand(count, generator=torch.Generator().manual_seed(int(s)), dtype=torch.float64)
            for s in seeds]
    return torch.stack(rows).to(device)


def choose(logits: torch.Tensor, temperature: float, top_p: float, u: Optional[torch.Tensor]) -> torch.Tensor:
    """Next token per row: argmax at temperature 0, else inverse-CDF sampling with `u` [N] in [0, 1)."""
    if temperature <= 0 or u is None:
        return logits.argmax(dim=-1)
    probs = filter_top_p(torch.softmax(logits.float() / temperature, dim=-1), top_p)
    cdf = probs.cumsum(dim=-1)
    target = (u * cdf[:, -1].double()).float()[:, None]
    return torch.searchsorted(cdf, target).clamp(max=probs.shape[-1] - 1).squeeze(-1)


def fit_to_context(lm: LanguageModel, prompts: Sequence[Sequence[int]], max_tokens: int) -> List[List[int]]:
    """Each prompt with room left for `max_tokens` in the model's context. A Hugging Face
    tokenizer applies the model's declared truncation policy (counted and warned, or an error);
    the built-in model's prompts are checked against its context at `align check` (AL6006)."""
    room = max(1, lm.context - max_tokens)
    bound = getattr(lm.tokenizer, "bound", None)
    if bound is None:
        return [list(p)[-room:] for p in prompts]
    field = "max_position_embeddings"
    remedy = f"shorten the prompts or lower max_tokens ({max_tokens}; the context is {lm.context})"
    return [bound(p, room, field, remedy) for p in prompts]


@torch.no_grad()
def generate(lm: LanguageModel, prompts: Sequence[Sequence[int]], seeds: Sequence[int],
             temperature: float, top_p: float, max_tokens: int, module=None,
             all_done: Optional[Callable[[bool], bool]] = None, repeats: int = 1) -> Samples:
    """Sample `repeats` responses per prompt (rows prompt-major: prompt i's are rows
    i·repeats … i·repeats + repeats − 1).

    Each prompt is prefilled once and its KV cache expanded to its `repeats` rows. `seeds[r]`
    seeds row r. Rows that stop (any stop id) leave the batch, so the tail of long responses
    costs only their own rows. The recorded log-prob is of the untempered, unfiltered policy.
    `module` overrides the model (FSDP: the sharded root, whose forwards are collective); then
    `all_done` must agree the stop across ranks, so every rank runs the same number of forwards.
    A tensor-parallel copy (its `row_group`, tensor_parallel.py) decodes the rows of its whole
    group in one batch; each rank gets its own back.
    """
    group = getattr(module, "row_group", None)
    if group is not None:
        everyone, their_seeds, counts = group.union(prompts, seeds)
        s = _decode(lm, everyone, their_seeds, temperature, top_p, max_tokens, module, all_done, repeats)
        group.agree(s.tokens)
        return s.rows(group.my_rows(counts))
    return _decode(lm, prompts, seeds, temperature, top_p, max_tokens, module, all_done, repeats)


def _decode(lm: LanguageModel, prompts: Sequence[Sequence[int]], seeds: Sequence[int],
            temperature: float, top_p: float, max_tokens: int, module, all_done, repeats: int) -> Samples:
    module = module if module is not None else lm.unwrapped()
    was_training = module.training
    module.eval()
    prompts = fit_to_context(lm, prompts, max_tokens)
    dev, pad = lm.device, lm.tokenizer.pad_id
    ids, mask = left_pad(prompts, pad)
    ids, mask = ids.to(dev), mask.to(dev)
    pos = (mask.cumsum(1) - 1).clamp(min=0)
    n = len(prompts) * repeats
    draws = None if temperature <= 0 else uniforms(seeds, max_tokens, dev)
    stops = torch.tensor(list(getattr(lm.tokenizer, "stop_ids", (lm.tokenizer.eos_id,))), device=dev)
    out = torch.full((n, max_tokens), pad, dtype=torch.long, device=dev)
    logp = torch.zeros(n, dtype=torch.float64, device=dev)
    done = torch.zeros(n, dtype=torch.bool, device=dev)
    logits, past = lm.step(ids, mask, pos, None, module=module, cache=True)
    logits, mask, pos = logits[:, -1:], mask, pos[:, -1:]
    if repeats > 1:
        logits, mask, pos = (x.repeat_interleave(repeats, dim=0) for x in (logits, mask, pos))
        past = expand_cache(past, repeats)
    active = torch.arange(n, device=dev)          # rows still in the batch, in batch order
    length = 0
    for t in range(max_tokens):
        last = logits[:, -1, :].float()
        tok = choose(last, temperature, top_p, None if draws is None else draws[active, t])
        lp = torch.log_softmax(last, dim=-1).gather(1, tok[:, None]).squeeze(1)
        stopped = done[active]                     # only while a rank waits for the others
        tok = torch.where(stopped, torch.full_like(tok, pad), tok)
        logp[active] += torch.where(stopped, torch.zeros_like(lp), lp).double()
        out[active, t] = tok
        length = t + 1
        done[active] |= (tok[:, None] == stops[None, :]).any(dim=1)
        finished = bool(done.all())
        if all_done is not None:
            finished = all_done(finished)
        if finished or t == max_tokens - 1:
            break
        keep = (~done[active]).nonzero().squeeze(1)
        if 0 < keep.numel() < active.numel():     # drop stopped rows (keep one while others run)
            active, tok, mask = active[keep], tok[keep], mask[keep]
            pos, past = pos[keep], select_cache(past, keep)
        mask = torch.cat([mask, torch.ones_like(mask[:, :1])], dim=1)
        pos = pos[:, -1:] + 1
        logits, past = lm.step(tok[:, None], mask, pos, past, module=module)
    module.train(was_training)
    return _collect(out[:, :length].cpu(), logp.float().cpu(), set(stops.tolist()))


def expand_cache(past: Any, repeats: int) -> Any:
    """Each row's KV cache repeated `repeats` times (a prompt's cache for its K samples)."""
    if past is None:
        return None
    if hasattr(past, "batch_repeat_interleave"):       # transformers cache objects
        past.batch_repeat_interleave(repeats)
        return past
    return [tuple(x.repeat_interleave(repeats, dim=0) for x in layer) for layer in past]


def select_cache(past: Any, rows: torch.Tensor) -> Any:
    """The KV cache of the given batch rows only."""
    if past is None:
        return None
    if hasattr(past, "batch_select_indices"):
        past.batch_select_indices(rows)
        return past
    return [tuple(x[rows] for x in layer) for layer in past]


def _collect(out: torch.Tensor, logp: torch.Tensor, stops: set) -> Samples:
    """Each row up to and including its first stop token (finished), else all of it."""
    tokens, finished = [], []
    for row in out.tolist():
        cut = next((i + 1 for i, t in enumerate(row) if t in stops), None)
        tokens.append(row[:cut] if cut else row)
        finished.append(cut is not None)
    return Samples(tokens, logp, finished)


def right_pad(prompts: Sequence[Sequence[int]], responses: Sequence[Sequence[int]], pad: int,
              max_len: int) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """prompt+response rows, right-padded; target mask marks response positions to predict.

    Over-long rows lose prompt tokens from the left first, then response tokens from the right.
    """
    rows, starts = [], []
    for p, r in zip(prompts, responses):
        r = list(r)[:max_len - 1]
        p = list(p)[-(max_len - len(r)):] if len(p) + len(r) > max_len else list(p)
        rows.append(p + r)
        starts.append(len(p))
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad, dtype=torch.long)
    mask = torch.zeros_like(ids)
    target = torch.zeros_like(ids, dtype=torch.bool)
    for i, (row, s) in enumerate(zip(rows, starts)):
        ids[i, :len(row)] = torch.tensor(row, dtype=torch.long)
        mask[i, :len(row)] = 1
        target[i, s:len(row)] = True
    return ids, mask, target


def token_logprobs(lm: LanguageModel, prompts: Sequence[Sequence[int]],
                   responses: Sequence[Sequence[int]], module=None,
                   max_len: Optional[int] = None, temperature: float = 1.0) -> Tuple[torch.Tensor, torch.Tensor]:
    """Per-token log π of each response token [N, T-1] and the target mask [N, T-1].

    Gradients flow when called with grad enabled; `module` may be the DDP/FSDP wrapper.
    `temperature` ≠ 1: log-probs of the tempered policy softmax(logits / T), the distribution
    a task samples from, so the policy gradient is unbiased for what is sampled.
    """
    ids, mask, target = right_pad(prompts, responses, lm.tokenizer.pad_id, max_len or lm.context)
    dev = lm.device
    ids, mask, target = ids.to(dev), mask.to(dev), target.to(dev)
    pos = (mask.cumsum(1) - 1).clamp(min=0)
    logits, _ = lm.step(ids, mask, pos, None, module=module)
    logits = logits[:, :-1]
    lp = gather_logprobs(logits if temperature == 1.0 else logits / temperature, ids[:, 1:])
    tmask = target[:, 1:]
    return lp * tmask, tmask


LOGPROB_CHUNK = 128      # positions per fp32 log-softmax (a [B, 128, V] fp32 block at a time)


def _chunk_logprobs(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    x = logits.float()
    return x.gather(-1, targets[..., None]).squeeze(-1) - torch.logsumexp(x, dim=-1)


def gather_logprobs(logits: torch.Tensor, targets: torch.Tensor, chunk: int = LOGPROB_CHUNK) -> torch.Tensor:
    """log softmax(logits)[targets] in fp32, [B, T], a block of `chunk` positions at a time.

    The whole batch's full-vocabulary fp32 log-softmax is never materialised (at 8B with a
    128k vocabulary that is 0.5 MB per token). With gradients each block is recomputed in the
    backward pass instead of kept, so the backward holds one block too.
    """
    from torch.utils.checkpoint import checkpoint
    out = []
    for s in range(0, logits.shape[1], chunk):
        x, t = logits[:, s:s + chunk], targets[:, s:s + chunk]
        if torch.is_grad_enabled() and logits.requires_grad:
            out.append(checkpoint(_chunk_logprobs, x, t, use_reentrant=False))
        else:
            out.append(_chunk_logprobs(x, t))
    return torch.cat(out, dim=1) if out else logits.new_zeros(targets.shape, dtype=torch.float32)


def sequence_logprobs(lm: LanguageModel, prompts: Sequence[Sequence[int]],
                      responses: Sequence[Sequence[int]], module=None,
                      max_len: Optional[int] = None, temperature: float = 1.0) -> Tuple[torch.Tensor, torch.Tensor]:
    """Sequence log π(a|s) [N] (sum over response tokens) and response lengths [N]."""
    lp, tmask = token_logprobs(lm, prompts, responses, module, max_len, temperature)
    return lp.sum(dim=1), tmask.sum(dim=1)


def response_aligned(lp: torch.Tensor, tmask: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """Token log-probs [N, T] laid out as in the padded batch → [N, L] with token t of every
    response in column t, and its mask. Per-token losses (GRPO's ratio against old log-probs
    scored in another batch, with other padding) need this common layout."""
    return pad_rows([lp[i][tmask[i].bool()] for i in range(lp.shape[0])], lp.device)


def pad_rows(rows: Sequence[torch.Tensor], device: Any = "cpu") -> Tuple[torch.Tensor, torch.Tensor]:
    """1-D tensors of varying length → zero-padded [N, L] and its mask [N, L]."""
    lens = torch.tensor([len(r) for r in rows], dtype=torch.long, device=device)
    width = int(lens.max()) if len(rows) else 0
    out = torch.nn.utils.rnn.pad_sequence(list(rows), batch_first=True) if width else torch.zeros(len(rows), 0, device=device)
    return out, torch.arange(width, device=device)[None, :] < lens[:, None]


def response_logprobs(lm: LanguageModel, prompts: Sequence[Sequence[int]],
                      responses: Sequence[Sequence[int]], module=None,
                      temperature: float = 1.0) -> Tuple[torch.Tensor, torch.Tensor]:
    """Response-aligned token log π [N, L] and mask [N, L] (see `response_aligned`)."""
    lp, tmask = token_logprobs(lm, prompts, responses, module, None, temperature)
    return response_aligned(lp, tmask)


def token_batches(lengths: Sequence[int], budget: int) -> List[List[int]]:
    """Consecutive rows packed into micro-batches whose padded size (rows x longest) stays
    within `budget` tokens (a longer row goes alone)."""
    batches: List[List[int]] = []
    cur: List[int] = []
    longest = 0
    for i, n in enumerate(lengths):
        if cur and max(longest, n) * (len(cur) + 1) > budget:
            batches.append(cur)
            cur, longest = [], 0
        cur.append(i)
        longest = max(longest, n)
    if cur:
        batches.append(cur)
    return batches
