"""Colours shared by the web pages, the charts and the PDF documents, in one place."""
from __future__ import annotations

# The brand, as in assets/style.css and assets/logo.svg.
PRIMARY = "#0b5d7a"
PRIMARY_DARK = "#084559"
PRIMARY_LIGHT = "#e7f1f5"
INK = "#1b262c"
MUTED = "#4a5a63"
LINE = "#d5dde2"
BACKGROUND = "#f3f6f8"
ALERT = "#a4161a"
ALERT_LIGHT = "#fdecea"
WARNING = "#7a4a00"
WARNING_LIGHT = "#fff4d6"
LOGO_MOUNTAIN = "#dcebf1"
LOGO_BOLT = "#f0a500"

# ARERA time bands: the same colour for a band in every chart, table and PDF.
BAND_COLORS = {"F1": "#1f6f8b", "F2": "#f0a500", "F3": "#5b8e3e"}
