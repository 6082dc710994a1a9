"""Pure figure builders for the quarter-hour views: plain dicts, small answers.

The month's days and the day's quarter hours stay a few KB; the year's heatmap sends its 8.760
hourly values as typed arrays (base64), which Plotly decodes, so it stays under 60 KB. The
heatmap is drawn with bars (one trace per clock hour, a cell per day) because the plotly.js
bundle the pages load (assets/plotly-basic) has bar, scatter and pie traces only.
"""
from __future__ import annotations

import base64
import struct
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from models.bands import Bands
from models.curves import slot_bands

from . import formatting as fmt
from . import palette
from .curve_tables import KINDS, clock_labels, kind_label
from .figures import BANDS, FONT_FAMILY
from .i18n import _
from .palette import BAND_COLORS, MUTED

DAY_MS = 86_400_000
QUARTER_MS = 900_000
U2_MAX = 65_535
KIND_COLORS = {"feriale": BAND_COLORS["F1"], "sabato": BAND_COLORS["F2"],
               "domenica": BAND_COLORS["F3"]}
HEAT_SCALE = [[0, "#f7fbff"], [0.25, "#c6dbef"], [0.5, "#6baed6"], [0.75, "#2171b5"],
              [1, "#08306b"]]


def typed(values: Sequence[int], dtype: str) -> dict:
    """Pack integers as a Plotly typed array: {"dtype": "u2", "bdata": base64}."""
    code = {"u1": "B", "u2": "H", "i4": "i"}[dtype]
    return {"dtype": dtype,
            "bdata": base64.b64encode(struct.pack(f"<{len(values)}{code}", *values)).decode()}


def _layout(y_title: str, **extra: object) -> dict:
    """Return the small explicit layout every curve chart shares (the viewer's separators)."""
    layout = {
        "separators": fmt.plotly_separators(),
        "font": {"size": 14, "family": FONT_FAMILY},
        "hoverlabel": {"font": {"size": 15}},
        "margin": {"l": 56, "r": 8, "t": 40, "b": 40},
        "legend": {"orientation": "h", "x": 0, "y": 1.12, "font": {"size": 16},
                   "traceorder": "normal"},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero", "fixedrange": True},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "dragmode": False,
    }
    layout.update(extra)
    return layout


def empty_figure(text: str) -> dict:
    """Return a chart with no data that says why, instead of empty axes."""
    return {"data": [], "layout": _layout(
        "", xaxis={"visible": False}, yaxis={"visible": False},
        annotations=[{"text": text, "showarrow": False, "xref": "paper", "yref": "paper",
                      "x": 0.5, "y": 0.5, "font": {"size": 16}}])}


def month_figure(year: int, month: int, days: Sequence[date],
                 by_day: Mapping[date, Bands[int]]) -> dict:
    """Chart a month's days as stacked F1/F2/F3 bars in kWh; a day without data is a gap."""
    labels = [str(d.day) for d in days]
    name = fmt.month_names()[month - 1]
    traces = []
    for band in BANDS:
        key = band.lower()
        y = [round(getattr(by_day[d], key) / 1000, 3) if d in by_day else None for d in days]
        traces.append({
            "type": "bar", "name": band, "x": labels, "y": y,
            "marker": {"color": BAND_COLORS[band]},
            "hovertemplate": f"<b>%{{x}} {name}</b><br>{band}: %{{y:,.1f}} kWh<extra></extra>",
        })
    return {"data": traces, "layout": _layout(
        "kWh", barmode="stack",
        xaxis={"type": "category", "title": {"text": fmt.month_name(date(year, month, 1))
                                             .capitalize()},
               "fixedrange": True, "tickangle": 0})}


