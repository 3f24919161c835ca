"""The curated answers' paraphrase set (eval/curated/): 20 curated questions, 60 reader paraphrases of
them and 60 unrelated questions, split by curated question into a tuning and a validation half."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.config import REPO_ROOT

SET_DIR = REPO_ROOT / "eval" / "curated"


@dataclass(frozen=True)
class Probe:
    question: str
    curated: str | None  # the curated question's id it paraphrases; None: unrelated
    split: str


def load_set(folder: Path = SET_DIR) -> tuple[list[dict], list[Probe]]:
    curated = [json.loads(line) for line in (folder / "curated_answers.jsonl").read_text().splitlines() if line]
    probes = [Probe(**json.loads(line)) for line in (folder / "probe_questions.jsonl").read_text().splitlines()
              if line]
    return curated, probes


def best_scores(curated: list[dict], probes: list[Probe], embed) -> list[tuple[float, str]]:
    """For each probe, its best cosine to a curated question and that question's id."""
    questions = np.asarray(embed([c["question"] for c in curated]), dtype=np.float32)
    asked = np.asarray(embed([p.question for p in probes]), dtype=np.float32)
    scores = asked @ questions.T
    return [(float(row.max()), curated[int(row.argmax())]["id"]) for row in scores]


def rates(probes: list[Probe], found: list[tuple[float, str]], threshold: float, split: str) -> dict:
    """Share of paraphrases given their own curated answer, and of unrelated questions given any."""
    pos = [(s, cid == p.curated) for p, (s, cid) in zip(probes, found, strict=True) if p.split == split and p.curated]
    neg = [s for p, (s, _) in zip(probes, found, strict=True) if p.split == split and not p.curated]
    return {"split": split, "paraphrases": len(pos), "unrelated": len(neg),
            "paraphrase_matched": round(sum(s >= threshold and ok for s, ok in pos) / len(pos), 3),
            "paraphrase_wrong_answer": round(sum(s >= threshold and not ok for s, ok in pos) / len(pos), 3),
            "unrelated_matched": round(sum(s >= threshold for s in neg) / len(neg), 3)}


def lowest_threshold(probes: list[Probe], found: list[tuple[float, str]], split: str, max_unrelated: float) -> float:
    """The lowest threshold at which at most `max_unrelated` of the split's unrelated questions match."""
    candidates = sorted({round(s, 4) for s, _ in found})
    for threshold in candidates:
        if rates(probes, found, threshold, split)["unrelated_matched"] <= max_unrelated:
            return threshold
    return 1.0
