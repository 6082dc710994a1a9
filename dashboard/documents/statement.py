"""The estratto conto: the accounting situation of one contract or all of them, as a PDF."""
from __future__ import annotations

from dashboard import formatting as fmt
from dashboard import palette
from dashboard.i18n import N_, _
from dashboard.statement import StatementDocument, YearBlock

from .base import BOTTOM_MARGIN, CONTENT_WIDTH, MARGIN, LetterheadPDF

TITLE = N_("Estratto conto")
ROW = 5.6
INVOICE_HEADS = (N_("Fattura"), N_("Emessa il"), N_("Scadenza"), N_("Importo €"), N_("Pagato €"),
                 N_("Pagata il"), N_("Da pagare €"), N_("Stato"))
INVOICE_WIDTHS = (22, 21, 21, 20, 20, 21, 23, 32)   # mm, 180 in all
NUMERIC = {3, 4, 6}   # the money columns, right-aligned
RECEIPT_HEADS = (N_("Data"), N_("Importo"), N_("Modalità"), N_("Fatture pagate"))
RECEIPT_WIDTHS = (22, 24, 34, 100)
# Named, not looked up here: the brand colours are the running app's (dashboard/palette.py).
SUMMARY_COLORS = {
    "overdue": ("ALERT_LIGHT", "ALERT"),
    "due": ("PRIMARY_LIGHT", "PRIMARY"),
    "ok": ("PRIMARY_LIGHT", "PRIMARY"),
}
# The tiles are the balance, the overdue part of it and the next due date (dashboard/statement.py).
OVERDUE_TILE = 1


class StatementPDF(LetterheadPDF):
    """The cooperative's letterhead with the statement's title and the day of the situation."""

    def __init__(self, doc: StatementDocument) -> None:
        """Start an A4 statement for one holder."""
        day = fmt.day(doc.as_of)
        super().__init__(doc, _(TITLE),
                         _("Situazione al %(date)s – %(name)s", date=day, name=doc.holder.name),
                         _("Estratto conto al %(date)s", date=day))


def render_statement(doc: StatementDocument) -> bytes:
    """Render the statement as PDF bytes."""
    pdf = StatementPDF(doc)
    _holder(pdf, doc)
    _summary(pdf, doc)
    _tiles(pdf, doc)
    _year_totals(pdf, doc)
    for block in doc.years:
        _year(pdf, block)
    return pdf.to_bytes()


