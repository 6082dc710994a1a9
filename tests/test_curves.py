"""Quarter-hour curves: the local-time calendar, compact storage, the demo, the importer."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from models import Contract, Customer, QuarterHourDay, db
from models.bands import Band, Bands
from models.curves import (
    day_bands,
    days_of,
    local_label,
    month_checks,
    pack,
    slot_bands,
    slots_in,
    unpack,
)
from models.importing.curves import check_curve_files, write_curves

SPRING_FORWARD = date(2023, 3, 26)
FALL_BACK = date(2023, 10, 29)
ORDINARY = date(2023, 3, 14)  # a Tuesday


def contract_of(session, code: str) -> Contract:
    """Return a demo customer's first supply."""
    return session.scalars(select(Contract).join(Customer).where(Customer.code == code)
                           .order_by(Contract.start_date, Contract.id)).first()


# --- calendar and storage -----------------------------------------------------------------

def test_daylight_saving_days_have_92_and_100_quarter_hours():
    assert (slots_in(SPRING_FORWARD), slots_in(FALL_BACK), slots_in(ORDINARY)) == (92, 100, 96)


def test_the_repeated_hour_keeps_both_offsets():
    labels = [local_label(FALL_BACK, i) for i in range(100)]
    assert labels[8:13] == ["02:00+02:00", "02:15+02:00", "02:30+02:00", "02:45+02:00",
                            "02:00+01:00"]
    assert len(set(labels)) == 100
    spring = [local_label(SPRING_FORWARD, i) for i in range(92)]
    assert spring[7:9] == ["01:45+01:00", "03:00+02:00"]


def test_quarter_hours_take_their_band_from_the_calendar():
    bands = slot_bands(ORDINARY)
    assert bands[4 * 7 - 1] is Band.F3 and bands[4 * 7] is Band.F2   # 06:45, 07:00
    assert bands[4 * 8] is Band.F1 and bands[4 * 19 - 1] is Band.F1  # 08:00, 18:45
    assert bands[4 * 19] is Band.F2 and bands[4 * 23] is Band.F3     # 19:00, 23:00
    assert set(slot_bands(SPRING_FORWARD)) == {Band.F3}              # a Sunday


def test_day_bands_add_up_by_band():
    values = list(range(96))
    sums = day_bands(ORDINARY, values)
    assert sums.total == sum(values)
    assert sums.f1 == sum(values[32:76])


@given(st.lists(st.integers(min_value=0, max_value=2_000_000_000), min_size=92, max_size=100))
def test_packing_is_exact_and_four_bytes_a_reading(values):
    blob = pack(values)
    assert len(blob) == 4 * len(values)
    assert unpack(blob) == tuple(values)


# --- demo data ----------------------------------------------------------------------------

def test_marios_2023_curve_matches_every_monthly_band_total(demo_session):
    home = contract_of(demo_session, "100234")
    checks = month_checks(demo_session, home.id, 2023)
    assert [c.month.month for c in checks] == list(range(1, 13))
    assert all(c.complete and c.difference == Bands(0, 0, 0) for c in checks)
    assert sum(c.curve.total for c in checks) == 5_145_000  # 5.145 kWh, as the months say


def test_the_neighbour_has_curves_too_and_shapes_look_like_a_home(demo_session):
    home = contract_of(demo_session, "100235")
    days = days_of(demo_session, home.id, date(2024, 1, 1), date(2024, 12, 31))
    assert len(days) == 366
    power = [wh * 4 / 1000 for values in days.values() for wh in values]
    assert len(power) == 366 * 96
    night = [wh for values in days.values() for wh in values[8:16]]    # 02:00–04:00
    evening = [wh for values in days.values() for wh in values[76:84]]  # 19:00–21:00
    assert sum(evening) > 1.5 * sum(night)
    assert min(power) > 0 and max(power) <= 3.4
    assert all(c.difference == Bands(0, 0, 0) for c in month_checks(demo_session, home.id, 2024))


