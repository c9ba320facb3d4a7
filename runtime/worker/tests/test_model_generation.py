"""Byte tokenizer, KV-cached generation, left padding, sampling controls, log-probs."""

import pytest
import torch

from align_worker.generation import filter_top_p, generate, left_pad, sequence_logprobs, token_logprobs
from align_worker.model_builtin import attention_bias
from align_worker.tokenizer import BOS, EOS, PAD, ByteTokenizer
from conftest import tiny_lm


def test_byte_tokenizer_round_trip_and_specials():
    tok = ByteTokenizer()
    assert tok.vocab_size == 259 and (BOS, EOS, PAD) == (256, 257, 258)
    ids = tok.encode_prompt("héllo")
    assert ids[0] == BOS and tok.decode(ids) == "héllo"
    assert tok.encode_response("ok")[-1] == EOS


def test_kv_cache_matches_full_forward():
    lm = tiny_lm(seed=1)
    ids = torch.tensor([lm.tokenizer.encode_prompt("12+30=42")])
    mask = torch.ones_like(ids)
    pos = torch.arange(ids.shape[1])[None]
    full, _ = lm.step(ids, mask, pos)
    logits, past = lm.step(ids[:, :5], mask[:, :5], pos[:, :5])
    steps = [logits[:, -1]]
    for t in range(5, ids.shape[1]):
        logits, past = lm.step(ids[:, t:t + 1], mask[:, :t + 1], pos[:, t:t + 1], past)
        steps.append(logits[:, -1])
    assert torch.allclose(torch.stack(steps[:-1], 1), full[:, 4:-1], atol=1e-5)


def test_left_padding_does_not_change_a_rows_samples():
    lm = tiny_lm(seed=2)
    tok = lm.tokenizer
    short, long = tok.encode_prompt("1+1="), tok.encode_prompt("123+456+789=")
    alone = generate(lm, [short], [11], 1.0, 1.0, 6)
    batched = generate(lm, [long, short], [99, 11], 1.0, 1.0, 6)
    assert batched.tokens[1] == alone.tokens[0]
    assert abs(batched.logp[1].item() - alone.logp[0].item()) < 1e-4
    ids, mask = left_pad([[1, 2], [3]], PAD)
    assert ids.tolist() == [[1, 2], [PAD, 3]] and mask.tolist() == [[1, 1], [0, 1]]


def test_greedy_is_deterministic_and_seeds_control_sampling():
    lm = tiny_lm(seed=3)
    p = [lm.tokenizer.encode_prompt("5+5=")]
    assert generate(lm, p, [1], 0.0, 1.0, 5).tokens == generate(lm, p, [2], 0.0, 1.0, 5).tokens
    a = generate(lm, p * 4, [1, 2, 3, 4], 1.0, 1.0, 5).tokens
    assert a == generate(lm, p * 4, [1, 2, 3, 4], 1.0, 1.0, 5).tokens
    assert len({tuple(x) for x in a}) > 1


class EosAfter(torch.nn.Module):
    """A stub LM that emits token 65 until a row has `n` new tokens, then EOS."""

    def __init__(self, prompt_len, n):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))
        self.prompt_len, self.n = prompt_len, n

    def forward(self, ids, mask, pos, past=None):
        logits = torch.zeros(ids.shape[0], ids.shape[1], 259)
        seen = mask.sum(1) - self.prompt_len           # tokens generated so far (incl. this one)
        logits[:, :, 65] = 20.0
        logits[seen >= self.n, -1, EOS] = 40.0
        return logits, None


def test_eos_stops_a_row_and_max_tokens_bounds_it():
    from align_worker.models import LanguageModel
    tok = ByteTokenizer()
    prompt = tok.encode_prompt("hi")
    stub = LanguageModel(EosAfter(len(prompt), 2), tok, "builtin", 32, {})
    s = generate(stub, [prompt], [0], 1.0, 1.0, 8)
    assert s.tokens[0] == [65, 65, EOS] and s.finished == [True]
    s2 = generate(stub, [prompt], [0], 1.0, 1.0, 2)
    assert s2.tokens[0] == [65, 65] and s2.finished == [False]


def test_every_stop_id_ends_a_row_not_only_eos():
    """Llama-3 instruct ends a turn with <|eot_id|>, listed in the generation config, not EOS."""
    from align_worker.models import LanguageModel
    tok = ByteTokenizer()
    tok.stop_ids = (EOS, 65)
    prompt = tok.encode_prompt("hi")
    s = generate(LanguageModel(EosAfter(len(prompt), 2), tok, "builtin", 32, {}), [prompt], [0], 1.0, 1.0, 8)
    assert s.tokens[0] == [65] and s.finished == [True]


