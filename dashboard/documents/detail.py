"""The Fattura Dettaglio ("elementi di dettaglio"): every line, the readings, the history."""
from __future__ import annotations

from dataclasses import dataclass

from dashboard import formatting as fmt
from dashboard import palette
from dashboard.i18n import N_, _
from models.bands import Bands
from models.billing import EURO_UNIT, SPLIT_GROUPS, SPLIT_SIDES, GroupTotal, is_rate_line
from models.enums import BillGeneration, CostGroup, ReadingType

from .base import (
    CONTENT_WIDTH,
    MARGIN,
    READING_LABELS,
    SIDE_LABELS,
    BillPDF,
    checked_groups,
    group_heading,
    group_total_label,
    unit_forms,
    unit_price,
    warnings_for,
)
from .data import InvoiceDocument, Line

TITLE = N_("Elementi di dettaglio")
ROW = 5.6
# Description | quantity and unit | unit price | amount: widths in mm and alignment.
COLUMNS = ((N_("Descrizione"), 86.0, "L"), (N_("Quantità"), 30.0, "R"),
           (N_("Prezzo unitario"), 36.0, "R"), (N_("Importo"), 28.0, "R"))
BANDS = ("F1", "F2", "F3")
# Values printed inside a bar segment: dark text on the light F2 amber, white on the others.
BAND_TEXT = {"F1": "#ffffff", "F2": palette.INK, "F3": "#ffffff"}
CHART_HEIGHT = 50.0
CHART_BARS = 12                         # two years of bimonthly bills


def render_detail(doc: InvoiceDocument) -> bytes:
    """Render the detail document of one invoice as PDF bytes; refuse inconsistent data."""
    groups = checked_groups(doc)
    pdf = BillPDF(doc, _(TITLE))
    _reference(pdf, doc)
    for text in warnings_for(doc):
        pdf.notice(text)
    _readings(pdf, doc)
    _lines(pdf, doc, groups)
    _taxes(pdf, groups)
    _history(pdf, doc)
    return pdf.to_bytes()


def _reference(pdf: BillPDF, doc: InvoiceDocument) -> None:
    """Print whose bill this is, for which supply and period, its total and due date."""
    pdf.style(9.5, bold=True)
    # Figures and dates always print in full; only the name gives way (the Fattura has it all).
    facts = (
        (_("Intestatario"), pdf.fitted(doc.holder.name, CONTENT_WIDTH - 139 - 4),
         CONTENT_WIDTH - 139),
        ("POD", doc.supply.pod, 38),
        (_("Periodo"), f"{fmt.day(doc.period_start)} – {fmt.day(doc.period_end)}", 50.5),
        (_("Totale fattura"), fmt.euro(doc.total), 24.5),
        (_("Scadenza"), fmt.day(doc.due_date), 26),
    )
    top = pdf.get_y()
    pdf.set_fill_color(palette.PRIMARY_LIGHT)
    pdf.rect(MARGIN, top, CONTENT_WIDTH, 13, style="F")
    x = MARGIN
    for label, value, width in facts:
        pdf.style(8.5, color=palette.MUTED)
        pdf.put(x + 1, top + 1.6, width - 1, 4, label)
        pdf.style(9.5, bold=True)
        pdf.put(x + 1, top + 6.2, width - 1, 5, value)
        x += width
    pdf.set_y(top + 16)


