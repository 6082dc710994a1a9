"""The Fattura: the short bill ("bolletta sintetica") a member reads first."""
from __future__ import annotations

from decimal import Decimal

from dashboard import formatting as fmt
from dashboard import palette
from models.billing import SPLIT_GROUPS, SPLIT_SIDES, GroupTotal
from models.enums import BillGeneration, ReadingType

from .base import (
    CONTENT_WIDTH,
    MARGIN,
    READING_LABELS,
    SIDE_LABELS,
    BillPDF,
    checked_groups,
    warnings_for,
)
from .data import InvoiceDocument

TITLE = "Fattura energia elettrica"
BAND_HOURS = {
    "F1": "lun–ven 8–19",
    "F2": "lun–ven 7–8 e 19–23, sab 7–23",
    "F3": "notte, domenica e festivi",
}
ROW = 6.0


def render_invoice(doc: InvoiceDocument) -> bytes:
    """Render the Fattura of one invoice as PDF bytes; refuse data whose totals disagree."""
    groups = checked_groups(doc)
    pdf = BillPDF(doc, TITLE)
    _holder_and_total(pdf, doc)
    _key_facts(pdf, doc)
    for text in warnings_for(doc):
        pdf.notice(text)
    _supply(pdf, doc)
    _consumption(pdf, doc)
    if doc.generation == BillGeneration.ARERA_2025:
        _receipt(pdf, doc, groups)
    else:
        _summary(pdf, doc, groups)
    _payments(pdf, doc)
    return pdf.to_bytes()


def _holder_and_total(pdf: BillPDF, doc: InvoiceDocument) -> None:
    """Print the holder on the left and the amount to pay, big, on the right."""
    top = pdf.get_y()
    holder = doc.holder
    pdf.set_xy(MARGIN, top)
    pdf.style(8.5, color=palette.MUTED)
    pdf.cell(100, 4.5, "Intestatario", new_x="LMARGIN", new_y="NEXT")
    pdf.style(13, bold=True)
    pdf.paragraph(100, 6.5, holder.name, new_x="LMARGIN", new_y="NEXT")
    pdf.style(10)
    if holder.is_member:
        status = f"Socio dal {fmt.day(holder.member_since)}" if holder.member_since else "Socio"
    else:
        status = "Utente (non socio)"
    for text in (
        f"Codice fiscale: {holder.tax_code}",
        holder.billing_address,
        f"Codice cliente: {holder.customer_code} · {status}",
    ):
        pdf.paragraph(100, 5.2, text, new_x="LMARGIN", new_y="NEXT")
    left_bottom = pdf.get_y()
    _total_box(pdf, doc, x=122, y=top, w=210 - MARGIN - 122, h=35)
    pdf.set_y(max(left_bottom, top + 35) + 4)


def _total_box(pdf: BillPDF, doc: InvoiceDocument, x: float, y: float, w: float, h: float) -> None:
    """Draw the amount to pay and its due date in white on the brand colour."""
    credit = doc.total < 0
    pdf.set_fill_color(palette.PRIMARY)
    pdf.rect(x, y, w, h, style="F", round_corners=True, corner_radius=2.5)
    pdf.set_xy(x, y + 3)
    pdf.style(12, bold=True, color="#ffffff")
    pdf.cell(w, 6, "Importo a tuo credito" if credit else "Totale da pagare", align="C")
    pdf.set_xy(x, y + 10)
    pdf.style(27, bold=True, color="#ffffff")
    pdf.cell(w, 13, fmt.euro(abs(doc.total)), align="C")
    pdf.set_xy(x, y + 25)
    pdf.style(12, bold=True, color="#ffffff")
    due = "Nessun importo da pagare" if credit else f"entro il {fmt.day(doc.due_date)}"
    pdf.cell(w, 6, due, align="C")


def _key_facts(pdf: BillPDF, doc: InvoiceDocument) -> None:
    """Print number, issue date, period and due date in a tinted strip."""
    facts = (
        ("Numero fattura", doc.number, 36),
        ("Data di emissione", fmt.day(doc.issue_date), 36),
        ("Periodo di fatturazione", f"{fmt.day(doc.period_start)} – {fmt.day(doc.period_end)}", 66),
        ("Scadenza", fmt.day(doc.due_date), CONTENT_WIDTH - 138),
    )
    top = pdf.get_y()
    pdf.set_fill_color(palette.PRIMARY_LIGHT)
    pdf.rect(MARGIN, top, CONTENT_WIDTH, 14, style="F")
    x = MARGIN
    for label, value, width in facts:
        pdf.set_xy(x + 3, top + 1.8)
        pdf.style(8.5, color=palette.MUTED)
        pdf.cell(width - 3, 4.2, label)
        pdf.set_xy(x + 3, top + 6.6)
        pdf.style(11, bold=True)
        pdf.cell(width - 3, 5.5, value)
        x += width
    pdf.set_y(top + 17)


