"""Choose the curated answers' matching thresholds on the tuning half of eval/curated/ (never the
validation half) and print both halves' figures; `--write` stores them in app/curated/match.json.

    .venv/bin/python scripts/fit_curated_match.py [--write]

`same` (the reader gets the founders' answer): the lowest cosine at which at most 2% of the tuning
half's unrelated questions match. `related` (offered beside a refusal, labelled as a related
question): at most 10%.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from app.curated.matcher import MATCH_FILE  # noqa: E402
from app.eval.curated_set import best_scores, load_set, lowest_threshold, rates  # noqa: E402
from ingest.embedding import SentenceTransformerEmbedder  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    curated, probes = load_set()
    found = best_scores(curated, probes, SentenceTransformerEmbedder().embed)
    same = lowest_threshold(probes, found, "tuning", 0.02)
    related = min(same, lowest_threshold(probes, found, "tuning", 0.10))
    fitted = {"same": same, "related": related, "model": "all-MiniLM-L6-v2",
              "tuning": rates(probes, found, same, "tuning"), "validation": rates(probes, found, same, "validation")}
    print(json.dumps(fitted, indent=2))
    if args.write:
        MATCH_FILE.write_text(json.dumps(fitted, indent=2) + "\n")
        print(f"written to {MATCH_FILE}")


if __name__ == "__main__":
    main()
