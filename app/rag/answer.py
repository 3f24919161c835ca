"""The answer pipeline: retrieve, build the prompt, generate, detect refusal, collect sources."""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from app.generation.base import GenerationError, GenerationParams, Generator
from app.generation.number_constraint import numbers_in
from app.rag.evidence import LineSelector, Selection, shares_no_terms
from app.rag.followup import retrieval_query
from app.rag.answer_type import expected_type
from app.rag.grounding import check as check_grounding
from app.rag.grounding import facts, states, strip_citations
from app.rag.injection import without_instructions
from app.rag.lexical import fuse
from app.rag.prompt_formats import UnknownPromptFormat, format_for_model, format_named
from app.rag.prompting import (REFUSAL_SENTENCE, ChatTemplateFormat, PromptBuilder, PromptFormat,
                               leaks_system_prompt, recital_start)
from app.rag.refusal import is_refusal
from app.rag.retrieval import Retriever, ScoredChunk

log = logging.getLogger(__name__)

SNIPPET_CHARS = 300
INTERRUPTED = "interrupted: the reader left before the answer was finished"
QUOTED_ANSWER = "The documents say: \u201c{quote}\u201d"


@dataclass
class AnswerResult:
    """What the reader is told, with what it rests on and what it cost."""

    answer: str
    refused: bool
    sources: list[dict] = field(default_factory=list)
    retrieved: list[dict] = field(default_factory=list)  # all top-k hits, for evaluation
    model_id: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    retrieval_ms: float = 0.0
    generation_ms: float = 0.0
    error: str | None = None
    grounded: bool | None = None  # None: no model answer to check (refusal, error)
    unsupported: list[str] = field(default_factory=list)  # numbers and names found in no block
    # The line of the documents that best answers the question, word for word: {"text", "source"
    # (0-based index into sources)}. Shown with every answer so the reader can check it.
    quote: dict | None = None
    model_answer: str | None = None  # the model's own text, when the reader is shown something else


@dataclass(frozen=True)
class AnswerSettings:
    top_k: int = 5
    evidence_lines: int = 4  # 0 gives the model whole chunks
    min_score: float = 0.2
    context_tokens: int = 800
    params: GenerationParams = GenerationParams()
    # "auto": the model's own chat template, else the format its name reveals (prompt_formats.py).
    prompt_format: str = "auto"
    history_tokens: int = 200  # earlier turns shown to the model (0: none)
    # An ungrounded answer (a number or name found in no context block) is replaced by the refusal
    # when the evidence is weak: the supporting quote's line score (the best chunk's score when there
    # is no quote) is below this. Weak evidence plus invented facts is the mark of a question the
    # documents do not answer. Line scores run from about -0.5 to 1.5 (docs/architecture.md).
    ungrounded_refusal_score: float = 0.6
    # Constrained decoding: the model may write only figures found in its evidence or the question.
    constrain_numbers: bool = False