# --- the importer -------------------------------------------------------------------------

def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """Write a CSV file for the importer."""
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def wide_rows(pod: str, first: date, days: int, kwh: str = "0.125", sep: str = ",") -> str:
    """Return wide-layout rows: one per day, as many values as the day has quarter hours."""
    lines = []
    for n in range(days):
        day = first + timedelta(days=n)
        lines.append(sep.join([pod, day.isoformat()] + [kwh] * slots_in(day)))
    return "\n".join(lines)


def wide_file(pod: str, first: date, days: int, kwh: str = "0.125", sep: str = ",") -> str:
    """Return a wide-layout file with its header."""
    header = sep.join(["pod", "data"] + [f"q{i}" for i in range(1, 101)])
    return header + "\n" + wide_rows(pod, first, days, kwh, sep) + "\n"


def long_file(pod: str, day: date, kwh: str = "0.100") -> str:
    """Return a long-layout file of one day with explicit UTC offsets."""
    rows = [f"{pod},{day.isoformat()} {local_label(day, i)},{kwh}" for i in range(slots_in(day))]
    return "pod,data_ora,kwh\n" + "\n".join(rows) + "\n"


@pytest.fixture()
def spare_pod(demo_session) -> str:
    """Return the POD of a demo supply that has no curve."""
    return contract_of(demo_session, "100236").pod


def test_wide_and_long_files_with_daylight_saving_days(demo_session, tmp_path, spare_pod):
    files = [write(tmp_path, "ampio.csv", wide_file(spare_pod, date(2023, 3, 25), 3)),
             write(tmp_path, "lungo.csv", long_file(spare_pod, FALL_BACK))]
    checked = check_curve_files(demo_session, files)
    assert checked.problems == []
    assert checked.readings == 96 + 92 + 96 + 100
    assert write_curves(demo_session, checked) == (4, 0, 0)
    contract_id = contract_of(demo_session, "100236").id
    stored = days_of(demo_session, contract_id, date(2023, 3, 25), FALL_BACK)
    assert {d: len(v) for d, v in stored.items()} == {
        date(2023, 3, 25): 96, SPRING_FORWARD: 92, date(2023, 3, 27): 96, FALL_BACK: 100}
    assert sum(stored[FALL_BACK]) == 100 * 100
    again = check_curve_files(demo_session, files)
    assert write_curves(demo_session, again) == (0, 0, 4)  # the same files change nothing


def test_semicolons_and_decimal_commas(demo_session, tmp_path, spare_pod):
    path = write(tmp_path, "virgole.csv", wide_file(spare_pod, ORDINARY, 1, "0,25", ";"))
    checked = check_curve_files(demo_session, [path])
    assert checked.problems == []
    contract_id = contract_of(demo_session, "100236").id
    assert checked.days[contract_id][ORDINARY] == [250] * 96


