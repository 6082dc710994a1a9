"""A bill line's description in the viewer's language.

The billing system writes each line's description in Italian and the database keeps it as
issued (models/billing.py writes the demo's; an import brings the real ones). An Italian
viewer reads it unchanged; for an English viewer the descriptions the billing system is known
to write are recognised here and said through the catalog, with their numbers and months
kept. A description of any other shape is shown as issued rather than guessed at.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from babel.lists import format_list

from .. import formatting as fmt
from ..i18n import DEFAULT, N_, _, current_language

FIXED = frozenset((
    N_("Vantaggio soci: energia idroelettrica SECAB"),
    N_("Quota fissa vendita (PCV)"),
    N_("Trasporto e gestione contatore: quota energia"),
    N_("Trasporto e gestione contatore: quota fissa"),
    N_("Trasporto e gestione contatore: quota potenza"),
    N_("Oneri di sistema: quota energia (ASOS e ARIM)"),
    N_("Oneri di sistema: quota fissa"),
    N_("Accisa"),
    N_("Accisa su ricalcolo"),
    N_("Arrotondamento"),
))
DATE = r"\d\d/\d\d/\d{4}"
# The Italian month names as models/billing.py writes them in the canone's line.
ITALIAN_MONTHS = ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio",
                  "agosto", "settembre", "ottobre", "novembre", "dicembre")


def _months(listed: str) -> str:
    """Rewrite «gennaio, febbraio e marzo» as the viewer's list of month names."""
    names = re.split(r", | e ", listed)
    if not all(name in ITALIAN_MONTHS for name in names):
        raise LookupError(listed)
    shown = fmt.month_names()
    return format_list([shown[ITALIAN_MONTHS.index(n)] for n in names],
                       locale=current_language())


def _canone(m: re.Match) -> str:
    """Say which canone instalments a line charges."""
    if m["kind"] == "rata":
        return _("Canone TV %(year)s: rata di %(months)s", year=m["year"],
                 months=_months(m["months"]))
    return _("Canone TV %(year)s: rate di %(months)s", year=m["year"],
             months=_months(m["months"]))


PATTERNS: tuple[tuple[re.Pattern, Callable[[re.Match], str]], ...] = (
    (re.compile(r"Energia fascia (?P<band>F\d)"),
     lambda m: _("Energia fascia %(band)s", band=m["band"])),
    (re.compile(r"Energia fasce (?P<bands>F\d\+F\d) \((?P<code>F\d+)\)"),
     lambda m: _("Energia fasce %(bands)s (%(code)s)", bands=m["bands"], code=m["code"])),
    (re.compile(r"Energia monoraria \((?P<code>F\d)\)"),
     lambda m: _("Energia monoraria (%(code)s)", code=m["code"])),
    (re.compile(r"Accisa \((?P<kwh>[\d.]+) kWh esenti\)"),
     lambda m: _("Accisa (%(kwh)s kWh esenti)", kwh=m["kwh"])),
    (re.compile(r"IVA (?P<rate>\d+)%"), lambda m: _("IVA %(rate)s%%", rate=m["rate"])),
    (re.compile(rf"Ricalcolo (?P<band>F\d+) (?P<start>{DATE})–(?P<end>{DATE}): energia"),
     lambda m: _("Ricalcolo %(band)s %(start)s–%(end)s: energia", band=m["band"],
                 start=m["start"], end=m["end"])),
    (re.compile(rf"Ricalcolo (?P<start>{DATE})–(?P<end>{DATE}): trasporto e oneri"),
     lambda m: _("Ricalcolo %(start)s–%(end)s: trasporto e oneri", start=m["start"],
                 end=m["end"])),
    (re.compile(r"Canone TV (?P<year>\d{4}): (?P<kind>rata|rate) di (?P<months>[a-z, ]+)"),
     _canone),
)


def line_text(description: str) -> str:
    """Return a bill line's description for the viewer: as issued in Italian, else translated."""
    if current_language() == DEFAULT:
        return description
    if description in FIXED:
        return _(description)
    for pattern, say in PATTERNS:
        match = pattern.fullmatch(description)
        if match:
            try:
                return say(match)
            except LookupError:  # a month name the billing system never writes
                return description
    return description
