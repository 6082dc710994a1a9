"""The Italian way of writing numbers, money, dates and periods, in one place."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

MONTHS = (
    "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno",
    "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre",
)
MONTHS_SHORT = ("gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic")

ROME = ZoneInfo("Europe/Rome")

# Plotly's number separators for Italian: decimal comma, thousands dot.
PLOTLY_SEPARATORS = ",."
PLOTLY_LOCALE = "it"


# Python groups with "," and marks decimals with ".": swap them for the Italian way.
_ITALIAN_SEPARATORS = str.maketrans(",.", ".,")


def number(value: int | Decimal | float, decimals: int = 0) -> str:
    """Write a number the Italian way: 1.390 or 1.390,50."""
    if decimals == 0 and type(value) is int:  # the common case (kWh): no rounding to do
        return f"{value:,}".translate(_ITALIAN_SEPARATORS)
    quantum = Decimal(1).scaleb(-decimals)
    d = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    if d.is_zero():
        d = d.copy_abs()  # -0,00 reads as a debt: write 0,00
    return f"{d:,f}".translate(_ITALIAN_SEPARATORS)


def amount(value: Decimal) -> str:
    """Write money without the symbol, as in the seed's table: 213,09."""
    return number(value, 2)


def euro(value: Decimal) -> str:
    """Write money with the euro sign: 1.213,09 €."""
    return f"{amount(value)} €"


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
    return f"{MONTHS[value.month - 1]} {value.year}"


def month_short(value: date) -> str:
    """Write a month as 'gen'."""
    return MONTHS_SHORT[value.month - 1]


def period(start: date, end: date) -> str:
    """Write a billing period as 'ott–nov 2022' or 'dic 2022–gen 2023'."""
    if start.year == end.year:
        if start.month == end.month:
            return f"{month_short(start)} {start.year}"
        return f"{month_short(start)}–{month_short(end)} {end.year}"
    return f"{month_short(start)} {start.year}–{month_short(end)} {end.year}"


def date_range(start: date, end: date) -> str:
    """Write a period as 'dal 01/10/2022 al 30/11/2022'."""
    return f"dal {day(start)} al {day(end)}"


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
    return f"{browser} su {system}" if system else browser


def wh_as_kwh(wh: int, decimals: int = 3) -> str:
    """Write integer Wh as kWh with a decimal comma, exactly: 1234 as 1,234 (no float)."""
    scale = 10 ** (3 - decimals)
    rounded, rest = divmod(abs(wh), scale)
    rounded += 2 * rest >= scale  # half up, as number() rounds
    whole, fraction = divmod(rounded, 10 ** decimals)
    sign = "-" if wh < 0 and rounded else ""
    text = f"{whole:,}".translate(_ITALIAN_SEPARATORS)
    return f"{sign}{text},{fraction:0{decimals}d}" if decimals else f"{sign}{text}"
