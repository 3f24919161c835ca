"""What the answer pipeline returns: the reader's answer, the sources it rests on and what it cost.

Plain data, importable without the answer path's machinery (FAISS, the embedder): the chat routes
and the conversation log take these records, and `flask --help` does not load what answers.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ingest.chunk import Chunk

if TYPE_CHECKING:
    from app.rag.verdict import Verdict

SNIPPET_CHARS = 300
INTERRUPTED = "interrupted: the reader left before the answer was finished"


@dataclass(frozen=True)
class Source:
    """A page the answer can cite (DESIGN.md section 4), and whether the answer rests on it."""

    doc: str
    page: int | None
    kind: str
    title: str | None
    snippet: str | None = None
    score: float = 0.0
    used: bool = False

    @classmethod
    def of(cls, chunk: Chunk, score: float, around: str | None = None) -> Source:
        """The chunk as a source; its snippet starts at `around` (an evidence window, its lines one per line)
        when the start would cut it."""
        text = re.sub(r"\s+", " ", chunk.text).strip()
        start = text.find(" ".join(around.split("\n")[0].split())) if around else -1
        snippet = text
        if start > 0 and start + len(" ".join(around.split())) > SNIPPET_CHARS - 3:
            snippet = "..." + text[start:]
        if len(snippet) > SNIPPET_CHARS:
            snippet = snippet[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "..."
        return cls(chunk.doc, chunk.page, chunk.kind, chunk.title, snippet, round(score, 4))

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass
class AnswerResult:
    """What the reader is told, with what it rests on and what it cost."""

    answer: str
    refused: bool
    sources: list[Source] = field(default_factory=list)
    retrieved: list[dict] = field(default_factory=list)  # all top-k hits, for evaluation
    model_id: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    retrieval_ms: float = 0.0
    generation_ms: float = 0.0
    error: str | None = None
    grounded: bool | None = None  # None: nothing stated to check (refusal, error)
    # The line of the documents the answer rests on, word for word: {"text", "source" (0-based index
    # into sources)}. Shown with every answer so the reader can check it.
    quote: dict | None = None
    model_answer: str | None = None  # the model's own text, when the reader is shown something else
    why: str = ""  # how the verdict was reached ("extracted", "written", "quoted", "refused: ...")
    evidence: list[str] = field(default_factory=list)  # the evidence windows, best first (evaluation)
    features: dict = field(default_factory=dict)  # what the refusal decision saw (evaluation)
    # The founders' curated answer given (or offered as related): {"id", "question", "date", "same"}.
    curated: dict | None = None

    @property
    def curated_id(self) -> int | None:
        """The curated answer the reader was given as the answer (not one offered as related)."""
        return self.curated["id"] if self.curated and self.curated.get("same") else None

    def __post_init__(self) -> None:
        # Sources may also be given in their public JSON shape (the log's readers and tests do).
        self.sources = [s if isinstance(s, Source) else Source(**s) for s in self.sources]

    def settle(self, verdict: Verdict) -> None:
        """Take the verdict: the answer, its quote and the sources it rests on."""
        self.answer, self.refused, self.why, self.model_answer = (verdict.answer, verdict.refused, verdict.why,
                                                                  verdict.model_text)
        self.quote = {"text": verdict.quote.text, "source": verdict.quote.source} if verdict.quote else None
        self.sources = [dataclasses.replace(s, used=i in verdict.used) for i, s in enumerate(self.sources)]
        self.grounded = None if verdict.refused else True