def day_figure(day: date, values: Sequence[int], committed_kw: Decimal,
               available_kw: Decimal) -> dict:
    """Chart a day's quarter hours as power (kW) coloured by band, with the two power lines."""
    bands = [b.name for b in slot_bands(day)]
    # One trace whose band is a colour code (three empty traces give the legend F1, F2, F3),
    # x implied by x0 and dx: a small answer. An ordinary day sits on a time axis; the
    # daylight-saving days (92 and 100 quarter hours) number their slots and name each one.
    bars = {
        "type": "bar", "showlegend": False, "y": [round(v * 4 / 1000, 2) for v in values],
        "marker": {"color": [BANDS.index(b) for b in bands], "cmin": 0, "cmax": 2,
                   "colorscale": [[0, BAND_COLORS["F1"]], [0.5, BAND_COLORS["F2"]],
                                  [1, BAND_COLORS["F3"]]]},
    }
    if len(values) == 96:
        # offset 0: each bar starts at its quarter hour's start, which the hover writes
        bars.update(x0=f"{day.isoformat()} 00:00", dx=QUARTER_MS, offset=0,
                    width=QUARTER_MS * 0.9,
                    hovertemplate="<b>%{x|%H:%M}</b>: %{y:,.2f} kW<extra></extra>")
        xaxis = {"type": "date", "tickformat": "%H", "dtick": 2 * 3_600_000,
                 "range": [f"{day.isoformat()} 00:00", f"{day.isoformat()} 23:59:59"]}
    else:
        labels = clock_labels(day)
        # Ticks on the even clock hours, once each (02:00 comes twice on the 25-hour day).
        firsts = {label[:2]: i for i, label in reversed(list(enumerate(labels)))
                  if label[3:5] == "00"}
        hours = sorted(i for hour, i in firsts.items() if int(hour) % 2 == 0)
        bars.update(x0=0, dx=1, text=labels, textposition="none",
                    hovertemplate="<b>%{text}</b>: %{y:,.2f} kW<extra></extra>")
        xaxis = {"tickmode": "array", "tickvals": hours,
                 "ticktext": [labels[i][:2] for i in hours],
                 "range": [-0.5, len(values) - 0.5]}
    legend = [{"type": "bar", "name": band, "x": [None], "y": [None],
               "marker": {"color": BAND_COLORS[band]}, "hoverinfo": "skip"} for band in BANDS]
    # The two lines are close (3 and 3,3 kW): one label under its line, the other above.
    lines = [(Decimal(committed_kw),
              _("Potenza impegnata %(kw)s", kw=fmt.kw(committed_kw)), MUTED, "top"),
             (Decimal(available_kw), _("Potenza disponibile %(kw)s", kw=fmt.kw(available_kw)),
              palette.PRIMARY_DARK, "bottom")]   # the brand's: read when drawn
    peak = max([v * 4 / 1000 for v in values] + [float(available_kw)]) * 1.1
    return {"data": [bars, *legend], "layout": _layout(
        "kW", barmode="overlay", bargap=0.1, legend={
            "orientation": "h", "x": 0, "y": 1.12, "font": {"size": 16}, "itemclick": False,
            "itemdoubleclick": False, "traceorder": "normal"},
        xaxis={**xaxis, "title": {"text": _("Ora del %(day)s", day=fmt.day(day))},
               "fixedrange": True},
        yaxis={"title": {"text": "kW"}, "fixedrange": True, "range": [0, peak * 1.15]},
        shapes=[{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": float(kw),
                 "y1": float(kw), "line": {"color": color, "width": 2, "dash": "dash"}}
                for kw, _, color, _ in lines],
        annotations=[{"xref": "paper", "x": 0, "xanchor": "left", "y": float(kw),
                      "yanchor": anchor, "text": text, "showarrow": False,
                      "font": {"size": 13, "color": color}}
                     for kw, text, color, anchor in lines])}


def heatmap_figure(year: int, grid: Sequence[Sequence[int | None]]) -> dict:
    """Chart the year as days × clock hours, coloured by average power (W), as typed arrays."""
    first = date(year, 1, 1)
    top = max((max(filter(None, row), default=0) for row in grid), default=0) or 1
    if top > U2_MAX:  # 65 kW over an hour: beyond any supply this page serves, but clamp
        grid = [[None if w is None else min(w, U2_MAX) for w in row] for row in grid]
        top = U2_MAX
    traces = [{
        "type": "bar", "name": f"{hour:02d}:00", "showlegend": False,
        "x0": first.isoformat(), "dx": DAY_MS, "width": DAY_MS, "base": hour,
        # y is 1 where the hour has data and 0 where it has none (no cell is drawn)
        "y": typed([0 if w is None else 1 for w in row], "u1"),
        "marker": {"color": typed([0 if w is None else w for w in row], "u2"),
                   "coloraxis": "coloraxis", "line": {"width": 0}},
        "hovertemplate": ("<b>%{x|%d/%m/%Y}</b>, "
                          + _("ore %(start)s–%(end)s", start=f"{hour:02d}", end=f"{hour + 1:02d}")
                          + "<br>" + _("%(watts)s W in media", watts="%{marker.color:,.0f}")
                          + "<extra></extra>"),
    } for hour, row in enumerate(grid)]
    return {"data": traces, "layout": _layout(
        _("Ora del giorno"), barmode="overlay", bargap=0,
        coloraxis={"colorscale": HEAT_SCALE, "cmin": 0, "cmax": top,
                   "colorbar": {"title": {"text": "W"}, "thickness": 14}},
        # The months named by fmt, as on every other chart (not by Plotly's locale).
        xaxis={"type": "date", "tickmode": "array", "fixedrange": True,
               "tickvals": [date(year, m, 1).isoformat() for m in range(1, 13)],
               "ticktext": list(fmt.month_names("abbreviated")),
               "range": [first.isoformat(), date(year, 12, 31).isoformat() + " 23:59"]},
        yaxis={"title": {"text": _("Ora del giorno")}, "fixedrange": True, "range": [0, 24],
               "tickmode": "array", "tickvals": list(range(0, 25, 3)),
               "ticktext": [f"{h:02d}" for h in range(0, 25, 3)]})}


def typical_figure(label: str, typical: Mapping[str, Sequence[int | None]]) -> dict:
    """Chart the average weekday, Saturday and Sunday of a month, hour by hour (kW)."""
    hours = [f"{h:02d}:00" for h in range(24)]
    traces = [{
        "type": "scatter", "mode": "lines+markers", "name": kind_label(kind), "x": hours,
        "y": [None if w is None else round(w / 1000, 3) for w in typical[kind]],
        "line": {"color": KIND_COLORS[kind], "width": 3,
                 "dash": ("solid", "dash", "dot")[KINDS.index(kind)]},
        "hovertemplate": f"<b>{kind_label(kind)}</b>, %{{x}}: %{{y:,.2f}} kW<extra></extra>",
    } for kind in KINDS]
    return {"data": traces, "layout": _layout(
        "kW", xaxis={"type": "category",
                     "title": {"text": _("Giornata tipo, %(month)s", month=label)},
                     "fixedrange": True, "tickangle": 0, "nticks": 12})}
