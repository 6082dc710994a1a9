"""The consumption page's drill-down, views and downloads, posted as the browser posts them."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from models import Contract, db
from models.curves import days_of
from tests.helpers import outputs, post_callback
from tests.test_consumi import contract_ids

DETAIL = "consumi-grafico.figure@"   # the curve views' callback (the year chart is show()'s)


def detail(client, search: str):
    """Post the callback that fills breadcrumbs, summary, table and panel for a URL."""
    return post_callback(client, DETAIL, {"url.search": search})


def click(client, search: str, point: int):
    """Post a click on the chart's bar number `point` as Plotly reports it."""
    return post_callback(client, "url.search@", {
        "consumi-grafico.clickData": {"points": [{"curveNumber": 0, "pointNumber": point,
                                                  "pointIndex": point}]}},
        {"url.search": search})


@pytest.fixture()
def home(app) -> int:
    """Return the id of Mario Rossi's main home, the supply with curves."""
    return contract_ids(app, "100234")[0]


def test_clicking_a_month_then_a_day_drills_down_in_the_url(member, home):
    year = f"?contratto={home}&anno=2023"
    month = click(member, year, 2).get_json()["response"]["url"]["search"]
    assert month == year + "&mese=3"
    day = click(member, month, 13).get_json()["response"]["url"]["search"]
    assert day == year + "&mese=3&giorno=14"
    assert click(member, day, 5).status_code == 204   # quarter hours: nothing below


def test_month_shows_its_days_stacked_by_band(member, app, home):
    response = detail(member, f"?contratto={home}&anno=2023&mese=3")
    out = outputs(response)
    figure = out["consumi-grafico.figure"]
    assert [t["name"] for t in figure["data"]] == ["F1", "F2", "F3"]
    assert figure["data"][0]["x"] == [str(d) for d in range(1, 32)]
    assert figure["layout"]["separators"] == ",."
    with app.app_context():
        month_total = sum(sum(v) for v in days_of(db.session, home, date(2023, 3, 1),
                                                   date(2023, 3, 31)).values())
    chart_total = sum(y for t in figure["data"] for y in t["y"])
    assert round(chart_total * 1000) == month_total
    table = out["consumi-tabella-dati.data"]
    assert len(table["rows"]) == 31
    assert table["rows"][13][0] == "14/03/2023"
    assert table["links"][13].endswith("&mese=3&giorno=14")     # the row leads down too
    assert table["footer"][4] == f"{month_total / 1000:.1f}".replace(".", ",")
    text = json.dumps(out["consumi-livello.children"])
    assert '"2023"' in text and '"marzo"' in text
    assert "A marzo 2023 hai prelevato" in out["consumi-sintesi.children"]
    assert len(response.get_data()) <= 10_000


def test_day_shows_quarter_hours_as_power_with_the_power_lines(member, app, home):
    response = detail(member, f"?contratto={home}&anno=2023&mese=3&giorno=14")
    out = outputs(response)
    figure = out["consumi-grafico.figure"]
    with app.app_context():
        values = days_of(db.session, home, date(2023, 3, 14), date(2023, 3, 14))[date(2023, 3, 14)]
    bars = figure["data"][0]
    assert bars["x0"] == "2023-03-14 00:00" and bars["dx"] == 15 * 60 * 1000
    assert len(bars["y"]) == 96
    assert all(abs(bars["y"][i] - values[i] * 4 / 1000) < 0.005 for i in range(96))
    assert bars["marker"]["color"][0] == 2 and bars["marker"]["color"][40] == 0  # F3, F1
    assert [t["name"] for t in figure["data"][1:]] == ["F1", "F2", "F3"]
    lines = sorted(s["y0"] for s in figure["layout"]["shapes"])
    assert lines == [3.0, 3.3]
    notes = [a["text"] for a in figure["layout"]["annotations"]]
    assert "Potenza impegnata 3 kW" in notes and "Potenza disponibile 3,3 kW" in notes
    assert len(out["consumi-tabella-dati.data"]["rows"]) == 96
    crumbs = json.dumps(out["consumi-livello.children"])
    assert "14 marzo" in crumbs and "mese=3" in crumbs
    assert "Consumo di base" in out["consumi-potenza.children"]
    assert len(response.get_data()) <= 10_000


@pytest.mark.parametrize(("day", "slots"), [(date(2023, 3, 26), 92), (date(2023, 10, 29), 100)])
def test_daylight_saving_days_keep_every_quarter_hour(member, home, day, slots):
    out = outputs(detail(member, f"?contratto={home}&anno=2023&mese={day.month}"
                                 f"&giorno={day.day}"))
    rows = out["consumi-tabella-dati.data"]["rows"]
    assert len(rows) == slots
    if slots == 100:   # the repeated hour carries its UTC offset
        assert "02:00+02:00" in [r[0] for r in rows] and "02:00+01:00" in [r[0] for r in rows]


