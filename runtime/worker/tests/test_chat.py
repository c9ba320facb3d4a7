"""Chat templates: prompts rendered as transformers' apply_chat_template renders them (a
Llama-3-style and a Qwen-style template built here, no hub), the dataset's system prompt,
responses ending with the template's end-of-turn token, prompt truncation and its metric, and
reward models scoring the templated conversation."""

import json

import pytest
import torch

transformers = pytest.importorskip("transformers")

import hf_fixtures as F  # noqa: E402
from align_worker import planbuild as pb  # noqa: E402
from align_worker.errors import UserError  # noqa: E402
from align_worker.hf import HFTokenizer  # noqa: E402
from align_worker.models import load_model, load_reward_model  # noqa: E402
from align_worker.plan import ModelSpec  # noqa: E402
from conftest import arith_plan, read_jsonl, run_cli  # noqa: E402

LLAMA3 = ("{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m['role'] }}<|end_header_id|>\n\n"
          "{{ m['content'] }}<|eot_id|>{% endfor %}"
          "{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}")
QWEN = ("{% if messages[0]['role'] != 'system' %}<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
        "{% endif %}{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
        "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
STYLES = {"llama3": (LLAMA3, ["<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"], "<|eot_id|>"),
          "qwen": (QWEN, ["<|im_start|>", "<|im_end|>"], "<|im_end|>")}


def chat_tokenizer(style):
    template, specials, _ = STYLES[style]
    tok = F.build_tokenizer()
    tok.add_special_tokens({"additional_special_tokens": specials})
    tok.chat_template = template
    return tok


def save_chat_model(out, style, reward=False, seed=0):
    """A random Llama (or a one-label classifier) whose vocabulary covers the template's tokens."""
    tok = chat_tokenizer(style)
    torch.manual_seed(seed)
    cls = transformers.LlamaForSequenceClassification if reward else transformers.LlamaForCausalLM
    cls(F.llama_config(tok, **({"num_labels": 1} if reward else {}))).save_pretrained(str(out))
    tok.save_pretrained(str(out))
    return out, tok


def reference_ids(tok, messages):
    out = tok.apply_chat_template(messages, add_generation_prompt=True, tokenize=True)
    return list(out["input_ids"] if hasattr(out, "keys") else out)


@pytest.mark.parametrize("style", ["llama3", "qwen"])
def test_prompts_render_as_apply_chat_template_and_responses_end_the_turn(style):
    tok = chat_tokenizer(style)
    end = tok.convert_tokens_to_ids(STYLES[style][2])
    ours = HFTokenizer(tok, None, tok.chat_template)
    with_system = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "What is 2+2?"}]
    assert ours.encode_prompt("What is 2+2?", "Be brief.") == reference_ids(tok, with_system)
    assert ours.encode_prompt("What is 2+2?") == reference_ids(tok, with_system[1:])
    response = ours.encode_response("4")
    assert response[-1] == end and end in ours.stop_ids and ours.decode(response) == "4"
    raw = HFTokenizer(tok)                                  # chat_template = none: the text as written
    assert raw.encode_prompt("What is 2+2?") == tok("What is 2+2?")["input_ids"]
    assert raw.encode_response("4")[-1] == tok.eos_token_id


def test_auto_none_and_file_choose_the_template(tmp_path):
    save_chat_model(tmp_path / "m", "qwen")
    (tmp_path / "chat.jinja").write_text(LLAMA3)

    def loaded(choice):
        spec = ModelSpec("/models/m", "m", {"type": "local", "path": "m"}, chat_template=choice)
        return load_model(spec, 0, tmp_path, tmp_path, torch.device("cpu"), trainable=False).tokenizer
    assert loaded({"type": "auto"}).template == QWEN
    assert loaded({"type": "none"}).template is None
    assert loaded(None).template is None                    # plans from before the field
    assert loaded({"type": "file", "path": "chat.jinja"}).template == LLAMA3
    with pytest.raises(UserError, match="/models/m/chat_template: cannot read"):
        loaded({"type": "file", "path": "missing.jinja"})


