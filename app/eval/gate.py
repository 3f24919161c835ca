"""The re-index gate: a new build replaces the serving index only if retrieval did not get worse.

A deck folder may hold `qa.jsonl` (the `flask eval` format). `flask ingest` asks those questions of
the staged build and of the serving one with the same retrieval the server uses, and keeps the old
index when hit@k fell by more than the margin (unless forced).
"""

from __future__ import annotations

from pathlib import Path

from app.eval.metrics import is_hit
from app.eval.qa_file import QAFileError, read_qa_file
from app.rag.retrieval import DeckSearcher, EmbeddingMismatch, check_embedder
from ingest.embedding import Embedder
from ingest.pipeline import GateVerdict
from ingest.store import load_build


class RetrievalGate:
    """Compares hit@1 and hit@k of a staged build with the serving build on the deck's own questions."""

    def __init__(self, embedder: Embedder, k: int, margin: float, hybrid: bool = True, force: bool = False):
        self.embedder = embedder
        self.k = k
        self.margin = margin
        self.hybrid = hybrid
        self.force = force

    def check(self, deck: str, questions: Path, staged: Path, current: Path | None) -> GateVerdict:
        try:
            # Only answerable questions have a gold page to find.
            items = [q for q in read_qa_file(questions) if q.get("answer") is not None]
        except (QAFileError, OSError) as exc:
            return self._verdict(False, f"{exc}; fix {questions.name} or rerun with --force", {})
        if not items:
            return GateVerdict(True, f"{questions.name} has no answerable questions: nothing to compare")
        new = self._hits(deck, staged, items)
        figures = {"questions": len(items), "k": self.k, "new": new, "previous": None}
        previous = self._previous(deck, current, items)
        key = f"hit_at_{self.k}"
        if previous is None:
            return GateVerdict(True, f"{key} {new[key]:.3f} on {len(items)} questions (no previous index to compare)",
                               figures)
        figures["previous"] = previous
        change = f"{key} {previous[key]:.3f} -> {new[key]:.3f}, hit_at_1 {previous['hit_at_1']:.3f} -> " \
                 f"{new['hit_at_1']:.3f} on {len(items)} questions"
        if new[key] < previous[key] - self.margin:
            return self._verdict(False, f"retrieval got worse ({change}; margin {self.margin:g}): the previous "
                                        "index keeps serving; check the changed documents or rerun with --force",
                                 figures)
        return GateVerdict(True, change, figures)

    def _verdict(self, passed: bool, summary: str, figures: dict) -> GateVerdict:
        if not passed and self.force:
            return GateVerdict(True, f"forced: {summary}", figures)
        return GateVerdict(passed, summary, figures)

    def _previous(self, deck: str, current: Path | None, items: list[dict]) -> dict | None:
        """The serving build's figures; None when there is none or it used another embedder."""
        if current is None or not (current / "manifest.json").is_file():
            return None
        try:
            return self._hits(deck, current, items)
        except EmbeddingMismatch:
            return None  # built with another embedder: its vectors cannot answer this one's queries

    def _hits(self, deck: str, build: Path, items: list[dict]) -> dict:
        index = load_build(build, deck)
        check_embedder(index, self.embedder)
        searcher = DeckSearcher(index, self.embedder, self.hybrid)
        first = top = 0
        for item in items:
            hits = searcher.search(item["question"], self.k)
            sources = [{"doc": h.chunk.doc, "page": h.chunk.page} for h in hits]
            page = item.get("page_or_slide")
            first += is_hit(sources[:1], item["doc"], page)
            top += is_hit(sources, item["doc"], page)
        return {"hit_at_1": round(first / len(items), 3), f"hit_at_{self.k}": round(top / len(items), 3)}
