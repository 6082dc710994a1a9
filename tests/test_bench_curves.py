"""The curve benchmark's generator and COPY encoder, and the importer's fast number reading."""
from __future__ import annotations

import os
import struct
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.curves import (
    COPY_HEADER,
    COPY_TRAILER,
    calendar,
    copy_row,
    day_shapes,
    fit_to_day,
    spread,
    supply_year,
)
from models.curves import local_label, pack, slots_in, unpack
from models.importing.curves import parse_kwh, parse_moment, read_curve_file

SPRING_FORWARD, FALL_BACK = date(2023, 3, 26), date(2023, 10, 29)


@pytest.fixture(scope="module")
def year_2023():
    """Return the 2023 calendar of fitted shapes."""
    return calendar(2023, day_shapes())


def test_a_supply_year_has_every_local_day_with_its_quarter_hours(year_2023):
    days = dict(supply_year(7, year_2023))
    assert len(days) == 365
    assert sum(len(v) for v in days.values()) == 365 * 96  # the 92 and the 100 balance out
    assert {len(days[SPRING_FORWARD]), len(days[FALL_BACK]), len(days[date(2023, 3, 14)])} \
        == {92, 100, 96}
    assert all(len(v) == slots_in(d) and min(v) >= 0 for d, v in days.items())


def test_the_generator_is_deterministic_and_supplies_differ(year_2023):
    first = list(supply_year(7, year_2023))
    assert first == list(supply_year(7, calendar(2023, day_shapes())))
    assert first != list(supply_year(8, year_2023))


def test_a_year_adds_up_to_a_household_and_has_a_shape(year_2023):
    days = dict(supply_year(11, year_2023))
    kwh = sum(sum(v) for v in days.values()) / 1000
    assert 1_200 * 0.8 <= kwh <= 6_000 * 1.2
    january, july = days[date(2023, 1, 11)], days[date(2023, 7, 12)]
    assert sum(january) > sum(july)                       # winter heating
    night, evening = sum(january[8:16]), sum(january[76:84])  # 02–04 against 19–21
    assert evening > 2 * night


@given(st.lists(st.integers(1, 10_000), min_size=92, max_size=100),
       st.integers(0, 200_000))
def test_spread_shares_the_day_exactly(weights, day_wh):
    values = spread(tuple(weights), day_wh)
    assert sum(values) == day_wh and len(values) == len(weights) and min(values) >= 0


def test_daylight_saving_days_drop_or_repeat_the_two_oclock_hour():
    shape = tuple(range(96))
    assert fit_to_day(shape, 92) == tuple(range(8)) + tuple(range(12, 96))
    assert fit_to_day(shape, 100)[8:16] == (8, 9, 10, 11, 8, 9, 10, 11)
    assert fit_to_day(shape, 96) == shape


def test_copy_row_is_a_binary_copy_tuple():
    blob = pack([1, 2, 300_000])
    row = copy_row(5_501, date(2023, 10, 29), blob)
    fields, n1, contract_id, n2, days, n3 = struct.unpack("!hiiiii", row[:22])
    assert (fields, n1, contract_id, n2, n3) == (3, 4, 5_501, 4, 12)
    assert date(2000, 1, 1) + timedelta(days=days) == date(2023, 10, 29)
    assert unpack(row[22:]) == (1, 2, 300_000)
    assert COPY_HEADER[:11] == b"PGCOPY\n\xff\r\n\x00" and COPY_TRAILER == b"\xff\xff"


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="needs PostgreSQL")
def test_postgresql_reads_back_what_copy_row_wrote():
    import psycopg

    url = os.environ["TEST_DATABASE_URL"].replace("postgresql+psycopg", "postgresql")
    rows = [(1, SPRING_FORWARD, pack(range(92))), (2_000_000, date(1999, 12, 31), pack([-1]))]
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE q (contract_id int, day date, wh bytea)")
        with cursor.copy("COPY q (contract_id, day, wh) FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(COPY_HEADER + b"".join(copy_row(*r) for r in rows) + COPY_TRAILER)
        cursor.execute("SELECT contract_id, day, wh FROM q ORDER BY contract_id")
        assert [(c, d, bytes(w)) for c, d, w in cursor.fetchall()] == rows


# --- the importer's number and time reading, made faster: same answers --------------------

@given(st.integers(0, 999_999_999), st.integers(0, 3), st.sampled_from(".,"),
       st.integers(0, 999))
def test_parse_kwh_reads_what_decimal_reads(whole, decimals, mark, fraction):
    digits = f"{fraction:03d}"[:decimals]
    text = f"{whole}{mark}{digits}" if decimals else str(whole)
    expected = int(Decimal(text.replace(",", ".")) * 1000)
    if expected > 2_000_000_000:
        with pytest.raises(ValueError, match="troppo grande"):
            parse_kwh(text)
    else:
        assert parse_kwh(f" {text} ") == expected


@pytest.mark.parametrize("text", ["", "-1", "1.2345", "1e3", "1,2,3", "abc", "1.", ".5"])
def test_parse_kwh_still_refuses_what_is_not_kwh(text):
    with pytest.raises(ValueError):
        parse_kwh(text)


def test_parse_moment_still_refuses_bad_times_every_time():
    assert parse_moment("2023-10-29", "02:15+01:00") == (FALL_BACK, (2, 15, 60))
    assert parse_moment("29/10/2023", " 02:15 ") == (FALL_BACK, (2, 15, None))
    for _ in range(2):  # a cached reading must not turn a refusal into an answer
        with pytest.raises(ValueError, match="minuti"):
            parse_moment("2023-10-29", "02:10")
        with pytest.raises(ValueError, match="inesistente"):
            parse_moment("2023-02-30", "02:15")


def test_a_repeated_quarter_hour_is_still_named(tmp_path):
    pod = "IT125E500000001"
    rows = [f"{pod},29/10/2023,{local_label(FALL_BACK, i)[:5]},0.1" for i in range(100)]
    rows.insert(13, rows[12])  # 02:00 a third time: the hour comes back only once
    path = tmp_path / "ore.csv"
    path.write_text("pod,data,ora,kwh\n" + "\n".join(rows) + "\n", encoding="utf-8")
    read = read_curve_file(path, {pod})
    assert [str(p) for p in read.problems] == ["ore.csv:15: ora: quarto d'ora ripetuto"]