def test_max_prompt_tokens_truncates_from_the_left_and_counts_or_refuses(capsys):
    tok = chat_tokenizer("llama3")
    full = HFTokenizer(tok, None, tok.chat_template).encode_prompt("1+2+3+4+5+6=")
    left = HFTokenizer(tok, None, tok.chat_template, max_prompt_tokens=6, where="/models/m")
    assert left.encode_prompt("1+2+3+4+5+6=") == full[-6:] and left.truncations == 1
    assert left.encode_prompt("1") != [] and left.truncations == 2
    warned = capsys.readouterr().err.splitlines()
    assert len(warned) == 1 and "/models/m/max_prompt_tokens: a prompt of" in warned[0] and "cut from the left to 6" in warned[0]
    strict = HFTokenizer(tok, None, tok.chat_template, max_prompt_tokens=6, truncation="error", where="/models/m")
    with pytest.raises(UserError, match=r"/models/m/max_prompt_tokens: a prompt has \d+ tokens, more than 6"):
        strict.encode_prompt("1+2+3+4+5+6=")


def test_prompts_over_the_context_room_follow_the_declared_truncation_policy(capsys):
    """A prompt with no room for max_tokens in the context is cut (counted, warned once) or
    refused, as max_prompt_tokens is; never sliced silently."""
    from types import SimpleNamespace
    from align_worker.generation import fit_to_context
    tok = chat_tokenizer("llama3")
    left = HFTokenizer(tok, None, tok.chat_template, where="/models/m")
    ids = left.encode_prompt("1+2+3+4+5+6=")
    lm = SimpleNamespace(context=len(ids) + 2, tokenizer=left)
    assert fit_to_context(lm, [ids], max_tokens=2) == [ids] and left.truncations == 0
    assert fit_to_context(lm, [ids, ids[:3]], max_tokens=6) == [ids[-(len(ids) - 4):], ids[:3]]
    assert left.truncations == 1
    warned = capsys.readouterr().err.splitlines()
    assert len(warned) == 1 and "/models/m/max_position_embeddings: a prompt of" in warned[0]
    strict = HFTokenizer(tok, None, tok.chat_template, truncation="error", where="/models/m")
    lm = SimpleNamespace(context=len(ids) + 2, tokenizer=strict)
    with pytest.raises(UserError, match=r"/models/m/max_position_embeddings: a prompt has \d+ tokens, more than "
                                        r"\d+ \(truncation = error\); shorten the prompts or lower max_tokens \(6;"):
        fit_to_context(lm, [ids], max_tokens=6)


def test_a_reward_model_scores_the_templated_conversation(tmp_path):
    path, tok = save_chat_model(tmp_path / "rm", "qwen", reward=True, seed=3)
    score = load_reward_model({"type": "local", "path": str(path)}, "rm", 0, tmp_path, torch.device("cpu"))
    model = transformers.AutoModelForSequenceClassification.from_pretrained(str(path))
    text = tok.apply_chat_template([{"role": "user", "content": "1+1="}, {"role": "assistant", "content": "2"}],
                                   tokenize=False)
    with torch.no_grad():
        expected = model(input_ids=torch.tensor([tok(text, add_special_tokens=False)["input_ids"]])).logits[0, 0]
        plain = model(input_ids=torch.tensor([tok("1+1=2")["input_ids"]])).logits[0, 0]
    got = score(["1+1="], ["2"])[0]
    assert abs(float(got) - float(expected)) < 1e-4 and abs(float(got) - float(plain)) > 1e-4


def test_cgpo_with_a_chat_template_reports_truncated_prompts(workspace, judge_server):
    """Through the CLI, with the dataset's system field mapped: every templated prompt is over
    max_prompt_tokens = 12, so each of the step's 4 prompts is cut and counted."""
    save_chat_model(workspace / "qwen-like", "qwen")
    rows = [json.loads(line) for line in (workspace / "train.jsonl").read_text().splitlines()]
    with (workspace / "train.jsonl").open("w") as f:
        for r in rows:
            f.write(json.dumps({**r, "system": "Answer with the number only."}) + "\n")
    plan = arith_plan(variant="crpg", steps=1, k=2, batch=4)
    plan["datasets"]["train"]["fields"]["system"] = "system"
    plan["models"]["tiny"] = {"from": {"type": "local", "path": "qwen-like"}, "dtype": "fp32", "params": None,
                              "gradient_checkpointing": False, "lora": None, "chat_template": {"type": "auto"},
                              "max_prompt_tokens": 12, "truncation": "left"}
    plan_path = pb.write(plan, workspace / "plan.json")
    url = judge_server(plan)
    r = run_cli(["run", "--plan", str(plan_path), "--stage", "cgpo", "--run-dir", str(workspace / "run"),
                 "--judge-url", url, "--cpu"])
    assert r.returncode == 0, r.stderr
    (task,) = [x for x in read_jsonl(workspace / "run" / "cgpo" / "metrics.jsonl") if x.get("task") == "arith"]
    assert task["prompts_truncated"] == 4
