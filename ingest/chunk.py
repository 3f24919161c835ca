"""The chunk: what the index stores and retrieval returns. Plain data, importable without any parser."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Chunk:
    """A retrievable piece of a deck; the id is stable across rebuilds of unchanged files."""

    id: str
    deck: str
    doc: str
    text: str
    page: int | None
    kind: str
    title: str | None

    def to_dict(self) -> dict[str, object]:
        """Plain dict for the chunk store."""
        return asdict(self)
