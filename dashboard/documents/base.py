"""What both bill documents share: the Unicode font, the page furniture, the bill's arithmetic."""
from __future__ import annotations

import copy
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path

from fontTools import subset as ftsubset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import Align, TextMode, XPos, YPos
from fpdf.fonts import Glyph, SubsetMap, TTFFont
from fpdf.output import CIDSystemInfo, OutputProducer, PDFFont
from fpdf.syntax import Name, PDFArray, PDFContentStream

from dashboard import branding, palette
from dashboard import formatting as fmt
from models.enums import BillGeneration, CostGroup, CostSide, ReadingType

from .data import InvoiceDocument, Line

FAMILY = "DejaVu"
MARGIN = 15.0
CONTENT_WIDTH = 210.0 - 2 * MARGIN
BODY_TOP = 31.0
BOTTOM_MARGIN = 18.0
CENT = Decimal("0.01")
# A line's amount may differ from quantity × unit price by rounding to the cent, no more.
HALF_CENT = Decimal("0.005")
# A quantity in euro is a taxable base among the taxes (IVA: base × rate) or, elsewhere, a lump
# sum such as a rounding, printed by its amount alone.
EURO_UNIT = "€"

_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
_FONT_DIR = Path(__file__).parent / "fonts"
# The characters of nearly every bill: Italian, the Latin letters of Friulian, German, Slovene and
# other European names (Latin-1, Latin Extended-A, Romanian ș ț), typographic punctuation and the
# euro sign. A font cut to these ~370 glyphs keeps each PDF cheap to write; a document with any
# other character (Greek, Cyrillic, …) embeds from the whole font, more slowly.
COMMON_CHARACTERS = frozenset(chr(code) for code in (
    *range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x218, 0x21C), *range(0x2010, 0x2027), 0x20AC,
))


# --- The font: cut and parsed once per process, shared by every document --------------------
#
# fpdf2 parses a TTF on every add_font() (~40 ms for DejaVu) and, on every output(), cuts the
# glyphs the document used out of it with fontTools (~5 ms a font even for a small font). Here
# DejaVu is cut once per process to the common characters, parsed once, and each document gets a
# light copy; the writer below embeds that small cut font whole, from bytes compressed once.
# Documents with other characters keep fpdf2's own path on the whole font: slower, but complete.

class _CutFont(TTFFont):
    """DejaVu cut to the common characters: embedded whole, never subset again."""

    __slots__ = ()


@cache
def _font_bytes(style: str, whole: bool) -> bytes:
    """Return DejaVu's file, whole or cut to the common characters without hinting."""
    path = _FONT_DIR / _FONT_FILES[style]
    if whole:
        return path.read_bytes()
    font = ttLib.TTFont(path)
    options = ftsubset.Options(hinting=False, layout_features=[], glyph_names=True)
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "MATH", "kern", "hdmx", "FFTM"]
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(unicodes=[ord(char) for char in COMMON_CHARACTERS])
    subsetter.subset(font)
    out = BytesIO()
    font.save(out)
    return out.getvalue()


@cache
def _compressed_cut_font(style: str) -> bytes:
    """Compress the cut font's file once, as the PDF stream embeds it."""
    return zlib.compress(_font_bytes(style, whole=False))


@cache
def _cut_glyph_ids(style: str) -> dict[str, int]:
    """Map the cut font's glyph names to their indices in its file."""
    order = ttLib.TTFont(BytesIO(_font_bytes(style, whole=False))).getGlyphOrder()
    return {name: index for index, name in enumerate(order)}


@cache
def _parsed_font(style: str, whole: bool) -> TTFFont:
    """Parse a font once: metrics, cmap and widths are the same for every document."""
    kind = TTFFont if whole else _CutFont
    return kind(FPDF(), BytesIO(_font_bytes(style, whole)), f"{FAMILY.lower()}{style}", style)