def _pairs(pdf: BillPDF, x: float, rows: tuple[tuple[str, str], ...], label_w: float,
           value_w: float) -> float:
    """Print label/value rows in a column starting at x; return the y below them."""
    for label, value in rows:
        y = pdf.get_y()
        pdf.set_xy(x, y)
        pdf.style(9.5, color=palette.MUTED)
        pdf.cell(label_w, 5.4, label)
        pdf.set_xy(x + label_w, y)
        pdf.style(10, bold=True)
        pdf.paragraph(value_w, 5.4, value, new_x="LEFT", new_y="NEXT")
        pdf.set_y(pdf.get_y() + 0.6)
    return pdf.get_y()


def _supply(pdf: BillPDF, doc: InvoiceDocument) -> None:
    """Print the supply point's data in two columns."""
    supply = doc.supply
    pdf.section("Dati della fornitura", room=18)
    top = pdf.get_y()
    left = _pairs(pdf, MARGIN, (
        ("POD", supply.pod),
        ("Indirizzo", supply.address),
        ("Tipologia", supply.customer_type_label),
    ), label_w=18, value_w=69)
    pdf.set_y(top)
    power = (f"{fmt.kw(supply.power_committed_kw)} impegnata · "
             f"{fmt.kw(supply.power_available_kw)} disponibile")
    right = _pairs(pdf, MARGIN + 88, (
        ("Tariffa", supply.tariff_label),
        ("Offerta", supply.offer),
        ("Potenza", power),
    ), label_w=16, value_w=CONTENT_WIDTH - 88 - 16)
    pdf.set_y(max(left, right))


def _consumption(pdf: BillPDF, doc: InvoiceDocument) -> None:
    """Print the period's consumption by band, the reading and the annual consumption."""
    pdf.section("I tuoi consumi", room=34)
    top = pdf.get_y()
    bands = (("F1", doc.f1_kwh), ("F2", doc.f2_kwh), ("F3", doc.f3_kwh))
    for band, kwh in bands:
        y = pdf.get_y()
        pdf.swatch(MARGIN, y + 1.3, band)
        pdf.set_xy(MARGIN + 5, y)
        pdf.style(10.5, bold=True)
        pdf.cell(9, ROW, band)
        pdf.style(9, color=palette.MUTED)
        pdf.cell(52, ROW, BAND_HOURS[band])
        pdf.style(10.5, bold=True)
        pdf.cell(26, ROW, fmt.kwh(kwh), align="R", new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y()
    pdf.set_draw_color(palette.LINE)
    pdf.set_line_width(0.3)
    pdf.line(MARGIN, y, MARGIN + 92, y)
    pdf.set_xy(MARGIN, y + 0.5)
    pdf.style(11, bold=True)
    pdf.cell(66, ROW + 0.5, "Consumo del periodo")
    pdf.cell(26, ROW + 0.5, fmt.kwh(doc.kwh), align="R", new_x="LMARGIN", new_y="NEXT")
    left_bottom = pdf.get_y()

    x, w = MARGIN + 100, CONTENT_WIDTH - 100
    reading_color = palette.WARNING if doc.reading_type == ReadingType.ESTIMATED else palette.INK
    pdf.set_xy(x, top)
    pdf.style(9.5, color=palette.MUTED)
    pdf.cell(w, 5, f"Lettura del {fmt.day(doc.reading_date)}", new_x="LEFT", new_y="NEXT")
    pdf.style(11, bold=True, color=reading_color)
    pdf.cell(w, 6, READING_LABELS[doc.reading_type], new_x="LEFT", new_y="NEXT")
    pdf.style(9.5, color=palette.MUTED)
    pdf.cell(w, 5, "Consumo annuo (ultimi 12 mesi)", new_x="LEFT", new_y="NEXT")
    pdf.style(11, bold=True)
    pdf.cell(w, 6, fmt.kwh(doc.annual_kwh), new_x="LEFT", new_y="NEXT")
    _share_bar(pdf, doc, x, pdf.get_y() + 1.5, w)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 1)


def _share_bar(pdf: BillPDF, doc: InvoiceDocument, x: float, y: float, w: float) -> None:
    """Draw the bands' shares of the period as one split bar with percentages under it."""
    bands = (("F1", doc.f1_kwh), ("F2", doc.f2_kwh), ("F3", doc.f3_kwh))
    left = x
    for band, kwh in bands:
        if not doc.kwh or not kwh:
            continue
        width = w * kwh / doc.kwh
        pdf.set_fill_color(palette.BAND_COLORS[band])
        pdf.rect(left, y, width, 4.5, style="F")
        pdf.set_xy(left, y + 5)
        pdf.style(8.5, color=palette.MUTED)
        # Narrow slices get only the percentage, so that labels never overlap.
        label = f"{band} {fmt.percent(kwh, doc.kwh)}" if width > 17 else fmt.percent(kwh, doc.kwh)
        pdf.cell(width, 4.5, label, align="C")
        left += width
    pdf.set_y(y + 10)


