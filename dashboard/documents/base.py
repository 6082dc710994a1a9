"""What both bill documents share: the Unicode font, the page furniture, the bill's arithmetic."""
from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path

from fontTools import subset as ftsubset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

from dashboard import formatting as fmt
from dashboard import palette
from models.enums import BillGeneration, CostGroup, CostSide, ReadingType

from .data import InvoiceDocument, Line

COOPERATIVE = "SECAB Società Cooperativa"
IDENTITY = "Paluzza (UD) · www.secab.it"
FAMILY = "DejaVu"
MARGIN = 15.0
CONTENT_WIDTH = 210.0 - 2 * MARGIN
BODY_TOP = 31.0
BOTTOM_MARGIN = 18.0
CENT = Decimal("0.01")
# A line's amount may differ from quantity × unit price by rounding to the cent, no more.
HALF_CENT = Decimal("0.005")
# Lines whose quantity is a taxable base in euro carry a rate as their unit price (IVA).
RATE_UNIT = "€"

_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
_FONT_DIR = Path(__file__).parent / "fonts"
# Every character a bill prints: the Latin scripts of members' names, typographic punctuation
# and the euro sign. A font cut to these ~370 glyphs is what makes each PDF cheap to write.
_REPERTOIRE = (
    *range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x218, 0x21C), *range(0x2010, 0x2027), 0x20AC,
)


# --- The font: cut and parsed once per process, copied into each document --------------------

@cache
def _cut_font(style: str) -> bytes:
    """Cut DejaVu down to the bills' repertoire, without hinting or layout tables."""
    font = ttLib.TTFont(_FONT_DIR / _FONT_FILES[style])
    options = ftsubset.Options(hinting=False, layout_features=[], glyph_names=True)
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "MATH", "kern", "hdmx", "FFTM"]
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(unicodes=_REPERTOIRE)
    subsetter.subset(font)
    out = BytesIO()
    font.save(out)
    return out.getvalue()


@cache
def _parsed_font(style: str) -> TTFFont:
    """Parse the cut font once: metrics, cmap and widths are the same for every document."""
    return TTFFont(FPDF(), BytesIO(_cut_font(style)), f"{FAMILY.lower()}{style}", style)


def _font_for(pdf: FPDF, style: str) -> TTFFont:
    """Copy the parsed font into one document, with its own glyph subset and embedding state."""
    template = _parsed_font(style)
    font = copy.copy(template)
    font.i = len(pdf.fonts) + 1
    # fpdf2 cuts the embedded subset out of `ttfont` in place while writing the PDF, so every
    # document needs its own. Loading it lazily from bytes costs ~0.1 ms; recalcBBoxes=False
    # keeps each glyph's stored bounding box instead of recomputing them all on save.
    font.ttfont = ttLib.TTFont(
        BytesIO(_cut_font(style)), lazy=True, recalcTimestamp=False, recalcBBoxes=False
    )
    font.cw = copy.copy(template.cw)          # a defaultdict: reading a missing key writes it
    font.desc = copy.copy(template.desc)      # the writer stores object ids on the descriptor
    font.missing_glyphs = []
    font.subset = SubsetMap(font)
    return font


# --- The page furniture -----------------------------------------------------------------------

