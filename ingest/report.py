"""What an ingest did, per file and per deck (printed by `flask ingest`, shown by the admin's re-index)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FileReport:
    """What happened to one file."""

    name: str
    pages: int = 0
    chunks: int = 0
    seconds: float = 0.0
    skipped: str | None = None  # the reason, when the file was not indexed
    notes: list[str] = field(default_factory=list)  # pages left out, and why
    reused: bool = False  # unchanged since the last build: chunks and vectors taken from it


@dataclass
class DeckReport:
    """What one deck's ingest did; `ok` is False when any file was skipped or nothing was built."""

    deck: str
    status: str  # "built" | "unchanged" | "failed"
    files: list[FileReport] = field(default_factory=list)
    chunk_count: int = 0
    seconds: float = 0.0
    error: str | None = None
    message: str | None = None  # e.g. why everything was rebuilt
    gate: dict | None = None  # the re-index gate's figures, when the deck has questions

    @property
    def ok(self) -> bool:
        return self.status not in ("failed", "rejected") and not any(f.skipped for f in self.files)

    def summary(self) -> str:
        """One line: what was built (or why not), the files skipped, the gate's figures."""
        if self.status in ("failed", "rejected"):
            text = f"{self.status}: {self.error}; the previous index keeps serving"
        elif self.status == "unchanged":
            text = f"nothing changed ({self.chunk_count} chunks)"
        else:
            text = f"built {self.chunk_count} chunks in {self.seconds:.1f} s"
        skipped = [f"{f.name} ({f.skipped})" for f in self.files if f.skipped]
        if skipped:
            text += "; skipped " + ", ".join(skipped)
        if self.gate and self.status != "rejected":
            text += f"; gate: {self.gate['summary']}"
        return text

    def to_dict(self) -> dict:
        """The report as JSON (`flask ingest --json`, the admin's re-index)."""
        return {"deck": self.deck, "status": self.status, "chunks": self.chunk_count,
                "seconds": round(self.seconds, 3), "error": self.error, "message": self.message,
                "gate": self.gate, "files": [vars(f) for f in self.files], "summary": self.summary()}