def _amount_row(pdf: BillPDF, label: str, amount: Decimal) -> None:
    """Print one 'label … amount' row of the summary with a hairline under it."""
    y = pdf.get_y()
    pdf.set_x(MARGIN)
    pdf.style(10.5)
    pdf.cell(CONTENT_WIDTH - 40, ROW, label)
    pdf.cell(40, ROW, fmt.euro(amount), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(palette.LINE)
    pdf.set_line_width(0.2)
    pdf.line(MARGIN, y + ROW, MARGIN + CONTENT_WIDTH, y + ROW)


def _grand_total(pdf: BillPDF, doc: InvoiceDocument) -> None:
    """Print the bill's total on a tinted row, equal to the sum of the rows above."""
    pdf.ln(1)
    pdf.set_x(MARGIN)
    pdf.set_fill_color(palette.PRIMARY_LIGHT)
    pdf.style(12.5, bold=True, color=palette.PRIMARY_DARK)
    pdf.cell(CONTENT_WIDTH - 45, 8.5, "  Totale bolletta", fill=True)
    pdf.cell(45, 8.5, f"{fmt.euro(doc.total)}  ", align="R", fill=True,
             new_x="LMARGIN", new_y="NEXT")
    pdf.style(8.5, color=palette.MUTED)
    pdf.cell(CONTENT_WIDTH, 5, "Ogni voce, con quantità e prezzi, è negli «Elementi di dettaglio» "
             "di questa fattura.", new_x="LMARGIN", new_y="NEXT")


def _summary(pdf: BillPDF, doc: InvoiceDocument, groups: tuple[GroupTotal, ...]) -> None:
    """Print the Bolletta 2.0 summary: one row per cost group, then the total."""
    pdf.section("Sintesi degli importi fatturati", room=ROW * (len(groups) + 2))
    for group in groups:
        _amount_row(pdf, group.spec.label, group.subtotal)
    _grand_total(pdf, doc)


def _receipt(pdf: BillPDF, doc: InvoiceDocument, groups: tuple[GroupTotal, ...]) -> None:
    """Print the 2025 energy receipt: shares split by seller and network, then the rest."""
    split = [group for group in groups if group.spec.group in SPLIT_GROUPS]
    rest = [group for group in groups if group.spec.group not in SPLIT_GROUPS]
    pdf.section("Scontrino dell'energia", room=ROW * (len(groups) + 4))
    widths = (CONTENT_WIDTH - 120, 40, 40, 40)

    def row(cells: tuple[str, ...], bold: bool = False, fill: bool = False) -> None:
        """Print one row of the receipt: a label and three amounts, or headings."""
        y = pdf.get_y()
        pdf.set_x(MARGIN)
        pdf.set_fill_color(palette.PRIMARY_LIGHT)
        pdf.style(10.5, bold=bold)
        for i, (text, width) in enumerate(zip(cells, widths, strict=True)):
            pdf.cell(width, ROW, text, align="L" if i == 0 else "R", fill=fill)
        pdf.ln(ROW)
        pdf.set_draw_color(palette.LINE)
        pdf.set_line_width(0.2)
        pdf.line(MARGIN, y + ROW, MARGIN + CONTENT_WIDTH, y + ROW)

    row(("", *(SIDE_LABELS[side] for side in SPLIT_SIDES), "Totale"), bold=True, fill=True)
    for group in split:
        row((group.spec.label, *(fmt.euro(group.side_total(side)) for side in SPLIT_SIDES),
             fmt.euro(group.subtotal)))
    row(("Totale vendita e rete",
         *(fmt.euro(sum((g.side_total(side) for g in split), Decimal(0))) for side in SPLIT_SIDES),
         fmt.euro(sum((g.subtotal for g in split), Decimal(0)))), bold=True)
    for group in rest:
        row((group.spec.label, "", "", fmt.euro(group.subtotal)))
    _grand_total(pdf, doc)


def _payments(pdf: BillPDF, doc: InvoiceDocument) -> None:
    """Print how this bill is paid and how the earlier ones were settled."""
    pdf.section("Pagamento", room=ROW * 4)
    _pairs(pdf, MARGIN, (("Modalità di pagamento", doc.payment_method_label),),
           label_w=44, value_w=CONTENT_WIDTH - 44)
    if not doc.past_payments:
        _pairs(pdf, MARGIN, (("Bollette precedenti", "nessuna da mostrare"),),
               label_w=44, value_w=CONTENT_WIDTH - 44)
        return
    # Bill, due date, amount (right-aligned), then the status after a gap: x, width, alignment.
    columns = ((0, 44, "L"), (44, 34, "L"), (78, 34, "R"), (118, CONTENT_WIDTH - 118, "L"))
    y = pdf.get_y()
    pdf.style(9.5, color=palette.MUTED)
    for text, (x, width, align) in zip(
        ("Bollette precedenti", "Scadenza", "Importo", "Stato del pagamento"), columns, strict=True
    ):
        pdf.put(MARGIN + x, y, width, 5.4, text, align)
    pdf.set_y(y + 5.4)
    for payment in doc.past_payments:
        pdf.ensure_space(ROW)
        y = pdf.get_y()
        pdf.style(10)
        cells = (payment.number, fmt.day(payment.due_date), fmt.euro(payment.amount),
                 payment.status_label)
        for text, (x, width, align) in zip(cells, columns, strict=True):
            pdf.put(MARGIN + x, y, width, ROW - 0.4, text, align)
        pdf.set_y(y + ROW - 0.4)
