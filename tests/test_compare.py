"""Years overlaid, kWh per day of each billing period, reading types and conguagli.

Pure builders first, then the query, the callbacks as the browser posts them and the
downloads, on the demo data (Mario Rossi's main home has an estimate in the winter 2023/24
and its conguaglio in May 2024).
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from dashboard import compare
from dashboard import curve_tables as ct
from dashboard.pages.consumi import parse_selection, selection_search
from models import Contract, Invoice, InvoiceLine, db
from models.bands import Bands
from models.enums import CostGroup, CostSide
from models.queries import Adjustment, InvoiceRow, MonthRow, adjustments_issued_in
from tests.helpers import outputs, post_callback
from tests.test_consumi import contract_ids
from tests.test_drilldown import detail


def month_rows(year: int, months=range(1, 13), base: int = 100) -> list[MonthRow]:
    return [MonthRow(date(year, m, 1), Bands(base + m, 50, 40), "effettiva") for m in months]


def invoice(start: date, end: date, f1: int, f2: int, f3: int,
            reading: str = "effettiva") -> InvoiceRow:
    return InvoiceRow(1, 1, end.year, end, end, Decimal("10.00"), end, start, end, reading,
                      Bands(f1, f2, f3))


# --- pure builders --------------------------------------------------------------------------

def test_default_years_are_the_year_and_up_to_four_before():
    assert compare.default_years(2024, [2026, 2025, 2024, 2023, 2022, 2021, 2020]) == (
        2024, 2023, 2022, 2021, 2020)
    assert compare.default_years(2022, [2023, 2022]) == (2022,)
    assert compare.default_years(2019, []) == (2019,)


def test_years_figure_draws_one_line_per_year_newest_first_with_gaps():
    series = {2023: month_rows(2023), 2024: month_rows(2024, range(1, 4), base=200)}
    figure = compare.years_figure(series)
    assert [t["name"] for t in figure["data"]] == ["2024", "2023"]
    assert figure["data"][0]["y"][:4] == [291, 292, 293, None]   # April 2024: a gap
    assert figure["data"][1]["y"][11] == 112 + 90
    assert {t["line"]["dash"] for t in figure["data"]} == {"solid", "dash"}  # not colour only
    assert figure["layout"]["separators"] == ",." and "template" not in figure["layout"]


def test_years_table_has_a_column_per_year_and_the_totals():
    series = {2023: month_rows(2023), 2024: month_rows(2024, range(1, 4), base=1200)}
    data = compare.years_table(series)
    assert [c[0] for c in data["columns"]] == ["Mese", "2024 (kWh)", "2023 (kWh)"]
    assert len(data["rows"]) == 12
    assert data["rows"][0] == ["Gennaio", "1.291", "191"]
    assert data["rows"][3] == ["Aprile", "", "194"]
    assert data["footer"] == ["Totale", "3.876", f"{sum(190 + m for m in range(1, 13)):,}"
                              .replace(",", ".")]


def test_years_summary_flags_partial_years():
    series = {2023: month_rows(2023), 2024: month_rows(2024, range(1, 4)),
              2022: month_rows(2022, base=300)}
    text = compare.years_summary(series)
    assert text.startswith("Anni a confronto: il 2024 ")
    assert "in 3 mesi" in text and "il 2023 con 2.358 kWh," in text
    assert "il più alto è il 2022" in text
    assert "in 1 mese" in compare.years_summary({2020: month_rows(2020, [12])})
    assert "non ci sono" in compare.years_summary({2020: []})


def test_kwh_per_day_makes_periods_of_different_length_comparable():
    periods = [invoice(date(2023, 2, 1), date(2023, 3, 31), 300, 150, 140),           # 59 days
               invoice(date(2023, 4, 1), date(2023, 5, 31), 305, 150, 155, "stimata")]  # 61
    data = compare.daily_table(2023, periods)
    assert [c[0] for c in data["columns"]][:4] == ["Periodo", "Giorni", "Lettura",
                                                   "F1 (kWh/giorno)"]
    assert data["rows"][0][:3] == ["01/02/2023 – 31/03/2023", "59", "effettiva"]
    assert data["rows"][0][-2:] == ["590", "10,0"]          # 590 kWh / 59 days
    assert data["rows"][1][2] == "stimata" and data["rows"][1][-1] == "10,0"   # 610 / 61
    assert data["rows"][0][3] == "5,08"                      # 300 / 59 = 5,0847…
    assert data["footer"] == ["Totale", "120", "", "", "", "", "1.200", "10,0"]
    figure = compare.daily_figure(periods)
    assert figure["data"][0]["x"][1].endswith("<br>stimata")
    assert figure["data"][0]["marker"]["pattern"]["shape"] == ["", "/"]
    assert figure["data"][-1]["name"] == "Lettura stimata"
    assert [a["text"] for a in figure["layout"]["annotations"]] == ["10,0", "10,0"]
    summary = compare.daily_summary(2023, periods)
    assert "in media 10,0 kWh al giorno" in summary
    assert compare.daily_summary(2023, []) == "Nel 2023 non è stata emessa nessuna fattura."


def test_kwh_per_day_rounds_half_up_without_float():
    assert compare.round_half_up(5, 2) == 3 and compare.round_half_up(4, 3) == 1
    assert compare._per_day(1390, 62) == "22,4"


def test_reading_type_shows_in_period_and_month_tables_and_charts():
    from dashboard import figures

    periods = [invoice(date(2023, 2, 1), date(2023, 3, 31), 1, 2, 3, "autolettura")]
    table = ct.period_table(2023, periods)
    assert table["columns"][-1][0] == "Lettura" and table["rows"][0][-1] == "autolettura"
    months = [MonthRow(date(2023, 1, 1), Bands(1, 2, 3), "stimata")]
    assert ct.year_table(2023, months, {})["rows"][0][-1] == "stimata"
    chart = figures.consumption_by_month(months, 2023)
    assert chart["data"][0]["marker"]["pattern"]["shape"][0] == "/"
    assert "Lettura %{customdata[3]}" in chart["data"][0]["hovertemplate"]
    assert figures.consumption_by_period(periods)["data"][0]["x"][0].endswith("autolettura")


def test_adjustment_text_says_the_kwh_by_band_and_that_no_chart_holds_them():
    text = compare.adjustment_text(Adjustment(11601, date(2024, 5, 25), date(2023, 12, 1),
                                              date(2024, 1, 31), Bands(110, 58, 127)))
    assert "La fattura n. 11601 del 25/05/2024 è un conguaglio" in text
    assert "dal 01/12/2023 al 31/01/2024" in text
    assert "+295 kWh (F1 +110, F2 +58, F3 +127)" in text and "nessun grafico" in text
    lower = compare.adjustment_text(Adjustment(7, date(2024, 5, 25), None, None, Bands(-40, 0, -2)))
    assert "-42 kWh (F1 -40, F2 0, F3 -2)" in lower
    unknown = compare.adjustment_text(Adjustment(7, date(2024, 5, 25), None, None, None))
    assert "«Ricalcoli»" in unknown


@pytest.mark.parametrize(("raw", "years"), [
    ("2024-2023", (2024, 2023)), ("2023-2024-2023", (2024, 2023)), ("x-2024", (2024,)),
    ("2020-2021-2022-2023-2024-2025", (2025, 2024, 2023, 2022, 2021)), ("", ()),
    ("1-2-3", ()), ("9999", ()), ("2024-" * 50, ())])
def test_compared_years_from_the_url_are_checked(raw, years):
    assert parse_selection(f"?contratto=1&anno=2024&vista=anni&anni={raw}").years == years


def test_compared_years_round_trip_and_stay_out_of_other_views():
    search = selection_search(1, 2024, "anni", years=(2024, 2022))
    assert search == "?contratto=1&anno=2024&vista=anni&anni=2024-2022"
    assert parse_selection(search).years == (2024, 2022)
    assert "anni=" not in selection_search(1, 2024, "mesi", years=(2024, 2022))
    assert parse_selection("?contratto=1&anno=2024&anni=2024-2022").years == ()
    daily = parse_selection("?contratto=1&anno=2024&vista=giornaliero&mese=3&giorno=4")
    assert (daily.view, daily.month, daily.day) == ("giornaliero", None, None)


# --- the conguagli from the database --------------------------------------------------------

@pytest.fixture()
def home(app) -> int:
    """Return the id of Mario Rossi's main home."""
    return contract_ids(app, "100234")[0]


