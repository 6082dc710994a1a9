"""What both bill documents share: the Unicode font, the page furniture, the checked groups."""
from __future__ import annotations

import copy
import itertools
import struct
import zlib
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from functools import cache
from io import BytesIO
from pathlib import Path

import segno
from fontTools import subset as ftsubset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import Align, TextMode, XPos, YPos
from fpdf.fonts import Glyph, SubsetMap, TTFFont
from fpdf.output import CIDSystemInfo, OutputProducer, PDFFont
from fpdf.syntax import Name, PDFArray, PDFContentStream

from dashboard import formatting as fmt
from dashboard import palette
from models import billing
from models.billing import GroupTotal
from models.enums import CostGroup, CostSide, ReadingType

from .data import InvoiceDocument

COOPERATIVE = "SECAB Società Cooperativa"
IDENTITY = "Paluzza (UD) · www.secab.it"
FAMILY = "DejaVu"
MARGIN = 15.0
CONTENT_WIDTH = 210.0 - 2 * MARGIN
BODY_TOP = 31.0
BOTTOM_MARGIN = 18.0
QR_QUIET_ZONE = 4          # modules of white around a QR code, as ISO/IEC 18004 asks

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
    """An A4 page with SECAB's letterhead, a footer with page x of y, and the Unicode font."""

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
        self.set_author(COOPERATIVE)
        self.set_creator(COOPERATIVE)
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
        self.cell(210 - MARGIN - 100, 4.5, self.subtitle, align="R")
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
        """Print who issued the document and page x of y."""
        self.set_draw_color(palette.LINE)
        self.set_line_width(0.3)
        self.line(MARGIN, 297 - 13, 210 - MARGIN, 297 - 13)
        self.set_xy(MARGIN, 297 - 12)
        self.style(8, color=palette.MUTED)
        self.cell(CONTENT_WIDTH / 2, 4.5, f"{COOPERATIVE} – {IDENTITY}")
        self.cell(CONTENT_WIDTH / 2, 4.5,
                  f"{self.reference} · Pagina {self.page_no()} di {{nb}}", align="R")

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


# --- The bill's groups, checked by the billing rules --------------------------------------------

SIDE_LABELS = {CostSide.SALE: "Vendita", CostSide.NETWORK: "Rete e oneri"}


def checked_groups(doc: InvoiceDocument) -> tuple[GroupTotal, ...]:
    """Check the bill's readings and arithmetic; return its cost groups in printing order."""
    billing.check_readings(doc.readings, {"F1": doc.f1_kwh, "F2": doc.f2_kwh, "F3": doc.f3_kwh},
                           doc.is_adjustment)
    try:
        return billing.checked_groups(doc.lines, doc.generation, doc.total)
    except ValueError as error:
        raise ValueError(f"invoice {doc.number}: {error}") from error


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
