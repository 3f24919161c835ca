"""A scripted Generator for tests where the model is incidental (errors, logging, limits)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from app.generation.base import GenerationError, GenerationParams, Message, until_stop
from app.generation.prompt_formats import RendersLocally, choose_format


def visible_template(messages: list[Message]) -> str:
    """A plain chat template whose every part can be read in a test's assertion."""
    return "".join(f"<{m['role']}>{m['content']}</{m['role']}>" for m in messages) + "<assistant>"


class ScriptedGenerator(RendersLocally):
    """Answers with queued texts (or raises a queued error), word by word, as a local backend would:
    the prompt rendered by its format (kept in `prompts`), the reply cut at the format's stop strings."""

    model_id = "scripted"
    context_window = 2048
    own_template = staticmethod(visible_template)  # None: a model file without a chat template

    def __init__(self, *replies: str | Exception, prompt_format: str = "auto"):
        self.replies = list(replies)
        self.prompts: list[str] = []
        self.format = choose_format(prompt_format, self.model_id, self.own_template)

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def special_tokens(self) -> list[str]:
        return ["<|im_start|>", "<|im_end|>"]

    def stream(self, messages: Sequence[Message], params: GenerationParams) -> Iterator[str]:
        self.prompts.append(self.render(messages))
        reply = self.replies.pop(0) if self.replies else "It is in the documents [1]."
        if isinstance(reply, Exception):
            raise GenerationError(str(reply))
        words = reply.split(" ")
        yield from until_stop([words[0], *(" " + word for word in words[1:])], params.stop + self.format.stop)


def scripted_pipeline(index_dir, embedder, *replies: str | Exception):
    """The real retrieval, evidence units, decision and checks around a scripted model."""
    from app.rag.answer import AnswerPipeline, AnswerSettings
    from app.rag.retrieval import FaissRetriever

    return AnswerPipeline(FaissRetriever(index_dir, embedder), lambda: ScriptedGenerator(*replies),
                          AnswerSettings(write_answers=True))
