"""What both bill documents share: the Unicode font, the page furniture, the checked groups."""
from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from decimal import Decimal
from io import BytesIO

import segno
from fpdf import FPDF
from fpdf.enums import Align

from dashboard import branding, palette
from dashboard import formatting as fmt
from dashboard.i18n import N_, _, current_language
from models import billing
from models.billing import GroupSpec, GroupTotal
from models.enums import CostGroup, CostSide, ReadingType

from .cut_fonts import COMMON_CHARACTERS, CUT_FONTS, FONT_DIR, WHOLE_FONTS
from .data import InvoiceDocument

FAMILY = "DejaVu"
PDF_LANGUAGES = {"it": "it-IT", "en": "en-GB"}   # the document's /Lang, for screen readers
MARGIN = 15.0
CONTENT_WIDTH = 210.0 - 2 * MARGIN
BODY_TOP = 31.0
BOTTOM_MARGIN = 18.0
QR_QUIET_ZONE = 4          # modules of white around a QR code, as ISO/IEC 18004 asks

# --- The font ----------------------------------------------------------------------------------
#
# fpdf2 parses a TTF on every add_font() and subsets it on every output(): DejaVu cut ahead of
# time to the common characters (cut_fonts.py) keeps both cheap. Documents with any other
# character get the whole fonts: slower, but complete.

