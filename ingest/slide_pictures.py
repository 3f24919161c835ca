"""PPTX slides as pictures: LibreOffice (headless, from Debian's packages) turns the deck into a PDF,
whose pages are then rendered like any PDF's. Without LibreOffice the deck page keeps its text cards."""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

CONVERT_TIMEOUT_S = 180
# Hidden slides too: the text of every slide is indexed under its own number, so the pictures must match.
PDF_FILTER = 'pdf:impress_pdf_Export:{"ExportHiddenSlides":{"type":"boolean","value":"true"}}'
SLIDE_SUFFIXES = (".pptx",)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def slides_as_pdf(deck_file: Path, workdir: Path) -> Path | None:
    """The deck converted to a PDF in `workdir` with one page per slide; None (and a log line saying why
    and what to do) when LibreOffice is missing, fails, or gives another number of pages."""
    program = soffice()
    if program is None:
        log.info("%s: slides shown as text (install LibreOffice, which `make` does when it can, for pictures)",
                 deck_file.name)
        return None
    with tempfile.TemporaryDirectory(prefix="deckchat-lo-") as profile:
        # Its own profile: two conversions at once (two ingests) do not wait on one profile's lock.
        command = [program, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                   "--convert-to", PDF_FILTER, "--outdir", str(workdir), str(deck_file)]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=CONVERT_TIMEOUT_S)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            log.warning("%s: LibreOffice could not make slide pictures (%s); slides shown as text", deck_file.name,
                        exc)
            return None
    pdf = workdir / (deck_file.stem + ".pdf")
    if not pdf.is_file():
        log.warning("%s: LibreOffice wrote no PDF; slides shown as text", deck_file.name)
        return None
    return pdf


def slide_count(deck_file: Path) -> int:
    from pptx import Presentation

    return len(Presentation(str(deck_file)).slides)
