"""Quarter-hour curves from the meters: one row per supply and local day, 96 values packed.

A second-generation (Open Meter) electronic meter measures every quarter hour: 35.040 values a
year per supply. One row per (supply, local day) holds the day's values as little-endian
32-bit integers of Wh (kWh × 1000, exact), 384 bytes for an ordinary day: about 4,5 bytes per
reading on PostgreSQL with the row header and the primary key, instead of some 60 for one row
per reading. Days are Italian local days: the spring-forward day has 92 quarter hours, the
fall-back day 100, and every value keeps its own UTC instant, so no hour is lost or doubled.
"""
from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import ForeignKey, LargeBinary, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .bands import ROME, Band, Bands, band_at
from .entities import Base, MonthlyConsumption

QUARTER = timedelta(minutes=15)
WH_PER_KWH = 1000
MAX_WH_PER_QUARTER = 2_000_000_000  # fits the packed 32-bit integers with room to spare


class QuarterHourDay(Base):
    """One supply's quarter-hour withdrawals over one local day, packed."""

    __tablename__ = "quarter_hour_day"

    contract_id: Mapped[int] = mapped_column(
        ForeignKey("contract.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)  # Italian local day
    wh: Mapped[bytes] = mapped_column(LargeBinary)        # little-endian int32 per quarter hour


# --- the local-time calendar of quarter hours ---------------------------------------------

def local_midnight(day: date) -> datetime:
    """Return the UTC instant at which a local day begins."""
    return datetime(day.year, day.month, day.day, tzinfo=ROME).astimezone(UTC)


@lru_cache(maxsize=4096)
def slots_in(day: date) -> int:
    """Count a local day's quarter hours: 96, or 92 and 100 on the daylight-saving days."""
    return (local_midnight(day + timedelta(days=1)) - local_midnight(day)) // QUARTER


def slot_start(day: date, slot: int) -> datetime:
    """Return the UTC instant at which a quarter hour of a local day begins."""
    return local_midnight(day) + slot * QUARTER


@lru_cache(maxsize=4096)
def slot_bands(day: date) -> tuple[Band, ...]:
    """Return the ARERA band of each quarter hour of a local day."""
    return tuple(band_at(slot_start(day, i)) for i in range(slots_in(day)))


def local_label(day: date, slot: int) -> str:
    """Write a quarter hour's local start as people read it, with its UTC offset: 02:15+01:00."""
    local = slot_start(day, slot).astimezone(ROME)
    offset = local.strftime("%z")
    return f"{local:%H:%M}{offset[:3]}:{offset[3:]}"


# --- packing ------------------------------------------------------------------------------

def pack(values: Sequence[int]) -> bytes:
    """Pack a day's Wh values for storage."""
    return struct.pack(f"<{len(values)}i", *values)


def unpack(blob: bytes) -> tuple[int, ...]:
    """Unpack a day's stored Wh values."""
    return struct.unpack(f"<{len(blob) // 4}i", blob)


# --- sums ---------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def band_runs(day: date) -> tuple[tuple[Band, int, int], ...]:
    """Return a day's bands as runs of consecutive quarter hours: (band, first, end)."""
    runs: list[list] = []
    for slot, band in enumerate(slot_bands(day)):
        if runs and runs[-1][0] is band:
            runs[-1][2] = slot + 1
        else:
            runs.append([band, slot, slot + 1])
    return tuple((band, first, end) for band, first, end in runs)


@lru_cache(maxsize=4096)
def _band_slices(day: date) -> tuple[int, tuple[tuple[slice, ...], ...]]:
    """Return a day's quarter-hour count and, for F1, F2 and F3, the slices of its runs."""
    runs = band_runs(day)
    return slots_in(day), tuple(tuple(slice(first, end) for band, first, end in runs
                                      if band is wanted) for wanted in Band)


def day_bands(day: date, values: Sequence[int]) -> Bands[int]:
    """Sum a day's quarter hours by band."""
    count, (f1, f2, f3) = _band_slices(day)
    if len(values) != count:
        raise ValueError(f"{day} has {count} quarter hours, not {len(values)}")
    # A day has five or fewer runs of one band: summing slices beats a loop over 96 values.
    return Bands(sum(sum(values[s]) for s in f1), sum(sum(values[s]) for s in f2),
                 sum(sum(values[s]) for s in f3))


def days_of(session: Session, contract_id: int, first: date,
            last: date) -> dict[date, tuple[int, ...]]:
    """Return a supply's quarter-hour values for the local days first..last, by day."""
    rows = session.execute(
        select(QuarterHourDay.day, QuarterHourDay.wh)
        .where(QuarterHourDay.contract_id == contract_id, QuarterHourDay.day >= first,
               QuarterHourDay.day <= last)
        .order_by(QuarterHourDay.day))
    return {day: unpack(blob) for day, blob in rows}


@dataclass(frozen=True)
class MonthCheck:
    """A month's band totals from the curve beside the ones billed from the monthly reading."""

    month: date
    curve: Bands[int]          # Wh
    billed: Bands[int] | None  # Wh, None when the month has no monthly total
    days_with_data: int
    days_in_month: int

    @property
    def difference(self) -> Bands[int] | None:
        """Return curve minus billed, by band (Wh), or None without a monthly total."""
        return None if self.billed is None else self.curve - self.billed

    @property
    def complete(self) -> bool:
        """Tell whether every day of the month has its curve."""
        return self.days_with_data == self.days_in_month


def month_checks(session: Session, contract_id: int, year: int) -> list[MonthCheck]:
    """Compare each month's curve with the monthly band totals of the same supply."""
    days = days_of(session, contract_id, date(year, 1, 1), date(year, 12, 31))
    return checks_of(year, days, monthly_billed(session, contract_id, year))


def monthly_billed(session: Session, contract_id: int, year: int) -> dict[date, Bands[int]]:
    """Return a year's monthly band totals from the meter readings, in Wh, by month."""
    return {row.month: row.bands.scaled(WH_PER_KWH)
            for row in session.scalars(select(MonthlyConsumption).where(
                MonthlyConsumption.contract_id == contract_id,
                MonthlyConsumption.month >= date(year, 1, 1),
                MonthlyConsumption.month <= date(year, 12, 1)))}


def checks_of(year: int, days: dict[date, tuple[int, ...]],
              billed: dict[date, Bands[int]]) -> list[MonthCheck]:
    """Compare a year's days of curve, already loaded, with its monthly band totals."""
    checks = []
    for month_number in range(1, 13):
        month = date(year, month_number, 1)
        following = date(year + month_number // 12, month_number % 12 + 1, 1)
        in_month = [(d, v) for d, v in days.items() if month <= d < following]
        if not in_month and month not in billed:
            continue
        curve = Bands.sum_of(day_bands(d, v) for d, v in in_month)
        checks.append(MonthCheck(month, curve, billed.get(month), len(in_month),
                                 (following - month).days))
    return checks


def store_days(session: Session, contract_id: int,
               days: Iterable[tuple[date, Sequence[int]]]) -> tuple[int, int, int]:
    """Insert or replace a supply's days; return (new, changed, unchanged) day counts."""
    incoming = dict(days)
    if not incoming:
        return 0, 0, 0
    existing = {row.day: row for row in session.scalars(select(QuarterHourDay).where(
        QuarterHourDay.contract_id == contract_id,
        QuarterHourDay.day.in_(list(incoming))))}
    added, changed = [], 0
    for day, values in incoming.items():
        blob = pack(values)
        row = existing.get(day)
        if row is None:
            added.append({"contract_id": contract_id, "day": day, "wh": blob})
        elif row.wh != blob:
            row.wh = blob
            changed += 1
    if added:
        # One multi-row INSERT: new ORM objects cost the importer half its writing time.
        session.execute(insert(QuarterHourDay), added)
    return len(added), changed, len(incoming) - len(added) - changed