def _texts(value: object) -> Iterator[str]:
    """Yield every string inside plain data: dataclasses, tuples and strings."""
    if isinstance(value, str):
        yield value
    elif is_dataclass(value):
        for item in fields(value):
            yield from _texts(getattr(value, item.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from _texts(item)


def needs_whole_font(data: object) -> bool:
    """Tell whether plain data holds a character beyond the common cut of the font."""
    return any(not COMMON_CHARACTERS.issuperset(text) for text in _texts(data))


def add_fonts(pdf: FPDF, data: object) -> None:
    """Give a document the Unicode font family, cut or whole as the plain data it prints needs."""
    files = WHOLE_FONTS if needs_whole_font(data) else CUT_FONTS
    for style, name in files.items():
        pdf.add_font(FAMILY, style, FONT_DIR / name)


# --- The page furniture -----------------------------------------------------------------------

class LetterheadPDF(FPDF):
    """An A4 page with the cooperative's letterhead, a footer with page x of y, the Unicode font."""

    def __init__(self, data: object, title: str, subtitle: str, reference: str) -> None:
        """Start a document: the title and subtitle head every page, the reference its footer."""
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc_title = title
        self.subtitle = subtitle
        self.reference = reference
        add_fonts(self, data)
        self.set_margins(MARGIN, BODY_TOP, MARGIN)
        self.set_auto_page_break(True, margin=BOTTOM_MARGIN)
        self.set_title(f"{title} – {subtitle}")
        self.set_author(branding.current().legal_name)
        self.set_creator(branding.current().legal_name)
        self.set_lang(PDF_LANGUAGES[current_language()])
        self.add_page()

    def to_bytes(self) -> bytes:
        """Write the finished document as PDF bytes."""
        return bytes(self.output())

    def style(self, size: float, bold: bool = False, color: str = palette.INK) -> None:
        """Set the font size, weight and text colour in one call."""
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(color)

    def header(self) -> None:
        """Draw the logo, the cooperative's name and the document's title and subtitle."""
        brand = branding.current()
        self.image(BytesIO(brand.logo), MARGIN, 9.5, 13, 13)
        self.set_xy(MARGIN + 15.5, 9.5)
        self.style(17, bold=True, color=palette.PRIMARY)
        self.cell(60, 7.5, brand.name)
        self.style(9.5)
        beside_subtitle = 210 - 2 * MARGIN - 15.5 - self.get_string_width(self.subtitle) - 4
        self.set_xy(MARGIN + 15.5, 17)
        self._fitted(f"{brand.legal_name} – {brand.website_label}", beside_subtitle, 8.5)
        self.set_xy(100, 9.5)
        self.style(15, bold=True)
        self.cell(210 - MARGIN - 100, 7.5, self.doc_title, align="R")
        self.set_xy(100, 17)
        self.style(9.5, color=palette.MUTED)
        self.cell(210 - MARGIN - 100, 4.5, self.subtitle, align="R")
        self.set_draw_color(palette.PRIMARY)
        self.set_line_width(0.6)
        self.line(MARGIN, 25, 210 - MARGIN, 25)
        self.set_y(BODY_TOP)

    def qr_code(self, x: float, y: float, size: float, url: str) -> None:
        """Draw a QR code of a link in a white square `size` mm wide, and make it clickable."""
        matrix = [tuple(row) for row in segno.make(url, error="m", micro=False).matrix]
        module = size / (len(matrix) + 2 * QR_QUIET_ZONE)
        self.set_fill_color("#ffffff")
        self.rect(x, y, size, size, style="F")
        self.set_fill_color("#000000")
        for row, cells in enumerate(matrix):
            # One rectangle per run of dark modules: a few hundred, not a thousand squares.
            for dark, run in itertools.groupby(enumerate(cells), key=lambda cell: cell[1]):
                run = list(run)
                if dark:
                    self.rect(x + (QR_QUIET_ZONE + run[0][0]) * module,
                              y + (QR_QUIET_ZONE + row) * module, len(run) * module, module,
                              style="F")
        self.link(x, y, size, size, url)

    def footer(self) -> None:
        """Print who issued the document (legal data, contacts), its reference and page x of y."""
        brand = branding.current()
        self.set_draw_color(palette.LINE)
        self.set_line_width(0.3)
        self.line(MARGIN, 297 - 14, 210 - MARGIN, 297 - 14)
        self.style(8, color=palette.MUTED)
        page = _("%(reference)s · Pagina %(page)s di %(pages)s", reference=self.reference,
                 page=self.page_no(), pages="{nb}")  # fpdf2 writes the page count for {nb}
        side = self.get_string_width(page.replace("{nb}", "999")) + 2
        self.set_xy(MARGIN, 297 - 13)
        self._fitted(brand.legal_line, CONTENT_WIDTH - side)
        self.cell(side, 4, page, align="R")
        self.set_xy(MARGIN, 297 - 9)
        self._fitted(brand.contact_line, CONTENT_WIDTH)

    def _fitted(self, text: str, width: float, size: float = 8, smallest: float = 6) -> None:
        """Print a letterhead line, in a smaller type if it would not fit at the usual size."""
        self.style(size, color=palette.MUTED)
        while self.get_string_width(text) > width and size > smallest:
            size -= 0.5
            self.style(size, color=palette.MUTED)
        self.cell(width, 4, text)
        self.style(8, color=palette.MUTED)  # what the footer's next cell expects

    def put(self, x: float, y: float, width: float, height: float, text: str,
            align: str | Align = Align.L) -> None:
        """Print one line of text in a box, placed as cell() places it, without moving."""
        # fpdf2's cell() supports borders, fills, links, markdown and shaping, and pays for them
        # on every call (~0.1 ms); the tables of a bill print many values that need none of it.
        align = Align.coerce(align)
        if align is Align.R:
            x += width - self.c_margin - self.get_string_width(text)
        elif align is Align.C:
            x += (width - self.get_string_width(text)) / 2
        else:
            x += self.c_margin
        self.text(x, y + 0.5 * height + 0.3 * self.font_size, text)

    def fits(self, text: str, width: float) -> bool:
        """Tell whether text fits on one line of a cell `width` mm wide in the current font."""
        return self.get_string_width(text) <= width - 2 * self.c_margin

    def paragraph(self, width: float, height: float, text: str, **kwargs: str) -> None:
        """Print left-aligned text, wrapping it only when it needs more than one line."""
        # A plain cell costs a fraction of multi_cell's line breaking, and most values fit.
        if self.fits(text, width):
            self.cell(width, height, text, **kwargs)
        else:
            self.multi_cell(width, height, text, align="L", **kwargs)

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


class BillPDF(LetterheadPDF):
    """The letterhead of an invoice's two documents: its number and date on every page."""

    def __init__(self, doc: InvoiceDocument, title: str) -> None:
        """Start one of the invoice's documents."""
        super().__init__(doc, title, _("Fattura n. %(number)s del %(date)s", number=doc.number,
                                       date=fmt.day(doc.issue_date)),
                         _("Fattura n. %(number)s", number=doc.number))


# --- The bill's groups, checked by the billing rules --------------------------------------------

# models/billing.py names the cost groups in Italian; their English is in this area's catalog
# (translations/en/documents.po), looked up where the documents print them.

def group_heading(spec: GroupSpec) -> str:
    """Return a cost group's heading in the viewer's language."""
    return _(spec.heading)


def group_label(spec: GroupSpec) -> str:
    """Return a cost group's name on the front page, in the viewer's language."""
    return _(spec.label)


def group_total_label(spec: GroupSpec) -> str:
    """Return the label of a cost group's subtotal, in the viewer's language."""
    return _(spec.total_label)


SIDE_LABELS = {CostSide.SALE: N_("Vendita"), CostSide.NETWORK: N_("Rete e oneri")}


def checked_groups(doc: InvoiceDocument) -> tuple[GroupTotal, ...]:
    """Check the bill's readings and arithmetic; return its cost groups in printing order."""
    billing.check_readings(doc.readings, doc.bands.as_dict(), doc.is_adjustment)
    try:
        return billing.checked_groups(doc.lines, doc.generation, doc.total)
    except ValueError as error:
        raise ValueError(f"invoice {doc.number}: {error}") from error


# --- Words shared by both documents -----------------------------------------------------------

READING_LABELS = {
    ReadingType.ACTUAL: N_("Lettura effettiva"),
    ReadingType.SELF: N_("Autolettura comunicata dal cliente"),
    ReadingType.ESTIMATED: N_("Lettura stimata"),
}

# Stored units with words in them, by number: "2 mesi", "1 mese", "6,00 €/mese".
UNIT_FORMS = {unit: forms for forms in ((N_("mese"), N_("mesi")), (N_("giorno"), N_("giorni")),
                                        (N_("rata"), N_("rate")), (N_("kW×mese"), N_("kW×mese")))
              for unit in forms}


def unit_forms(unit: str) -> tuple[str, str]:
    """Return a stored unit's singular and plural in the viewer's language: ('mese', 'mesi')."""
    if unit not in UNIT_FORMS:
        return unit, unit                   # kWh, kW: the same in every number and language
    one, many = UNIT_FORMS[unit]
    return _(one), _(many)


def unit_price(value: Decimal, unit: str) -> str:
    """Write a price per unit: 0,1586 €/kWh (€0.1586/kWh in English), the sign first."""
    text = fmt.price(value)
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    return sign + _("%(price)s €/%(unit)s", price=digits, unit=unit)


def warnings_for(doc: InvoiceDocument) -> list[str]:
    """Return the plain-words warnings a member must not miss: estimate, adjustment."""
    warnings = []
    if doc.reading_type == ReadingType.ESTIMATED:
        warnings.append(_(
            "Lettura stimata: i consumi al %(date)s sono una stima, non una lettura del "
            "contatore. Saranno ricalcolati (conguaglio) con la prossima lettura effettiva.",
            date=fmt.day(doc.reading_date)))
    if doc.is_adjustment:
        text = _("Bolletta di conguaglio: ricalcola i consumi fatturati in precedenza sulla "
                 "base delle letture effettive.")
        if any(line.group == CostGroup.RECALCULATIONS for line in doc.lines):
            text += " " + _("Le differenze sono nella voce «Ricalcoli».")
        warnings.append(text)
    return warnings
