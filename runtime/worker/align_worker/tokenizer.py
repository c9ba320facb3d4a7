"""Byte tokenizer for the built-in model: 256 byte values plus BOS, EOS and PAD (vocab 259)."""

from __future__ import annotations

from typing import List, Sequence

BOS, EOS, PAD = 256, 257, 258
VOCAB = 259


class ByteTokenizer:
    """UTF-8 bytes as tokens. No merges, no files: any text round-trips exactly."""

    bos_id, eos_id, pad_id, vocab_size = BOS, EOS, PAD, VOCAB
    stop_ids = (EOS,)                # tokens that end a response (HF: the generation config's list)

    def encode_prompt(self, text: str) -> List[int]:
        """BOS + bytes: the model always conditions on a start token."""
        return [BOS] + list(text.encode("utf-8"))

    def encode_response(self, text: str) -> List[int]:
        """bytes + EOS: training targets teach the model to stop."""
        return list(text.encode("utf-8")) + [EOS]

    def decode(self, ids: Sequence[int]) -> str:
        """Bytes back to text; special tokens dropped, broken UTF-8 replaced."""
        return bytes(i for i in ids if 0 <= i < 256).decode("utf-8", errors="replace")
