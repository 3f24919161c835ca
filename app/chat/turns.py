"""One turn's life in the conversation log, the same for both chat endpoints."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from app.conversation_log import SqlConversationLog
from app.rag.result import INTERRUPTED, AnswerResult

log = logging.getLogger(__name__)


class TurnRecorder:
    """Stores a turn whole (`record`), or begins it before the first token and finishes it after the
    last (`begin`, `finish`), so that a server killed mid-answer leaves the question logged as
    interrupted. A log that stays unreachable never costs the reader the answer: the turn then goes to
    the error log (question, answer, sources) for the owner, and the message id is None."""

    def __init__(self, open_log: Callable[[], SqlConversationLog], session_id: str, deck: str, question: str):
        # The log is opened inside each write's guard: opening it (its migrations) can fail too.
        self.open_log, self.session_id, self.deck, self.question = open_log, session_id, deck, question
        self.message_id: int | None = None

    def record(self, result: AnswerResult) -> int | None:
        self.message_id = self._write(result, "record_turn", self.session_id, self.deck, self.question, result)
        return self.message_id

    def begin(self) -> None:
        # Not reported if it fails: `finish` tries the whole turn again and reports that.
        self.message_id = self._write(None, "begin_turn", self.session_id, self.deck, self.question, INTERRUPTED)

    def finish(self, result: AnswerResult) -> int | None:
        if self.message_id is None:  # the log was unreachable at the start: one more try, whole
            return self.record(result)
        if self._write(result, "finish_turn", self.message_id, result) is False:  # purged meanwhile
            return self.record(result)
        return self.message_id  # if the write failed, the turn stays "interrupted" and was reported

    def _write(self, result: AnswerResult | None, method: str, *args):
        try:
            return getattr(self.open_log(), method)(*args)
        except SQLAlchemyError:
            if result is not None:
                turn = {"session_id": self.session_id, "deck": self.deck, "question": self.question,
                        "answer": result.answer, "refused": result.refused, "error": result.error,
                        "model": result.model_id, "sources": [(s.doc, s.page) for s in result.sources],
                        "generation_ms": round(result.generation_ms)}
                log.exception("conversation log unavailable; turn not stored: %s",
                              json.dumps(turn, ensure_ascii=False, default=str)[:4000])
            return None
