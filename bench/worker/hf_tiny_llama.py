"""Write tiny.align's twin on a Hugging Face model, to run the whole product on the HF path.

    python bench/worker/hf_tiny_llama.py OUT        # needs transformers and tokenizers
    npx align run OUT/tiny-hf.align --python "$(command -v python)"

OUT gets a random-init LlamaForCausalLM (2 layers, hidden 64, like the builtin model of
recipes/tiny.align) saved with save_pretrained, a byte-level tokenizer (no merges: one token per
byte, as the builtin model reads text), recipes/tiny.align with `from = local("models/tiny-llama")`
and its data. Nothing is downloaded. Figures in bench/README.md.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAD, BOS, EOS = "<pad>", "<s>", "</s>"


def byte_tokenizer():
    import transformers
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    # A vocabulary of the 256 bytes and three specials leaves no room for merges.
    trainer = trainers.BpeTrainer(vocab_size=259, special_tokens=[PAD, BOS, EOS], show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(["0123456789+-="], trainer)
    tok.post_processor = processors.TemplateProcessing(single=f"{BOS} $A", pair=f"{BOS} $A $B",
                                                       special_tokens=[(BOS, tok.token_to_id(BOS))])
    return transformers.PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=BOS, eos_token=EOS, pad_token=PAD)


def main(out: Path) -> None:
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise SystemExit(f"hf_tiny_llama.py: {exc.name} is not installed (runtime/worker/requirements.txt)")
    tok = byte_tokenizer()
    torch.manual_seed(0)
    cfg = transformers.LlamaConfig(vocab_size=len(tok), hidden_size=64, intermediate_size=256, num_hidden_layers=2,
                                   num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=32,
                                   bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
                                   pad_token_id=tok.pad_token_id)
    model_dir = out / "models" / "tiny-llama"
    transformers.LlamaForCausalLM(cfg).save_pretrained(str(model_dir))
    tok.save_pretrained(str(model_dir))
    shutil.copytree(ROOT / "recipes" / "data", out / "data", dirs_exist_ok=True)
    recipe = (ROOT / "recipes" / "tiny.align").read_text()
    recipe, swapped = re.subn(r"from = builtin\([^)]*\)", 'from = local("models/tiny-llama")\n  dtype = fp32', recipe)
    if swapped != 1:
        raise SystemExit("hf_tiny_llama.py: recipes/tiny.align no longer has one builtin model to swap")
    (out / "tiny-hf.align").write_text(recipe.replace("recipe tiny {", "recipe tiny_hf {", 1))
    print(f"wrote {out / 'tiny-hf.align'} and {model_dir}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]))
