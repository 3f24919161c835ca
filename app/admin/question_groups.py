"""Similar unanswered questions grouped together, so the owner sees what the deck is missing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from app.conversation_log import UnansweredQuestion

# Cosine similarity at which a question joins a group (all-MiniLM-L6-v2, normalised vectors).
# Measured on investor questions: paraphrases score 0.45-0.93 ("How much are you raising?" /
# "What amount are you raising?" 0.93, "Who is the CTO?" / "Who is your chief technology officer?"
# 0.55), while other topics of the same field reach 0.5-0.6 (valuation / revenue 0.62). No value
# separates them; 0.5 keeps most paraphrases together and the owner still sees every wording.
SIMILARITY_THRESHOLD = 0.5

# The newest this many questions are grouped: embedding them on the page's request takes seconds
# on a CPU, and the greedy pass compares each question with every group.
MAX_QUESTIONS = 2000


@dataclass(frozen=True)
class QuestionGroup:
    """Questions that ask much the same thing; `representative` is the most typical wording."""

    representative: str
    questions: list[UnansweredQuestion]  # newest first

    @property
    def count(self) -> int:
        return len(self.questions)

    @property
    def decks(self) -> list[str]:
        return sorted({q.deck for q in self.questions})

    @property
    def last_asked(self) -> datetime:
        return max(q.asked for q in self.questions)


def group_questions(questions: Sequence[UnansweredQuestion], vectors: np.ndarray,
                    threshold: float = SIMILARITY_THRESHOLD) -> list[QuestionGroup]:
    """Greedy grouping by cosine similarity (rows of `vectors` are normalised, one per question).

    Each question joins the group whose first question it resembles most, when that similarity
    reaches `threshold`, or starts a group of its own. Biggest groups first, then most recent.
    """
    if len(questions) != len(vectors):
        raise ValueError(f"{len(questions)} questions but {len(vectors)} vectors")
    if not questions:
        return []
    members = _greedy_members(vectors, threshold)
    groups = [QuestionGroup(questions[_most_typical(vectors, rows)].question, [questions[i] for i in rows])
              for rows in members]
    return sorted(groups, key=lambda g: (g.count, g.last_asked), reverse=True)


def _greedy_members(vectors: np.ndarray, threshold: float) -> list[list[int]]:
    """Row numbers per group; a group is compared by its first row so it cannot drift off topic."""
    leaders = np.empty_like(vectors)  # the first `len(members)` rows are in use
    members: list[list[int]] = []
    for row, vector in enumerate(vectors):
        similarities = leaders[:len(members)] @ vector
        if similarities.size and similarities.max() >= threshold:
            members[int(similarities.argmax())].append(row)
        else:
            leaders[len(members)] = vector
            members.append([row])
    return members


def _most_typical(vectors: np.ndarray, rows: list[int]) -> int:
    """The row closest, on the whole, to the other rows of its group."""
    group = vectors[rows]
    return rows[int(np.argmax((group @ group.T).sum(axis=1)))]
