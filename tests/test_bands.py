"""The ARERA band calendar: rules, boundaries, holidays and DST months."""
from __future__ import annotations

import calendar
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.bands import (
    ROME,
    Band,
    band_at,
    band_hours,
    easter_monday,
    is_holiday,
    later_holidays_from,
)

ROOT = Path(__file__).resolve().parent.parent

# 2024-03-13 is a Wednesday, 2024-03-16 a Saturday, 2024-03-17 a Sunday.
WEDNESDAY, SATURDAY, SUNDAY = date(2024, 3, 13), date(2024, 3, 16), date(2024, 3, 17)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """Return a naive local datetime on a day."""
    return datetime(day.year, day.month, day.day, hour, minute)


@pytest.mark.parametrize(
    ("hour", "minute", "band"),
    [
        (0, 0, Band.F3), (6, 59, Band.F3), (7, 0, Band.F2), (7, 59, Band.F2),
        (8, 0, Band.F1), (12, 0, Band.F1), (18, 59, Band.F1), (19, 0, Band.F2),
        (22, 59, Band.F2), (23, 0, Band.F3), (23, 59, Band.F3),
    ],
)
def test_working_day_boundaries(hour, minute, band):
    assert band_at(at(WEDNESDAY, hour, minute)) is band


@pytest.mark.parametrize(
    ("hour", "minute", "band"),
    [
        (0, 0, Band.F3), (6, 59, Band.F3), (7, 0, Band.F2), (8, 0, Band.F2),
        (12, 0, Band.F2), (19, 0, Band.F2), (22, 59, Band.F2), (23, 0, Band.F3),
    ],
)
def test_saturday_has_no_f1(hour, minute, band):
    assert band_at(at(SATURDAY, hour, minute)) is band


@pytest.mark.parametrize("hour", range(24))
def test_sunday_is_f3_all_day(hour):
    assert band_at(at(SUNDAY, hour)) is Band.F3


@pytest.mark.parametrize("day", [date(2024, 4, 25), date(2025, 12, 26), date(2023, 8, 15)])
def test_weekday_holiday_is_f3_at_noon(day):
    assert day.weekday() < 5
    assert band_at(at(day, 12)) is Band.F3


@pytest.mark.parametrize(
    "day", [date(2023, 4, 10), date(2024, 4, 1), date(2025, 4, 21), date(2026, 4, 6)]
)
def test_easter_monday(day):
    assert easter_monday(day.year) == day
    assert is_holiday(day)
    assert band_at(at(day, 10)) is Band.F3


@pytest.mark.parametrize(
    "day",
    [date(2024, 1, 1), date(2024, 1, 6), date(2024, 4, 25), date(2024, 5, 1), date(2024, 6, 2),
     date(2024, 8, 15), date(2024, 11, 1), date(2024, 12, 8), date(2024, 12, 25),
     date(2024, 12, 26)],
)
def test_fixed_holidays(day):
    assert is_holiday(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2024, 6, 29),   # Santi Pietro e Paolo, patron of Rome
        date(2024, 12, 7),   # Sant'Ambrogio, patron of Milan
        date(2024, 7, 12),   # Santi Ermacora e Fortunato, patron of Udine
        date(2025, 4, 22),   # the Tuesday after Easter
        date(2026, 10, 5),   # a Monday like any other
    ],
)
def test_patron_saints_and_ordinary_days_are_not_holidays(day):
    assert not is_holiday(day)


def test_4_october_stays_out_until_arera_decides():
    # A national holiday by law from 2026; the band calendar keeps it out until ARERA says.
    assert not is_holiday(date(2026, 10, 5))
    assert not is_holiday(date(2027, 10, 4))
    assert band_at(at(date(2027, 10, 4), 10)) is Band.F1  # a Monday


def test_a_later_holiday_is_one_line_of_data(monkeypatch):
    monkeypatch.setattr("models.bands.LATER_HOLIDAYS", ((10, 4, 2026),))
    assert is_holiday(date(2026, 10, 4))
    assert is_holiday(date(2027, 10, 4))
    assert not is_holiday(date(2025, 10, 4))  # the law applies from 2026
    assert band_at(at(date(2027, 10, 4), 10)) is Band.F3


