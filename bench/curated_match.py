"""How often a reader's paraphrase of a curated question gets the founders' answer, and an unrelated
question gets one it should not: eval/curated/ (60 paraphrases of 20 curated questions, 60 unrelated),
through the shipped matcher (app/curated/, the thresholds in match.json fitted on the tuning half only),
with the curated answers stored in a real SQLite log.

    .venv/bin/python bench/curated_match.py

Prints both halves: `given` (the paraphrase got its own curated answer), `wrong` (another curated
answer), `unrelated given` (an unrelated question got one), and, below the threshold, how many were
offered it as related. Targets (issue 16): paraphrases >= 0.90, unrelated <= 0.02.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from app.conversation_log import SqlConversationLog  # noqa: E402
from app.curated.matcher import CuratedMatcher, Thresholds  # noqa: E402
from app.curated.store import CuratedAnswers  # noqa: E402
from app.eval.curated_set import load_set  # noqa: E402
from ingest.embedding import SentenceTransformerEmbedder  # noqa: E402


def main() -> None:
    curated, probes = load_set()
    embedder = SentenceTransformerEmbedder()
    with tempfile.TemporaryDirectory() as folder:
        log = SqlConversationLog(f"sqlite:///{folder}/bench.sqlite3")
        store = CuratedAnswers(log.sessions)
        ids = {store.add("bench", c["question"], c["answer"]).id: c["id"] for c in curated}
        matcher = CuratedMatcher(lambda: store, embedder.embed)
        started = time.perf_counter()
        matches = [matcher.best("bench", p.question) for p in probes]
        per_question_ms = (time.perf_counter() - started) * 1000 / len(probes)
    thresholds = Thresholds.load()
    print(f"thresholds: same >= {thresholds.same}, related >= {thresholds.related} (fitted on the tuning half)")
    print(f"{'half':<11} {'paraphrases':>11} {'given':>6} {'wrong':>6} {'related':>8} {'unrelated':>9} "
          f"{'given':>6} {'related':>8}")
    for split in ("tuning", "validation"):
        pos = [(m, p) for m, p in zip(matches, probes, strict=True) if p.split == split and p.curated]
        neg = [m for m, p in zip(matches, probes, strict=True) if p.split == split and not p.curated]
        given = sum(1 for m, p in pos if m and m.same and ids[m.curated.id] == p.curated) / len(pos)
        wrong = sum(1 for m, p in pos if m and m.same and ids[m.curated.id] != p.curated) / len(pos)
        related = sum(1 for m, p in pos if m and not m.same and ids[m.curated.id] == p.curated) / len(pos)
        false_given = sum(1 for m in neg if m and m.same) / len(neg)
        false_related = sum(1 for m in neg if m and not m.same) / len(neg)
        print(f"{split:<11} {len(pos):>11} {given:>6.3f} {wrong:>6.3f} {related:>8.3f} {len(neg):>9} "
              f"{false_given:>6.3f} {false_related:>8.3f}")
    print(f"{per_question_ms:.1f} ms per question (20 curated answers, each wording embedded once)")


if __name__ == "__main__":
    main()
