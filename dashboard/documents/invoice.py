"""The Fattura: the short bill ("bolletta sintetica") a member reads first."""
from __future__ import annotations

from decimal import Decimal

from dashboard import branding, palette
from dashboard import formatting as fmt
from dashboard.i18n import N_, _
from dashboard.labels import MARKET_LABELS, offer_conditions
from models.billing import (
    SPLIT_GROUPS,
    SPLIT_SIDES,
    GroupTotal,
    ReceiptRow,
    average_cost,
    months_between,
    receipt_rows,
)
from models.enums import BillGeneration, ReadingType

from .base import (
    CONTENT_WIDTH,
    MARGIN,
    READING_LABELS,
    SIDE_LABELS,
    BillPDF,
    checked_groups,
    group_label,
    unit_forms,
    unit_price,
    warnings_for,
)
from .data import InvoiceDocument

TITLE = N_("Fattura energia elettrica")
BAND_HOURS = {
    "F1": N_("lun–ven 8–19"),
    "F2": N_("lun–ven 7–8 e 19–23, sab 7–23"),
    "F3": N_("notte, domenica e festivi"),
}
ROW = 6.0


def render_invoice(doc: InvoiceDocument) -> bytes:
    """Render the Fattura of one invoice as PDF bytes; refuse data whose totals disagree."""
    groups = checked_groups(doc)
    pdf = BillPDF(doc, _(TITLE))
    _holder_and_total(pdf, doc)
    _key_facts(pdf, doc)
    for text in warnings_for(doc):
        pdf.notice(text)
    if doc.generation == BillGeneration.ARERA_2025:
        # Delibera 315/2024: the first page carries the offer, the receipt and the notices;
        # the supply, the consumption and the payments follow on the second.
        _offer_box(pdf, doc)
        _receipt(pdf, doc, groups)
        _notices(pdf, doc)
        pdf.add_page()
        _supply(pdf, doc)
        _consumption(pdf, doc)
    else:
        _supply(pdf, doc)
        _consumption(pdf, doc)
        _summary(pdf, doc, groups)
    _payments(pdf, doc)
    return pdf.to_bytes()


