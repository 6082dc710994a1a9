"""The drill-down's pure builders: sums, power figures, tables, the panel's arithmetic, CSV."""
from __future__ import annotations

import base64
import csv
import io
import json
import struct
from datetime import date, timedelta
from decimal import Decimal

import pytest

from dashboard import curve_figures as cf
from dashboard import curve_tables as ct
from dashboard.formatting import wh_as_kwh
from dashboard.pages.consumi import parse_selection
from models.bands import Bands
from models.curves import MonthCheck, day_bands, slot_bands, slots_in
from models.queries import InvoiceRow, MonthRow

TUESDAY = date(2023, 3, 14)
SPRING, AUTUMN = date(2023, 3, 26), date(2023, 10, 29)


def flat(day: date, wh: int = 100) -> list[int]:
    """Return a day whose quarter hours all draw the same energy."""
    return [wh] * slots_in(day)


def decode(spec: dict) -> list[int]:
    """Decode a Plotly typed array back to integers."""
    raw = base64.b64decode(spec["bdata"])
    code = {"u1": "B", "u2": "H"}[spec["dtype"]]
    return list(struct.unpack(f"<{len(raw) // struct.calcsize(code)}{code}", raw))


@pytest.mark.parametrize(("wh", "decimals", "text"), [
    (0, 3, "0,000"), (1234, 3, "1,234"), (1234, 1, "1,2"), (1250, 1, "1,3"), (1249, 1, "1,2"),
    (5_145_000, 0, "5.145"), (999, 0, "1"), (-5, 2, "-0,01"), (-4, 2, "0,00"), (12_345, 2, "12,35"),
])
def test_wh_are_written_as_italian_kwh_exactly(wh, decimals, text):
    assert wh_as_kwh(wh, decimals) == text


def test_day_bands_by_runs_match_a_slot_by_slot_sum():
    for day in (TUESDAY, SPRING, AUTUMN, date(2023, 3, 18), date(2023, 12, 25)):
        values = [(i * 37) % 500 for i in range(slots_in(day))]
        sums = {"F1": 0, "F2": 0, "F3": 0}
        for band, value in zip(slot_bands(day), values, strict=True):
            sums[band.name] += value
        assert day_bands(day, values) == Bands.from_mapping(sums)
    with pytest.raises(ValueError):
        day_bands(TUESDAY, [1] * 95)


def test_hourly_watts_fold_daylight_saving_days_into_clock_hours():
    assert ct.hourly_watts(TUESDAY, flat(TUESDAY)) == [400] * 24
    spring = ct.hourly_watts(SPRING, flat(SPRING))
    assert spring[2] is None and spring.count(400) == 23       # 02:00–03:00 does not exist
    autumn = ct.hourly_watts(AUTUMN, flat(AUTUMN))
    assert autumn == [400] * 24                                # 02:00 twice: averaged


def test_power_stats_base_load_peak_and_exceedances():
    values = flat(TUESDAY, 100)
    values[3] = 50            # a night dip: the 10th percentile ignores a single blip
    values[50] = 900          # 3,6 kW at 12:30, above 3,3 kW
    values[51] = 825          # exactly 3,3 kW: not above
    stats = ct.power_stats({TUESDAY: values}, Decimal("3.3"))
    assert stats.base_w == 400
    assert stats.peak_w == 3600 and stats.peak_at == (TUESDAY, 50)
    assert stats.over == 1 and stats.quarters == 96
    text = ct.stats_text(stats, Decimal("3.3"))
    assert "0,40 kW" in text and "3,60 kW il 14/03/2023 alle 12:30" in text
    assert "1 quarto d'ora" in text
    assert ct.power_stats({}, Decimal("3.3")).peak_w is None


def test_typical_day_separates_weekdays_saturdays_and_sundays_with_holidays():
    days = {date(2023, 4, 24): flat(date(2023, 4, 24), 100),   # Monday
            date(2023, 4, 25): flat(date(2023, 4, 25), 300),   # Liberation Day: a holiday
            date(2023, 4, 29): flat(date(2023, 4, 29), 200),   # Saturday
            date(2023, 4, 30): flat(date(2023, 4, 30), 500)}   # Sunday
    typical = ct.typical_day(days)
    assert typical["feriale"] == [400] * 24
    assert typical["sabato"] == [800] * 24
    assert typical["domenica"] == [1600] * 24                  # (300 + 500) / 2 Wh × 4


