"""Demo quarter-hour curves: realistic household shapes that add up to the monthly bands.

Mario Rossi's home and his neighbour's supply get curves from January 2023: a night base load
(fridge, standby), a morning and an evening peak, lunch at home on weekends and holidays,
electric heating support in winter, and now and then an appliance (oven, washing machine)
that pushes the power near or past the available 3,3 kW. Each month's quarter hours of each
band are scaled so that their sum is the month's F1, F2 or F3 total to the Wh: the curves
reconcile with the bills by construction.
"""
from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .bands import ROME, Bands, is_holiday
from .curves import QUARTER, QuarterHourDay, local_midnight, pack, slot_bands, slots_in
from .entities import Contract, Customer, MonthlyConsumption

FIRST_MONTH = date(2023, 1, 1)
# The most a quarter hour may draw: 3,4 kW, a little over the 3,3 kW available, as a
# household's meter allows for a while before it trips; the rare appliance peak gets there.
CAP_WH = 850
CURVE_CUSTOMERS = ("100234", "100235")
SEED = "secab-area-riservata-curves"


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split a whole number in proportion to weights; the parts add up to the total."""
    if sum(weights) <= 0:
        weights = [1.0] * len(weights)
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    parts = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _bump(hour: float, centre: float, width: float) -> float:
    """Return a smooth peak around an hour of the day."""
    return math.exp(-((hour - centre) / width) ** 2)


def _heating(month: int) -> float:
    """Return how much electric heating support a month needs (0 in summer, 1 in January)."""
    return max(0.0, math.cos((month - 1) / 12 * 2 * math.pi)) ** 1.5


def day_shape(day: date, rng: random.Random) -> list[float]:
    """Return a household's relative power over a local day's quarter hours."""
    home_all_day = day.weekday() >= 5 or is_holiday(day)
    heat = _heating(day.month)
    start = local_midnight(day)
    oven = rng.randrange(44, 52) if rng.random() < 0.25 else None       # 11:00–13:00
    washer = rng.randrange(36, 80) if rng.random() < 0.3 else None      # 09:00–20:00
    shape = []
    for slot in range(slots_in(day)):
        local = (start + slot * QUARTER).astimezone(ROME)
        hour = local.hour + local.minute / 60
        power = 0.25 + 0.05 * rng.random()                               # base load
        power += (0.5 if home_all_day else 0.9) * _bump(hour, 9.0 if home_all_day else 7.2, 1.0)
        power += (0.8 if home_all_day else 0.25) * _bump(hour, 12.8, 1.1)
        power += 1.1 * _bump(hour, 19.8, 1.6)
        power += heat * (0.5 + 0.6 * _bump(hour, 7.0, 1.4) + 0.8 * _bump(hour, 20.5, 2.0))
        power *= rng.uniform(0.8, 1.2)
        if oven is not None and oven <= slot < oven + 4:
            power += 1.2
        if washer is not None and washer <= slot < washer + 3:
            power += 1.0
        shape.append(power)
    return shape


def month_curves(month: date, bands: Bands[int],
                 rng: random.Random) -> dict[date, list[int]]:
    """Draw a month's days so each band's quarter hours add up to its kWh, in Wh."""
    days = []
    day = month
    while day.month == month.month:
        days.append(day)
        day += timedelta(days=1)
    shapes = {d: day_shape(d, rng) for d in days}
    values = {d: [0] * len(shapes[d]) for d in days}
    for band, kwh in bands.items():
        places = [(d, i) for d in days for i, b in enumerate(slot_bands(d)) if b is band]
        parts = capped(kwh * 1000, [shapes[d][i] for d, i in places], CAP_WH)
        for (d, i), wh in zip(places, parts, strict=True):
            values[d][i] = wh
    return values


def capped(total: int, weights: Sequence[float], cap: int) -> list[int]:
    """Apportion a total by weights, moving whatever exceeds the cap to the other parts."""
    parts = apportion(total, weights)
    for _ in range(20):
        excess = sum(max(0, p - cap) for p in parts)
        if not excess:
            break
        open_slots = [i for i, p in enumerate(parts) if p < cap]
        parts = [min(p, cap) for p in parts]
        extra = apportion(excess, [weights[i] for i in open_slots])
        for i, more in zip(open_slots, extra, strict=True):
            parts[i] += more
    return parts


def add_demo_curves(session: Session) -> None:
    """Give the two demo households' main supplies their quarter-hour curves."""
    for code in CURVE_CUSTOMERS:
        contract = session.scalars(
            select(Contract).join(Customer).where(Customer.code == code)
            .order_by(Contract.start_date, Contract.id)).first()
        if contract is None:
            continue
        rng = random.Random(f"{SEED}:{contract.pod}")
        months = session.scalars(select(MonthlyConsumption).where(
            MonthlyConsumption.contract_id == contract.id,
            MonthlyConsumption.month >= FIRST_MONTH).order_by(MonthlyConsumption.month))
        rows = []
        for row in months:
            drawn = month_curves(row.month, row.bands, rng)
            rows += [{"contract_id": contract.id, "day": d, "wh": pack(v)}
                     for d, v in drawn.items()]
        if rows:
            session.execute(QuarterHourDay.__table__.insert(), rows)
