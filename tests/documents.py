"""Real documents written in the test itself: PDFs by fpdf2, HTML pages as text."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

LEFT = (
    "The left column discusses arms control in Europe. Negotiators in Genève agreed to "
    "resume talks on intermediate-range missiles after a long pause in the dialogue."
)
RIGHT = (
    "The right column covers maritime security. Navies in the Pacific agreed on rules "
    "for unplanned encounters at sea, which reduce the risk of accidents."
)


def _cell(pdf: FPDF, width: float, height: float, text: str) -> None:
    pdf.multi_cell(width, height, text, align="L", new_x="LMARGIN", new_y="NEXT")


def _page_number(pdf: FPDF) -> None:
    pdf.set_font("Helvetica", size=9)
    pdf.set_xy(100, 285)
    pdf.cell(10, 5, str(pdf.page_no()))


def write_report_pdf(path: Path, *, title: str = "Security in Zürich and Genève") -> Path:
    """Three pages: a title, a heading, a body paragraph citing a footnote that stands at
    the foot of page 1; a two-column page; a last page with another section."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 20)
    _cell(pdf, 0, 10, title)
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 14)
    _cell(pdf, 0, 8, "Background of the talks")
    pdf.ln(2)
    pdf.set_font("Helvetica", size=11)
    _cell(
        pdf,
        0,
        5,
        "The conference in Zürich gathered diplomats from forty states who warned of "
        "growing chaos and disorder.1 They met again one year later to review progress.",
    )
    pdf.set_font("Helvetica", size=8)
    pdf.set_xy(10, 265)
    _cell(
        pdf,
        0,
        3.5,
        "1 Conference report, Zürich Forum, 2024. https://example.org/zurich-report",
    )
    _page_number(pdf)

    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    _cell(pdf, 0, 8, "Two regional views")
    pdf.set_font("Helvetica", size=11)
    top = pdf.get_y() + 4
    pdf.set_xy(10, top)
    _cell(pdf, 85, 5, LEFT)
    pdf.set_xy(110, top)
    _cell(pdf, 85, 5, RIGHT)
    _page_number(pdf)

    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    _cell(pdf, 0, 8, "Outlook")
    pdf.set_font("Helvetica", size=11)
    _cell(pdf, 0, 5, "The authors expect a new treaty on space debris within a decade.")
    _page_number(pdf)
    pdf.output(str(path))
    return path


HTML_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Talks in Genève | Example News</title>
<script>window.track = function () { return "tracking pixel"; };</script>
<style>nav { color: red; }</style></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/about">About us</a></li>
<li><a href="/donate">Donate now</a></li></ul></nav>
<header><p>Subscribe to our newsletter for weekly updates!</p></header>
<main><article>
<h1>Talks in Genève</h1>
<p>The delegates met in Genève to discuss the future of the security order in Europe
and beyond.<sup><a href="#fn1" id="ref1">1</a></sup> They agreed on very little, as most
observers of the process had expected.</p>
<h2>Zürich follow-up</h2>
<p>A follow-up meeting in Zürich produced a communiqué on arms control and
confidence-building measures between the parties to the conflict.</p>
<section class="footnotes" role="doc-endnotes"><ol>
<li id="fn1">Reuters, “Talks in Genève”, 2024. <a href="https://example.org/talks">link</a>
<a href="#ref1">↩</a></li></ol></section>
</article></main>
<footer><p>© 2024 Example News. All rights reserved. Privacy policy. Cookie settings.</p>
</footer>
</body></html>
"""