def _holder(pdf: StatementPDF, doc: StatementDocument) -> None:
    """Print who the statement is for and which contracts it covers."""
    pdf.style(8.5, color=palette.MUTED)
    pdf.cell(CONTENT_WIDTH, 4.5, _("Intestatario"), new_x="LMARGIN", new_y="NEXT")
    pdf.style(13, bold=True)
    pdf.paragraph(CONTENT_WIDTH, 6.5, doc.holder.name, new_x="LMARGIN", new_y="NEXT")
    pdf.style(10)
    for text in (_("Codice cliente %(code)s · Codice fiscale %(tax_code)s",
                   code=doc.holder.customer_code, tax_code=doc.holder.tax_code),
                 doc.holder.billing_address, _("Contratti: %(scope)s", scope=doc.scope)):
        pdf.paragraph(CONTENT_WIDTH, 5.2, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _summary(pdf: StatementPDF, doc: StatementDocument) -> None:
    """Print the headline in a coloured box: in order, due by a date, or overdue."""
    fill, ink = (getattr(palette, name) for name in SUMMARY_COLORS[doc.summary.kind])
    text = "\n".join(doc.summary.lines)
    pdf.set_fill_color(fill)
    pdf.set_draw_color(ink)
    pdf.set_line_width(0.5)
    pdf.style(12.5, bold=True, color=ink)
    title = f"{doc.summary.title} {doc.summary.figure}".strip()
    pdf.multi_cell(CONTENT_WIDTH, 6.5, title, border="LTR", fill=True,
                   padding=(2, 3, 0, 3), new_x="LMARGIN", new_y="NEXT")
    pdf.style(9.5, color=palette.INK)
    pdf.multi_cell(CONTENT_WIDTH, 4.8, text, border="LBR", fill=True, padding=(1, 3, 2, 3),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _tiles(pdf: StatementPDF, doc: StatementDocument) -> None:
    """Print the balance, the overdue part and the next due date side by side."""
    width, top = CONTENT_WIDTH / len(doc.tiles), pdf.get_y()
    for index, (label, value) in enumerate(doc.tiles):
        x = MARGIN + index * width
        late = index == OVERDUE_TILE and doc.summary.kind == "overdue"
        pdf.set_fill_color(palette.ALERT_LIGHT if late else palette.BACKGROUND)
        pdf.rect(x + 1, top, width - 2, 14, style="F")
        pdf.style(8.5, color=palette.MUTED)
        pdf.put(x + 1, top + 1, width - 2, 5, label)
        pdf.style(12, bold=True, color=palette.ALERT if late else palette.INK)
        pdf.put(x + 1, top + 6.5, width - 2, 6, value)
    pdf.set_y(top + 17)


def _table_head(pdf: StatementPDF, heads: tuple[str, ...], widths: tuple[float, ...],
                numeric: set[int]) -> None:
    """Print a table's column headings on a tinted band."""
    pdf.set_fill_color(palette.PRIMARY_LIGHT)
    pdf.rect(MARGIN, pdf.get_y(), CONTENT_WIDTH, ROW, style="F")
    pdf.style(8, bold=True, color=palette.PRIMARY_DARK)
    x = MARGIN
    for index, (head, width) in enumerate(zip(heads, widths, strict=True)):
        pdf.put(x, pdf.get_y(), width, ROW, _(head), align="R" if index in numeric else "L")
        x += width
    pdf.ln(ROW)


def _table_rows(pdf: StatementPDF, rows: tuple[tuple[str, ...], ...],
                widths: tuple[float, ...], numeric: set[int], heads: tuple[str, ...],
                late: tuple[bool, ...] = ()) -> None:
    """Print rows, repeating the headings after a page break; late rows in the alert colour."""
    for index, row in enumerate(rows):
        if pdf.get_y() + ROW > pdf.h - BOTTOM_MARGIN:
            pdf.add_page()
            _table_head(pdf, heads, widths, numeric)
        is_late = index < len(late) and late[index]
        if is_late:
            pdf.set_fill_color(palette.ALERT_LIGHT)
            pdf.rect(MARGIN, pdf.get_y(), CONTENT_WIDTH, ROW, style="F")
        pdf.style(8.5, color=palette.ALERT if is_late else palette.INK)
        x = MARGIN
        for column, (text, width) in enumerate(zip(row, widths, strict=True)):
            shown = pdf.fitted(text, width - 2 * pdf.c_margin)
            pdf.put(x, pdf.get_y(), width, ROW, shown, align="R" if column in numeric else "L")
            x += width
        pdf.set_draw_color(palette.LINE)
        pdf.set_line_width(0.2)
        pdf.line(MARGIN, pdf.get_y() + ROW, MARGIN + CONTENT_WIDTH, pdf.get_y() + ROW)
        pdf.ln(ROW)


def _year_totals(pdf: StatementPDF, doc: StatementDocument) -> None:
    """Print billed, paid and still owed for each issue year."""
    heads = (N_("Anno"), N_("Fatture"), N_("Fatturato"), N_("Pagato"), N_("Da pagare"))
    widths = (30, 36, 38, 38, 38)
    numeric = {2, 3, 4}
    pdf.section(_("Totali per anno"), room=ROW * min(len(doc.years) + 1, 6))
    _table_head(pdf, heads, widths, numeric)
    rows = tuple((str(block.year), *block.totals) for block in doc.years)
    _table_rows(pdf, rows, widths, numeric, heads)


def _year(pdf: StatementPDF, block: YearBlock) -> None:
    """Print one year's invoices, supply by supply, and the payments received in it."""
    pdf.section(_("Fatture emesse nel %(year)s", year=block.year), room=ROW * 4)
    for group in block.groups:
        if group.label:
            pdf.ensure_space(ROW * 3)
            pdf.style(9, bold=True)
            pdf.cell(CONTENT_WIDTH, 6, pdf.fitted(group.label, CONTENT_WIDTH),
                     new_x="LMARGIN", new_y="NEXT")
        _table_head(pdf, INVOICE_HEADS, INVOICE_WIDTHS, NUMERIC)
        _table_rows(pdf, group.rows, INVOICE_WIDTHS, NUMERIC, INVOICE_HEADS, group.late)
        pdf.ln(1.5)
    if block.receipts:
        pdf.ln(2)
        pdf.ensure_space(ROW * 3)
        pdf.style(9.5, bold=True, color=palette.PRIMARY)
        pdf.cell(CONTENT_WIDTH, 6, _("Pagamenti ricevuti nel %(year)s", year=block.year),
                 new_x="LMARGIN", new_y="NEXT")
        _table_head(pdf, RECEIPT_HEADS, RECEIPT_WIDTHS, {1})
        _table_rows(pdf, block.receipts, RECEIPT_WIDTHS, {1}, RECEIPT_HEADS)