def test_a_prompt_prefilled_once_for_k_samples_samples_what_k_copies_would():
    """Prefill once + expanded cache + stopped rows leaving the batch = each row generated alone."""
    lm = tiny_lm(seed=3, context=64)
    tok = lm.tokenizer
    prompts = [tok.encode_prompt(t) for t in ("1+2=", "hello there", "a")]
    seeds = list(range(100, 112))
    batch = generate(lm, prompts, seeds, 1.0, 1.0, 12, repeats=4)
    assert len(batch.tokens) == 12 and any(batch.finished) and not all(batch.finished)
    for row in range(12):
        alone = generate(lm, [prompts[row // 4]], [seeds[row]], 1.0, 1.0, 12)
        assert batch.tokens[row] == alone.tokens[0] and batch.finished[row] == alone.finished[0]
        assert abs(float(batch.logp[row]) - float(alone.logp[0])) < 1e-4


def test_top_p_keeps_the_nucleus():
    probs = torch.tensor([[0.5, 0.3, 0.15, 0.05]])
    assert filter_top_p(probs, 0.7)[0].tolist() == pytest.approx([0.5, 0.3, 0.0, 0.0])
    assert filter_top_p(probs, 0.1).tolist() == [[0.5, 0.0, 0.0, 0.0]]
    assert filter_top_p(probs, 1.0).tolist() == probs.tolist()


def test_top_p_sampling_never_leaves_the_nucleus():
    lm = tiny_lm(seed=6)
    p = [lm.tokenizer.encode_prompt("x")]
    s = generate(lm, p * 16, list(range(16)), 1.0, 1e-6, 1)
    greedy = generate(lm, p, [0], 0.0, 1.0, 1)
    assert all(t == greedy.tokens[0] for t in s.tokens)


def test_prompt_tokens_are_never_targets():
    lm = tiny_lm(seed=7)
    tok = lm.tokenizer
    lp, mask = token_logprobs(lm, [tok.encode_prompt("BAD ANSWER")], [tok.encode_response("ok")])
    # Only "o", "k", EOS are predicted targets: the prompt (e.g. an induced bad answer) is context.
    assert int(mask.sum()) == 3
    assert mask[0].nonzero().flatten().tolist() == [10, 11, 12]


def test_sequence_logprobs_sum_the_response_tokens():
    lm = tiny_lm(seed=8)
    tok = lm.tokenizer
    with torch.no_grad():
        lp, n = sequence_logprobs(lm, [tok.encode_prompt("a")], [tok.encode_response("bc")])
        ids = torch.tensor([tok.encode_prompt("a") + tok.encode_response("bc")])
        logits, _ = lm.step(ids, torch.ones_like(ids), torch.arange(ids.shape[1])[None])
        logp = torch.log_softmax(logits[0, :-1], -1).gather(1, ids[0, 1:, None]).squeeze(1)
    assert n.item() == 3 and abs(lp.item() - logp[1:].sum().item()) < 1e-5


def test_sequence_logprobs_at_a_temperature_are_those_of_the_tempered_policy():
    """What a task at temperature T samples from, softmax(logits / T), is what its loss trains."""
    lm = tiny_lm(seed=8)
    tok = lm.tokenizer
    with torch.no_grad():
        lp, _ = sequence_logprobs(lm, [tok.encode_prompt("a")], [tok.encode_response("bc")], temperature=0.5)
        ids = torch.tensor([tok.encode_prompt("a") + tok.encode_response("bc")])
        logits, _ = lm.step(ids, torch.ones_like(ids), torch.arange(ids.shape[1])[None])
        logp = torch.log_softmax(logits[0, :-1] / 0.5, -1).gather(1, ids[0, 1:, None]).squeeze(1)
        plain, _ = sequence_logprobs(lm, [tok.encode_prompt("a")], [tok.encode_response("bc")])
    assert abs(lp.item() - logp[1:].sum().item()) < 1e-5 and abs(lp.item() - plain.item()) > 1e-3


def test_attention_bias_masks_padding_and_future():
    bias = attention_bias(torch.tensor([[0, 1, 1]]), 3, torch.float32)[0, 0]
    allowed = bias == 0
    assert allowed.tolist() == [[False, False, False], [False, True, False], [False, True, True]]