def _font_for(pdf: FPDF, style: str, whole: bool) -> TTFFont:
    """Copy a parsed font into one document, with its own glyph subset and embedding state."""
    template = _parsed_font(style, whole)
    font = copy.copy(template)
    font.i = len(pdf.fonts) + 1
    # fpdf2's own writer subsets `ttfont` in place, so each document gets its own (a plain
    # output() must not spoil the shared parse); loaded lazily it costs ~0.1 ms, and
    # recalcBBoxes=False keeps the glyphs' stored boxes instead of recomputing them on save.
    font.ttfont = ttLib.TTFont(
        BytesIO(_font_bytes(style, whole)), lazy=True, recalcTimestamp=False, recalcBBoxes=False
    )
    font.cw = copy.copy(template.cw)          # a defaultdict: reading a missing key writes it
    font.desc = copy.copy(template.desc)      # the writer stores object ids on the descriptor
    font.missing_glyphs = []
    font.subset = SubsetMap(font)
    return font


class _FontFile(PDFContentStream):
    """The cut font's file as a FontFile2 stream, compressed once per process."""

    def __init__(self, style: str) -> None:
        """Wrap the compressed bytes, declaring their filter and uncompressed length."""
        super().__init__(contents=_compressed_cut_font(style))
        self.filter = Name("FlateDecode")
        self.length1 = len(_font_bytes(style, whole=False))


def _to_unicode(glyphs: list[tuple[int, Glyph]]) -> bytes:
    """Write the CMap that maps the document's codes back to text, for search and copy."""
    entries = [f"<{code:04X}> <{''.join(f'{char:04X}' for char in glyph.unicode)}>\n"
               for code, glyph in glyphs if isinstance(glyph.unicode, tuple) and glyph.unicode]
    # A CMap block holds at most 100 mappings (Adobe Technical Note #5014).
    blocks = "".join(f"{len(entries[i:i + 100])} beginbfchar\n{''.join(entries[i:i + 100])}"
                     "endbfchar\n" for i in range(0, len(entries), 100))
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{blocks}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    ).encode("latin-1")


