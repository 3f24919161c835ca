"""Re-quantize the embedded SmolLM2 once into the configured format (DECKCHAT_EMBEDDED_FORMAT), kept in
~/.cache/deckchat/models; `make install` runs it. Does nothing when the file is there already or the
packaged format is chosen; without llama-cpp-python it says so and the packaged file is used.

    .venv/bin/python scripts/requantize_model.py [--format Q4_0]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import load_config  # noqa: E402
from app.generation.base import GenerationError  # noqa: E402
from app.generation.embedded import FORMATS, requantize  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=FORMATS, default=load_config()["EMBEDDED_FORMAT"])
    args = parser.parse_args()
    try:
        print(f"embedded model ({args.format}): {requantize(args.format)}")
    except ImportError:
        print("llama-cpp-python is not installed: the embedded model runs from its packaged file")
    except (OSError, GenerationError) as exc:
        print(f"WARNING: could not re-quantize the embedded model ({exc}); the packaged file is used")


if __name__ == "__main__":
    main()
