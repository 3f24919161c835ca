"""Small source documents the tests make."""

from __future__ import annotations

from fpdf import FPDF


def write_pdf(path, pages: list[list[str]]) -> None:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=14)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
