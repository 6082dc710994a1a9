"""How numbers, money, dates and periods are written, for the viewer's language, in one place.

Babel (CLDR) knows each language's separators and month names; the portal only fixes the
rounding (half up, as bills are computed) and writes dates day first in both languages.
"""
from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import get_month_names
from babel.numbers import get_decimal_symbol, get_group_symbol

from .i18n import _, current_language

ROME = ZoneInfo("Europe/Rome")

# Babel puts a no-break space between an Italian amount and its sign; the portal's pages,
# PDFs and the seed's table write a plain one (their text is compared to the cent in tests).
_NBSP = str.maketrans({"\u00a0": " ", "\u202f": " "})


def month_names(width: str = "wide") -> tuple[str, ...]:
    """Return the twelve month names in the viewer's language: 'gennaio' or 'gen' (abbreviated)."""
    return _month_names(width, current_language())


@cache
def _month_names(width: str, language: str) -> tuple[str, ...]:
    """Read the month names from Babel's locale data once per width and language."""
    names = get_month_names(width, context="format", locale=language)
    return tuple(names[m] for m in range(1, 13))


def plotly_locale() -> str:
    """Return the Plotly locale for the viewer's language."""
    return current_language()


def plotly_separators() -> str:
    """Return Plotly's decimal and thousands separators for the viewer: ',.' in Italian."""
    table = _separators(current_language())
    return "".join(chr(table[ord(c)]) for c in ".,")


def number(value: int | Decimal | float, decimals: int = 0) -> str:
    """Write a number the Italian way: 1.390 or 1.390,50."""
    separators = _separators(current_language())
    if decimals == 0 and type(value) is int:  # the common case (kWh): no rounding to do
        return f"{value:,}".translate(separators)
    return f"{_rounded(value, decimals):,f}".translate(separators)


@cache
def _separators(language: str) -> dict[int, str]:
    """Map Python's "," and "." to the language's group and decimal symbols.

    The symbols come from Babel; the grouping is Python's (by thousands, from 1.000 up), which
    is CLDR's for both languages. Babel's own format_decimal costs 20 times more per number,
    and a day's curve table writes thousands of them.
    """
    return str.maketrans(",.", get_group_symbol(language) + get_decimal_symbol(language))


def decimal_point() -> str:
    """Return the viewer's decimal symbol: ',' in Italian."""
    return chr(_separators(current_language())[ord(".")])


def _rounded(value: int | Decimal | float, decimals: int) -> Decimal:
    """Round half up to the decimals (Babel would round half to even); -0 becomes 0."""
    d = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return d.copy_abs() if d.is_zero() else d  # -0,00 reads as a debt: write 0,00


def amount(value: Decimal) -> str:
    """Write money without the symbol, as in the seed's table: 213,09."""
    return number(value, 2)


def euro(value: Decimal) -> str:
    """Write money with the euro sign: 1.213,09 € (€1,213.09 in English)."""
    text = amount(value)
    prefix, suffix = _euro_pattern(current_language())
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    return f"{sign}{prefix}{digits}{suffix}"


@cache
def _euro_pattern(language: str) -> tuple[str, str]:
    """Return what Babel writes before and after an amount in euro: ('', ' €') in Italian.

    Babel's format_currency costs 20 times more per amount; a statement writes hundreds.
    """
    pattern = Locale.parse(language).currency_formats["standard"].pattern.split(";")[0]
    digits = re.search(r"[#0,.]+", pattern)
    def sign(part: str) -> str:
        """Put the euro sign where the pattern has the currency placeholder."""
        return part.replace("\u00a4", "€").translate(_NBSP)

    return sign(pattern[:digits.start()]), sign(pattern[digits.end():])


def kwh(value: int) -> str:
    """Write an energy quantity: 1.390 kWh."""
    return f"{number(value)} kWh"


def percent(part: float | int, whole: float | int, decimals: int = 0) -> str:
    """Write part/whole as a percentage: 38%; a dash when the whole is zero."""
    if not whole:
        return "–"
    return f"{number(Decimal(part) * 100 / Decimal(whole), decimals)}%"


def day(value: date) -> str:
    """Write a date as 26/01/2023."""
    return value.strftime("%d/%m/%Y")


def month_name(value: date) -> str:
    """Write a month as 'gennaio 2023'."""
    return f"{month_names()[value.month - 1]} {value.year}"


def month_short(value: date) -> str:
    """Write a month as 'gen'."""
    return month_names("abbreviated")[value.month - 1]


def period(start: date, end: date) -> str:
    """Write a billing period as 'ott–nov 2022' or 'dic 2022–gen 2023'."""
    if start.year == end.year:
        if start.month == end.month:
            return f"{month_short(start)} {start.year}"
        return f"{month_short(start)}–{month_short(end)} {end.year}"
    return f"{month_short(start)} {start.year}–{month_short(end)} {end.year}"


def date_range(start: date, end: date) -> str:
    """Write a period as 'dal 01/10/2022 al 30/11/2022'."""
    return _("dal %(start)s al %(end)s", start=day(start), end=day(end))


def _decimals(value: Decimal) -> int:
    """Return how many decimals a Decimal needs once trailing zeros are dropped."""
    return max(0, -Decimal(value).normalize().as_tuple().exponent)


def quantity(value: Decimal | int) -> str:
    """Write a quantity with only the decimals it needs: 547, 3 or 4,5."""
    return number(value, _decimals(Decimal(value)))


def price(value: Decimal) -> str:
    """Write a unit price with 2 to 6 decimals, as tariffs are quoted: 0,1234 or 9,00."""
    exact = Decimal(value).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    return number(exact, max(2, _decimals(exact)))


def rate(value: Decimal) -> str:
    """Write a tax rate given as a fraction: 0.10 as 10%."""
    return f"{quantity(Decimal(value) * 100)}%"


def kw(value: Decimal) -> str:
    """Write a power: 3 kW or 4,5 kW."""
    return f"{quantity(value)} kW"


def moment(value: datetime) -> str:
    """Write a stored UTC moment in Italian local time: 28/11/2026 21:05."""
    return value.replace(tzinfo=UTC).astimezone(ROME).strftime("%d/%m/%Y %H:%M")


def device(user_agent: str) -> str:
    """Name the browser and system of a user agent in a few words: 'Chrome su Android'."""
    text = user_agent or ""
    browsers = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
                ("Safari/", "Safari"))
    systems = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
               ("Windows", "Windows"), ("Mac OS", "Mac"), ("Linux", "Linux"))
    browser = next((name for key, name in browsers if key in text), "Browser")
    system = next((name for key, name in systems if key in text), "")
    return _("%(browser)s su %(system)s", browser=browser, system=system) if system else browser


def wh_as_kwh(wh: int, decimals: int = 3) -> str:
    """Write integer Wh as kWh with a decimal comma, exactly: 1234 as 1,234 (no float)."""
    scale = 10 ** (3 - decimals)
    rounded, rest = divmod(abs(wh), scale)
    rounded += 2 * rest >= scale  # half up, as number() rounds
    whole, fraction = divmod(rounded, 10 ** decimals)
    sign = "-" if wh < 0 and rounded else ""
    text = number(whole)
    if not decimals:
        return f"{sign}{text}"
    return f"{sign}{text}{decimal_point()}{fraction:0{decimals}d}"