def test_conguaglio_kwh_come_from_the_registers_and_match_the_bills_ricalcolo(app, home):
    with app.app_context():
        found = adjustments_issued_in(db.session, home, 2024)
        assert [(a.number, a.estimated_from, a.estimated_to) for a in found] == [
            (11601, date(2023, 12, 1), date(2024, 1, 31))]
        recalculated = db.session.scalar(
            select(InvoiceLine.quantity).join(Invoice)
            .where(Invoice.contract_id == home, Invoice.number == 11601,
                   InvoiceLine.group == CostGroup.RECALCULATIONS,
                   InvoiceLine.side == CostSide.NETWORK))
        assert found[0].kwh == recalculated == 295
        assert found[0].bands == Bands(110, 58, 127)
        assert adjustments_issued_in(db.session, home, 2023) == []


# --- callbacks and downloads ------------------------------------------------------------------

def test_years_view_overlays_the_chosen_years_and_offers_the_others(member, home):
    response = detail(member, f"?contratto={home}&anno=2024&vista=anni&anni=2024-2023")
    out = outputs(response)
    figure = out["consumi-grafico.figure"]
    assert [t["name"] for t in figure["data"]] == ["2024", "2023"]
    assert sum(figure["data"][1]["y"]) == 5145
    table = out["consumi-tabella-dati.data"]
    assert table["footer"][2] == "5.145" and len(table["rows"]) == 12
    assert out["consumi-sintesi.children"].startswith("Anni a confronto: il 2024")
    choices = json.dumps(out["consumi-livello.children"])
    assert "anni=2024-2023-2022" in choices          # add 2022
    assert "vista=anni&anni=2023\"" in choices        # remove 2024
    assert "anni=2024-2023" in json.dumps(out["consumi-scarica.children"])
    assert len(response.get_data()) <= 10_000


