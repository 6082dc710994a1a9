"""Phone and print, pure parts: invoice card titles, chart labels never below 12 px."""
import re
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from dashboard import curve_figures as cf
from dashboard import curve_tables as ct
from dashboard import figures, tables
from models.bands import Bands
from tests.test_builders import SEED, invoice_row, months

MIN_PX = 12
STYLE = Path(__file__).resolve().parent.parent / "assets" / "style.css"


def test_each_invoice_card_leads_with_number_date_and_amount():
    rows = tables.invoice_rows([invoice_row(*SEED[0], row_id=1), invoice_row(*SEED[1], row_id=2)])
    data = tables.invoice_table_data(rows, ("importo", True))
    assert data["cards"] == ["Fattura 6558 del 24/03/2023 — 334,94 €",
                             "Fattura 1636 del 26/01/2023 — 213,09 €"]  # in the rows' order
    assert [r[0] for r in data["rows"]] == ["6558", "1636"]
    in_title = {c[0] for c in data["columns"] if c[5]}
    assert in_title == {"numero", "data", "importo"}  # the card's body shows the rest


def _font_sizes(node, path="layout"):
    """Yield (where, size) for every font size in a figure's layout, however deep."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict) and "size" in value:
                yield f"{path}.{key}", value["size"]
            yield from _font_sizes(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _font_sizes(value, f"{path}[{i}]")


def _every_figure() -> dict[str, dict]:
    """Build every Plotly figure the portal draws, from small sample data."""
    invoices = [invoice_row(*SEED[0], row_id=1), invoice_row(*SEED[1], row_id=2)]
    day = date(2023, 3, 28)
    quarter_hours = [200 + (i % 7) * 30 for i in range(96)]
    days = [date(2023, 3, d) for d in range(1, 32)]
    grid = ct.hourly_grid(2023, {day + timedelta(days=n): quarter_hours for n in range(10)})
    return {
        "by_month": figures.consumption_by_month(months(), 2023),
        "by_period": figures.consumption_by_period(invoices),
        "month": cf.month_figure(2023, 3, days, {d: Bands(1000, 500, 700) for d in days}),
        "day": cf.day_figure(day, quarter_hours, Decimal(3), Decimal("3.3")),
        "heatmap": cf.heatmap_figure(2023, grid),
        "typical": cf.typical_figure("marzo 2023", {k: [300] * 24 for k in ct.KINDS}),
        "empty": cf.empty_figure("Nessun dato"),
    }


@pytest.mark.parametrize("name", list(_every_figure()))
def test_every_chart_label_is_at_least_12_px(name):
    layout = _every_figure()[name]["layout"]
    base = layout["font"]["size"]
    assert base >= MIN_PX  # ticks, axis titles, the colour bar inherit it
    small = [(where, size) for where, size in _font_sizes(layout) if size < MIN_PX]
    assert small == [], small


def test_no_stylesheet_rule_shrinks_chart_text_below_12_px():
    css = STYLE.read_text(encoding="utf-8")
    rules = re.findall(r"([^{}]*\.graph[^{}]*)\{([^{}]*)\}", css)
    assert rules, "the stylesheet has no chart rules to check"
    for selector, body in rules:
        for size in re.findall(r"font-size:\s*([\d.]+)px", body):
            assert float(size) >= MIN_PX, (selector.strip(), size)


def test_the_screenshot_script_covers_every_declared_page():
    import importlib.util

    from dashboard.pages import registry

    script = Path(__file__).resolve().parent.parent / "scripts" / "screenshots.py"
    spec = importlib.util.spec_from_file_location("screenshots", script)
    screenshots = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = screenshots  # its dataclass looks itself up there
    spec.loader.exec_module(screenshots)
    shot = [s for _, shots in screenshots.ROLES.values() for s in shots]
    reached = {s.path.split("?")[0] for s in shot} | {
        s.follow.split("'")[1] for s in shot if s.follow}
    missing = [page.path for page in registry.PAGES if page.path not in reached]
    assert missing == [], "add these pages to scripts/screenshots.py"