def test_year_panel_reconciles_months_with_invoices(member, home):
    out = outputs(detail(member, f"?contratto={home}&anno=2023"))
    panel = " ".join(p["props"]["children"] for p in out["consumi-riconciliazione.children"])
    assert "I 12 mesi del 2023 sommano 5.145 kWh" in panel
    assert "le 6 fatture emesse nel 2023 sommano 5.255 kWh" in panel
    assert "dal 01/10/2022 al 30/09/2023" in panel
    assert "coincidono al kWh con i totali mensili in tutti i 12 mesi" in panel
    assert "consumi-grafico.figure" not in out   # show() draws the year's months
    table = out["consumi-tabella-dati.data"]
    assert [r[0] for r in table["rows"]][:2] == ["Gennaio 2023", "Febbraio 2023"]
    assert table["footer"][4] == "5.145"
    links = json.dumps(out["consumi-scarica.children"])
    assert "Scarica i quarti d&#x27;ora (CSV)" in links or "Scarica i quarti d'ora (CSV)" in links


def test_year_chart_is_left_to_show_and_drill_views_to_detail(member, home):
    year = f"?contratto={home}&anno=2023"
    show_year = post_callback(member, "consumi-grafico", {"url.search": year}).get_json()
    assert "figure" in show_year["response"]["consumi-grafico"]
    show_month = post_callback(member, "consumi-grafico",
                               {"url.search": year + "&mese=3"}).get_json()
    assert "consumi-grafico" not in show_month["response"]
    detail_year = detail(member, year).get_json()["response"]
    assert "consumi-grafico" not in detail_year


def test_heatmap_sends_typed_arrays_under_60_kb(member, home):
    response = detail(member, f"?contratto={home}&anno=2023&vista=mappa")
    assert len(response.get_data()) <= 60_000
    figure = outputs(response)["consumi-grafico.figure"]
    assert len(figure["data"]) == 24
    assert figure["data"][0]["marker"]["color"]["dtype"] == "u2"
    assert figure["data"][0]["y"]["dtype"] == "u1"
    assert figure["layout"]["separators"] == ",."


def test_heatmap_click_opens_the_day(member, home):
    search = f"?contratto={home}&anno=2023&vista=mappa"
    target = click(member, search, 72).get_json()["response"]["url"]["search"]
    assert target == f"?contratto={home}&anno=2023&mese=3&giorno=14"


def test_typical_day_averages_weekdays_saturdays_and_sundays(member, home):
    out = outputs(detail(member, f"?contratto={home}&anno=2023&vista=tipo&mese=3"))
    figure = out["consumi-grafico.figure"]
    assert [t["name"] for t in figure["data"]] == ["Giorno feriale", "Sabato",
                                                   "Domenica e festivi"]
    assert all(len(t["y"]) == 24 for t in figure["data"])
    assert len(out["consumi-tabella-dati.data"]["rows"]) == 24
    months = json.dumps(out["consumi-livello.children"])
    assert "vista=tipo&mese=1" in months


@pytest.mark.parametrize("tail", ["&mese=13", "&mese=0", "&mese=x", "&mese=3&giorno=32",
                                  "&mese=2&giorno=30", "&giorno=5", "&mese=%00", "&mese=-1",
                                  "&mese=3&giorno=14&vista=boh", "&mese=03&giorno=014"])
def test_bad_drill_values_fall_back_politely(member, home, tail):
    response = detail(member, f"?contratto={home}&anno=2023{tail}")
    assert response.status_code in (200, 204)
    text = response.get_data(as_text=True)
    assert "Traceback" not in text
    if response.status_code == 200:
        message = json.dumps(outputs(response)["consumi-messaggio-livello.children"],
                             ensure_ascii=False)
        assert "non è valido" in message or "vista=boh" in tail


def test_foreign_and_missing_contracts_get_nothing(member, app):
    foreign = contract_ids(app, "100235")[0]
    with app.app_context():
        missing = (db.session.scalar(select(db.func.max(Contract.id))) or 0) + 1000
    answers = [detail(member, f"?contratto={c}&anno=2023&mese=3&giorno=14").get_json()
               for c in (foreign, missing)]
    assert answers[0] == answers[1]
    assert answers[0]["response"]["consumi-tabella-dati"]["data"] is None
    assert click(member, f"?contratto={foreign}&anno=2023", 2).status_code == 204


@pytest.mark.parametrize("value", [None, "", [], {}, True, 3.5, {"points": [{"pointNumber": -1}]},
                                   {"points": [{"pointNumber": True}]}, {"points": "x"},
                                   {"points": [{"pointNumber": 10**9}]}, {"points": [None]}])
def test_hostile_click_data_never_fails(member, home, value):
    response = post_callback(member, "url.search@", {"consumi-grafico.clickData": value},
                             {"url.search": f"?contratto={home}&anno=2023"})
    assert response.status_code == 204


def test_round_trip_of_every_level(home):
    from dashboard.pages.consumi import parse_selection, selection_search

    for args in (("mesi", None, None, None), ("mesi", None, 3, None), ("mesi", None, 3, 14),
                 ("mappa", None, None, None), ("tipo", None, 7, None),
                 ("mesi", ("importo", True), 3, 14), ("periodi", None, None, None)):
        view, sort, month, day = args
        search = selection_search(home, 2024, view, sort, month, day)
        back = parse_selection(search)
        assert (back.view, back.sort, back.month, back.day, back.year) == (view, sort, month,
                                                                           day, 2024)
        assert back.contract == str(home) and not back.rejected