def _holder_and_total(pdf: BillPDF, doc: InvoiceDocument) -> None:
    """Print the holder on the left and the amount to pay, big, on the right."""
    top = pdf.get_y()
    holder = doc.holder
    pdf.set_xy(MARGIN, top)
    pdf.style(8.5, color=palette.MUTED)
    pdf.cell(100, 4.5, _("Intestatario"), new_x="LMARGIN", new_y="NEXT")
    pdf.style(13, bold=True)
    pdf.paragraph(100, 6.5, holder.name, new_x="LMARGIN", new_y="NEXT")
    pdf.style(10)
    if holder.is_member:
        status = (_("Socio dal %(date)s", date=fmt.day(holder.member_since))
                  if holder.member_since else _("Socio"))
    else:
        status = _("Utente (non socio)")
    for text in (
        _("Codice fiscale: %(code)s", code=holder.tax_code),
        holder.billing_address,
        _("Codice cliente: %(code)s · %(status)s", code=holder.customer_code, status=status),
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
    pdf.cell(w, 6, _("Importo a tuo credito") if credit else _("Totale da pagare"), align="C")
    pdf.set_xy(x, y + 10)
    pdf.style(27, bold=True, color="#ffffff")
    pdf.cell(w, 13, fmt.euro(abs(doc.total)), align="C")
    pdf.set_xy(x, y + 25)
    pdf.style(12, bold=True, color="#ffffff")
    due = (_("Nessun importo da pagare") if credit
           else _("entro il %(date)s", date=fmt.day(doc.due_date)))
    pdf.cell(w, 6, due, align="C")


def _key_facts(pdf: BillPDF, doc: InvoiceDocument) -> None:
    """Print number, issue date, period and due date in a tinted strip."""
    facts = (
        (_("Numero fattura"), doc.number, 36),
        (_("Data di emissione"), fmt.day(doc.issue_date), 36),
        (_("Periodo di fatturazione"), f"{fmt.day(doc.period_start)} – {fmt.day(doc.period_end)}",
         66),
        (_("Scadenza"), fmt.day(doc.due_date), CONTENT_WIDTH - 138),
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
    pdf.section(_("Dati della fornitura"), room=18)
    top = pdf.get_y()
    left = _pairs(pdf, MARGIN, (
        ("POD", supply.pod),
        (_("Indirizzo"), supply.address),
        (_("Tipologia"), supply.customer_type_label),
    ), label_w=18, value_w=69)
    pdf.set_y(top)
    power = _("%(committed)s impegnata · %(available)s disponibile",
              committed=fmt.kw(supply.power_committed_kw),
              available=fmt.kw(supply.power_available_kw))
    right = _pairs(pdf, MARGIN + 88, (
        (_("Tariffa"), supply.tariff_label),
        (_("Offerta"), supply.offer),
        (_("Potenza"), power),
    ), label_w=16, value_w=CONTENT_WIDTH - 88 - 16)
    pdf.set_y(max(left, right))


def _consumption(pdf: BillPDF, doc: InvoiceDocument) -> None:
    """Print the period's consumption by band, the reading and the annual consumption."""
    pdf.section(_("I tuoi consumi"), room=34)
    top = pdf.get_y()
    bands = tuple(doc.bands.items())
    for band, kwh in bands:
        y = pdf.get_y()
        pdf.swatch(MARGIN, y + 1.3, band)
        pdf.set_xy(MARGIN + 5, y)
        pdf.style(10.5, bold=True)
        pdf.cell(9, ROW, band)
        pdf.style(9, color=palette.MUTED)
        pdf.cell(52, ROW, _(BAND_HOURS[band]))
        pdf.style(10.5, bold=True)
        pdf.cell(26, ROW, fmt.kwh(kwh), align="R", new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y()
    pdf.set_draw_color(palette.LINE)
    pdf.set_line_width(0.3)
    pdf.line(MARGIN, y, MARGIN + 92, y)
    pdf.set_xy(MARGIN, y + 0.5)
    pdf.style(11, bold=True)
    pdf.cell(66, ROW + 0.5, _("Consumo del periodo"))
    pdf.cell(26, ROW + 0.5, fmt.kwh(doc.kwh), align="R", new_x="LMARGIN", new_y="NEXT")
    left_bottom = pdf.get_y()

    x, w = MARGIN + 100, CONTENT_WIDTH - 100
    reading_color = palette.WARNING if doc.reading_type == ReadingType.ESTIMATED else palette.INK
    pdf.set_xy(x, top)
    pdf.style(9.5, color=palette.MUTED)
    pdf.cell(w, 5, _("Lettura del %(date)s", date=fmt.day(doc.reading_date)),
             new_x="LEFT", new_y="NEXT")
    pdf.style(11, bold=True, color=reading_color)
    pdf.cell(w, 6, _(READING_LABELS[doc.reading_type]), new_x="LEFT", new_y="NEXT")
    pdf.style(9.5, color=palette.MUTED)
    pdf.cell(w, 5, _("Consumo annuo (ultimi 12 mesi)"), new_x="LEFT", new_y="NEXT")
    pdf.style(11, bold=True)
    pdf.cell(w, 6, fmt.kwh(doc.annual_kwh), new_x="LEFT", new_y="NEXT")
    _share_bar(pdf, doc, x, pdf.get_y() + 1.5, w)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 1)


def _share_bar(pdf: BillPDF, doc: InvoiceDocument, x: float, y: float, w: float) -> None:
    """Draw the bands' shares of the period as one split bar with percentages under it."""
    bands = tuple(doc.bands.items())
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
    pdf.cell(CONTENT_WIDTH - 45, 8.5, "  " + _("Totale bolletta"), fill=True)
    pdf.cell(45, 8.5, f"{fmt.euro(doc.total)}  ", align="R", fill=True,
             new_x="LMARGIN", new_y="NEXT")
    pdf.style(8.5, color=palette.MUTED)
    pdf.cell(CONTENT_WIDTH, 5, _("Ogni voce, con quantità e prezzi, è negli «Elementi di "
                                 "dettaglio» di questa fattura."), new_x="LMARGIN", new_y="NEXT")


def _summary(pdf: BillPDF, doc: InvoiceDocument, groups: tuple[GroupTotal, ...]) -> None:
    """Print the Bolletta 2.0 summary: one row per cost group, then the total."""
    pdf.section(_("Sintesi degli importi fatturati"), room=ROW * (len(groups) + 2))
    for group in groups:
        _amount_row(pdf, group_label(group.spec), group.subtotal)
    _grand_total(pdf, doc)


def _offer_box(pdf: BillPDF, doc: InvoiceDocument) -> None:
    """Print the «box dell'offerta»: name, code, market, expiry, and the sheet's link and QR."""
    supply = doc.supply
    top, height, qr = pdf.get_y(), 31.0, 25.0
    pdf.set_fill_color(palette.PRIMARY_LIGHT)
    pdf.rect(MARGIN, top, CONTENT_WIDTH, height, style="F")
    pdf.qr_code(MARGIN + CONTENT_WIDTH - qr - 3, top + 3, qr, supply.offer_sheet_url)
    width = CONTENT_WIDTH - qr - 9
    pdf.set_xy(MARGIN + 3, top + 2)
    pdf.style(8.5, color=palette.MUTED)
    pdf.cell(width, 4.5, _("La tua offerta"), new_x="LEFT", new_y="NEXT")
    pdf.style(12, bold=True, color=palette.PRIMARY_DARK)
    pdf.cell(width, 6.5, pdf.fitted(supply.offer_name, width - 2), new_x="LEFT", new_y="NEXT")
    market = MARKET_LABELS.get(supply.market)
    for label, value in (
        (_("Codice offerta"), supply.offer_code),
        (_("Mercato"), _(market) if market else ""),
        (_("Condizioni economiche"), offer_conditions(supply.market, supply.conditions_until)),
    ):
        y = pdf.get_y()
        pdf.style(9.5, color=palette.MUTED)
        pdf.cell(42, 5, label)
        pdf.style(10, bold=True)
        pdf.cell(width - 42, 5, value, new_x="LEFT", new_y="NEXT")
        pdf.set_xy(MARGIN + 3, y + 5)
    pdf.style(9, color=palette.MUTED)
    pdf.cell(width, 5, _("Scheda sintetica dell'offerta: %(url)s", url=supply.offer_sheet_url),
             link=supply.offer_sheet_url, new_x="LEFT", new_y="NEXT")
    pdf.set_y(top + height + 2)


def _measured(row: ReceiptRow) -> tuple[str, str]:
    """Write a receipt row's quantity and average unit price: «485 kWh», «0,1586 €/kWh»."""
    average = row.average_price
    if not row.unit or average is None:
        return "", ""
    one, many = unit_forms(row.unit)
    unit = one if row.quantity == 1 else many
    return f"{fmt.quantity(row.quantity)} {unit}", unit_price(average, one)


def _receipt(pdf: BillPDF, doc: InvoiceDocument, groups: tuple[GroupTotal, ...]) -> None:
    """Print the 2025 energy receipt: each share's quantity, average price, seller and network."""
    rows = receipt_rows(groups, doc.kwh, months_between(doc.period_start, doc.period_end),
                        doc.supply.power_committed_kw)
    split = [row for row in rows if row.group.spec.group in SPLIT_GROUPS]
    rest = [row for row in rows if row.group.spec.group not in SPLIT_GROUPS]
    pdf.section(_("Scontrino dell'energia"), room=ROW * (len(rows) + 4))
    widths = (CONTENT_WIDTH - 136, 26, 32, 26, 26, 26)

    def line(cells: tuple[str, ...], bold: bool = False, fill: bool = False) -> None:
        """Print one row of the receipt: a label, quantity, average price and three amounts."""
        y = pdf.get_y()
        pdf.set_x(MARGIN)
        pdf.set_fill_color(palette.PRIMARY_LIGHT)
        for i, (text, width) in enumerate(zip(cells, widths, strict=True)):
            pdf.style(9 if i in (1, 2) and not fill else 10, bold=bold)
            pdf.cell(width, ROW, text, align="L" if i == 0 else "R", fill=fill)
        pdf.ln(ROW)
        pdf.set_draw_color(palette.LINE)
        pdf.set_line_width(0.2)
        pdf.line(MARGIN, y + ROW, MARGIN + CONTENT_WIDTH, y + ROW)

    line(("", _("Quantità"), _("Prezzo medio"), *(_(SIDE_LABELS[side]) for side in SPLIT_SIDES),
          _("Totale")), bold=True, fill=True)
    for row in split:
        group = row.group
        line((group_label(group.spec), *_measured(row),
              *(fmt.euro(group.side_total(side)) for side in SPLIT_SIDES),
              fmt.euro(group.subtotal)))
    line((_("Totale vendita e rete"), "", "",
          *(fmt.euro(sum((r.group.side_total(side) for r in split), Decimal(0)))
            for side in SPLIT_SIDES),
          fmt.euro(sum((r.group.subtotal for r in split), Decimal(0)))), bold=True)
    for row in rest:
        # Taxes, canone and the like go to neither side: the label may take the empty columns.
        quantity, average = _measured(row)
        name = group_label(row.group.spec)
        label = f"{name} ({quantity} × {average})" if quantity else name
        pdf.style(10)
        pdf.put(MARGIN, pdf.get_y(), CONTENT_WIDTH - widths[-1], ROW, label)
        line(("", "", "", "", "", fmt.euro(row.group.subtotal)))
    _grand_total(pdf, doc)
    average = average_cost(doc.total, doc.kwh)
    if average is not None:
        pdf.style(8.5, color=palette.MUTED)
        pdf.cell(CONTENT_WIDTH, 4.5, _(
            "Costo medio della bolletta: %(price)s (totale diviso per i kWh consumati nel "
            "periodo).", price=unit_price(average, "kWh")), new_x="LMARGIN", new_y="NEXT")


def _notices(pdf: BillPDF, doc: InvoiceDocument) -> None:
    """Print what to do for a fault, a complaint or the bonus sociale."""
    pdf.section(_("Informazioni utili"), room=34)
    brand = branding.current()
    for lead, text in (
        (_("Guasti e pronto intervento"), _fault_text(doc)),
        (_("Reclami"), _(
            "scrivi a %(name)s con il modulo su %(website)s, per email o per posta: rispondiamo "
            "entro 30 giorni. Se la risposta non ti soddisfa, puoi rivolgerti gratuitamente al "
            "Servizio Conciliazione di ARERA (www.arera.it).", name=brand.name,
            website=brand.website_label)),
        (_("Bonus sociale"), _(
            "se l'ISEE della tua famiglia non supera 9.530 € (20.000 € con almeno quattro figli "
            "a carico) hai diritto a uno sconto in bolletta: arriva da solo dopo la DSU per "
            "l'ISEE all'INPS. Informazioni: www.arera.it o 800.166.654.")),
    ):
        pdf.set_x(MARGIN)
        pdf.style(9.5)
        pdf.multi_cell(CONTENT_WIDTH, 4.6, f"**{lead}:** {text}", markdown=True, align="L",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)


def _fault_text(doc: InvoiceDocument) -> str:
    """Say whom to call for a fault: the distributor, by its number when the branding gives it."""
    distributor, phone = doc.supply.distributor, doc.supply.fault_phone
    # The number only when the branding file gives it: never a made-up one on a real bill.
    if phone and distributor:
        return _("chiama %(distributor)s, il distributore della tua zona, al numero %(phone)s, "
                 "attivo 24 ore su 24.", distributor=distributor, phone=phone)
    if phone:
        return _("chiama il distributore della tua zona al numero %(phone)s, attivo 24 ore su "
                 "24.", phone=phone)
    if distributor:
        return _("chiama il distributore della tua zona (%(distributor)s): il suo pronto "
                 "intervento risponde 24 ore su 24.", distributor=distributor)
    return _("chiama il distributore della tua zona: il suo pronto intervento risponde 24 ore "
             "su 24.")


def _payments(pdf: BillPDF, doc: InvoiceDocument) -> None:
    """Print how this bill is paid and how the earlier ones were settled."""
    pdf.section(_("Pagamento"), room=ROW * 4)
    _pairs(pdf, MARGIN, ((_("Modalità di pagamento"), doc.payment_method_label),),
           label_w=44, value_w=CONTENT_WIDTH - 44)
    if not doc.past_payments:
        _pairs(pdf, MARGIN, ((_("Bollette precedenti"), _("nessuna da mostrare")),),
               label_w=44, value_w=CONTENT_WIDTH - 44)
        return
    # Bill, due date, amount (right-aligned), then the status after a gap: x, width, alignment.
    columns = ((0, 44, "L"), (44, 34, "L"), (78, 34, "R"), (118, CONTENT_WIDTH - 118, "L"))
    y = pdf.get_y()
    pdf.style(9.5, color=palette.MUTED)
    heads = (_("Bollette precedenti"), _("Scadenza"), _("Importo"), _("Stato del pagamento"))
    for text, (x, width, align) in zip(heads, columns, strict=True):
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
