"""The answer pipeline: retrieve evidence, decide (refuse, extract, or let the model write), stream what stands."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterator
from collections.abc import Generator as Deltas
from dataclasses import dataclass

from app.curated.answers import curated_result, offer_related
from app.curated.matcher import CuratedMatcher
from app.generation.base import GenerationError, GenerationParams, Generator, Message
from app.rag.answer_checks import sentence_fault, split_sentences, without_label
from app.rag.answer_type import expected_type
from app.rag.followup import retrieval_query
from app.rag.grounding import strip_citations
from app.rag.injection import without_instructions
from app.rag.line_ranker import LineRanker
from app.rag.measure import measure_terms, names_measure
from app.rag.prompting import INSTRUCTIONS, PromptBuilder
from app.rag.refusal import is_refusal
from app.rag.refusal_model import RefusalModel, features
from app.rag.result import INTERRUPTED, AnswerResult, Source
from app.rag.retrieval import Retrieved, Retriever, ScoredChunk
from app.rag.subject import asks_overview
from app.rag.units import Unit, terms
from app.rag.verdict import Evidence, EvidenceLine, after_model, before_model, states_wanted

log = logging.getLogger(__name__)


def source_of(hit: ScoredChunk) -> dict:
    """The public shape of a retrieved chunk (for evaluation and the re-index gate)."""
    return Source.of(hit.chunk, hit.score).to_dict()


@dataclass(frozen=True)
class AnswerSettings:
    top_k: int = 5
    evidence_units: int = 8  # evidence units the verdict looks at (the fact must be among them)
    prompt_units: int = 4  # of those, the ones the model reads (a 135M model drifts on more)
    context_tokens: int = 800
    params: GenerationParams = GenerationParams()
    history_tokens: int = 200  # earlier turns shown to the model (0: none)
    # Questions asking for no figure or date: the best line is quoted (True: the model writes the
    # answer). The line measured better with the embedded 135M model, docs/architecture.md.
    write_answers: bool = False


class AnswerPipeline:
    """Answers one question about one deck from its documents only."""

    def __init__(self, retriever: Retriever, generator: Callable[[], Generator], settings: AnswerSettings,
                 refusal_model: RefusalModel | None = None, line_ranker: LineRanker | None = None,
                 curated: CuratedMatcher | None = None, titles: Callable[[str], str | None] | None = None):
        self.retriever = retriever
        self.titles = titles  # deck -> the owner's title for it (deck.toml), if one is set
        self.curated = curated  # the founders' own answers, asked first
        self._generator = generator  # loaded on first use: decisions without the model never wait for it
        self.settings = settings
        self.refusal_model = refusal_model or RefusalModel.load()
        self.line_ranker = line_ranker or LineRanker.load()

    def _builder(self, generator: Generator) -> PromptBuilder:
        budget = generator.context_window - self.settings.params.max_new_tokens
        return PromptBuilder(generator.prompt_tokens, generator.count_tokens, generator.special_tokens(),
                             self.settings.context_tokens, budget, self.settings.history_tokens)

    def answer(self, deck: str, question: str, history: list[tuple[str, str]] | None = None) -> AnswerResult:
        """The whole answer at once."""
        stream = self.start(deck, question, history)
        for _ in stream:
            pass
        return stream.result

    def _retrieve(self, deck: str, question: str, history: list[tuple[str, str]]) -> tuple[Retrieved, str]:
        query = retrieval_query(question, history)
        title = self.titles(deck) if self.titles else None
        found = self.retriever.evidence(deck, query, self.settings.top_k, self.settings.evidence_units, title,
                                        question)
        return found, query

    def start(self, deck: str, question: str, history: list[tuple[str, str]] | None = None) -> AnswerStream:
        """Retrieve and decide; the returned stream yields what the reader may see as it comes.

        `history` holds the session's earlier (question, answer) pairs, oldest first.
        """
        started = time.perf_counter()
        match = self.curated.best(deck, question) if self.curated else None
        if match is not None and match.same:  # the founders answered this question themselves
            result = curated_result(match)
            result.retrieval_ms = (time.perf_counter() - started) * 1000
            return AnswerStream(result)
        # Earlier answers' [n] marks cite that turn's blocks, not this one's: the model must not copy them.
        history = [(q, " ".join(strip_citations(a).split())) for q, a in history or []]
        found, query = self._retrieve(deck, question, history)
        history = history if query != question else []  # earlier turns matter only to a follow-up
        wanted = expected_type(question)
        sources, index_of = _sources(found, self.settings.top_k)
        # The evidence lines best first by the chance that the line itself states the answer.
        ranked = sorted(zip(found.units, self.line_ranker.scores(question, wanted, found)), key=lambda u: -u[1])
        measure = measure_terms(query, wanted, found.deck_units.common)
        asked = _searched_terms(found, query, measure)
        lines = tuple(EvidenceLine(h.unit.line, h.unit.text, index_of[h.unit.chunk.id], score, h.unit.context,
                                   found.deck_units.share(asked, _shown_terms(h.unit, measure)), h.unit.asked,
                                   h.unit.chunk.title or "")
                      for h, score in ranked)
        values = features(question, wanted, found.units, found.chunks, found.deck_units, states_wanted(wanted, lines))
        p = self.refusal_model.p_answerable(values)
        subject = (self.titles(deck) if self.titles else None) or found.deck_units.subject
        cover = _cover(found, sources, index_of) if lines and asks_overview(question, subject) else None
        evidence = Evidence(question, wanted, lines, p >= self.refusal_model.threshold, p,
                            found.deck_units.lowercase, cover, found.deck_units.proper)
        result = AnswerResult("", False, sources, [source_of(h) for h in found.chunks],
                              evidence=[e.window for e in lines], features={**values, "p_answerable": round(p, 4)})
        decided = before_model(evidence, self.settings.write_answers)
        result.retrieval_ms = (time.perf_counter() - started) * 1000
        if decided is not None:
            result.settle(decided)
            if result.refused and match is not None:  # the documents do not say; the founders said something near
                offer_related(result, match)
            return AnswerStream(result)
        try:
            generator = self._generator()
        except GenerationError as exc:
            result.error = str(exc)
            return AnswerStream(result)
        params = self.settings.params
        # The model reads the best windows (not the ranker's lines: the written answers were measured
        # with these, and in the ranker's order the embedded model wrote worse ones). Its answer is
        # quoted with whichever evidence line holds its facts.
        units = [(h.unit, h.score) for h in found.units]
        if cover is not None:  # "What do they do?": the model reads the deck's cover first
            units = [(found.deck_units.cover, 1.0), *((u, s) for u, s in units if u is not found.deck_units.cover)]
        blocks = [ScoredChunk(dataclasses.replace(unit.chunk, text=unit.text), score)
                  for unit, score in units[: self.settings.prompt_units]]
        prompt = self._builder(generator).build(question, blocks, history)
        if not prompt.chunks:  # nothing fits the budget: show the best line instead
            result.settle(after_model(evidence, "", ""))
            return AnswerStream(result)
        result.model_id, result.prompt_tokens = generator.model_id, prompt.tokens
        checks = SentenceChecks([without_instructions(h.chunk.text) for h in prompt.chunks], question)
        return AnswerStream(result, generator, prompt.messages, params, evidence, checks)


def _searched_terms(found: Retrieved, query: str, measure: frozenset[str]) -> set[str]:
    """The question's terms as the deck was searched for them (its idioms and acronyms, DeckUnits.query_for)
    and the words of what it measures ("team": employees, staff): what a line answering it would say."""
    units = found.deck_units
    return units.question_terms(units.query_for(query)) | measure


def _shown_terms(unit: Unit, measure: frozenset[str]) -> frozenset[str]:
    """The terms of what is quoted of the unit: its line (with a heading short enough to head it), or its
    whole window where the line alone says too little ("~$20M" under its label); with the document's own
    question its passage answers where that names what the reader's question measures ("How many packages are
    there?" heads "There are currently more than 2000"; "Which model weights are needed to run Docling?"
    does not head a code line for "How much GPU memory does Docling need to run?")."""
    shown = unit.line_terms if unit.shown == unit.line else unit.terms
    if measure and unit.asked and names_measure(measure, frozenset(terms(unit.asked))):
        return shown | terms(unit.asked)
    return shown


def _cover(found: Retrieved, sources: list[Source], index_of: dict[str, int]) -> EvidenceLine | None:
    """The deck's cover line for "What do they do?" (DeckUnits.cover), cited as a source (added to the
    sources when retrieval did not find its page)."""
    unit = found.deck_units.cover
    if unit is None:
        return None
    if unit.chunk.id not in index_of:
        index_of[unit.chunk.id] = len(sources)
        sources.append(Source.of(unit.chunk, 0.0, around=unit.text))
    return EvidenceLine(unit.line, unit.text, index_of[unit.chunk.id], 0.0, unit.context)


def _sources(found: Retrieved, k: int) -> tuple[list[Source], dict[str, int]]:
    """The chunks of the evidence units in rank order, then the retrieved chunks, k at least."""
    scores = {h.chunk.id: h.score for h in found.chunks}
    chunks: dict[str, Source] = {}
    for hit in found.units:
        chunk = hit.unit.chunk
        if chunk.id not in chunks:  # the snippet shows the chunk's best evidence line, from its window's start
            chunks[chunk.id] = Source.of(chunk, scores.get(chunk.id, hit.cosine), around=hit.unit.text)
    for hit in found.chunks:
        if len(chunks) >= k:
            break
        chunks.setdefault(hit.chunk.id, Source.of(hit.chunk, hit.score))
    return list(chunks.values()), {chunk_id: i for i, chunk_id in enumerate(chunks)}


@dataclass(frozen=True)
class SentenceChecks:
    """What each sentence of the model's answer is checked against before it is shown."""

    blocks: list[str]
    question: str
    rules: str = INSTRUCTIONS

    def fault(self, sentence: str, earlier: list[str]) -> str | None:
        return sentence_fault(sentence, earlier, self.blocks, self.question, self.rules)


