"""The consumption page in English on request (cookie lingua=en), and in Italian as before.

Every answer is posted as the browser posts it: the page's layout, the year chart, the years
compared, the drill-down and the downloads.
"""
from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest

from dashboard import i18n, ids
from tests.helpers import outputs, post_callback
from tests.test_consumi import contract_ids, show
from tests.test_drilldown import detail


@pytest.fixture()
def home(app) -> int:
    """Return the id of Mario Rossi's main home, the supply with curves."""
    return contract_ids(app, "100234")[0]


@pytest.fixture()
def english(member):
    """Return the member's client after choosing English with the header's link."""
    assert member.get("/lingua/en").status_code == 303
    assert member.get_cookie(i18n.COOKIE).value == "en"
    return member


def page(client, search: str) -> str:
    """Post the router's callback for /consumi and return the page as the browser gets it."""
    out = outputs(post_callback(client, "header-account", {"url.pathname": "/consumi"},
                                {"url.search": search}))
    return json.dumps(out["page.children"], ensure_ascii=False)


def text(value: object) -> str:
    """Write a callback output as text, to look for words in it."""
    return json.dumps(value, ensure_ascii=False)


def read_csv(response, delimiter: str) -> list[list[str]]:
    """Read a CSV download, without its BOM."""
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=delimiter))


def test_the_page_speaks_english_and_its_graph_uses_the_english_locale(english, home):
    shown = page(english, f"?contratto={home}&anno=2023")
    for said in ("Consumption", "Choose the contract and the year, then press «Show».",
                 "Contract", "Year", "Energy drawn by band F1 – F2 – F3 in 2023", "By month",
                 "By billing period", "Heatmap", "Years compared", "Chart view",
                 "Bills at a glance", "Chart data"):
        assert said in shown, said
    for italian in ("Visualizzazione consumi", "Scegli il contratto", "Per mese", "Anno\"",
                    "Mappa di calore", "Riepilogo fatture", " nel 2023"):
        assert italian not in shown, italian
    assert '"locale": "en"' in shown


def test_the_year_chart_names_bands_axis_and_readings_in_english(english, home):
    out = outputs(show(english, f"?contratto={home}&anno=2023"))
    figure = out["consumi-grafico.figure"]
    assert [t["name"] for t in figure["data"]][-1] == "Estimated reading"
    assert figure["layout"]["separators"] == ".,"
    assert figure["data"][0]["x"][:3] == ["Jan", "Feb", "Mar"]
    assert figure["layout"]["yaxis"]["title"]["text"] == "kWh"
    hover = figure["data"][0]["hovertemplate"]
    assert " of %{customdata[2]} kWh)" in hover and "Reading: %{customdata[3]}" in hover
    assert figure["data"][0]["customdata"][11][3] == "estimated"
    assert figure["data"][0]["customdata"][0][0] == "January 2023"
    totals = text(out["consumi-totali.children"])
    assert "Total 2023" in totals and "5,145 kWh" in totals and "peak hours" in totals
    chart = text(figure)
    for italian in ("Lettura", "stimata", " di ", '"gen"', "Gennaio", "Totale", "ore di punta"):
        assert italian not in chart + totals, italian
    periods = outputs(show(english, f"?contratto={home}&anno=2023&vista=periodi"))
    ticks = periods["consumi-grafico.figure"]["data"][0]["x"]
    assert ticks[0] == "Oct–Nov<br>2022<br>actual"


def test_the_years_compared_are_in_english(english, home):
    out = outputs(detail(english, f"?contratto={home}&anno=2024&vista=anni&anni=2024-2023"))
    figure = out["consumi-grafico.figure"]
    assert figure["data"][0]["x"][:2] == ["Jan", "Feb"]
    assert figure["layout"]["separators"] == ".,"
    assert out["consumi-sintesi.children"].startswith("Years compared: 2024 with ")
    table = out["consumi-tabella-dati.data"]
    assert table["caption"] == "Consumption month by month, years compared: 2024, 2023"
    assert table["columns"][0][0] == "Month" and table["rows"][0][0] == "January"
    assert table["footer"][0] == "Total" and table["footer"][2] == "5,145"
    shown = text(out)
    assert "remove from the comparison" in shown and "Years (up to 5): " in shown
    for italian in ("Anni a confronto", "Mese", "Gennaio", "Totale", "togli dal confronto"):
        assert italian not in shown, italian


