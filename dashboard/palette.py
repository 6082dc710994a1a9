"""Colours shared by the web pages, the charts and the PDF documents, in one place."""
from __future__ import annotations

from . import branding

# PRIMARY, PRIMARY_DARK and PRIMARY_LIGHT are the cooperative's: they come from the running
# app's branding file (dashboard/branding.py) through __getattr__ below.
_BRAND = {"PRIMARY": "primary", "PRIMARY_DARK": "primary_dark", "PRIMARY_LIGHT": "primary_light"}
INK = "#1b262c"
MUTED = "#4a5a63"
LINE = "#d5dde2"
BACKGROUND = "#f3f6f8"
ALERT = "#a4161a"
ALERT_LIGHT = "#fdecea"
WARNING = "#7a4a00"
WARNING_LIGHT = "#fff4d6"
LOGO_BOLT = "#f0a500"

# ARERA time bands: the same colour for a band in every chart, table and PDF.
BAND_COLORS = {"F1": "#1f6f8b", "F2": "#f0a500", "F3": "#5b8e3e"}


def __getattr__(name: str) -> str:
    """Return a brand colour (palette.PRIMARY …) from the running app's branding file."""
    if name in _BRAND:
        return getattr(branding.current(), _BRAND[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