class BillPDF(FPDF):
    """An A4 page with SECAB's letterhead, a footer with page x of y, and the Unicode font."""

    def __init__(self, doc: InvoiceDocument, title: str) -> None:
        """Start the document for one invoice with its title on every page."""
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc_title = title
        self.invoice_number = doc.number
        self.issue_date = doc.issue_date
        for style in _FONT_FILES:
            self.fonts[f"{FAMILY.lower()}{style}"] = _font_for(self, style)
        self.set_margins(MARGIN, BODY_TOP, MARGIN)
        self.set_auto_page_break(True, margin=BOTTOM_MARGIN)
        self.set_title(f"{title} – fattura n. {doc.number}")
        self.set_author(COOPERATIVE)
        self.set_creator(COOPERATIVE)
        self.set_lang("it-IT")
        self.add_page()

    def style(self, size: float, bold: bool = False, color: str = palette.INK) -> None:
        """Set the font size, weight and text colour in one call."""
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(color)

    def header(self) -> None:
        """Draw the logo, the cooperative's name and the document's title and number."""
        self._logo(MARGIN, 9.5, 13)
        self.set_xy(MARGIN + 15.5, 9.5)
        self.style(17, bold=True, color=palette.PRIMARY)
        self.cell(60, 7.5, "SECAB")
        self.set_xy(MARGIN + 15.5, 17)
        self.style(8.5, color=palette.MUTED)
        self.cell(80, 4.5, f"{COOPERATIVE} – {IDENTITY}")
        self.set_xy(100, 9.5)
        self.style(15, bold=True)
        self.cell(210 - MARGIN - 100, 7.5, self.doc_title, align="R")
        self.set_xy(100, 17)
        self.style(9.5, color=palette.MUTED)
        self.cell(210 - MARGIN - 100, 4.5,
                  f"Fattura n. {self.invoice_number} del {fmt.day(self.issue_date)}", align="R")
        self.set_draw_color(palette.PRIMARY)
        self.set_line_width(0.6)
        self.line(MARGIN, 25, 210 - MARGIN, 25)
        self.set_y(BODY_TOP)

    def _logo(self, x: float, y: float, size: float) -> None:
        """Draw the logo of assets/logo.svg (mountains and a bolt) from its 48-unit grid."""
        unit = size / 48
        self.set_fill_color(palette.PRIMARY)
        self.rect(x, y, size, size, style="F", round_corners=True, corner_radius=10 * unit)
        for color, points in (
            (palette.LOGO_MOUNTAIN, ((4, 38), (17, 18), (25, 29), (31, 21), (44, 38))),
            (palette.LOGO_BOLT,
             ((27, 6), (19, 24), (25, 24), (21, 40), (33, 19), (27, 19), (31, 6))),
        ):
            self.set_fill_color(color)
            self.polygon([(x + px * unit, y + py * unit) for px, py in points], style="F")

    def footer(self) -> None:
        """Print who issued the document and page x of y."""
        self.set_draw_color(palette.LINE)
        self.set_line_width(0.3)
        self.line(MARGIN, 297 - 13, 210 - MARGIN, 297 - 13)
        self.set_xy(MARGIN, 297 - 12)
        self.style(8, color=palette.MUTED)
        self.cell(CONTENT_WIDTH / 2, 4.5, f"{COOPERATIVE} – {IDENTITY}")
        self.cell(CONTENT_WIDTH / 2, 4.5,
                  f"Fattura n. {self.invoice_number} · Pagina {self.page_no()} di {{nb}}",
                  align="R")

    def fitted(self, text: str, width: float) -> str:
        """Shorten text with an ellipsis so that it fits `width` mm in the current font."""
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(f"{text}…") > width:
            text = text[:-1]
        return f"{text.rstrip()}…"

    def ensure_space(self, height: float) -> None:
        """Start a new page unless `height` mm still fit above the bottom margin."""
        if self.get_y() + height > self.h - BOTTOM_MARGIN:
            self.add_page()

    def section(self, title: str, room: float = 30) -> None:
        """Print a section heading, keeping it on the same page as `room` mm of content."""
        self.ensure_space(8 + room)
        self.ln(2.5)
        self.set_x(MARGIN)
        self.style(12, bold=True, color=palette.PRIMARY)
        self.cell(CONTENT_WIDTH, 6.5, title, new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(palette.PRIMARY)
        self.set_line_width(0.3)
        self.line(MARGIN, self.get_y(), 210 - MARGIN, self.get_y())
        self.ln(1.5)

    def swatch(self, x: float, y: float, band: str, size: float = 3.4) -> None:
        """Draw a band's colour square, as in the web chart's legend."""
        self.set_fill_color(palette.BAND_COLORS[band])
        self.rect(x, y, size, size, style="F")

    def notice(self, text: str) -> None:
        """Print a warning box across the page: estimates and adjustments must not go unseen."""
        self.set_x(MARGIN)
        self.style(10.5, bold=True, color=palette.WARNING)
        self.set_fill_color(palette.WARNING_LIGHT)
        self.set_draw_color(palette.LOGO_BOLT)
        self.set_line_width(0.5)
        self.multi_cell(CONTENT_WIDTH, 5.2, text, border=1, fill=True, padding=(2, 3), align="L",
                        new_x="LMARGIN", new_y="NEXT")
        self.ln(2)


# --- The bill's arithmetic: groups, subtotals and the checks that keep totals honest ----------

@dataclass(frozen=True)
class GroupSpec:
    """A cost group as a bill generation prints it."""

    group: CostGroup
    heading: str
    summary: str = ""         # the front page's label, when it differs from the heading

    @property
    def label(self) -> str:
        """Return the label of the group's subtotal."""
        return self.summary or self.heading

    @property
    def total_label(self) -> str:
        """Return the label of the group's subtotal row in the detail."""
        return self.summary or f"Totale {self.heading[0].lower()}{self.heading[1:]}"


@dataclass(frozen=True)
class GroupTotal:
    """The lines of one cost group and their subtotal."""

    spec: GroupSpec
    lines: tuple[Line, ...]
    subtotal: Decimal

    def side_total(self, side: CostSide) -> Decimal:
        """Return the part of the subtotal that goes to one side (seller or network)."""
        return sum((line.amount for line in self.lines if line.side == side), Decimal(0))


_RECALCULATIONS = GroupSpec(CostGroup.RECALCULATIONS, "Ricalcoli")
_OTHER = GroupSpec(CostGroup.OTHER, "Altre partite")
GROUPS: dict[BillGeneration, tuple[GroupSpec, ...]] = {
    BillGeneration.BOLLETTA_2_0: (
        GroupSpec(CostGroup.ENERGY, "Spesa per la materia energia"),
        GroupSpec(CostGroup.TRANSPORT, "Spesa per il trasporto e la gestione del contatore"),
        GroupSpec(CostGroup.SYSTEM_CHARGES, "Spesa per oneri di sistema"),
        _RECALCULATIONS,
        _OTHER,
        GroupSpec(CostGroup.TAXES, "Imposte e IVA", summary="Totale imposte e IVA"),
    ),
    BillGeneration.ARERA_2025: (
        GroupSpec(CostGroup.CONSUMPTION_SHARE, "Quota consumi"),
        GroupSpec(CostGroup.FIXED_SHARE, "Quota fissa"),
        GroupSpec(CostGroup.POWER_SHARE, "Quota potenza"),
        _RECALCULATIONS,
        _OTHER,
        GroupSpec(CostGroup.TAXES, "Imposte"),
    ),
}
# Groups a bill shows only when it has lines in them; the others always appear, even at 0,00 €.
OCCASIONAL = frozenset({CostGroup.RECALCULATIONS, CostGroup.OTHER})
# The 2025 receipt splits these groups between the seller and the network.
SPLIT_GROUPS = frozenset(
    {CostGroup.CONSUMPTION_SHARE, CostGroup.FIXED_SHARE, CostGroup.POWER_SHARE}
)
SPLIT_SIDES = (CostSide.SALE, CostSide.NETWORK)
SIDE_LABELS = {CostSide.SALE: "Vendita", CostSide.NETWORK: "Rete e oneri"}


def is_rate_line(line: Line) -> bool:
    """Tell whether the line applies a rate to a taxable base (IVA) rather than a price."""
    return line.unit == RATE_UNIT


def _check_line(line: Line, generation: BillGeneration) -> None:
    """Refuse a line that is in the wrong group or whose amount is not quantity × price."""
    if line.group not in {spec.group for spec in GROUPS[generation]}:
        raise ValueError(f"line {line.description!r}: {line.group} is not a {generation} group")
    if line.group in SPLIT_GROUPS and line.side not in SPLIT_SIDES:
        raise ValueError(f"line {line.description!r}: side {line.side} is neither sale nor network")
    if line.amount != line.amount.quantize(CENT):
        raise ValueError(f"line {line.description!r}: amount {line.amount} is not in cents")
    if abs(line.quantity * line.unit_price - line.amount) > HALF_CENT:
        raise ValueError(
            f"line {line.description!r}: {line.quantity} × {line.unit_price} is not {line.amount}"
        )


def _check_readings(doc: InvoiceDocument) -> None:
    """Refuse meter readings that do not add up to the billed consumption."""
    billed = {"F1": doc.f1_kwh, "F2": doc.f2_kwh, "F3": doc.f3_kwh}
    for reading in doc.readings:
        if reading.current - reading.previous != reading.kwh:
            raise ValueError(f"{reading.band}: registers do not give {reading.kwh} kWh")
        if reading.band in billed and billed[reading.band] != reading.kwh:
            raise ValueError(f"{reading.band}: read {reading.kwh}, billed {billed[reading.band]}")


def checked_groups(doc: InvoiceDocument) -> tuple[GroupTotal, ...]:
    """Check the bill's arithmetic and return its cost groups in printing order."""
    if not doc.lines:
        raise ValueError(f"invoice {doc.number} has no lines")
    for line in doc.lines:
        _check_line(line, doc.generation)
    _check_readings(doc)
    groups = []
    for spec in GROUPS[doc.generation]:
        lines = tuple(line for line in doc.lines if line.group == spec.group)
        if lines or spec.group not in OCCASIONAL:
            groups.append(GroupTotal(spec, lines, sum((x.amount for x in lines), Decimal(0))))
    # Every line sits in exactly one printed group, so this is also the sum of the lines.
    printed = sum((group.subtotal for group in groups), Decimal(0))
    if printed != doc.total:
        raise ValueError(f"invoice {doc.number}: groups add up to {printed}, total is {doc.total}")
    return tuple(groups)


# --- Words shared by both documents -----------------------------------------------------------

READING_LABELS = {
    ReadingType.ACTUAL: "Lettura effettiva",
    ReadingType.SELF: "Autolettura comunicata dal cliente",
    ReadingType.ESTIMATED: "Lettura stimata",
}


def warnings_for(doc: InvoiceDocument) -> list[str]:
    """Return the plain-words warnings a member must not miss: estimate, adjustment."""
    warnings = []
    if doc.reading_type == ReadingType.ESTIMATED:
        warnings.append(
            f"Lettura stimata: i consumi al {fmt.day(doc.reading_date)} sono una stima, non una "
            "lettura del contatore. Saranno ricalcolati (conguaglio) con la prossima lettura "
            "effettiva."
        )
    if doc.is_adjustment:
        where = (" Le differenze sono nella voce «Ricalcoli»."
                 if any(line.group == CostGroup.RECALCULATIONS for line in doc.lines) else "")
        warnings.append(
            "Bolletta di conguaglio: ricalcola i consumi fatturati in precedenza sulla base delle "
            f"letture effettive.{where}"
        )
    return warnings