def test_years_view_without_a_choice_compares_up_to_five_and_refuses_a_sixth(member, home):
    out = outputs(detail(member, f"?contratto={home}&anno=2026&vista=anni"))
    assert [t["name"] for t in out["consumi-grafico.figure"]["data"]] == [
        "2026", "2025", "2024", "2023", "2022"]
    choices = json.dumps(out["consumi-livello.children"], ensure_ascii=False)
    assert "al massimo 5 anni" in choices and "anni=2026-2025-2024-2023-2022-2021" not in choices


def test_years_view_ignores_foreign_years_politely(member, home):
    out = outputs(detail(member, f"?contratto={home}&anno=2023&vista=anni&anni=1990-2023"))
    assert [t["name"] for t in out["consumi-grafico.figure"]["data"]] == ["2023"]


def test_daily_view_has_the_periods_reading_types_and_the_conguaglio(member, home):
    out = outputs(detail(member, f"?contratto={home}&anno=2024&vista=giornaliero"))
    table = out["consumi-tabella-dati.data"]
    assert [r[2] for r in table["rows"]] == ["effettiva", "stimata", "effettiva",
                                             "effettiva", "effettiva", "effettiva"]
    assert table["rows"][1][:2] == ["01/12/2023 – 31/01/2024", "62"]
    assert table["rows"][1][-1] == "18,7"                 # 1.159 kWh over 62 days
    figure = out["consumi-grafico.figure"]
    assert figure["data"][0]["x"][1].endswith("stimata")
    panel = " ".join(p["props"]["children"] for p in out["consumi-riconciliazione.children"])
    assert "La fattura n. 11601 del 25/05/2024 è un conguaglio" in panel
    assert "+295 kWh (F1 +110, F2 +58, F3 +127)" in panel
    assert "nel 2024 hai prelevato in media" in out["consumi-sintesi.children"]