class _Producer(OutputProducer):
    """fpdf2's writer, embedding cut fonts from ready bytes instead of subsetting them again."""

    def _add_fonts(self, *args: object) -> dict[int, PDFFont]:
        """Let fpdf2 add the other fonts, then add the cut ones from the process-wide bytes."""
        fonts = self.fpdf.fonts
        cut = {key: font for key, font in fonts.items() if isinstance(font, _CutFont)}
        for key in cut:
            del fonts[key]
        try:
            objects = super()._add_fonts(*args)
        finally:
            fonts.update(cut)
        for font in cut.values():
            objects[font.i] = self._add_cut_font(font)
        # fpdf2 clears these class-wide caches after writing; they would otherwise keep
        # every document's glyph map alive.
        SubsetMap.pick.cache_clear()
        SubsetMap.get_glyph.cache_clear()
        return objects

    def _add_cut_font(self, font: _CutFont) -> PDFFont:
        """Add a Type0 font over the whole cut font, with the codes this document used."""
        if font.missing_glyphs:
            # Members' data never gets here (needs_whole_font); only a new label in the code can.
            missing = "".join(chr(code) for code in font.missing_glyphs)
            raise ValueError(f"characters outside COMMON_CHARACTERS printed: {missing!r}")
        name = f"MPDFAA+{font.name}"
        glyphs = sorted((code, glyph) for glyph, code in font.subset.items() if glyph is not None)
        widths = " ".join(f"{code} [{glyph.glyph_width}]" for code, glyph in glyphs)
        composite = PDFFont(subtype="Type0", base_font=name, encoding="Identity-H")
        self._add_pdf_obj(composite, "fonts")
        cid_font = PDFFont(subtype="CIDFontType2", base_font=name,
                           d_w=font.desc.missing_width, w=f"[{widths}]")
        self._add_pdf_obj(cid_font, "fonts")
        composite.descendant_fonts = PDFArray([cid_font])
        composite.to_unicode = PDFContentStream(_to_unicode(glyphs), compress=True)
        self._add_pdf_obj(composite.to_unicode, "fonts")
        cid_font.c_i_d_system_info = CIDSystemInfo()
        self._add_pdf_obj(cid_font.c_i_d_system_info, "fonts")
        font.desc.font_name = Name(name)
        font.desc.font_file2 = _FontFile(font.emphasis.style)
        self._add_pdf_obj(font.desc, "fonts")
        self._add_pdf_obj(font.desc.font_file2, "fonts")
        cid_font.font_descriptor = font.desc
        # The document's codes are handed out in order of first use: map each to its glyph.
        glyph_ids = _cut_glyph_ids(font.emphasis.style)
        cid_to_gid = bytearray(2 * (glyphs[-1][0] + 1))
        for code, glyph in glyphs:
            struct.pack_into(">H", cid_to_gid, 2 * code, glyph_ids[glyph.glyph_name])
        cid_font.c_i_d_to_g_i_d_map = PDFContentStream(bytes(cid_to_gid), compress=True)
        self._add_pdf_obj(cid_font.c_i_d_to_g_i_d_map, "fonts")
        return composite


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
    whole = needs_whole_font(data)
    for style in _FONT_FILES:
        pdf.fonts[f"{FAMILY.lower()}{style}"] = _font_for(pdf, style, whole)


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
        self.set_lang("it-IT")
        self.add_page()

    def to_bytes(self) -> bytes:
        """Write the finished document as PDF bytes."""
        return bytes(self.output(output_producer_class=_Producer))

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

    def footer(self) -> None:
        """Print who issued the document (legal data, contacts), its reference and page x of y."""
        brand = branding.current()
        self.set_draw_color(palette.LINE)
        self.set_line_width(0.3)
        self.line(MARGIN, 297 - 14, 210 - MARGIN, 297 - 14)
        self.style(8, color=palette.MUTED)
        page = f"{self.reference} · Pagina {self.page_no()} di {{nb}}"
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

    def cell(self, w: float | None = None, h: float | None = None, text: str = "",
             *args: object, **kwargs: object) -> bool:
        """Print a cell; a plain one-line label takes the short way through text()."""
        # fpdf2's cell() supports borders, fills, links, markdown and shaping, and pays for them
        # on every call (~0.1 ms); a bill prints some 70 cells that need none of it.
        plain = self._plain(w, h, text, args, kwargs)
        if plain is None:
            return super().cell(w, h, text, *args, **kwargs)
        align, new_x, new_y = plain
        self.put(self.x, self.y, w, h, text, align)
        self._lasth = h
        if new_x is XPos.RIGHT:
            self.x += w
        elif new_x is XPos.LMARGIN:
            self.x = self.l_margin
        if new_y is YPos.NEXT:
            self.y += h
        return False

    def _plain(self, w: object, h: object, text: object, args: tuple,
               kwargs: dict) -> tuple[Align, XPos, YPos] | None:
        """Return a plain cell's alignment and moves; None when cell() must do the work."""
        if args or not kwargs.keys() <= {"align", "new_x", "new_y"}:
            return None
        if not (isinstance(w, int | float) and isinstance(h, int | float) and w > 0 and h > 0
                and isinstance(text, str) and "\n" not in text
                and self.str_alias_nb_pages not in text):
            return None
        if (self.underline or self.strikethrough or self.text_shaping or self.char_spacing
                or self.font_stretching != 100 or self.text_mode != TextMode.FILL
                or (self.auto_page_break and self.y + h > self.page_break_trigger)):
            return None
        align = Align.coerce(kwargs.get("align", Align.L))
        new_x = XPos.coerce(kwargs.get("new_x", XPos.RIGHT))
        new_y = YPos.coerce(kwargs.get("new_y", YPos.TOP))
        if (align not in (Align.L, Align.R, Align.C)
                or new_x not in (XPos.RIGHT, XPos.LEFT, XPos.LMARGIN)
                or new_y not in (YPos.TOP, YPos.NEXT)):
            return None
        return align, new_x, new_y

    def put(self, x: float, y: float, width: float, height: float, text: str,
            align: str | Align = Align.L) -> None:
        """Print one line of text in a box, placed as cell() places it, without moving."""
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
        super().__init__(doc, title, f"Fattura n. {doc.number} del {fmt.day(doc.issue_date)}",
                         f"Fattura n. {doc.number}")


# --- The bill's arithmetic: groups, subtotals and the checks that keep totals honest ----------

@dataclass(frozen=True)
class GroupSpec:
    """A cost group as a bill generation prints it."""

    group: CostGroup
    heading: str
    summary: str = ""         # the front page's label, when it differs from the heading

    @property
    def label(self) -> str:
        """Return the group's label in the front page's summary."""
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
    return line.unit == EURO_UNIT and line.group == CostGroup.TAXES


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
        # A conguaglio's registers also span the kWh it recalculates from earlier estimates.
        if not doc.is_adjustment and billed.get(reading.band, reading.kwh) != reading.kwh:
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
