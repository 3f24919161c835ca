"""Answer speed and memory per backend on the embedded model, each in its own process.

    .venv/bin/python bench/answer.py [--backends llamacpp-Q4_1,llamacpp-Q4_0,llamacpp-Q8_0] [--threads 2]

`llamacpp-FORMAT` runs the embedded model in that GGUF format (Q4_1: the wheel's own file, today's
before the re-quantized default; the others made once by scripts/requantize_model.py); `llamacpp`
alone, the configured DECKCHAT_EMBEDDED_FORMAT; `transformers`, `transformers-int8`: that backend.

For each backend: load time, peak RSS (above what the embedder and libraries already hold), time to first token for prompts of about 600 and 1,500
tokens, decode tokens/s, and the answer time (p50, max) over the sample deck's questions through
the real pipeline with the model writing (DECKCHAT_WRITE_ANSWERS=1; figures asked for are extracted without it). Ratios are against the
first backend listed (llama.cpp, the reference, when it is installed), on the same GGUF and threads.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from app.config import REPO_ROOT, load_config  # noqa: E402
from app.generation.base import GenerationParams  # noqa: E402
from app.generation.embedded import embedded_model_path  # noqa: E402
from app.rag.answer import AnswerPipeline, AnswerSettings  # noqa: E402
from app.rag.retrieval import FaissRetriever  # noqa: E402
from ingest.chunking import PageChunker  # noqa: E402
from ingest.embedding import SentenceTransformerEmbedder  # noqa: E402
from ingest.pipeline import DeckIngester  # noqa: E402

EXAMPLE = REPO_ROOT / "content" / "example"


def load(backend: str, threads: int):
    if backend.startswith("llamacpp"):
        from app.generation.llamacpp_backend import LlamaCppGenerator

        return LlamaCppGenerator(embedded_model_path(backend.removeprefix("llamacpp").removeprefix("-") or None),
                                 threads)
    from app.generation.transformers_backend import TransformersGenerator

    # "transformers-int8", "transformers-bnb-4bit", ...: the transformers backend in that quantization mode.
    quantization = backend.removeprefix("transformers").removeprefix("-") or "none"
    return TransformersGenerator(embedded_model_path(), Path(load_config()["MODEL_CACHE_DIR"]), threads, quantization)


def long_prompt(generator, tokens: int, skip: int = 0) -> list[dict[str, str]]:
    """A user message of about `tokens` tokens: the sample FAQ from word `skip` on, and a question.

    Different `skip` values give prompts that differ from their first words, so llama.cpp cannot
    reuse a cached prefix of a warm-up prompt.
    """
    text = " ".join((EXAMPLE / "faq.md").read_text().split()[skip:])
    while generator.count_tokens(text) < tokens:
        text += "\n\n" + text
    words = text.split()
    low, high = 1, len(words)
    while low < high:  # the longest word prefix that stays within the budget
        mid = (low + high + 1) // 2
        if generator.count_tokens(" ".join(words[:mid])) <= tokens - 40:
            low = mid
        else:
            high = mid - 1
    body = " ".join(words[:low]) + "\n\nQuestion: When does the seed round close?"
    return [{"role": "user", "content": body}]


def first_token_and_decode(generator, messages: list[dict[str, str]], tokens: int = 64) -> tuple[float, float]:
    """Seconds to the first token, and decode tokens/s after it (no stop strings)."""
    started = time.perf_counter()
    first, parts = None, []
    for delta in generator.stream(messages, GenerationParams(max_new_tokens=tokens, stop=())):
        first = first or time.perf_counter() - started
        parts.append(delta)
    total = time.perf_counter() - started
    # Streamers may merge tokens into one delta: count the tokens of the text instead.
    return first or total, (generator.count_tokens("".join(parts)) - 1) / max(total - (first or 0), 1e-9)


def measure(backend: str, threads: int, questions: int) -> dict:
    """One backend's figures (run in a child process so its peak RSS is its own)."""
    embedder = SentenceTransformerEmbedder()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the embedder and libraries
    started = time.perf_counter()
    generator = load(backend, threads)
    figures = {"backend": backend, "load_s": time.perf_counter() - started}
    for size in (600, 1500):
        first_token_and_decode(generator, long_prompt(generator, size, skip=7), 2)  # warm-up at this length
        figures[f"ttft_{size}_s"], _ = first_token_and_decode(generator, long_prompt(generator, size, skip=3), 2)
    short = [{"role": "user", "content": "Write a long story about a lighthouse keeper."}]
    _, figures["decode_tok_s"] = first_token_and_decode(generator, short)
    with tempfile.TemporaryDirectory() as tmp:
        DeckIngester(Path(tmp), embedder, PageChunker(embedder.token_ids, 256, 32), progress=False).ingest("example", EXAMPLE)
        qa = [json.loads(line) for line in (REPO_ROOT / "tests" / "data" / "example_qa.jsonl").read_text().splitlines()]
        asked = [q["question"] for q in qa if q.get("answer")][:questions]
        # The model writes the answers it is asked for (a figure asked for is extracted without it).
        pipeline = AnswerPipeline(FaissRetriever(Path(tmp), embedder), lambda: generator,
                                  AnswerSettings(write_answers=True))
        times = []
        for question in asked:
            started = time.perf_counter()
            pipeline.answer("example", question)
            times.append(time.perf_counter() - started)
    figures.update(answer_p50_s=statistics.median(times), answer_max_s=max(times), questions=len(times),
                   peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss_before)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", default="llamacpp-Q4_1,llamacpp-Q4_0,llamacpp-Q8_0",
                        help="llamacpp[-FORMAT], transformers, transformers-int8 (GPU: transformers-bnb-8bit, -bnb-4bit)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--questions", type=int, default=12)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # child mode: measure one backend, print JSON
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.threads, args.questions)))
        return
    rows = []
    for backend in args.backends.split(","):
        out = subprocess.run([sys.executable, __file__, "--one", backend, "--threads", str(args.threads),
                              "--questions", str(args.questions)], capture_output=True, text=True)
        if out.returncode != 0:
            print(f"{backend}: failed\n{out.stderr[-2000:]}")
            continue
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    if not rows:
        return
    base = rows[0]
    print(f"threads {args.threads}; ratios against {base['backend']}")
    for row in rows:
        def ratio(key: str) -> str:
            return f"({row[key] / base[key]:.2f}x)"
        print(f"{row['backend']:13} load {row['load_s']:5.2f} s {ratio('load_s')} | peak RSS +{row['peak_rss_mb']:5.0f} MB "
              f"{ratio('peak_rss_mb')} | first token @600 {row['ttft_600_s']:5.2f} s {ratio('ttft_600_s')} "
              f"@1500 {row['ttft_1500_s']:5.2f} s {ratio('ttft_1500_s')} | decode {row['decode_tok_s']:6.1f} tok/s "
              f"{ratio('decode_tok_s')} | answer p50 {row['answer_p50_s']:5.2f} s {ratio('answer_p50_s')}, "
              f"max {row['answer_max_s']:5.2f} s over {row['questions']} questions")


if __name__ == "__main__":
    main()