def test_the_drill_down_is_in_english(english, home):
    month = outputs(detail(english, f"?contratto={home}&anno=2023&mese=3"))
    figure = month["consumi-grafico.figure"]
    assert figure["layout"]["xaxis"]["title"]["text"] == "March 2023"
    assert figure["layout"]["separators"] == ".,"
    assert month["consumi-sintesi.children"].startswith("In March 2023 you drew ")
    assert month["consumi-tabella-dati.data"]["caption"] == "Consumption by day, March 2023"
    crumbs = text(month[f"{ids.BREADCRUMBS}.children"])
    assert '"March"' in crumbs and "marzo" not in crumbs
    assert "Base load (night, 00–05)" in month["consumi-potenza.children"]
    day = outputs(detail(english, f"?contratto={home}&anno=2023&mese=3&giorno=14"))
    layout = day["consumi-grafico.figure"]["layout"]
    assert layout["xaxis"]["title"]["text"] == "Time on 14/03/2023"
    assert layout["annotations"][0]["text"].startswith("Contracted power ")
    assert day["consumi-sintesi.children"].startswith("On 14/03/2023 you drew ")
    downloads = text(day["consumi-scarica.children"])
    assert "Download the table (CSV)" in downloads and "Scarica" not in downloads
    heat = outputs(detail(english, f"?contratto={home}&anno=2023&vista=mappa"))
    axis = heat["consumi-grafico.figure"]["layout"]["xaxis"]
    assert axis["ticktext"][:3] == ["Jan", "Feb", "Mar"]
    assert "Hour of the day" in text(heat["consumi-grafico.figure"]["layout"]["yaxis"])
    for shown in (month, day, heat):
        for italian in ("Consumi", "hai prelevato", "Ora del", "Potenza", "quarto d'ora"):
            assert italian not in text(shown), italian


def test_the_downloads_follow_the_viewers_language(english, home):
    answer = english.get(f"/consumi/tabella.csv?contratto={home}&anno=2023")
    assert answer.status_code == 200
    name = answer.headers["Content-Disposition"]
    assert "consumption-" in name and name.endswith('-months-2023.csv"')
    rows = read_csv(answer, ",")   # English Excel reads commas; numbers are quoted
    assert rows[0] == ["Month", "F1 (kWh)", "F2 (kWh)", "F3 (kWh)", "Total (kWh)", "Reading"]
    assert rows[1][0] == "January 2023" and rows[1][-1] == "actual"
    assert rows[-1][0] == "Total" and rows[-1][4] == "5,145"
    book = english.get(f"/consumi/tabella.xlsx?contratto={home}&anno=2023")
    with zipfile.ZipFile(io.BytesIO(book.get_data())) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<v>5145</v>" in sheet   # "5,145" read back as a number, not as 5.145
    quarters = english.get(f"/consumi/quarti-d-ora.csv?contratto={home}&anno=2023")
    assert "quarter-hours-" in quarters.headers["Content-Disposition"]
    header = quarters.get_data(as_text=True).lstrip("\ufeff").split("\r\n", 1)[0]
    assert header == "Date,Time,UTC,kWh,Band"
    missing = english.get(f"/consumi/tabella.csv?contratto={home}")
    assert missing.status_code == 404
    assert "No data" in missing.get_data(as_text=True)


def test_italian_stays_as_before(member, home):
    shown = page(member, f"?contratto={home}&anno=2023")
    assert "Visualizzazione consumi" in shown
    assert "Energia prelevata per fasce F1 – F2 – F3 nel 2023" in shown
    assert '"locale": "it"' in shown and "Consumption" not in shown
    figure = outputs(show(member, f"?contratto={home}&anno=2023"))["consumi-grafico.figure"]
    assert figure["layout"]["separators"] == ",."
    assert figure["data"][0]["x"][:3] == ["gen", "feb", "mar"]
    assert [t["name"] for t in figure["data"]][-1] == "Lettura stimata"
    assert " di %{customdata[2]} kWh)" in figure["data"][0]["hovertemplate"]
    month = outputs(detail(member, f"?contratto={home}&anno=2023&mese=3"))
    assert month["consumi-sintesi.children"].startswith("A marzo 2023 hai prelevato ")
    answer = member.get(f"/consumi/tabella.csv?contratto={home}&anno=2023")
    assert answer.headers["Content-Disposition"].endswith('-mesi-2023.csv"')
    rows = read_csv(answer, ";")
    assert rows[0][0] == "Mese" and rows[-1][0] == "Totale" and rows[-1][4] == "5.145"
