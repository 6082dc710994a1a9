"""The pure builders behind the consumption page: figure, totals and table rows."""
from datetime import date
from decimal import Decimal

from dashboard import figures, tables
from models.bands import Bands
from models.queries import InvoiceRow, MonthRow

SEED = [  # number, issue, due, total, reading date, F1, F2, F3 (from shared/seed)
    (1636, date(2023, 1, 26), date(2023, 3, 15), "213.09", date(2022, 12, 1), 212, 100, 235),
    (6558, date(2023, 3, 24), date(2023, 5, 15), "334.94", date(2023, 2, 1), 493, 308, 589),
]


def invoice_row(number, issue, due, total, reading, f1, f2, f3, row_id=1) -> InvoiceRow:
    start = date(reading.year - (reading.month <= 2), (reading.month - 3) % 12 + 1, 1)
    end = date.fromordinal(reading.toordinal() - 1)
    return InvoiceRow(row_id, number, issue.year, issue, due, Decimal(total), reading, start, end,
                      "effettiva", Bands(f1, f2, f3))


def months(year=2023):
    return [MonthRow(date(year, m, 1), Bands(100 + m, 50 + m, 120 + m), "effettiva")
            for m in (1, 2, 3, 5)]


def test_month_chart_stacks_three_bands_that_sum_to_the_totals():
    rows = months()
    figure = figures.consumption_by_month(rows, 2023)
    traces = figure["data"]
    assert [t["name"] for t in traces] == ["F1", "F2", "F3"]
    assert figure["layout"]["barmode"] == "stack"
    totals = tables.band_totals(rows)
    for trace, band_total in zip(traces, totals, strict=True):
        assert sum(v for v in trace["y"] if v is not None) == band_total
    assert len(traces[0]["x"]) == 12 and traces[0]["x"][0] == "gen"


def test_months_without_data_are_gaps_not_zeros():
    figure = figures.consumption_by_month(months(), 2023)
    f1 = figure["data"][0]["y"]
    assert f1[3] is None and f1[11] is None  # April and December have no data
    assert 0 not in f1
    labels = [a["text"] for a in figure["layout"]["annotations"]]
    assert labels == ["273", "276", "279", "285"]  # one total per bar with data


def test_figure_is_a_plain_dict_with_italian_separators_and_hover():
    figure = figures.consumption_by_month(months(), 2023)
    assert "template" not in figure["layout"]
    assert figure["layout"]["separators"] == ",."
    hover = figure["data"][1]["hovertemplate"]
    assert "F2" in hover and "kWh" in hover
    assert figure["data"][0]["customdata"][0] == ["Gennaio 2023", "37%", "273", "effettiva"]


def test_period_chart_has_one_bar_per_invoice_in_table_order():
    invoices = [invoice_row(*row) for row in SEED]
    figure = figures.consumption_by_period(invoices)
    assert figure["data"][0]["x"] == ["ott–nov<br>2022<br>effettiva",
                                      "dic–gen<br>2022/23<br>effettiva"]
    assert figure["data"][2]["y"] == [235, 589]
    assert [a["text"] for a in figure["layout"]["annotations"]] == ["547", "1.390"]


def test_graph_config_hides_cloud_and_logo():
    assert figures.graph_config()["showSendToCloud"] is False
    assert figures.graph_config()["displaylogo"] is False


def test_table_rows_carry_seed_formats_and_sort_keys():
    rows = tables.invoice_rows([invoice_row(*SEED[0], row_id=7)])
    row = rows[0]
    assert row["numero"] == 1636
    assert (row["data_it"], row["scadenza_it"], row["lettura_it"]) == (
        "26/01/2023", "15/03/2023", "01/12/2022")
    assert row["data"] == "2023-01-26"  # ISO sorts in date order
    assert (row["importo"], row["importo_it"]) == (21309, "213,09")
    assert (row["kwh"], row["f1"], row["f2"], row["f3"]) == (547, 212, 100, 235)
    assert (row["fattura"], row["dettaglio"]) == ("/fatture/7/fattura.pdf",
                                                  "/fatture/7/dettaglio.pdf")


def test_sorting_by_a_column_either_way():
    rows = tables.invoice_rows([invoice_row(*SEED[1], row_id=2), invoice_row(*SEED[0], row_id=1)])
    assert [r["numero"] for r in tables.sort_rows(rows, ("importo", False))] == [1636, 6558]
    assert [r["numero"] for r in tables.sort_rows(rows, ("data", True))] == [6558, 1636]
    assert tables.sort_rows(rows, None) == rows
    assert tables.parse_sort("-kwh") == ("kwh", True)
    assert tables.parse_sort("fattura") is None and tables.parse_sort(["x"]) is None


def test_band_totals_and_shares():
    totals = tables.band_totals(months())
    assert totals == Bands(411, 211, 491) and totals.total == 1113
    seed = Bands(212, 100, 235)
    assert [tables.band_share(seed, band) for band in ("F1", "F2", "F3")] == ["39%", "18%", "43%"]


def test_table_data_for_the_browser_is_small_and_in_order():
    rows = tables.invoice_rows([invoice_row(*SEED[0], row_id=1), invoice_row(*SEED[1], row_id=2)])
    data = tables.invoice_table_data(rows, ("kwh", True))
    assert data["sort"] == ["kwh", True]
    assert [r[0] for r in data["rows"]] == ["6558", "1636"]
    assert data["rows"][1][:9] == ["1636", "26/01/2023", "15/03/2023", "213,09", "01/12/2022",
                                   "547", "212", "100", "235"]
    assert data["rows"][1][9:] == ["/fatture/1/fattura.pdf", "/fatture/1/dettaglio.pdf"]
    assert [c[0] for c in data["columns"] if c[3]] == ["numero", "importo", "kwh", "f1", "f2",
                                                       "f3"]
