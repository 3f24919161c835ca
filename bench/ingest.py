"""Ingest throughput on the shared evaluation documents: pages/s, chunks/s, and re-ingest times.

    .venv/bin/python bench/ingest.py [--eval-dir ../shared/eval] [--sets decks,docs,docugami,financebench]
                                     [--precisions float32,bfloat16]

Each set is ingested as one deck into a temporary index: first a full build, then a no-change
re-ingest, then a re-ingest after touching one file (incremental: only that file is re-read and
re-embedded). Ratios compare each re-ingest with the full build in the same run. The whole is done
once per embedding precision (DECKCHAT_EMBED_PRECISION), float32 first: the last lines give each
precision's chunks/s against float32's in the same run, and how far apart their vectors for the same
chunks are (cosine).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from ingest.chunking import PageChunker  # noqa: E402
from ingest.embedding import SentenceTransformerEmbedder  # noqa: E402
from ingest.pipeline import DeckIngester  # noqa: E402

SETS = {
    "decks": "decks",
    "docs": "docs",
    "docugami": "datasets/docugami-sec-10-q/docs",
    "financebench": "datasets/financebench-small/pdfs",
}


def bench_set(name: str, folder: Path, ingester: DeckIngester, scratch: Path) -> dict:
    """Full build, no-change re-ingest and one-file-changed re-ingest of one folder."""
    source = scratch / name
    source.mkdir()
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    for path in files:
        (source / path.name).symlink_to(path.resolve())
    started = time.perf_counter()
    report = ingester.ingest(name, source)
    full = time.perf_counter() - started
    pages = sum(f.pages for f in report.files)
    started = time.perf_counter()
    assert ingester.ingest(name, source).status == "unchanged"
    unchanged = time.perf_counter() - started
    touched = min(source.iterdir(), key=lambda p: p.stat().st_size)  # the smallest file, changed
    touched.unlink()
    touched.write_bytes((folder / touched.name).read_bytes() + b"\n")
    started = time.perf_counter()
    ingester.ingest(name, source)
    incremental = time.perf_counter() - started
    return {"set": name, "files": len(files), "skipped": sum(1 for f in report.files if f.skipped),
            "pages": pages, "chunks": report.chunk_count, "full_s": full,
            "pages_per_s": pages / full, "chunks_per_s": report.chunk_count / full,
            "unchanged_s": unchanged, "one_file_changed_s": incremental}


class TimedEmbedder:
    """The embedder, with the time spent embedding counted (the rest of an ingest is parsing, pictures, the gate)."""

    def __init__(self, inner: SentenceTransformerEmbedder):
        self.inner, self.seconds, self.texts = inner, 0.0, 0
        self.model_id, self.dimension, self.token_ids = inner.model_id, inner.dimension, inner.token_ids

    def embed(self, texts: list[str]):
        started = time.perf_counter()
        vectors = self.inner.embed(texts)
        self.seconds += time.perf_counter() - started
        self.texts += len(texts)
        return vectors


def run_precision(precision: str, args, scratch: Path) -> tuple[list[dict], TimedEmbedder]:
    embedder = TimedEmbedder(SentenceTransformerEmbedder(precision=precision))
    ingester = DeckIngester(scratch / "index", embedder, PageChunker(embedder.token_ids, 256, 32), progress=False)
    rows = []
    for name in args.sets.split(","):
        folder = args.eval_dir / SETS[name]
        if not folder.is_dir():
            print(f"{name}: {folder} not found, skipped")
            continue
        rows.append(bench_set(name, folder, ingester, scratch))
        row = rows[-1]
        print(f"{precision:9} {name:13} {row['files']:3} files ({row['skipped']} skipped) {row['pages']:5} pages "
              f"{row['chunks']:6} chunks  full {row['full_s']:7.1f} s = {row['pages_per_s']:6.1f} pages/s "
              f"{row['chunks_per_s']:6.1f} chunks/s | no change {row['unchanged_s']:5.2f} s "
              f"({row['unchanged_s'] / row['full_s']:.3f}x) | one file changed {row['one_file_changed_s']:6.1f} s "
              f"({row['one_file_changed_s'] / row['full_s']:.2f}x)", flush=True)
    return rows, embedder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval-dir", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "eval")
    parser.add_argument("--sets", default="decks,docs,docugami,financebench")
    parser.add_argument("--precisions", default="float32,bfloat16")
    args = parser.parse_args()
    if not args.eval_dir.is_dir():
        print(f"no evaluation folder at {args.eval_dir}; pass --eval-dir (skipping)")
        return
    totals, embedders = {}, {}
    for precision in args.precisions.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            rows, embedders[precision] = run_precision(precision, args, Path(tmp))
        if rows:
            pages, chunks, full = (sum(r[k] for r in rows) for k in ("pages", "chunks", "full_s"))
            embedder = embedders[precision]
            totals[precision] = (chunks / full, embedder.texts / embedder.seconds)
            print(f"{precision:9} {'all':13} {pages:5} pages {chunks:6} chunks in {full:.1f} s: "
                  f"{pages / full:.1f} pages/s, {chunks / full:.1f} chunks/s; embedding alone "
                  f"{embedder.texts / embedder.seconds:.1f} chunks/s ({embedder.seconds:.1f} s of it)", flush=True)
    base = next(iter(totals), None)
    for precision, (rate, embedding) in totals.items():
        if precision != base:
            print(f"{precision}: ingest {rate:.1f} chunks/s = {rate / totals[base][0]:.2f}x {base} "
                  f"({totals[base][0]:.1f}); embedding alone {embedding:.1f} chunks/s = "
                  f"{embedding / totals[base][1]:.2f}x ({totals[base][1]:.1f}) in this run")
    if len(embedders) > 1:  # the same texts through each: how far apart their vectors are
        texts = [p.read_text(errors="ignore")[:1500] for p in sorted(Path(__file__).resolve().parents[1].rglob("*.md"))][:200]
        vectors = {name: e.inner.embed(texts) for name, e in embedders.items()}
        first = vectors.pop(base)
        for name, other in vectors.items():
            cosine = (first * other).sum(axis=1)
            print(f"{name} vs {base} on {len(texts)} texts: cosine mean {cosine.mean():.4f}, min {cosine.min():.4f}")


if __name__ == "__main__":
    main()