def test_month_table_adds_up_and_links_each_day():
    days = {date(2023, 3, d): flat(date(2023, 3, d), 10 * d) for d in (1, 2)}
    by_day = ct.bands_by_day(days)
    links = {day: f"/consumi?giorno={day.day}" for day in days}
    table = ct.month_table(2023, 3, by_day, links)
    assert [r[0] for r in table["rows"]] == ["01/03/2023", "02/03/2023"]
    assert table["links"] == ["/consumi?giorno=1", "/consumi?giorno=2"]
    assert table["rows"][0][4] == "1,0" and table["rows"][1][4] == "1,9"
    assert table["footer"] == ["Totale", *[wh_as_kwh(v, 1) for v in (
        *Bands.sum_of(by_day.values()), 2880)]]


def test_day_table_names_the_repeated_hour_with_its_offset():
    table = ct.day_table(AUTUMN, flat(AUTUMN, 125))
    labels = [r[0] for r in table["rows"]]
    assert len(labels) == 100 and len(set(labels)) == 100
    assert labels[8:16] == ["02:00+02:00", "02:15+02:00", "02:30+02:00", "02:45+02:00",
                            "02:00+01:00", "02:15+01:00", "02:30+01:00", "02:45+01:00"]
    assert labels[0] == "00:00" and table["rows"][0][3:] == ["0,125", "0,125", "0,50"]
    assert table["links"] is None
    assert ct.day_table(SPRING, flat(SPRING))["rows"][8][0] == "03:00"


def test_day_figure_draws_power_with_band_colours_and_both_lines():
    values = flat(TUESDAY, 250)
    figure = cf.day_figure(TUESDAY, values, Decimal(3), Decimal("3.3"))
    bars = figure["data"][0]
    assert bars["y"] == [1.0] * 96
    assert bars["marker"]["color"][:28] == [2] * 28 and bars["marker"]["color"][32] == 0
    assert sorted(s["y0"] for s in figure["layout"]["shapes"]) == [3.0, 3.3]
    assert figure["layout"]["separators"] == ",."
    autumn = cf.day_figure(AUTUMN, flat(AUTUMN), Decimal(3), Decimal("3.3"))
    assert len(autumn["data"][0]["text"]) == 100 and autumn["data"][0]["x0"] == 0


def test_heatmap_packs_the_year_as_typed_arrays():
    days = {TUESDAY: flat(TUESDAY, 100), SPRING: flat(SPRING, 50)}
    grid = ct.hourly_grid(2023, days)
    figure = cf.heatmap_figure(2023, grid)
    assert len(figure["data"]) == 24
    eight = figure["data"][8]
    colours, present = decode(eight["marker"]["color"]), decode(eight["y"])
    assert len(colours) == len(present) == 365
    assert colours[TUESDAY.timetuple().tm_yday - 1] == 400 and present[0] == 0
    two = figure["data"][2]
    assert decode(two["y"])[SPRING.timetuple().tm_yday - 1] == 0   # the hour that is not
    assert figure["layout"]["coloraxis"]["cmax"] == 400
    year = [date(2023, 1, 1) + timedelta(days=n) for n in range(365)]
    full = cf.heatmap_figure(2023, ct.hourly_grid(2023, {d: flat(d, 999) for d in year}))
    assert len(json.dumps(full)) < 60_000


def month_row(month: int, kwh: tuple[int, int, int]) -> MonthRow:
    """Return a month's band totals."""
    return MonthRow(date(2023, month, 1), Bands(*kwh), "effettiva")


def invoice(start: date, end: date, kwh: tuple[int, int, int]) -> InvoiceRow:
    """Return an invoice covering a period."""
    return InvoiceRow(1, 1, 2023, end, end, Decimal("10.00"), end, start, end, "effettiva",
                      Bands(*kwh))


