"""The «Relazione di consulenza»: the advisor's recommendations to a member, as a PDF.

A pure builder: plain data in, bytes out. It holds consumption and technical data only, the
two things the member's consent covers.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dashboard import formatting as fmt
from dashboard import palette
from dashboard.i18n import N_, _

from .base import CONTENT_WIDTH, MARGIN, LetterheadPDF

TITLE = N_("Relazione di consulenza")
ROW = 5.6
BAR_WIDTH = 110.0   # mm for the largest band


@dataclass(frozen=True)
class ReportDocument:
    """Everything the report prints."""

    member_name: str
    customer_code: str
    supply: str                          # address and POD
    facts: tuple[tuple[str, str], ...]   # the supply's technical data, labelled
    period: str
    bands: tuple[tuple[str, int], ...]   # (F1, kWh) ... ; empty without a full year
    key_figures: tuple[tuple[str, str], ...]
    what_if_heads: tuple[str, ...]
    what_if_rows: tuple[tuple[str, ...], ...]
    what_if_note: str
    text: str
    version: int
    written_at: datetime
    advisor_name: str
    issued_on: date


class ReportPDF(LetterheadPDF):
    """The cooperative's letterhead with the report's title and the member's name."""

    def __init__(self, doc: ReportDocument) -> None:
        """Start an A4 report for one member."""
        super().__init__(doc, _(TITLE), f"{doc.member_name} – {fmt.day(doc.issued_on)}",
                         _("Relazione di consulenza v%(version)s", version=doc.version))


def render_report(doc: ReportDocument) -> bytes:
    """Render the report as PDF bytes."""
    pdf = ReportPDF(doc)
    _member(pdf, doc)
    _section(pdf, _("Dati tecnici della fornitura"))
    _pairs(pdf, doc.facts)
    _section(pdf, _("Consumi per fascia, %(period)s", period=doc.period))
    _bands(pdf, doc.bands)
    _pairs(pdf, doc.key_figures)
    _section(pdf, _("Simulazione tariffaria"))
    _table(pdf, doc.what_if_heads, doc.what_if_rows)
    pdf.style(8.5, color=palette.MUTED)
    pdf.multi_cell(CONTENT_WIDTH, 4.5, doc.what_if_note, new_x="LMARGIN", new_y="NEXT")
    _section(pdf, _("Raccomandazioni"))
    pdf.style(10)
    pdf.multi_cell(CONTENT_WIDTH, 5.2, doc.text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.style(9.5, color=palette.MUTED)
    pdf.multi_cell(CONTENT_WIDTH, 5, _(
        "Versione %(version)s del %(moment)s · Consulente: %(advisor)s", version=doc.version,
        moment=fmt.moment(doc.written_at), advisor=doc.advisor_name),
        new_x="LMARGIN", new_y="NEXT")
    return pdf.to_bytes()


def _member(pdf: ReportPDF, doc: ReportDocument) -> None:
    """Print whom the report is for and which supply."""
    pdf.style(8.5, color=palette.MUTED)
    pdf.cell(CONTENT_WIDTH, 4.5, _("Socio"), new_x="LMARGIN", new_y="NEXT")
    pdf.style(13, bold=True)
    pdf.paragraph(CONTENT_WIDTH, 6.5, doc.member_name, new_x="LMARGIN", new_y="NEXT")
    pdf.style(10)
    for line in (_("Codice cliente %(code)s", code=doc.customer_code),
                 _("Fornitura: %(supply)s", supply=doc.supply),
                 _("Data della relazione: %(date)s", date=fmt.day(doc.issued_on))):
        pdf.paragraph(CONTENT_WIDTH, 5.2, line, new_x="LMARGIN", new_y="NEXT")


def _section(pdf: ReportPDF, title: str) -> None:
    """Print a section heading."""
    pdf.ln(3)
    pdf.style(11.5, bold=True, color=palette.PRIMARY)
    pdf.cell(CONTENT_WIDTH, 7, title, new_x="LMARGIN", new_y="NEXT")


def _pairs(pdf: ReportPDF, pairs: tuple[tuple[str, str], ...]) -> None:
    """Print labelled values, one per line."""
    for label, value in pairs:
        pdf.style(9.5, color=palette.MUTED)
        pdf.cell(60, ROW, label)
        pdf.style(9.5)
        pdf.paragraph(CONTENT_WIDTH - 60, ROW, value, new_x="LMARGIN", new_y="NEXT")


def _bands(pdf: ReportPDF, bands: tuple[tuple[str, int], ...]) -> None:
    """Draw the year's kWh by band as horizontal bars, as the invoice detail draws its chart."""
    if not bands:
        pdf.style(9.5)
        pdf.cell(CONTENT_WIDTH, ROW, _("Dodici mesi di consumi non disponibili."),
                 new_x="LMARGIN", new_y="NEXT")
        return
    top = max(kwh for _band, kwh in bands) or 1
    for band, kwh in bands:
        y = pdf.get_y()
        pdf.style(9.5, bold=True)
        pdf.cell(14, ROW, band)
        pdf.set_fill_color(palette.BAND_COLORS.get(band, palette.PRIMARY))
        pdf.rect(MARGIN + 14, y + 1, max(0.5, BAR_WIDTH * kwh / top), ROW - 2, style="F")
        pdf.set_xy(MARGIN + 16 + BAR_WIDTH, y)
        pdf.style(9.5)
        pdf.cell(CONTENT_WIDTH - BAR_WIDTH - 16, ROW, fmt.kwh(kwh), align="R",
                 new_x="LMARGIN", new_y="NEXT")


def _table(pdf: ReportPDF, heads: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> None:
    """Print a table with the first column wide and the others right-aligned."""
    first = CONTENT_WIDTH - 3 * 38
    widths = (first, 38, 38, 38)[:len(heads)]
    pdf.style(8.5, bold=True, color=palette.MUTED)
    for head, width in zip(heads, widths, strict=True):
        pdf.cell(width, ROW, pdf.fitted(head, width - 2), align="L" if width == first else "R")
    pdf.ln(ROW)
    pdf.style(9.5)
    for row in rows:
        for cell, width in zip(row, widths, strict=True):
            pdf.cell(width, ROW, pdf.fitted(cell, width - 2),
                     align="L" if width == first else "R")
        pdf.ln(ROW)