def source_of(hit: ScoredChunk) -> dict:
    """The public shape of a source (DESIGN.md section 4)."""
    chunk = hit.chunk
    snippet = re.sub(r"\s+", " ", chunk.text).strip()
    if len(snippet) > SNIPPET_CHARS:
        snippet = snippet[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "..."
    return {"doc": chunk.doc, "page": chunk.page, "kind": chunk.kind, "title": chunk.title,
            "snippet": snippet, "score": round(hit.score, 4)}


class AnswerPipeline:
    """Answers one question about one deck from its documents only."""

    def __init__(self, retriever: Retriever, generator: Callable[[], Generator], settings: AnswerSettings,
                 selector: LineSelector | None = None):
        self.retriever = retriever
        self._generator = generator  # loaded on first use: retrieval-only refusals never wait for it
        self.settings = settings
        self.selector = selector if settings.evidence_lines else None

    def _format(self, generator: Generator) -> tuple[PromptFormat, GenerationParams]:
        """The prompt format for this model, and decoding settings with that format's stop strings."""
        name, params = self.settings.prompt_format, self.settings.params
        if name == "auto" and generator.has_chat_template:
            return ChatTemplateFormat(generator.render_chat), params
        fmt = format_for_model(generator.model_id) if name == "auto" else format_named(name)
        return fmt, dataclasses.replace(params, stop=params.stop + fmt.stop)

    def _builder(self, generator: Generator, fmt: PromptFormat) -> PromptBuilder:
        budget = generator.context_window - self.settings.params.max_new_tokens
        return PromptBuilder(fmt, generator.count_tokens, generator.special_tokens(),
                             self.settings.context_tokens, budget, self.settings.history_tokens)

    def answer(self, deck: str, question: str, history: list[tuple[str, str]] | None = None) -> AnswerResult:
        """Retrieve, then either refuse (nothing relevant) or ask the model; the whole answer at once."""
        stream = self.start(deck, question, history)
        for _ in stream:
            pass
        return stream.result

    def start(self, deck: str, question: str, history: list[tuple[str, str]] | None = None) -> AnswerStream:
        """Retrieve and build the prompt; the returned stream yields the model's text as it comes.

        `history` holds the session's earlier (question, answer) pairs, oldest first.
        """
        started = time.perf_counter()
        # Earlier answers' [n] marks cite that turn's blocks, not this one's: the model must not copy them.
        history = [(q, " ".join(strip_citations(a).split())) for q, a in history or []]
        query = retrieval_query(question, history)
        # Earlier turns matter only to a follow-up; a standalone question is answered on its own.
        history = history if query != question else []
        hits = self.retriever.retrieve(deck, query, self.settings.top_k)
        if history:  # a follow-up: what it says itself counts as much as what it refers to
            hits = fuse_hits([self.retriever.retrieve(deck, question, self.settings.top_k), hits], self.settings.top_k)
        retrieved = [source_of(h) for h in hits]
        relevant = [h for h in hits if h.score >= self.settings.min_score]
        if not relevant:
            return AnswerStream(AnswerResult(REFUSAL_SENTENCE, True, [], retrieved,
                                             retrieval_ms=(time.perf_counter() - started) * 1000))
        selection = self.selector.selection(query, relevant, question) if self.selector else Selection(relevant, None)
        if selection.missing:  # look twice as deep before concluding the documents do not state it
            wider = [h for h in self.retriever.retrieve(deck, query, 2 * self.settings.top_k)
                     if h.score >= self.settings.min_score]
            selection = self.selector.selection(query, wider, question)
        retrieval_ms = (time.perf_counter() - started) * 1000  # line selection included
        if selection.missing:  # asks for an amount (say) that no relevant line states: the model would invent one
            log.info("refused without the model: no relevant line states a %s", selection.missing.name)
            return AnswerStream(AnswerResult(REFUSAL_SENTENCE, True, [], retrieved, retrieval_ms=retrieval_ms))
        try:
            generator = self._generator()
            fmt, params = self._format(generator)
        except (GenerationError, UnknownPromptFormat) as exc:
            return AnswerStream(AnswerResult("", False, [], retrieved, retrieval_ms=retrieval_ms, error=str(exc)))
        prompt = self._builder(generator, fmt).build(question, selection.hits, history)
        if not prompt.chunks:  # nothing fits the budget: the model would answer from thin air
            return AnswerStream(AnswerResult(REFUSAL_SENTENCE, True, [], retrieved, retrieval_ms=retrieval_ms))
        result = AnswerResult("", False, [source_of(h) for h in prompt.chunks], retrieved,
                              generator.model_id, prompt.tokens, retrieval_ms=retrieval_ms)
        if self.settings.constrain_numbers:
            params = dataclasses.replace(params, allowed_numbers=numbers_in([h.chunk.text for h in prompt.chunks] + [question]))
        strength = selection.quote.score if selection.quote else max(h.score for h in hits)
        ids = [h.chunk.id for h in prompt.chunks]
        if selection.quote and selection.quote.chunk_id in ids:
            result.quote = {"text": selection.quote.text, "source": ids.index(selection.quote.chunk_id)}
        return AnswerStream(result, generator, prompt.text, params,
                            Evidence([without_instructions(h.chunk.text) for h in prompt.chunks], question,
                                     strength < self.settings.ungrounded_refusal_score))


def fuse_hits(rankings: list[list[ScoredChunk]], k: int) -> list[ScoredChunk]:
    """Reciprocal rank fusion of several retrievals; each chunk keeps its best score."""
    best: dict[str, ScoredChunk] = {}
    for ranking in rankings:
        for hit in ranking:
            if hit.chunk.id not in best or hit.score > best[hit.chunk.id].score:
                best[hit.chunk.id] = hit
    ids = list(best)
    row_of = {chunk_id: row for row, chunk_id in enumerate(ids)}
    rows = [[row_of[hit.chunk.id] for hit in ranking] for ranking in rankings]
    return [best[ids[row]] for row in fuse(rows, k)]


def cut_at_stop(text: str, stops: tuple[str, ...]) -> str:
    """The text before the first stop string (backends may emit the stop string itself)."""
    cuts = [text.find(stop) for stop in stops if stop and stop in text]
    return text[:min(cuts)] if cuts else text


@dataclass(frozen=True)
class Evidence:
    """What the answer is checked against once it is complete."""

    blocks: list[str]
    question: str
    # The best line (or chunk) scored under DECKCHAT_UNGROUNDED_REFUSAL_SCORE: invented facts then
    # mean "not in here", and the model saying so is believed.
    weak: bool = False

    def judge(self, result: AnswerResult, text: str) -> None:
        """Settle the answer from the model's finished text: refusal, its own words, or the quote.

        Marks the sources the answer rests on and whether its facts are all in the evidence.
        """
        result.answer = text
        # Reciting its rules (SmolLM2 often parrots them; a reader or a document may ask for them) is
        # no answer, and the rules are not for readers: treated as a refusal, never shown.
        overruled = is_refusal(text) or leaks_system_prompt(text)
        if overruled:
            if self.weak or result.quote is None:
                self._refuse(result, text)
                return
            # The model says the documents do not answer, but a strong line does: show that line.
            self._quote_instead(result, text)
        grounding = check_grounding(result.answer, self.blocks, self.question)
        # Words the evidence never mentions ("HACKED", a poem): not an answer from these documents.
        unrelated = (not overruled and not grounding.used
                     and shares_no_terms(strip_citations(result.answer), [*self.blocks, self.question]))
        grounded = grounding.grounded and not unrelated
        result.grounded, result.unsupported = grounded, grounding.unsupported
        for index, source in enumerate(result.sources):
            source["used"] = index in grounding.used
        cited = grounding.cited and not overruled  # a "[2]" inside the quoted line is the document's own
        if (not grounded and self.weak) or (unrelated and result.quote is None):
            self._refuse(result, text)
            return
        if result.quote and (not grounded or self._misses_the_quoted_figure(result)):
            # The model's sentence states what no block holds, or answers a "how much" with another
            # line's figure: the documents' own words instead, resting on the quote's block alone.
            self._quote_instead(result, text)
            result.grounded, cited = True, False
            for source in result.sources:
                source["used"] = False
        if result.quote:  # the quote shown with the answer is evidence it rests on
            result.sources[result.quote["source"]]["used"] = True
        if not cited:  # say which blocks the answer rests on, as a model that cites would
            marks = "".join(f"[{i + 1}]" for i, s in enumerate(result.sources) if s.get("used"))
            result.answer = f"{result.answer} {marks}" if marks else result.answer

    def _misses_the_quoted_figure(self, result: AnswerResult) -> bool:
        """A question asking for a figure, a quoted line stating one, and an answer without it.

        SmolLM2 often copies a figure from the wrong block ("How much are they raising?" answered
        with the market size); the quote is the line ranked best for the question among those
        stating such a figure (app/rag/evidence.py).
        """
        wanted = expected_type(self.question)
        if wanted is None or not wanted.stated_in(result.quote["text"]):
            return False
        figures = [f for f in facts(strip_citations(result.answer)) if f[0].isdigit()]
        return not any(states(result.quote["text"], f) for f in figures)

    @staticmethod
    def _quote_instead(result: AnswerResult, text: str) -> None:
        result.answer, result.model_answer = QUOTED_ANSWER.format(quote=result.quote["text"]), text

    @staticmethod
    def _refuse(result: AnswerResult, text: str) -> None:
        result.refused, result.answer, result.quote = True, REFUSAL_SENTENCE, None
        for source in result.sources:  # a refusal rests on no source (the log and the widget show none)
            source["used"] = False
        result.model_answer = text if text != REFUSAL_SENTENCE else None


class AnswerStream:
    """One answer in the making: its sources are known up front, its text arrives in deltas.

    Iterate to receive the deltas; afterwards `result` holds the final answer (a refusal replaced by
    the fixed sentence). Closing it early (the reader left) stops the model and marks the partial
    answer as interrupted in `result.error`.
    """

    def __init__(self, result: AnswerResult, generator: Generator | None = None, prompt: str = "",
                 params: GenerationParams | None = None, evidence: Evidence | None = None):
        self.result = result
        self._evidence = evidence
        self._generator = generator
        self._prompt = prompt
        self._params = params

    def __iter__(self) -> Iterator[str]:
        if self._generator is None:
            return  # decided without the model (refusal or load failure): nothing streams
        result, parts = self.result, []
        started = time.perf_counter()
        deltas = self._generator.stream(self._prompt, self._params or GenerationParams())
        finished = False
        sent = 0  # characters of the text already given to the reader
        try:
            for delta in deltas:
                parts.append(delta)
                text = "".join(parts)
                if leaks_system_prompt(text):  # reciting its rules: stop here; judge() shows none of it
                    finished = True
                    break
                # Trailing words that could open a recital wait until the next ones show they do not.
                safe = recital_start(text)
                if safe > sent:
                    yield text[sent:safe]
                    sent = safe
            else:
                finished = True
                text = "".join(parts)
                if len(text) > sent:
                    yield text[sent:]
        except GenerationError as exc:
            log.exception("generation failed for model %s", result.model_id)
            result.error = str(exc)
        finally:
            close = getattr(deltas, "close", None)
            if close:
                close()  # stops the model (and frees its lock) if the reader left mid-answer
            text = cut_at_stop("".join(parts), self._params.stop if self._params else ()).strip()
            result.generation_ms = (time.perf_counter() - started) * 1000
            result.completion_tokens = self._generator.count_tokens(text) if text else 0
            if finished:
                if self._evidence:
                    self._evidence.judge(result, text)
                else:  # nothing to check it against: only a refusal is told apart
                    result.refused = is_refusal(text)
                    result.answer = REFUSAL_SENTENCE if result.refused else text
            else:
                result.answer = text
                result.error = result.error or INTERRUPTED