def test_view_switch_keeps_the_typical_days_month_and_drops_the_drill(member, home):
    def switch(view: str, search: str) -> str:
        response = post_callback(member, "url.search", {"consumi-vista.value": view},
                                 {"url.search": search})
        return response.get_json()["response"]["url"]["search"]

    base = f"?contratto={home}&anno=2023"
    assert switch("mappa", base + "&mese=3&giorno=14") == base + "&vista=mappa"
    assert switch("mesi", base + "&vista=tipo&mese=5") == base


def test_quarter_hour_csv_has_the_whole_year(member, home):
    response = member.get(f"/consumi/quarti-d-ora.csv?contratto={home}&anno=2023")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Data", "Ora", "UTC", "kWh", "Fascia"]
    assert len(rows) - 1 == 35_040
    assert rows[1] == ["01/01/2023", "00:00", "+01:00", rows[1][3], "F3"]
    assert rows[1 + 301 * 96 - 4 + 8][:3] == ["29/10/2023", "02:00", "+02:00"]
    total_wh = sum(int(r[3].replace(",", "")) for r in rows[1:])
    assert total_wh == 5_145_000


def test_quarter_hour_csv_is_for_the_owner_only(member, neighbour, app, home):
    with app.app_context():
        missing = (db.session.scalar(select(db.func.max(Contract.id))) or 0) + 1000
    answers = [neighbour.get(f"/consumi/quarti-d-ora.csv?contratto={home}&anno=2023"),
               neighbour.get(f"/consumi/quarti-d-ora.csv?contratto={missing}&anno=2023"),
               neighbour.get("/consumi/quarti-d-ora.csv?contratto=abc&anno=2023")]
    assert {a.status_code for a in answers} == {404}
    assert answers[0].get_data() == answers[1].get_data() == answers[2].get_data()
    assert member.get(f"/consumi/quarti-d-ora.csv?contratto={home}&anno=1999").status_code == 404
    assert app.test_client().get(
        f"/consumi/quarti-d-ora.csv?contratto={home}&anno=2023").status_code in (302, 401)


def test_each_view_downloads_as_csv_and_xlsx(member, home):
    base = f"?contratto={home}&anno=2023"
    for tail, rows in (("", 13), ("&mese=3", 32), ("&mese=3&giorno=14", 97),
                       ("&vista=periodi", 6), ("&vista=tipo&mese=3", 24)):
        response = member.get(f"/consumi/tabella.csv{base}{tail}")
        assert response.status_code == 200, tail
        lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
        assert len(lines) - 1 == rows, tail
    book = member.get(f"/consumi/tabella.xlsx{base}&mese=3")
    assert book.status_code == 200
    with zipfile.ZipFile(io.BytesIO(book.get_data())) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<row ") == 33   # header, 31 days, total
    foreign = member.get("/consumi/tabella.csv?contratto=999999&anno=2023")
    assert foreign.status_code == 404


def test_a_supply_without_curves_says_so_politely(member, app):
    second = contract_ids(app, "100234")[1]
    base = f"?contratto={second}&anno=2023"
    heat = outputs(detail(member, base + "&vista=mappa"))
    note = heat["consumi-grafico.figure"]["layout"]["annotations"][0]["text"]
    assert note == "Per il 2023 non abbiamo le misure al quarto d'ora di questo contratto."
    year = outputs(detail(member, base))
    assert year["consumi-tabella-dati.data"]["links"] is None    # no month leads down
    assert "quarti-d-ora" not in json.dumps(year["consumi-scarica.children"])
    day = outputs(detail(member, base + "&mese=3&giorno=14"))
    assert "non abbiamo le misure" in json.dumps(day["consumi-grafico.figure"],
                                                 ensure_ascii=False)
    assert day["consumi-tabella-dati.data"] is None
    assert member.get(f"/consumi/quarti-d-ora.csv{base}").status_code == 404


@pytest.mark.parametrize("value", [None, "", [], {}, True, 3.5, -7, "x" * 100_000, ["?mese=3"],
                                   {"mese": 3}, "?contratto=1&anno=2023&mese=3&giorno=14" * 20])
def test_hostile_values_for_the_curve_callback_never_fail(member, value):
    response = post_callback(member, DETAIL, {"url.search": value})
    assert response.status_code in (200, 204)
    assert "Traceback" not in response.get_data(as_text=True)


def test_exports_refuse_hostile_query_strings_politely(member, home):
    for query in ("", "?contratto=", f"?contratto={home}&anno=abc", "?" + "a=1&" * 300,
                  f"?contratto={home}&anno=2023&mese=99", f"?contratto={home}&anno=%FF%FE"):
        for path in ("/consumi/tabella.csv", "/consumi/tabella.xlsx",
                     "/consumi/quarti-d-ora.csv"):
            response = member.get(path + query)
            assert response.status_code in (200, 404), (path, query)
            assert b"Traceback" not in response.get_data()