class AnswerStream:
    """One answer in the making: its sources are known up front; iterate for what the reader may see.

    A decided answer (extracted fact, refusal) comes at once. A written one comes sentence by
    sentence, each shown only once it passed the checks, so nothing shown is ever taken back; the
    first sentence that fails (or a refusal) ends the model's turn. Afterwards `result` holds the
    verdict. Closing the stream early (the reader left) stops the model and marks the answer interrupted.
    """

    def __init__(self, result: AnswerResult, generator: Generator | None = None, messages: list[Message] | None = None,
                 params: GenerationParams | None = None, evidence: Evidence | None = None,
                 checks: SentenceChecks | None = None):
        self.result = result
        self._generator = generator
        self._messages = messages or []
        self._params = params or GenerationParams()
        self._evidence = evidence
        self._checks = checks

    def __iter__(self) -> Iterator[str]:
        if self._generator is None or self._evidence is None or self._checks is None:
            if not self.result.refused and not self.result.error and self.result.answer:
                yield self.result.answer  # decided before the model: all of it at once
            return
        result, parts, shown = self.result, [], []
        started = time.perf_counter()
        deltas = self._generator.stream(self._messages, self._params)
        finished = False
        try:
            for delta in deltas:
                parts.append(delta)
                done, _ = self._sentences(parts)
                if not (yield from self._show(done[len(shown):], shown)):
                    break
            else:  # the model finished: its last sentence may end without punctuation
                done, rest = self._sentences(parts)
                yield from self._show(done[len(shown):] + ([rest.strip()] if rest.strip() else []), shown)
            finished = True
        except GenerationError as exc:
            log.exception("generation failed for model %s", result.model_id)
            result.error = str(exc)
        finally:
            close = getattr(deltas, "close", None)
            if close:
                close()  # stops the model (and frees its lock) if the reader left mid-answer
            text = "".join(parts).strip()
            result.generation_ms = (time.perf_counter() - started) * 1000
            result.completion_tokens = self._generator.count_tokens(text) if text else 0
            if finished:
                result.settle(after_model(self._evidence, " ".join(shown), text))
            else:
                result.answer, result.model_answer = " ".join(shown), text
                result.error = result.error or INTERRUPTED
        if finished and not shown and not result.refused and result.answer:
            yield result.answer  # nothing the model wrote passed: the documents' own line, at once

    def _sentences(self, parts: list[str]) -> tuple[list[str], str]:
        """The finished sentences of what the model wrote so far (label removed), and the rest."""
        return split_sentences(without_label("".join(parts)))

    def _show(self, sentences: list[str], shown: list[str]) -> Deltas[str, None, bool]:
        """Yield each sentence that passes as the reader's next delta; False at the first that does not."""
        for sentence in sentences:
            if not self._accept(sentence, shown):
                return False
            shown.append(sentence)  # before the yield: a reader leaving there has seen it
            yield ("" if len(shown) == 1 else " ") + sentence
        return True

    def _accept(self, sentence: str, shown: list[str]) -> bool:
        if not shown and is_refusal(sentence):
            return False  # the model says the documents do not answer: the verdict decides what to show
        fault = self._checks.fault(sentence, shown)
        if fault:
            log.info("model sentence not shown (%s): %r", fault, sentence[:200])
        return fault is None
