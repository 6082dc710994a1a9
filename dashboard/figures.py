"""Pure figure builders: rows in, Plotly figure as a plain dict out (no template, small JSON)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from models.queries import InvoiceRow, MonthRow

from . import formatting as fmt
from .i18n import N_, _
from .palette import BAND_COLORS

BANDS = ("F1", "F2", "F3")
FONT_FAMILY = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
BAND_HINTS = {
    "F1": N_("ore di punta: lun–ven 8–19"),
    "F2": N_("ore intermedie: lun–ven 7–8 e 19–23, sabato 7–23"),
    "F3": N_("ore fuori punta: notte, domenica e festivi"),
}
# The reading types as the database writes them (models.enums.ReadingType), named for the viewer.
READING_LABELS = {"effettiva": N_("effettiva"), "stimata": N_("stimata"),
                  "autolettura": N_("autolettura")}


def band_hint(band: str) -> str:
    """Say when a band's hours are, in the viewer's language."""
    return _(BAND_HINTS[band])


def reading_label(kind: str) -> str:
    """Name a reading type (effettiva, stimata, autolettura) in the viewer's language."""
    return _(READING_LABELS[kind]) if kind in READING_LABELS else kind


def graph_config() -> dict:
    """Configure every graph: the viewer's locale, no Plotly logo, no upload button."""
    return {
        "displaylogo": False,
        "showSendToCloud": False,
        "locale": fmt.plotly_locale(),
        "responsive": True,
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
        "toImageButtonOptions": {"format": "png", "filename": "consumi"},
    }


def _bands_of(row: MonthRow | InvoiceRow) -> tuple[int, int, int]:
    """Return a row's F1, F2, F3 kWh."""
    return tuple(row.bands)


def _stacked_figure(labels: list[str], values: list[tuple[int, int, int] | None],
                    titles: list[str], readings: list[str] | None = None) -> dict:
    """Build a stacked F1/F2/F3 bar chart; a None value leaves a gap, not a zero.

    With each bar's reading type, the estimated and self-read bars are hatched and the
    hover says which reading the bar comes from.
    """
    totals = [sum(v) if v else None for v in values]
    traces = []
    for index, band in enumerate(BANDS):
        y = [v[index] if v else None for v in values]
        shares = [fmt.percent(v[index], sum(v)) if v else "" for v in values]
        traces.append({
            "type": "bar",
            "name": f"{band}",
            "x": labels,
            "y": y,
            "marker": {"color": BAND_COLORS[band]},
            "customdata": [
                [title, share, fmt.number(total) if total is not None else "",
                 reading_label(reading)]
                for title, share, total, reading in zip(
                    titles, shares, totals, readings or [""] * len(titles), strict=True)
            ],
            "hovertemplate": (
                f"<b>%{{customdata[0]}}</b><br>{band}: %{{y:,.0f}} kWh "
                + _("(%(share)s di %(total)s kWh)", share="%{customdata[1]}",
                    total="%{customdata[2]}")
                + ("<br>" + _("Lettura %(kind)s", kind="%{customdata[3]}") if readings else "")
                + "<extra></extra>"
            ),
        })
        if readings:
            traces[-1]["marker"]["pattern"] = reading_patterns(readings)
    traces = with_reading_legend(traces, readings or [])
    annotations = [
        {"x": label, "y": total, "text": fmt.number(total), "showarrow": False,
         "yanchor": "bottom", "font": {"size": 13}}
        for label, total in zip(labels, totals, strict=True) if total is not None
    ]
    peak = max((t for t in totals if t is not None), default=0)
    return {
        "data": traces,
        "layout": {
            "barmode": "stack",
            "separators": fmt.plotly_separators(),
            "font": {"size": 14, "family": FONT_FAMILY},
            "hoverlabel": {"font": {"size": 15}},
            "margin": {"l": 48, "r": 8, "t": 40, "b": 40},
            "legend": {"orientation": "h", "x": 0, "y": 1.1, "traceorder": "normal",
                       "font": {"size": 16}},
            # No fixed tick angle: where twelve months do not fit side by side (a phone),
            # Plotly turns them (30° or 90°) instead of letting them run into each other.
            "xaxis": {"type": "category", "categoryorder": "array", "categoryarray": labels,
                      "fixedrange": True, "automargin": True},
            "yaxis": {"title": {"text": "kWh"}, "rangemode": "tozero", "fixedrange": True,
                      "range": [0, peak * 1.12 or 1], "tickformat": ",.0f"},
            "annotations": annotations,
            "plot_bgcolor": "#ffffff",
            "paper_bgcolor": "#ffffff",
            "dragmode": False,
        },
    }