def test_reconciliation_explains_why_months_and_invoices_differ():
    months = [month_row(m, (100, 50, 60)) for m in range(1, 10)]
    invoices = [invoice(date(2022, 10, 1), date(2022, 11, 30), (300, 100, 150)),
                invoice(date(2022, 12, 1), date(2023, 1, 31), (200, 100, 120))]
    billed = Bands(100_000, 50_000, 60_000)
    checks = [MonthCheck(date(2023, 1, 1), billed, billed, 31, 31),
              MonthCheck(date(2023, 2, 1), Bands(100_500, 50_000, 59_500), billed, 28, 28),
              MonthCheck(date(2023, 3, 1), Bands(90_000, 40_000, 50_000), billed, 28, 31)]
    rec = ct.reconcile(2023, months, invoices, checks)
    assert (rec.months_kwh, rec.invoices_kwh) == (1890, 970)
    text = " ".join(ct.reconciliation_text(rec))
    assert "I 9 mesi del 2023 sommano 1.890 kWh" in text
    assert "le 2 fatture emesse nel 2023 sommano 970 kWh, perché coprono i consumi " \
           "dal 01/10/2022 al 31/01/2023, non l'anno solare" in text
    assert "Anno parziale: ci sono i consumi di 9 mesi su 12 (da gennaio 2023 a " \
           "settembre 2023)" in text
    assert "febbraio 2023: F1 +0,500, F2 0,000, F3 -0,500 kWh" in text
    assert "Marzo 2023: misure al quarto d'ora per 28 giorni su 31" in text


def test_reconciliation_of_matching_numbers_says_so():
    months = [month_row(m, (1, 1, 1)) for m in range(1, 13)]
    checks = [MonthCheck(m.month, Bands(1000, 1000, 1000), Bands(1000, 1000, 1000), 28, 28)
              for m in months]
    text = ct.reconciliation_text(ct.reconcile(2023, months, [], checks))
    assert "nessuna fattura" in text[0]
    assert not any("parziale" in line for line in text)
    assert "coincidono al kWh con i totali mensili in tutti i 12 mesi" in text[-1]


def test_quarter_hour_csv_keeps_local_time_offset_band_and_exact_kwh():
    text = ct.quarter_hour_csv({AUTUMN: flat(AUTUMN, 1234), TUESDAY: flat(TUESDAY, 5)})
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Data", "Ora", "UTC", "kWh", "Fascia"]
    assert len(rows) == 1 + 96 + 100
    assert rows[1] == ["14/03/2023", "00:00", "+01:00", "0,005", "F3"]
    assert rows[97 + 8] == ["29/10/2023", "02:00", "+02:00", "1,234", "F3"]
    assert rows[97 + 12] == ["29/10/2023", "02:00", "+01:00", "1,234", "F3"]


@pytest.mark.parametrize(("search", "month", "day", "rejected"), [
    ("?contratto=1&anno=2023&mese=3&giorno=14", 3, 14, False),
    ("?contratto=1&anno=2024&mese=2&giorno=29", 2, 29, False),
    ("?contratto=1&anno=2023&mese=2&giorno=29", 2, None, True),
    ("?contratto=1&anno=2023&mese=13", None, None, True),
    ("?contratto=1&anno=2023&giorno=5", None, None, True),
    ("?contratto=1&anno=2023&mese=%D9%A3", None, None, True),   # an Arabic-Indic three
    ("?contratto=1&anno=2023&mese=3&giorno=14&vista=mappa", None, None, False),
    ("?contratto=1&anno=2023&mese=3&giorno=14&vista=tipo", 3, None, False),
    ("?contratto=1&mese=3&giorno=14", 3, None, True),            # no year: no day to check
    ("?" + "&".join(f"x{i}=1" for i in range(20)), None, None, False),
])
def test_drill_values_from_the_url_are_checked(search, month, day, rejected):
    selection = parse_selection(search)
    assert (selection.month, selection.day, selection.rejected) == (month, day, rejected)
