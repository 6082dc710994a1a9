"""The consumption chart as inline SVG: drawn from the Plotly figure, without any script."""
import re
from datetime import date

from dashboard import figures, svg_chart
from models.bands import Bands
from models.queries import MonthRow

HEIGHT = 440


def month(number: int, f1: int, f2: int, f3: int, kind: str = "effettiva") -> MonthRow:
    """Return one month of 2023."""
    return MonthRow(date(2023, number, 1), Bands(f1, f2, f3), kind)


def columns(svg: str) -> list[list[float]]:
    """Return each category's bar heights, in drawing order."""
    groups = re.findall(r'<g transform="translate\([^)]*\)">(.*?)</g>', svg)
    return [[float(h) for h in re.findall(r'<rect class="bar" [^>]*height="([\d.]+)"', group)]
            for group in groups]


def test_each_stack_is_as_tall_as_its_total_on_the_kwh_scale():
    figure = figures.consumption_by_month(
        [month(1, 254, 150, 297), month(2, 192, 102, 253), month(12, 187, 113, 250, "stimata")],
        2023)
    svg = svg_chart.chart(figure, "Consumi 2023", "descrizione")
    top = figure["layout"]["yaxis"]["range"][1]
    plot = HEIGHT - svg_chart.TOP - svg_chart.LEGEND_ROW - svg_chart.BOTTOM  # hatched: 2 rows
    stacks = columns(svg)
    assert len(stacks) == 12
    for heights, total in ((stacks[0], 701), (stacks[1], 547), (stacks[11], 550)):
        assert len(heights) == 3
        assert abs(sum(heights) - total * plot / top) < 0.05
    assert stacks[5] == []   # June has no data: a gap, not a zero bar
    assert ">701</text>" in svg and ">547</text>" in svg


def test_labels_legend_and_accessible_name():
    figure = figures.consumption_by_month([month(1, 10, 20, 30), month(3, 5, 5, 5)], 2023)
    labels = figure["data"][0]["x"]
    description = svg_chart.describe(labels, svg_chart.bands_of(figure))
    svg = svg_chart.chart(figure, "Energia <F1> nel 2023", description)
    assert svg.startswith('<svg class="svg-chart"') and 'role="img"' in svg
    assert 'aria-labelledby="fv-chart-title fv-chart-desc"' in svg
    assert '<title id="fv-chart-title">Energia &lt;F1&gt; nel 2023</title>' in svg
    assert "gen: F1 10, F2 20, F3 30; totale 60 kWh. feb: nessun dato." in svg
    for label in ("gen", "feb", "dic"):
        assert f">{label}</tspan>" in svg
    for band in figures.BANDS:
        assert f">{band}</text>" in svg and figures.BAND_COLORS[band] in svg
    assert "Lettura stimata" not in svg   # nothing estimated: no hatching to explain


def test_estimated_bars_are_hatched_and_the_legend_says_so():
    figure = figures.consumption_by_month([month(1, 10, 20, 30, "stimata")], 2023)
    svg = svg_chart.chart(figure, "t", "d")
    assert svg.count('fill="url(#fv-hatch-stimata)"') == 3 + 1   # three bands and the legend
    assert ">Lettura stimata</text>" in svg


def test_billing_periods_keep_their_two_line_ticks():
    figure = {"data": [{"type": "bar", "name": "F1", "x": ["ott–nov<br>2022"], "y": [5],
                        "marker": {"color": "#111111"}}], "layout": {"barmode": "stack"}}
    svg = svg_chart.chart(figure, "t", "d")
    assert '<text class="tick"' in svg and ">ott–nov</tspan>" in svg and ">2022</tspan>" in svg


def test_other_figures_have_no_svg():
    heatmap = {"data": [{"type": "heatmap", "z": [[1]]}], "layout": {}}
    assert svg_chart.chart(heatmap, "t", "d") is None
    lines = {"data": [{"type": "scatter", "x": [1], "y": [1]}], "layout": {"barmode": "stack"}}
    assert svg_chart.chart(lines, "t", "d") is None


def test_round_tick_steps():
    assert [svg_chart.nice_step(top) for top in (785, 100, 12, 0)] == [200, 20, 2.5, 1]


def test_the_description_speaks_english_to_an_english_viewer(app):
    figure = figures.consumption_by_month([month(1, 10, 20, 30)], 2023)
    with app.test_request_context(headers={"Cookie": "lingua=en"}):
        text = svg_chart.describe(["Jan", "Feb"], svg_chart.bands_of(figure)[:3])
    assert text.startswith("Jan: F1 10, F2 20, F3 30; total 60 kWh. Feb: no data")
