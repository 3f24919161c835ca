"""A scripted Generator for tests where the model is incidental (errors, logging, limits)."""

from __future__ import annotations

from collections.abc import Iterator

from app.generation.base import GenerationError, GenerationParams


class ScriptedGenerator:
    """Answers with queued texts (or raises a queued error); renders a plain, visible prompt."""

    model_id = "scripted"
    context_window = 2048
    has_chat_template = True

    def __init__(self, *replies: str | Exception):
        self.replies = list(replies)
        self.prompts: list[str] = []

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def render_chat(self, messages: list[dict[str, str]]) -> str:
        return "".join(f"<{m['role']}>{m['content']}</{m['role']}>" for m in messages) + "<assistant>"

    def special_tokens(self) -> list[str]:
        return ["<|im_start|>", "<|im_end|>"]

    def stream(self, prompt: str, params: GenerationParams) -> Iterator[str]:
        self.prompts.append(prompt)
        reply = self.replies.pop(0) if self.replies else "It is in the documents [1]."
        if isinstance(reply, Exception):
            raise GenerationError(str(reply))
        yield from reply.split(" ")[:1]
        for word in reply.split(" ")[1:]:
            yield " " + word


def scripted_pipeline(index_dir, embedder, *replies: str | Exception):
    """The real retrieval, evidence units, decision and checks around a scripted model."""
    from app.rag.answer import AnswerPipeline, AnswerSettings
    from app.rag.retrieval import FaissRetriever

    return AnswerPipeline(FaissRetriever(index_dir, embedder), lambda: ScriptedGenerator(*replies),
                          AnswerSettings(write_answers=True))
