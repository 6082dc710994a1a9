"""Cut DejaVu to the characters of nearly every bill, ahead of time, with fontTools.

    python -m dashboard.documents.cut_fonts

fpdf2 parses a font on every document and subsets it again on output: a font of ~370 glyphs
costs a fraction of the whole DejaVu (~6,000). Run this after changing COMMON_CHARACTERS;
tests/test_documents.py checks that the files in fonts/ match it.
"""
from __future__ import annotations

from io import BytesIO
from pathlib import Path

from fontTools import subset, ttLib

FONT_DIR = Path(__file__).parent / "fonts"
WHOLE_FONTS = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
CUT_FONTS = {"": "DejaVuSans-common.ttf", "B": "DejaVuSans-Bold-common.ttf"}
# Italian, the Latin letters of Friulian, German, Slovene and other European names (Latin-1,
# Latin Extended-A, Romanian ș ț), typographic punctuation and the euro sign. A document with
# any other character (Greek, Cyrillic, …) gets the whole fonts.
COMMON_CHARACTERS = frozenset(chr(code) for code in (
    *range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x218, 0x21C), *range(0x2010, 0x2027), 0x20AC,
))


def cut_font(style: str) -> bytes:
    """Return DejaVu (style "" or "B") cut to the common characters, without hinting."""
    font = ttLib.TTFont(FONT_DIR / WHOLE_FONTS[style], recalcTimestamp=False)
    options = subset.Options(hinting=False, layout_features=[], glyph_names=False)
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "MATH", "kern", "hdmx", "FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(char) for char in COMMON_CHARACTERS])
    subsetter.subset(font)
    out = BytesIO()
    font.save(out)
    return out.getvalue()


def main() -> None:
    """Write the cut fonts next to the whole ones."""
    for style, name in CUT_FONTS.items():
        (FONT_DIR / name).write_bytes(cut_font(style))
        print(f"{name}: {(FONT_DIR / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
