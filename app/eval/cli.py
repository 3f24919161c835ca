"""`flask eval QA.jsonl --deck NAME`: ask every question through the API's pipeline and score it."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.eval.metrics import QuestionResult, answer_matches, is_hit, shown_text, summarise
from app.eval.qa_file import QAFileError, read_qa_file
from app.rag.answer import AnswerPipeline, AnswerResult, source_of


def load_questions(path: Path) -> list[dict]:
    try:
        return read_qa_file(path)
    except QAFileError as exc:
        raise click.ClickException(str(exc)) from exc


def evaluate(pipeline: AnswerPipeline, deck: str, questions: list[dict], k: int,
             answer: bool = True) -> list[QuestionResult]:
    """Answer each question (or only retrieve, with answer=False) and score it; progress goes to stderr."""
    results = []
    for number, item in enumerate(questions, 1):
        started = time.perf_counter()
        if answer:
            result = pipeline.answer(deck, item["question"])
        else:
            hits = pipeline.retriever.retrieve(deck, item["question"], k)
            result = AnswerResult("", False, retrieved=[source_of(h) for h in hits])
        seconds = time.perf_counter() - started
        gold, page = item.get("answer"), item.get("page_or_slide")
        retrieved = result.retrieved[:k]
        results.append(QuestionResult(
            question=item["question"], doc=item["doc"], gold_answer=gold, gold_page=page,
            answer=result.answer, refused=result.refused,
            hit_at_1=is_hit(retrieved[:1], item["doc"], page), hit_at_k=is_hit(retrieved, item["doc"], page),
            correct=gold is not None and not result.refused and answer_matches(gold, shown_text(result.answer, result.quote)),
            text_correct=gold is not None and not result.refused and answer_matches(gold, result.answer),
            seconds=round(seconds, 3), sources=retrieved, error=result.error, grounded=result.grounded,
            quote=result.quote,
        ))
        click.echo(f"[{number}/{len(questions)}] {seconds:5.1f}s {'refused' if result.refused else 'answered'}: "
                   f"{item['question'][:70]}", err=True)
    return results


@click.command("eval")
@click.argument("qa_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--deck", required=True, help="The deck the questions are about.")
@click.option("--k", default=5, show_default=True, help="Chunks retrieved per question.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write per-question detail (JSON).")
@click.option("--retrieval-only", is_flag=True, help="Score retrieval (hit@k) without running the model.")
@with_appcontext
def eval_command(qa_file: Path, deck: str, k: int, out: Path | None, retrieval_only: bool) -> None:
    """Print retrieval hit@k, answer accuracy, refusal accuracy and latency for a QA set."""
    services = current_app.extensions["deckchat"]
    settings = dataclasses.replace(services.pipeline.settings, top_k=k)
    pipeline = AnswerPipeline(services.retriever, services.generator, settings, services.pipeline.selector)
    results = evaluate(pipeline, deck, load_questions(qa_file), k, answer=not retrieval_only)
    summary = summarise(results, k, answered=not retrieval_only)
    width = max(len(key) for key in summary)
    for key, value in summary.items():
        click.echo(f"{key:<{width}}  {value}")
    if out:
        out.write_text(json.dumps({"summary": summary, "questions": [dataclasses.asdict(r) for r in results]},
                                  indent=2, ensure_ascii=False))
        click.echo(f"detail written to {out}")