def test_period_view_table_says_each_reading_type(member, home):
    out = outputs(detail(member, f"?contratto={home}&anno=2024&vista=periodi"))
    assert [r[-1] for r in out["consumi-tabella-dati.data"]["rows"]][:3] == [
        "effettiva", "stimata", "effettiva"]
    months = outputs(detail(member, f"?contratto={home}&anno=2024"))["consumi-tabella-dati.data"]
    assert months["rows"][0][-1] == "stimata"    # January 2024 holds the estimate


def test_new_views_for_a_foreign_contract_get_what_a_missing_one_gets(member, app):
    foreign = contract_ids(app, "100235")[0]
    with app.app_context():
        missing = (db.session.scalar(select(db.func.max(Contract.id))) or 0) + 1000
    for view in ("anni", "giornaliero"):
        answers = [detail(member, f"?contratto={c}&anno=2023&vista={view}").get_json()
                   for c in (foreign, missing)]
        assert answers[0] == answers[1]
        assert answers[0]["response"]["consumi-tabella-dati"]["data"] is None


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))


def test_new_views_download_with_their_row_counts(member, home):
    base = f"?contratto={home}&anno=2024"
    answer = member.get(f"/consumi/tabella.csv{base}&vista=anni&anni=2024-2023-2021")
    assert "-anni-2024-2023-2021.csv" in answer.headers["Content-Disposition"]
    years = read_csv(answer)
    assert years[0] == ["Mese", "2024 (kWh)", "2023 (kWh)", "2021 (kWh)"]
    assert len(years) == 1 + 12 + 1 and years[-1][2] == "5.145"
    daily = read_csv(member.get(f"/consumi/tabella.csv{base}&vista=giornaliero"))
    assert len(daily) == 1 + 6 + 1 and daily[2][2] == "stimata"
    periods = read_csv(member.get(f"/consumi/tabella.csv{base}&vista=periodi"))
    assert periods[0][-1] == "Lettura" and periods[2][-1] == "stimata"
    for tail, rows in (("&vista=anni&anni=2024-2023", 14), ("&vista=giornaliero", 8)):
        book = member.get(f"/consumi/tabella.xlsx{base}{tail}")
        assert book.status_code == 200
        with zipfile.ZipFile(io.BytesIO(book.get_data())) as archive:
            sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        assert sheet.count("<row ") == rows, tail


def test_switching_to_the_new_views_writes_them_into_the_url(member, home):
    def switch(view: str, search: str) -> str:
        response = post_callback(member, "url.search", {"consumi-vista.value": view},
                                 {"url.search": search})
        return response.get_json()["response"]["url"]["search"]

    base = f"?contratto={home}&anno=2023"
    assert switch("anni", base + "&mese=3&giorno=14") == base + "&vista=anni"
    assert switch("giornaliero", base + "&vista=anni&anni=2023-2021") == (
        base + "&vista=giornaliero")
    assert switch("mesi", base + "&vista=giornaliero") == base


def test_a_hatched_bar_is_explained_in_the_legend():
    from dashboard import figures

    months = [MonthRow(date(2023, 1, 1), Bands(1, 2, 3), "stimata"),
              MonthRow(date(2023, 2, 1), Bands(1, 2, 3), "autolettura"),
              MonthRow(date(2023, 3, 1), Bands(1, 2, 3), "effettiva")]
    names = [t["name"] for t in figures.consumption_by_month(months, 2023)["data"]]
    assert names == ["F1", "F2", "F3", "F1", "F2", "F3", "Lettura stimata", "Autolettura"]
    shown = [t for t in figures.consumption_by_month(months, 2023)["data"]
             if t.get("showlegend", True)]
    assert [t["name"] for t in shown] == ["F1", "F2", "F3", "Lettura stimata", "Autolettura"]
    assert all("pattern" not in t["marker"] for t in shown[:3])   # plain band swatches
    plain = figures.consumption_by_month(months[2:], 2023)["data"]
    assert [t["name"] for t in plain] == ["F1", "F2", "F3"]


def test_daily_table_of_a_year_without_invoices_has_no_total():
    shown = compare.daily_table(2020, [])
    assert shown["rows"] == [] and shown.get("footer") is None
