"""Byte tokenizer for the built-in model: 256 byte values plus BOS, EOS and PAD (vocab 259)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

BOS, EOS, PAD = 256, 257, 258
VOCAB = 259


class ByteTokenizer:
    """UTF-8 bytes as tokens. No merges, no files: any text round-trips exactly."""

    bos_id, eos_id, pad_id, vocab_size = BOS, EOS, PAD, VOCAB
    stop_ids = (EOS,)                # tokens that end a response (HF: the generation config's list)

    def encode_prompt(self, text: str, system: Optional[str] = None) -> List[int]:
        """BOS + bytes: the model always conditions on a start token. No chat template: a
        system prompt is put before the prompt, separated by a blank line."""
        if system:
            text = f"{system}\n\n{text}"
        return [BOS] + list(text.encode("utf-8"))

    def encode_response(self, text: str) -> List[int]:
        """bytes + EOS: training targets teach the model to stop."""
        return list(text.encode("utf-8")) + [EOS]

    truncations = 0                  # prompts cut to max_prompt_tokens (HF models only)

    def decode(self, ids: Sequence[int]) -> str:
        """Bytes back to text; special tokens dropped, broken UTF-8 replaced."""
        return bytes(i for i in ids if 0 <= i < 256).decode("utf-8", errors="replace")


def system_of(row: Dict[str, Any]) -> Optional[str]:
    """The row's system prompt (the dataset's `system` field), when it has a text one."""
    value = row.get("system")
    return value if isinstance(value, str) and value else None
