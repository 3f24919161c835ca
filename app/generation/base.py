"""The Generator interface every language-model backend implements."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class GenerationParams:
    """Decoding settings; greedy by default because answers must be reproducible."""

    max_new_tokens: int = 64
    temperature: float = 0.0
    top_p: float = 1.0
    repetition_penalty: float = 1.0
    num_beams: int = 1  # beam search (transformers only; answers then arrive in one piece)
    # Answers are one short paragraph; small models pad them with repeats after a blank line.
    stop: tuple[str, ...] = ("\n\n",)
    # The only figures the answer may state (constrained decoding, number_constraint.py); None: any.
    allowed_numbers: frozenset[str] | None = None


BACKENDS = ("auto", "llamacpp", "transformers", "openai")
QUANTIZATIONS = ("none", "int8", "bnb-8bit", "bnb-4bit")


class GenerationError(Exception):
    """The model failed to load or to generate; logged with the turn, HTTP 503 to the client."""


class Generator(Protocol):
    model_id: str
    context_window: int
    has_chat_template: bool  # False: the pipeline picks a named prompt format instead

    def count_tokens(self, text: str) -> int: ...

    def render_chat(self, messages: list[dict[str, str]]) -> str: ...

    def special_tokens(self) -> list[str]: ...

    def stream(self, prompt: str, params: GenerationParams) -> Iterator[str]: ...
