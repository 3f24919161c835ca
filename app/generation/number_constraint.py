"""Constrained decoding: the model may write only numbers that appear in its evidence.

A small model asked "how many" writes a plausible figure of its own. This mask over the next
token lets a number start only as some number of the evidence starts, go on only along one, and
end only where one ends. Each backend applies it through its own logits-processor hook
(transformers `LogitsProcessor`, llama.cpp `logits_processor`). Tokenizers that split digits one by
one (Llama, SmolLM, Qwen) are handled exactly; a token that mixes digits with other characters is
allowed only outside a number and only when its figures are allowed numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_TRAILING = re.compile(r"\d[\d.,]*$")
_DIGITS = re.compile(r"\d+")


def normalise(number: str) -> str:
    """A figure as compared: thousands separators dropped ("12,345" -> "12345")."""
    return number.replace(",", "")


def numbers_in(texts: Iterable[str]) -> frozenset[str]:
    """Every figure written in the texts."""
    return frozenset(normalise(n) for text in texts for n in NUMBER.findall(text))


@dataclass(frozen=True)
class NumberTokens:
    """The vocabulary's tokens that write figures, found once per tokenizer."""

    size: int
    digits: list[tuple[int, str, bool]]  # (id, its digits, starts with a space)
    mixed: dict[int, list[str]]  # id -> the figures in a token that mixes digits with other text
    digit_led: np.ndarray  # mixed tokens opening with a digit ("5%"): inside a number they extend it
    commas: np.ndarray
    dots: np.ndarray

    @classmethod
    def of(cls, token_texts: Sequence[str]) -> NumberTokens:
        digits, mixed, digit_led, commas, dots = [], {}, [], [], []
        for token_id, text in enumerate(token_texts):
            if text == ",":
                commas.append(token_id)
            elif text == ".":
                dots.append(token_id)
            elif NUMBER.search(text):  # ASCII-style digits only: "²" writes no figure
                stripped = text.lstrip()
                if _DIGITS.fullmatch(stripped):
                    digits.append((token_id, stripped, stripped != text))
                else:
                    mixed[token_id] = [normalise(n) for n in NUMBER.findall(text)]
                    if text[:1].isascii() and text[:1].isdigit():
                        digit_led.append(token_id)
        return cls(len(token_texts), digits, mixed, np.array(digit_led, dtype=int),
                   np.array(commas, dtype=int), np.array(dots, dtype=int))


class NumberConstraint:
    """Which next tokens keep every number written one of `allowed`."""

    def __init__(self, allowed: Iterable[str], tokens: NumberTokens):
        self.tokens = tokens
        self.allowed = {normalise(n) for n in allowed}
        self.prefixes = {n[:i] for n in self.allowed for i in range(1, len(n) + 1)}
        # Prefixes that some allowed number continues with a digit (so a thousands comma may follow).
        self.digit_followed = {n[:i] for n in self.allowed for i in range(1, len(n)) if n[i].isdigit()}
        self.mixed = np.array(list(tokens.mixed), dtype=int)
        # Outside any number: digits may start an allowed number; mixed tokens must hold whole ones.
        self._fresh = np.ones(tokens.size, dtype=bool)
        for token_id, digits, _ in tokens.digits:
            self._fresh[token_id] = digits in self.prefixes
        for token_id, figures in tokens.mixed.items():
            self._fresh[token_id] = all(f in self.allowed for f in figures)

    def allowed_tokens(self, generated: str) -> np.ndarray:
        """A boolean mask over the vocabulary: True where the token keeps the numbers honest."""
        found = _TRAILING.search(generated)
        if not found:
            return self._fresh.copy()
        run = found.group()
        in_number = run[-1].isdigit()
        number = normalise(run if in_number else run[:-1])
        complete = number in self.allowed
        mask = np.full(self.tokens.size, complete)  # any other token ends the number: only a whole one
        for token_id, digits, spaced in self.tokens.digits:
            mask[token_id] = (complete and digits in self.prefixes) if spaced else normalise(run + digits) in self.prefixes
        if self.mixed.size:
            mask[self.mixed] = complete & self._fresh[self.mixed]
        if in_number and self.tokens.digit_led.size:
            mask[self.tokens.digit_led] = False  # "12" + "5%" would write 125%
        if in_number:  # a separator may go on with the number, or close a whole one
            mask[self.tokens.commas] = complete or number in self.digit_followed
            mask[self.tokens.dots] = complete or f"{number}." in self.prefixes
        if not mask.any():  # a run no allowed number explains ("4.,"): never leave the model no way on
            return self._fresh.copy()
        return mask
