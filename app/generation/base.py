"""The Generator interface every language-model backend implements."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

# One turn of a conversation: {"role": "system" | "user" | "assistant", "content": text}. Backends
# take messages; each renders them as its model expects (its chat template, a named format, or the
# OpenAI-compatible server's own), so no prompt string crosses this boundary.
Message = dict[str, str]


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


BACKENDS = ("auto", "llamacpp", "transformers", "openai")
QUANTIZATIONS = ("none", "int8", "bnb-8bit", "bnb-4bit")


class GenerationError(Exception):
    """The model failed to load or to generate; logged with the turn, HTTP 503 to the client."""


class Generator(Protocol):
    model_id: str
    context_window: int

    def count_tokens(self, text: str) -> int:
        """Tokens of plain text (an answer, a context block)."""

    def prompt_tokens(self, messages: Sequence[Message]) -> int:
        """Tokens of the whole prompt these messages become, as this backend renders them."""

    def special_tokens(self) -> list[str]:
        """Control markers that must never reach the model from documents or questions."""

    def stream(self, messages: Sequence[Message], params: GenerationParams) -> Iterator[str]:
        """The assistant's reply as text deltas, never a stop string or what follows it;
        closing the iterator stops the model."""


def until_stop(deltas: Iterable[str], stops: Sequence[str]) -> Iterator[str]:
    """Deltas up to the first stop string, for backends whose model may write the stop string itself.

    Text that could be the start of a stop string is held back until the next delta settles it.
    """
    stops = [s for s in stops if s]
    held = ""
    try:
        for delta in deltas:
            held += delta
            cuts = [held.find(s) for s in stops if s in held]
            if cuts:
                if held[:min(cuts)]:
                    yield held[:min(cuts)]
                return
            keep = max((n for s in stops for n in range(len(s) - 1, 0, -1) if held.endswith(s[:n])), default=0)
            if len(held) > keep:
                yield held[:len(held) - keep]
                held = held[len(held) - keep:]
        if held:
            yield held
    finally:
        close = getattr(deltas, "close", None)
        if close:
            close()  # the model stops here, not at its token limit
