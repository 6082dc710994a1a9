"""Italian formatting of numbers, money and dates, as the seed writes them."""
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard import formatting as fmt


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (0, 0, "0"), (547, 0, "547"), (1390, 0, "1.390"), (1234567, 0, "1.234.567"),
    (-1390, 0, "-1.390"), (Decimal("213.09"), 2, "213,09"), (Decimal("1334.5"), 2, "1.334,50"),
    (Decimal("0.005"), 2, "0,01"), (Decimal("-0.5"), 0, "-1"),
])
def test_number(value, decimals, expected):
    assert fmt.number(value, decimals) == expected


def test_money_as_in_the_seed_table():
    assert fmt.amount(Decimal("213.09")) == "213,09"
    assert fmt.euro(Decimal("1213.5")) == "1.213,50 €"


def test_dates_and_periods():
    assert fmt.day(date(2023, 1, 26)) == "26/01/2023"
    assert fmt.month_name(date(2023, 12, 1)) == "dicembre 2023"
    assert fmt.period(date(2022, 10, 1), date(2022, 11, 30)) == "ott–nov 2022"
    assert fmt.period(date(2022, 12, 1), date(2023, 1, 31)) == "dic 2022–gen 2023"
    assert fmt.date_range(date(2022, 10, 1), date(2022, 11, 30)) == "dal 01/10/2022 al 30/11/2022"


def test_percent():
    assert fmt.percent(212, 547) == "39%"
    assert fmt.percent(1, 3, 1) == "33,3%"
    assert fmt.percent(5, 0) == "–"


def _grouped_by_hand(value: Decimal | int, decimals: int) -> str:
    """Write a number digit by digit, the slow obvious way the fast one must agree with."""
    d = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding="ROUND_HALF_UP")
    whole, _, frac = f"{abs(d):f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = ".".join(groups)
    sign = "-" if d < 0 else ""
    return f"{sign}{text},{frac}" if decimals else f"{sign}{text}"


@given(st.one_of(st.integers(-10**12, 10**12),
                 st.decimals(-10**9, 10**9, places=4, allow_nan=False, allow_infinity=False)),
       st.integers(0, 3))
def test_number_agrees_with_grouping_by_hand(value, decimals):
    assert fmt.number(value, decimals) == _grouped_by_hand(value, decimals)


def test_negative_zero_is_written_without_sign():
    assert fmt.number(Decimal("-0.001"), 2) == "0,00"
