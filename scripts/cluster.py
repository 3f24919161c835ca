"""Start the local cluster and keep it up until Ctrl-C (`make cluster [INSTANCES=N] [PORT=P]`).

    .venv/bin/python scripts/cluster.py [--instances 2] [--port 8000] [--content content] [--index index_store]

On loopback: PostgreSQL (the conversation log), Redis (rate limits and the login throttle, shared),
llama_cpp.server on the embedded model, N DeckChat instances on one index, and nginx in front on
--port. The decks under --content are ingested once by `flask ingest`, as on one node of a fleet.
Your own DECKCHAT_* settings (an admin password hash, say) reach every instance, except those the
cluster sets itself. A throwaway cluster: PostgreSQL's and Redis's data are deleted when it stops.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from app.config import REPO_ROOT  # noqa: E402
from cluster.local import LocalCluster  # noqa: E402

# The cluster decides where the log, the model, the index and the shared counters are.
OWNED = {"DECKCHAT_REDIS_URL", "DECKCHAT_BACKEND", "DECKCHAT_OPENAI_BASE_URL", "DECKCHAT_OPENAI_MODEL",
         "DECKCHAT_INDEX_DIR", "DECKCHAT_CONTENT_DIR", "DECKCHAT_INSTANCE_DIR"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--port", type=int, default=8000, help="nginx's port on 127.0.0.1")
    parser.add_argument("--content", type=Path, default=REPO_ROOT / "content")
    parser.add_argument("--index", type=Path, default=REPO_ROOT / "index_store")
    args = parser.parse_args()
    settings = {k: v for k, v in os.environ.items() if k.startswith("DECKCHAT_") and k not in OWNED}
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with tempfile.TemporaryDirectory(prefix="deckchat-cluster-") as root:
        print(f"Starting PostgreSQL, Redis, llama_cpp.server, {args.instances} instances and nginx (files in {root})",
              flush=True)
        with LocalCluster(Path(root), args.instances, content_dir=args.content, index_dir=args.index,
                          settings=settings, port=args.port) as cluster:
            print(f"DeckChat cluster on {cluster.base_url}/  (instances: "
                  f"{', '.join(i.base_url for i in cluster.instances)}; model: {cluster.model.base_url}; "
                  f"log: {cluster.database_url}; Redis: {cluster.redis.url}). Ctrl-C stops it.", flush=True)
            try:
                stop.wait()
            except KeyboardInterrupt:
                pass
        print("Cluster stopped.")


if __name__ == "__main__":
    main()