def test_long_file_with_times_only_takes_the_repeated_hour_in_order(demo_session, tmp_path,
                                                                     spare_pod):
    rows = ["pod,data,ora,kwh"]
    rows += [f"{spare_pod},29/10/2023,{local_label(FALL_BACK, i)[:5]},{i / 1000:.3f}"
             for i in range(100)]
    checked = check_curve_files(demo_session, [write(tmp_path, "ore.csv", "\n".join(rows))])
    assert checked.problems == []
    contract_id = contract_of(demo_session, "100236").id
    assert checked.days[contract_id][FALL_BACK] == list(range(100))


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("pod.csv", wide_file("IT999E99999999", ORDINARY, 1), "pod.csv:2: pod: POD sconosciuto"),
    ("numero.csv", None, "numero.csv:2: quarto 5: non è un numero di kWh"),
    ("buco.csv", None, "buco.csv:2: data_ora: il 14/03/2023 ha 95 quarti d'ora su 96"),
    ("doppio.csv", None, "doppio.csv:3: data: giorno ripetuto nel file"),
    ("ora.csv", None, "ora.csv:2: ora: quest'ora non esiste in quel giorno"),
    ("virgola.csv", None, "una virgola decimale non racchiusa tra virgolette"),
    ("data.csv", None, "data.csv:2: data: data inesistente"),
    ("testata.csv", "a,b\n1,2\n", "testata.csv:1: intestazione non riconosciuta"),
])
def test_bad_files_are_refused_with_file_line_and_column(demo_session, tmp_path, spare_pod,
                                                         name, text, expected):
    good = wide_rows(spare_pod, ORDINARY, 1).split(",")
    header = "pod,data," + ",".join(f"q{i}" for i in range(1, 101))
    texts = {
        "numero.csv": header + "\n" + ",".join(good[:6] + ["abc"] + good[7:]),
        "buco.csv": "\n".join(long_file(spare_pod, ORDINARY).splitlines()[:-1]),
        "doppio.csv": wide_file(spare_pod, ORDINARY, 1) + wide_rows(spare_pod, ORDINARY, 1),
        "ora.csv": f"pod,data,ora,kwh\n{spare_pod},2023-03-26,02:15,0.1\n",
        "virgola.csv": f"pod,data_ora,kwh\n{spare_pod},2023-03-14 00:00,0,25\n",
        "data.csv": f"{header}\n{spare_pod},2023-02-30," + ",".join(["0.1"] * 96),
    }
    checked = check_curve_files(demo_session, [write(tmp_path, name, text or texts[name])])
    assert any(expected in str(p) for p in checked.problems), checked.problems


def test_a_file_that_is_not_utf8_says_which_line(demo_session, tmp_path, spare_pod):
    text = wide_file(spare_pod, ORDINARY, 1) + "# Però\n"
    checked = check_curve_files(demo_session, [write(tmp_path, "latin.csv", text, "latin-1")])
    assert [str(p) for p in checked.problems] == [
        "latin.csv:3: il testo non è UTF-8: salva il file come «CSV UTF-8»"]


def test_the_same_day_in_two_files_is_refused(demo_session, tmp_path, spare_pod):
    files = [write(tmp_path, "a.csv", wide_file(spare_pod, ORDINARY, 1)),
             write(tmp_path, "b.csv", long_file(spare_pod, ORDINARY))]
    problems = [str(p) for p in check_curve_files(demo_session, files).problems]
    assert problems == [f"b.csv: data: il 14/03/2023 del POD {spare_pod} è già in a.csv"]


def test_the_command_writes_everything_or_nothing(app, tmp_path):
    with app.app_context():
        contract = contract_of(db.session, "100236")
        pod, contract_id = contract.pod, contract.id
    good = write(tmp_path, "buono.csv", wide_file(pod, date(2023, 5, 1), 31))
    bad = write(tmp_path, "cattivo.csv", wide_file(pod, date(2023, 6, 1), 1, "x"))
    runner = app.test_cli_runner()
    try:
        refused = runner.invoke(args=["curves", "import", str(good), str(bad)])
        assert refused.exit_code == 1
        assert "cattivo.csv:2: quarto 1: non è un numero di kWh" in refused.output
        assert "nessun dato scritto" in refused.output
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(QuarterHourDay)
                                     .where(QuarterHourDay.contract_id == contract_id)) == 0
        done = runner.invoke(args=["curves", "import", str(good)])
        assert done.exit_code == 0, done.output
        assert ("giorni: 31 nuovi, 0 modificati, 0 invariati (2976 quarti d'ora letti)"
                in done.output)
        again = runner.invoke(args=["curves", "import", str(good)])
        assert "giorni: 0 nuovi, 0 modificati, 31 invariati" in again.output
    finally:
        with app.app_context():
            db.session.execute(delete(QuarterHourDay)
                               .where(QuarterHourDay.contract_id == contract_id))
            db.session.commit()