def test_the_san_francesco_switch_is_off_unless_set_to_1():
    assert later_holidays_from({}) == ()
    assert later_holidays_from({"BAND_CALENDAR_SAN_FRANCESCO": "0"}) == ()
    added = later_holidays_from({"BAND_CALENDAR_SAN_FRANCESCO": "1"})
    assert is_holiday(date(2027, 10, 4), later=added)
    assert not is_holiday(date(2025, 10, 4), later=added)
    assert not is_holiday(date(2027, 10, 4), later=())


def test_the_switch_is_read_from_the_environment_of_a_new_process():
    import subprocess
    import sys

    code = "from datetime import date; from models.bands import is_holiday; " \
           "print(is_holiday(date(2027, 10, 4)))"
    for value, expected in (("1", "True"), ("", "False")):
        env = {**os.environ, "BAND_CALENDAR_SAN_FRANCESCO": value}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True, cwd=ROOT).stdout.strip()
        assert out == expected


def test_aware_datetime_is_converted_to_rome():
    # 07:30 UTC on a winter Wednesday is 08:30 in Rome (F1); in summer it is 09:30.
    assert band_at(datetime(2024, 1, 10, 6, 30, tzinfo=UTC)) is Band.F2
    assert band_at(datetime(2024, 1, 10, 7, 30, tzinfo=UTC)) is Band.F1
    assert band_at(datetime(2024, 7, 10, 17, 30, tzinfo=UTC)) is Band.F2  # 19:30 local


def test_aware_datetime_crossing_midnight_into_sunday():
    # Saturday 22:30 UTC in summer is Sunday 00:30 in Rome.
    assert band_at(datetime(2024, 3, 16, 22, 30, tzinfo=UTC)) is Band.F3
    assert band_at(datetime(2024, 3, 16, 21, 30, tzinfo=UTC)) is Band.F2


def test_march_has_one_hour_fewer_and_october_one_more():
    assert sum(band_hours(date(2024, 3, 1)).values()) == 743
    assert sum(band_hours(date(2024, 10, 1)).values()) == 745
    assert sum(band_hours(date(2024, 1, 1)).values()) == 744


def test_dst_months_by_band():
    # March 2024: 21 working days, 5 Saturdays, 5 Sundays; the lost hour (Sunday 31) is F3.
    assert band_hours(date(2024, 3, 1)) == {
        Band.F1: 21 * 11, Band.F2: 21 * 5 + 5 * 16, Band.F3: 5 * 24 - 1 + 26 * 8}
    # October 2024: 23 working days, 4 Saturdays, 4 Sundays; the repeated hour is F3.
    assert band_hours(date(2024, 10, 1)) == {
        Band.F1: 23 * 11, Band.F2: 23 * 5 + 4 * 16, Band.F3: 4 * 24 + 1 + 27 * 8}


def test_holidays_move_hours_to_f3():
    # January 2024: 1 Jan (Monday) and 6 Jan (Saturday) are holidays.
    assert band_hours(date(2024, 1, 1)) == {
        Band.F1: 22 * 11, Band.F2: 22 * 5 + 3 * 16, Band.F3: 6 * 24 + 25 * 8}
    # April 2024: Easter Monday (1 Apr) and 25 Apr (Thursday).
    assert band_hours(date(2024, 4, 1))[Band.F1] == 20 * 11


def test_band_hours_takes_any_day_of_the_month():
    assert band_hours(date(2023, 2, 17)) == band_hours(date(2023, 2, 1))


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_band_hours_sum_to_the_hours_of_the_month(day):
    days = calendar.monthrange(day.year, day.month)[1]
    first = datetime(day.year, day.month, 1, tzinfo=ROME)
    following = datetime(day.year + day.month // 12, day.month % 12 + 1, 1, tzinfo=ROME)
    elapsed = (following.astimezone(UTC) - first.astimezone(UTC)).total_seconds() / 3600
    hours = band_hours(day)
    assert sum(hours.values()) == elapsed
    assert days * 24 - 1 <= elapsed <= days * 24 + 1
    assert all(count >= 0 for count in hours.values())