def _readings(pdf: BillPDF, doc: InvoiceDocument) -> None:
    """Print the meter registers by band, the consumption and the kind of reading."""
    pdf.section(_("Letture e consumi"), room=ROW * 6)
    widths = (45.0, 45.0, 45.0, 45.0)
    headers = (_("Fascia"), _("Lettura al %(date)s", date=fmt.day(doc.period_start)),
               _("Lettura al %(date)s", date=fmt.day(doc.reading_date)), _("Consumo"))
    pdf.set_x(MARGIN)
    pdf.style(9, color=palette.MUTED)
    for index, (text, width) in enumerate(zip(headers, widths, strict=True)):
        pdf.cell(width, 5, text, align="R" if index else "L")
    pdf.ln(5)
    registers = {reading.band: reading for reading in doc.readings}
    read = 0
    for band, billed in zip(BANDS, doc.bands, strict=True):
        reading = registers.get(band)
        kwh = reading.kwh if reading else billed
        read += kwh
        y = pdf.get_y()
        pdf.swatch(MARGIN, y + 1.1, band)
        pdf.set_xy(MARGIN + 5, y)
        pdf.style(10, bold=True)
        pdf.cell(widths[0] - 5, ROW, band)
        pdf.style(10)
        pdf.cell(widths[1], ROW, fmt.number(reading.previous) if reading else "–", align="R")
        pdf.cell(widths[2], ROW, fmt.number(reading.current) if reading else "–", align="R")
        pdf.style(10, bold=True)
        pdf.cell(widths[3], ROW, fmt.kwh(kwh), align="R", new_x="LMARGIN", new_y="NEXT")
    _rule(pdf)
    pdf.style(10.5, bold=True)
    pdf.cell(CONTENT_WIDTH - widths[3], ROW + 0.4,
             _("Totale del periodo") if read == doc.kwh else _("Totale letto"))
    pdf.cell(widths[3], ROW + 0.4, fmt.kwh(read), align="R", new_x="LMARGIN", new_y="NEXT")
    if read != doc.kwh:
        # A conguaglio: the registers also cover what earlier estimates got wrong.
        pdf.style(10, color=palette.MUTED)
        pdf.cell(CONTENT_WIDTH, ROW, _(
            "di cui %(period)s di questo periodo e %(adjustment)s di conguaglio sui consumi "
            "stimati in precedenza", period=fmt.kwh(doc.kwh), adjustment=fmt.kwh(read - doc.kwh)),
            new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    estimated = doc.reading_type == ReadingType.ESTIMATED
    pdf.style(10, color=palette.MUTED)
    pdf.cell(32, ROW, _("Tipo di lettura:"))
    pdf.style(10, bold=True, color=palette.WARNING if estimated else palette.INK)
    pdf.cell(80, ROW, _(READING_LABELS[doc.reading_type]))
    pdf.style(10, color=palette.MUTED)
    pdf.cell(CONTENT_WIDTH - 112, ROW, _("Consumo annuo: %(kwh)s", kwh=fmt.kwh(doc.annual_kwh)),
             align="R", new_x="LMARGIN", new_y="NEXT")


def _rule(pdf: BillPDF) -> None:
    """Draw a hairline across the page at the current position."""
    y = pdf.get_y()
    pdf.set_draw_color(palette.LINE)
    pdf.set_line_width(0.25)
    pdf.line(MARGIN, y, MARGIN + CONTENT_WIDTH, y)
    pdf.set_xy(MARGIN, y + 0.4)


def _columns_header(pdf: BillPDF) -> None:
    """Print the heading row of the lines' table (again on each new page)."""
    pdf.set_x(MARGIN)
    pdf.style(9, bold=True, color=palette.MUTED)
    for text, width, align in COLUMNS:
        pdf.cell(width, ROW, _(text), align=align)
    pdf.ln(ROW)
    _rule(pdf)


def _room_for_row(pdf: BillPDF, height: float) -> None:
    """Break the page before a row that does not fit, repeating the table's heading."""
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
        _columns_header(pdf)


def _group_heading(pdf: BillPDF, text: str, keep: float = ROW * 2) -> None:
    """Print a group's heading on a tinted full-width row, with the next `keep` mm."""
    _room_for_row(pdf, ROW + 1 + keep)      # a heading never ends a page alone
    pdf.set_x(MARGIN)
    pdf.set_fill_color(palette.PRIMARY_LIGHT)
    pdf.style(10.5, bold=True, color=palette.PRIMARY_DARK)
    pdf.cell(CONTENT_WIDTH, ROW + 1, f" {text}", fill=True, new_x="LMARGIN", new_y="NEXT")


def _line_cells(line: Line) -> tuple[str, str, str, str]:
    """Return a line's four cells: description, quantity and unit, unit price, amount."""
    if is_rate_line(line):
        # IVA: the quantity is the taxable base in euro and the unit price is the rate.
        return (line.description, fmt.euro(line.quantity), fmt.rate(line.unit_price),
                fmt.euro(line.amount))
    if line.unit == EURO_UNIT:
        return line.description, "", "", fmt.euro(line.amount)     # a lump sum: a rounding
    one, many = unit_forms(line.unit)
    unit = one if abs(line.quantity) == 1 else many
    return (line.description, f"{fmt.quantity(line.quantity)} {unit}",
            unit_price(line.unit_price, one), fmt.euro(line.amount))


def _line_row(pdf: BillPDF, line: Line, keep: float = 0) -> None:
    """Print one line, on the same page as the next `keep` mm; a long description wraps."""
    description, *numbers = _line_cells(line)
    pdf.style(9.5)
    width = COLUMNS[0][1] - 4           # indented under the group's heading
    lines = 1 if pdf.fits(description, width) else len(
        pdf.multi_cell(width, ROW, description, dry_run=True, output="LINES"))
    height = ROW * lines
    _room_for_row(pdf, height + keep)
    pdf.style(9.5)                      # a page break printed the bold column headings
    y = pdf.get_y()
    if lines == 1:
        pdf.put(MARGIN + 4, y, width, ROW, description)
    else:
        pdf.set_xy(MARGIN + 4, y)
        pdf.multi_cell(width, ROW, description, align="L")
    x = MARGIN + COLUMNS[0][1]
    for text, (_title, column_width, align) in zip(numbers, COLUMNS[1:], strict=True):
        pdf.put(x, y, column_width, ROW, text, align)
        x += column_width
    pdf.set_xy(MARGIN, y + height)


def _text_row(pdf: BillPDF, label: str, amount: str = "", bold: bool = False,
              color: str = palette.INK, indent: float = 4, keep: float = 0) -> None:
    """Print a label and, optionally, an amount in the last column."""
    _room_for_row(pdf, ROW + keep)
    pdf.style(9.5, bold=bold, color=color)
    y = pdf.get_y()
    pdf.put(MARGIN + indent, y, CONTENT_WIDTH - indent, ROW, label)
    pdf.put(MARGIN, y, CONTENT_WIDTH, ROW, amount, "R")
    pdf.set_xy(MARGIN, y + ROW)


def _group_rows(doc: InvoiceDocument, group: GroupTotal) -> list[Line | str]:
    """Return a group's rows in order; the 2025 shares list seller and network apart."""
    if doc.generation != BillGeneration.ARERA_2025 or group.spec.group not in SPLIT_GROUPS:
        return list(group.lines)
    rows: list[Line | str] = []
    for side in SPLIT_SIDES:
        lines = [line for line in group.lines if line.side == side]
        if lines:
            rows += [_(SIDE_LABELS[side]), *lines]
    return rows


def _lines(pdf: BillPDF, doc: InvoiceDocument, groups: tuple[GroupTotal, ...]) -> None:
    """Print every line under its group's heading, each group's subtotal and the total."""
    pdf.section(_("Dettaglio degli importi"), room=ROW * 6)
    _columns_header(pdf)
    for number, group in enumerate(groups):
        rows = _group_rows(doc, group)
        # A subtotal never opens a page alone: it keeps its group's last row, and the grand
        # total keeps the last subtotal.
        tail = ROW + 2 + (ROW + 4.5 if number == len(groups) - 1 else 0)
        _group_heading(pdf, group_heading(group.spec),
                       ROW * 2 + (tail if len(rows) <= 1 else 0))
        if not rows:
            _text_row(pdf, _("Nessuna voce in questo periodo"), color=palette.MUTED, keep=tail)
        for index, row in enumerate(rows):
            keep = tail if index == len(rows) - 1 else ROW
            if isinstance(row, Line):
                _line_row(pdf, row, keep)
            else:                       # "Vendita" or "Rete e oneri" in a 2025 share
                _text_row(pdf, row, bold=True, color=palette.MUTED, indent=2, keep=keep)
        _rule(pdf)
        _text_row(pdf, group_total_label(group.spec), fmt.euro(group.subtotal), bold=True)
        pdf.ln(1.5)
    pdf.set_x(MARGIN)
    pdf.set_fill_color(palette.PRIMARY_LIGHT)
    pdf.style(12.5, bold=True, color=palette.PRIMARY_DARK)
    pdf.cell(CONTENT_WIDTH - 45, ROW + 3, " " + _("Totale fattura"), fill=True)
    pdf.cell(45, ROW + 3, f"{fmt.euro(doc.total)} ", align="R", fill=True,
             new_x="LMARGIN", new_y="NEXT")


def _formula(line: Line) -> str:
    """Write a tax line as its computation: quantity × unit price = amount."""
    _description, quantity, price, amount = _line_cells(line)
    if is_rate_line(line):
        return _("%(description)s: imponibile %(base)s × %(rate)s = %(amount)s",
                 description=line.description, base=quantity, rate=price, amount=amount)
    return f"{line.description}: {quantity} × {price} = {amount}"


def _taxes(pdf: BillPDF, groups: tuple[GroupTotal, ...]) -> None:
    """Show how the excise and the IVA were computed, one formula per line."""
    taxes = [line for group in groups if group.spec.group == CostGroup.TAXES
             for line in group.lines]
    if not taxes:
        return
    pdf.section(_("Come sono calcolate le imposte"), room=ROW * (len(taxes) + 2))
    pdf.style(10)
    for line in taxes:
        pdf.set_x(MARGIN)
        pdf.paragraph(CONTENT_WIDTH, ROW, f"• {_formula(line)}", new_x="LMARGIN", new_y="NEXT")
    pdf.style(9, color=palette.MUTED)
    pdf.paragraph(CONTENT_WIDTH, 4.6, _(
        "L'accisa si paga sui kWh consumati. Nelle abitazioni di residenza fino a 3 kW i primi "
        "150 kWh di ogni mese sono esenti; oltre 220 kWh nel mese (150 kWh fino a 1,5 kW) "
        "l'esenzione cala di un kWh per ogni kWh in più. L'IVA si calcola su un imponibile che "
        "comprende l'accisa."), new_x="LMARGIN", new_y="NEXT")


@dataclass(frozen=True)
class _Bar:
    """One period of the history chart."""

    label: str
    kwh: Bands[int]
    current: bool

    @property
    def total(self) -> int:
        """Return the period's consumption."""
        return self.kwh.total


def _bars(doc: InvoiceDocument) -> list[_Bar]:
    """Return the latest earlier periods followed by this invoice's own period."""
    label = fmt.period(doc.period_start, doc.period_end)
    bars = [_Bar(bar.label, bar.bands, False)
            for bar in doc.history if bar.label != label]
    bars.append(_Bar(label, doc.bands, True))
    return bars[-CHART_BARS:]


def _axis_step(peak: int) -> int:
    """Return the smallest round gridline step (1 to 8 × 10^k kWh) that puts the peak in view."""
    magnitude = 10
    while True:
        for factor in (1, 2, 2.5, 3, 4, 5, 6, 8):
            step = int(factor * magnitude)
            if step * 4 >= peak:
                return step
        magnitude *= 10


def _history(pdf: BillPDF, doc: InvoiceDocument) -> None:
    """Draw the consumption of recent periods as stacked F1/F2/F3 bars with a legend."""
    bars = _bars(doc)
    pdf.section(_("Andamento dei consumi"), room=CHART_HEIGHT + 26)
    top = pdf.get_y()
    _legend(pdf, top)
    left, width = MARGIN + 14, CONTENT_WIDTH - 14
    bottom = top + 10 + CHART_HEIGHT
    # A tenth of headroom keeps the tallest bar's total clear of the legend.
    step = _axis_step(max(bar.total for bar in bars) * 11 // 10)
    scale = CHART_HEIGHT / (step * 4)
    for i in range(5):
        y = bottom - i * step * scale
        pdf.set_draw_color(palette.LINE)
        pdf.set_line_width(0.2)
        pdf.line(left, y, left + width, y)
        pdf.style(7.5, color=palette.MUTED)
        pdf.put(MARGIN, y - 2, 12, 4, fmt.number(i * step), "R")
    slot = width / len(bars)
    bar_width = min(16.0, slot * 0.6)
    for i, bar in enumerate(bars):
        _bar(pdf, bar, left + slot * i + (slot - bar_width) / 2, bottom, bar_width, scale)
        pdf.style(7.5, bold=bar.current, color=palette.INK if bar.current else palette.MUTED)
        # A label too wide for its slot goes on two lines, broken after the dash of its months.
        label = bar.label if pdf.fits(bar.label, slot) else bar.label.replace("–", "–\n", 1)
        for row, text in enumerate(label.split("\n")):
            pdf.put(left + slot * i, bottom + 1.2 + row * 3.4, slot, 3.4, text, "C")
    pdf.set_xy(MARGIN, bottom + 10.5)
    pdf.style(8, color=palette.MUTED)
    pdf.cell(CONTENT_WIDTH, 4,
             _("kWh per periodo di fatturazione; il bordo scuro indica questa fattura."),
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.style(10.5, bold=True)
    current = bars[-1]
    f1, f2, f3 = (fmt.number(kwh) for kwh in current.kwh)
    pdf.paragraph(CONTENT_WIDTH, ROW, _(
        "Consumo di questo periodo (%(period)s): %(kwh)s (F1 %(f1)s · F2 %(f2)s · F3 %(f3)s kWh)",
        period=current.label, kwh=fmt.kwh(doc.kwh), f1=f1, f2=f2, f3=f3),
        new_x="LMARGIN", new_y="NEXT")


def _legend(pdf: BillPDF, top: float) -> None:
    """Print the bands' colours above the chart, right-aligned like the web chart's legend."""
    x = MARGIN + CONTENT_WIDTH - 3 * 16
    for band in BANDS:
        pdf.swatch(x, top + 0.8, band)
        pdf.set_xy(x + 4.5, top)
        pdf.style(9, bold=True)
        pdf.cell(10, 5, band)
        x += 16


def _bar(pdf: BillPDF, bar: _Bar, x: float, bottom: float, width: float, scale: float) -> None:
    """Draw one stacked bar, F1 at the bottom, with values inside and the total on top."""
    y = bottom
    for band, kwh in zip(BANDS, bar.kwh, strict=True):
        height = kwh * scale
        if not height:
            continue
        y -= height
        pdf.set_fill_color(palette.BAND_COLORS[band])
        pdf.rect(x, y, width, height, style="F")
        if height >= 4 and width >= 8:
            pdf.style(6.5, color=BAND_TEXT[band])
            pdf.put(x, y + height / 2 - 2, width, 4, fmt.number(kwh), "C")
    if bar.current:
        pdf.set_draw_color(palette.PRIMARY_DARK)
        pdf.set_line_width(0.7)
        pdf.rect(x, y, width, bottom - y)
    pdf.style(8, bold=True)
    pdf.put(x - 4, y - 4.5, width + 8, 4, fmt.number(bar.total), "C")
