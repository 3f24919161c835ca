"""`flask eval QA.jsonl --deck NAME`: ask every question through the API's pipeline and score it."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import with_appcontext

from app.eval.metrics import QuestionResult, is_hit, loss, right, summarise, unclean
from app.eval.qa_file import QAFileError, read_qa_file

if TYPE_CHECKING:
    from app.rag.answer import AnswerPipeline

# The answer path (FAISS, the embedder) and the document parsers are imported by the commands that
# run them, not here: every `flask` command loads this module, and `flask --help` must stay quick.


def load_questions(path: Path) -> list[dict]:
    try:
        return read_qa_file(path)
    except QAFileError as exc:
        raise click.ClickException(str(exc)) from exc


def evaluate(pipeline: AnswerPipeline, deck: str | dict[str, str], questions: list[dict], k: int,
             answer: bool = True) -> list[QuestionResult]:
    """Answer each question (or only retrieve, with answer=False) and score it; progress goes to stderr.

    `deck` is one deck for every question, or a map from each question's document to its deck."""
    from app.rag.answer import source_of
    from app.rag.result import AnswerResult

    results = []
    for number, item in enumerate(questions, 1):
        started = time.perf_counter()
        deck_name = deck if isinstance(deck, str) else deck[item["doc"]]
        if answer:
            result = pipeline.answer(deck_name, item["question"])
        else:
            hits = pipeline.retriever.retrieve(deck_name, item["question"], k)
            result = AnswerResult("", False, retrieved=[source_of(h) for h in hits])
        seconds = time.perf_counter() - started
        gold, page = item.get("answer"), item.get("page_or_slide")
        retrieved = result.retrieved[:k]
        sources = [s.to_dict() for s in result.sources]
        correct = gold is not None and not result.refused and right(gold, result.answer)
        cited = is_hit(sources, item["doc"], page)
        results.append(QuestionResult(
            question=item["question"], doc=item["doc"], gold_answer=gold, gold_page=page,
            answer=result.answer, refused=result.refused,
            hit_at_1=is_hit(retrieved[:1], item["doc"], page), hit_at_k=is_hit(retrieved, item["doc"], page),
            correct=correct, text_correct=correct, shown_correct=gold is not None and right(gold, result.answer),
            seconds=round(seconds, 3), sources=retrieved, error=result.error, grounded=result.grounded,
            quote=result.quote, cited=cited, unclean=unclean(result.answer), why=result.why,
            lost=loss(gold, result.refused, correct, cited or is_hit(retrieved, item["doc"], page), result.evidence)
            if answer else None,
            evidence=result.evidence, features=result.features,
        ))
        click.echo(f"[{number}/{len(questions)}] {seconds:5.1f}s {'refused' if result.refused else 'answered'}: "
                   f"{item['question'][:70]}", err=True)
    return results


@click.command("eval")
@click.argument("qa_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--deck", required=True, help="The deck the questions are about.")
@click.option("--k", type=int, default=None, help="Chunks retrieved per question (default: DECKCHAT_TOP_K).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write per-question detail (JSON).")
@click.option("--retrieval-only", is_flag=True, help="Score retrieval (hit@k) without running the model.")
@with_appcontext
def eval_command(qa_file: Path, deck: str, k: int | None, out: Path | None, retrieval_only: bool) -> None:
    """Print retrieval hit@k, answer accuracy, refusal accuracy and latency for a QA set."""
    services = current_app.extensions["deckchat"]
    pipeline = _pipeline(services, k)
    k = pipeline.settings.top_k
    results = evaluate(pipeline, deck, load_questions(qa_file), k, answer=not retrieval_only)
    report(results, k, not retrieval_only, out)


@click.command("eval-dev")
@click.option("--split", type=click.Choice(["tuning", "validation", "all"]), default="all", show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for each split's per-question detail (JSON).")
@click.option("--limit", type=int, default=0, help="Ask only the first N questions of each split (0: all).")
@with_appcontext
def eval_dev_command(split: str, out: Path | None, limit: int) -> None:
    """Score the development set (eval/dev/) over its documents from the shared eval folder."""
    from app.eval.dev_set import DEV_DIR, EvalDataMissing, index_documents, split_files
    from app.ingest_cli import ingest_embedder, make_ingester
    from app.rag.answer import AnswerPipeline
    from app.rag.retrieval import FaissRetriever

    services = current_app.extensions["deckchat"]
    data_dir = Path(current_app.config["EVAL_DATA"])
    eval_index = Path(current_app.config["INSTANCE_DIR"]) / "eval-index"
    files = split_files(split)
    if not files:
        raise click.ClickException(f"no question files for split {split!r} in {DEV_DIR}")
    questions = {f: load_questions(f)[: limit or None] for f in files}
    config = {**current_app.config, "INDEX_DIR": str(eval_index)}
    try:
        decks = index_documents(make_ingester(config, ingest_embedder(config, services)), data_dir,  # as `flask ingest`
                                {q["doc"] for items in questions.values() for q in items},
                                Path(current_app.config["INSTANCE_DIR"]) / "eval-content")
    except EvalDataMissing as exc:
        click.echo(f"development set skipped: {exc}")
        return
    retriever = FaissRetriever(eval_index, services.embedder, services.retriever.hybrid, services.retriever.weights)
    pipeline = AnswerPipeline(retriever, services.generator, services.pipeline.settings,
                              services.pipeline.refusal_model, services.pipeline.line_ranker)
    if out:
        out.mkdir(parents=True, exist_ok=True)
    for path, items in questions.items():
        click.echo(f"== {path.name}: {len(items)} questions over {len({q['doc'] for q in items})} documents")
        results = evaluate(pipeline, decks, items, pipeline.settings.top_k)
        report(results, pipeline.settings.top_k, True, out / f"{path.stem}.json" if out else None)


def _pipeline(services, k: int | None) -> AnswerPipeline:
    """The server's own pipeline, with another k when asked for one."""
    from app.rag.answer import AnswerPipeline

    settings = services.pipeline.settings if k is None else dataclasses.replace(services.pipeline.settings, top_k=k)
    return AnswerPipeline(services.retriever, services.generator, settings, services.pipeline.refusal_model,
                          services.pipeline.line_ranker, titles=services.deck_title)


def report(results: list[QuestionResult], k: int, answered: bool, out: Path | None) -> dict:
    """Print the summary (and write the per-question detail to `out`)."""
    summary = summarise(results, k, answered=answered)
    width = max(len(key) for key in summary)
    for key, value in summary.items():
        click.echo(f"{key:<{width}}  {value}")
    if out:
        out.write_text(json.dumps({"summary": summary, "questions": [dataclasses.asdict(r) for r in results]},
                                  indent=2, ensure_ascii=False))
        click.echo(f"detail written to {out}")
    return summary