def consumption_by_month(rows: Sequence[MonthRow], year: int) -> dict:
    """Chart a year month by month; months without data stay empty."""
    by_month = {row.month.month: _bands_of(row) for row in rows if row.month.year == year}
    months = [date(year, m, 1) for m in range(1, 13)]
    labels = [fmt.month_short(m) for m in months]
    titles = [fmt.month_name(m).capitalize() for m in months]
    values = [by_month.get(m.month) for m in months]
    kinds = {row.month.month: str(row.reading_type) for row in rows if row.month.year == year}
    return _stacked_figure(labels, values, titles, [kinds.get(m.month, "") for m in months])


def consumption_by_period(invoices: Sequence[InvoiceRow]) -> dict:
    """Chart one bar per invoice period, in the table's order."""
    # The reading type under each period: effettiva, stimata or autolettura, never unseen.
    labels = [f"{period_tick(i.period_start, i.period_end)}<br>{reading_label(i.reading_type)}"
              for i in invoices]
    titles = [_("Fattura %(number)s – %(period)s", number=i.number,
                period=fmt.date_range(i.period_start, i.period_end)) for i in invoices]
    return _stacked_figure(labels, [_bands_of(i) for i in invoices], titles,
                           [str(i.reading_type) for i in invoices])


# A hatched bar says «not read by the meter»: an estimate or the member's own reading.
READING_PATTERNS = {"stimata": "/", "autolettura": "."}


def with_reading_legend(bands: list[dict], kinds: Sequence[str]) -> list[dict]:
    """Add legend entries that explain the hatching a chart shows, if it shows any.

    Plotly draws a trace's legend swatch like its first bar: a hatched first bar would hatch
    the band's swatch. So the bands get plain swatches of their own (same legend group, so a
    click still hides the band), and each kind of hatching gets one in grey.
    """
    hatched = sorted({k for k in kinds if k in READING_PATTERNS}, reverse=True)
    if not hatched:
        return bands
    swatches = []
    for trace in bands:
        trace.update(showlegend=False, legendgroup=trace["name"])
        swatches.append({"type": "bar", "name": trace["name"], "legendgroup": trace["name"],
                         "x": [None], "y": [None], "hoverinfo": "skip",
                         "marker": {"color": trace["marker"]["color"]}})
    return [*bands, *swatches, *[
        {"type": "bar", "name": _("Lettura stimata") if kind == "stimata" else _("Autolettura"),
         "x": [None], "y": [None], "hoverinfo": "skip",
         "marker": {"color": "#7a7a7a", "pattern": reading_patterns([kind])}}
        for kind in hatched]]


def reading_patterns(kinds: Sequence[str]) -> dict:
    """Return the bar pattern that marks the estimated and self-read bars."""
    # overlay: the band's colour stays underneath, white lines on top
    return {"shape": [READING_PATTERNS.get(k, "") for k in kinds], "fillmode": "overlay",
            "fgcolor": "#ffffff", "fgopacity": 0.8, "solidity": 0.3}


def period_tick(start: date, end: date) -> str:
    """Label a billing period on two short lines, so ticks fit a phone screen: 'ott–nov<br>2022'."""
    months = f"{fmt.month_short(start)}–{fmt.month_short(end)}"
    years = str(end.year) if start.year == end.year else f"{start.year}/{str(end.year)[2:]}"
    return f"{months}<br>{years}"
