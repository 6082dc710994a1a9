"""The ARERA time bands (Delibera 181/06): their calendar in Italian local time, energy by band."""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from dateutil.easter import easter

ROME = ZoneInfo("Europe/Rome")

# National holidays that fall on the same day every year, as (month, day): F3 all day.
FIXED_HOLIDAYS: tuple[tuple[int, int], ...] = (
    (1, 1),    # Capodanno
    (1, 6),    # Epifania
    (4, 25),   # Festa della Liberazione
    (5, 1),    # Festa del Lavoro
    (6, 2),    # Festa della Repubblica
    (8, 15),   # Ferragosto
    (11, 1),   # Ognissanti
    (12, 8),   # Immacolata Concezione
    (12, 25),  # Natale
    (12, 26),  # Santo Stefano
)

# Holidays added by a later law, as (month, day, first year they apply). Law 151/2025 made
# 4 October (San Francesco) a national holiday again from 2026, but ARERA has not said whether
# the band calendar follows: the switch below stays off until it does.
SAN_FRANCESCO = (10, 4, 2026)
SAN_FRANCESCO_SWITCH = "BAND_CALENDAR_SAN_FRANCESCO"


def later_holidays_from(environ: Mapping[str, str]) -> tuple[tuple[int, int, int], ...]:
    """Return the later holidays the deployment puts in the band calendar (off by default)."""
    return (SAN_FRANCESCO,) if environ.get(SAN_FRANCESCO_SWITCH, "").strip() == "1" else ()


# Read once per process: the calendar is the same for every request and every worker.
LATER_HOLIDAYS: tuple[tuple[int, int, int], ...] = later_holidays_from(os.environ)


class Band(StrEnum):
    """An ARERA time band."""

    F1 = "F1"  # peak: working days, office hours
    F2 = "F2"  # shoulder: working-day edges and Saturdays
    F3 = "F3"  # off-peak: nights, Sundays, holidays


# Whole kWh (bills, monthly readings), whole Wh (the quarter-hour curves) or Decimal kWh (the
# advisor's what-if, which moves fractions of a kWh): the arithmetic is the same for each.
N = TypeVar("N", int, Decimal)
M = TypeVar("M", int, Decimal)


@dataclass(frozen=True, slots=True)
class Bands(Generic[N]):
    """Energy by ARERA band, F1, F2 and F3, in one unit; the total is always their sum."""

    f1: N
    f2: N
    f3: N

    @classmethod
    def from_mapping(cls, values: Mapping[str, N]) -> Bands[N]:
        """Read the energy of each band from a mapping keyed by band ("F1" or Band.F1)."""
        return cls(values[Band.F1], values[Band.F2], values[Band.F3])

    @staticmethod
    def sum_of(items: Iterable[Bands[N]]) -> Bands[N]:
        """Add up band by band; nothing adds up to zero in every band."""
        return sum(items, Bands(0, 0, 0))

    @property
    def total(self) -> N:
        """Return F1 + F2 + F3."""
        return self.f1 + self.f2 + self.f3

    @property
    def f23(self) -> N:
        """Return F2 + F3, the off-peak band a bioraria tariff prices as one."""
        return self.f2 + self.f3

    def __iter__(self) -> Iterator[N]:
        """Yield F1, F2, F3, in band order."""
        return iter((self.f1, self.f2, self.f3))

    def __add__(self, other: Bands[N]) -> Bands[N]:
        """Add band by band."""
        return Bands(self.f1 + other.f1, self.f2 + other.f2, self.f3 + other.f3)

    def __sub__(self, other: Bands[N]) -> Bands[N]:
        """Subtract band by band."""
        return Bands(self.f1 - other.f1, self.f2 - other.f2, self.f3 - other.f3)

    def map(self, function: Callable[[N], M]) -> Bands[M]:
        """Apply a function to each band."""
        return Bands(function(self.f1), function(self.f2), function(self.f3))

    def scaled(self, factor: N) -> Bands[N]:
        """Multiply each band by a factor, e.g. kWh to Wh."""
        return Bands(self.f1 * factor, self.f2 * factor, self.f3 * factor)

    def items(self) -> Iterator[tuple[Band, N]]:
        """Yield each band with its energy, in band order."""
        return zip(Band, self, strict=True)

    def as_dict(self) -> dict[Band, N]:
        """Return the energy keyed by band."""
        return dict(self.items())

    def adds_up_to(self, total: N) -> bool:
        """Tell whether the bands add up to a total given elsewhere (Consumo = F1 + F2 + F3)."""
        return self.total == total


@lru_cache(maxsize=256)
def easter_monday(year: int) -> date:
    """Return Easter Monday (Lunedì dell'Angelo) of a year, a national holiday."""
    return easter(year) + timedelta(days=1)


def is_holiday(d: date, later: tuple[tuple[int, int, int], ...] | None = None) -> bool:
    """Tell whether a day is a national holiday in the band calendar."""
    if (d.month, d.day) in FIXED_HOLIDAYS:
        return True
    added = LATER_HOLIDAYS if later is None else later
    if any((d.month, d.day) == (m, dd) and d.year >= first for m, dd, first in added):
        return True
    return d == easter_monday(d.year)


def _band_for(day: date, hour: int) -> Band:
    """Return the band of one local hour (0–23) of a local day."""
    weekday = day.weekday()  # Monday is 0
    if weekday == 6 or is_holiday(day) or hour < 7 or hour >= 23:
        return Band.F3
    if weekday == 5:
        return Band.F2
    return Band.F1 if 8 <= hour < 19 else Band.F2


def band_at(moment: datetime) -> Band:
    """Return the band in force at a moment; naive datetimes are taken as Italian local time."""
    local = moment.astimezone(ROME) if moment.tzinfo is not None else moment
    return _band_for(local.date(), local.hour)


def _local_midnight_utc(day: date) -> datetime:
    """Return the UTC instant of local midnight at the start of a day."""
    return datetime(day.year, day.month, day.day, tzinfo=ROME).astimezone(UTC)


@lru_cache(maxsize=512)
def _month_hours(year: int, month: int) -> tuple[int, int, int]:
    """Count the F1, F2, F3 hours of a month; cached, the calendar never changes."""
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    counts = dict.fromkeys(Band, 0)
    # Walking UTC hours and converting each keeps the 23-hour and 25-hour DST days right.
    moment, end = _local_midnight_utc(first), _local_midnight_utc(following)
    while moment < end:
        counts[band_at(moment)] += 1
        moment += timedelta(hours=1)
    return counts[Band.F1], counts[Band.F2], counts[Band.F3]


def band_hours(month: date) -> dict[Band, int]:
    """Count the hours of each band in the calendar month containing a date, in local time."""
    return Bands(*_month_hours(month.year, month.month)).as_dict()
