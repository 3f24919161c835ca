"""Real services started on loopback: the local cluster (`make cluster`), its tests and `bench/load.py`.

Each module starts one kind of server from Debian's or pip's packages and stops it again; `local.py`
puts them together. Nothing in `app/` or `ingest/` imports this package: a deployment runs the same
servers its own way (docs/operations.md).
"""
