"""A stacked F1/F2/F3 bar chart as inline SVG, drawn from the Plotly figure the page would draw.

The first HTML of the consumption page shows this chart before any script has run (and for
ever without JavaScript); plotly.js takes over with the same figure once Dash has loaded.
Pure: a figure dict (figures._stacked_figure) in, markup out. Horizontal positions are
percentages of the width, so the bars fill a phone or a PC without scaling the text; the
pixel margins beside the plot area come in through a translate() per element.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import escape

from . import formatting as fmt
from .i18n import _

HEIGHT = 440             # px: as tall as plotly.js draws the chart in its box (.graph-box)
TOP, BOTTOM = 44, 48     # px above the plot (legend) and below it (month ticks)
LEFT, RIGHT = 52, 8      # px beside the plot (kWh ticks)
LEGEND_ROW = 24          # px: the hatchings' legend, when the chart has any
BAR_SHARE = 0.7          # of a category's width
HATCH = {"/": "fv-hatch-stimata", ".": "fv-hatch-autolettura"}
PATTERNS = (
    '<defs><pattern id="fv-hatch-stimata" width="6" height="6" patternUnits="userSpaceOnUse"'
    ' patternTransform="rotate(45)"><rect width="2" height="6" fill="#ffffff"'
    ' fill-opacity="0.8"/></pattern><pattern id="fv-hatch-autolettura" width="6" height="6"'
    ' patternUnits="userSpaceOnUse"><circle cx="3" cy="3" r="1.2" fill="#ffffff"'
    ' fill-opacity="0.8"/></pattern></defs>')


@dataclass(frozen=True)
class Band:
    """One stacked series: its name, colour, values per category and hatching per category."""

    name: str
    color: str
    values: tuple[float | None, ...]
    hatches: tuple[str, ...]


def bands_of(figure: dict) -> list[Band] | None:
    """Read the stacked bar series of a figure; None when it is not a stacked bar chart."""
    layout = figure.get("layout", {})
    traces = [t for t in figure.get("data", []) if t.get("hoverinfo") != "skip"]
    if layout.get("barmode") != "stack" or not traces or any(
            t.get("type") != "bar" for t in traces):
        return None
    labels = traces[0].get("x", [])
    bands = []
    for trace in traces:
        if trace.get("x") != labels:
            return None
        shapes = trace["marker"].get("pattern", {}).get("shape") or [""] * len(labels)
        bands.append(Band(trace["name"], trace["marker"]["color"], tuple(trace["y"]),
                          tuple(shapes)))
    return bands


def legend_of(figure: dict) -> list[tuple[str, str, str]]:
    """List the legend's entries as the figure shows them: name, colour and hatching."""
    entries = []
    for trace in figure.get("data", []):
        if trace.get("showlegend") is False:
            continue
        shapes = trace["marker"].get("pattern", {}).get("shape") or [""]
        entries.append((trace["name"], trace["marker"]["color"], shapes[0]))
    return entries


def nice_step(top: float, ticks: int = 5) -> float:
    """Return a round tick step (1, 2, 2.5 or 5 × 10ⁿ) that cuts 0..top into about `ticks`."""
    if top <= 0:
        return 1
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def totals(bands: Sequence[Band]) -> list[float | None]:
    """Add each category's bands; a category with no data stays None (a gap, not a zero)."""
    columns = zip(*(band.values for band in bands), strict=True)
    return [None if all(v is None for v in column) else sum(v or 0 for v in column)
            for column in columns]


def chart(figure: dict, title: str, description: str, height: int = HEIGHT) -> str | None:
    """Draw a stacked bar figure as accessible SVG; None for any other kind of figure."""
    bands = bands_of(figure)
    if bands is None:
        return None
    labels = [str(x) for x in figure["data"][0]["x"]]
    sums = totals(bands)
    peak = max((s for s in sums if s is not None), default=0)
    top = figure["layout"].get("yaxis", {}).get("range", [0, peak * 1.12 or 1])[1] or 1
    legend = legend_of(figure)
    top_margin = TOP + LEGEND_ROW * (any(hatch for _, _, hatch in legend))
    scale = (height - top_margin - BOTTOM) / top
    parts = [
        f'<svg class="svg-chart" width="100%" height="{height}" role="img"'
        ' aria-labelledby="fv-chart-title fv-chart-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="fv-chart-title">{escape(title)}</title>',
        f'<desc id="fv-chart-desc">{escape(description)}</desc>', PATTERNS,
        *_y_axis(top, scale, height, top_margin), *_legend(legend),
    ]
    for index, label in enumerate(labels):
        parts += _column(index, len(labels), label, bands, sums[index], scale, height)
    parts.append("</svg>")
    return "".join(parts)


def _shift(index: int, count: int) -> tuple[float, float]:
    """Return a category's centre: a percentage of the width and a pixel correction."""
    centre = (index + 0.5) / count
    # x = LEFT + centre · (width − LEFT − RIGHT) = centre · width + (LEFT − centre · margins)
    return centre * 100, LEFT - centre * (LEFT + RIGHT)


def _column(index: int, count: int, label: str, bands: Sequence[Band], total: float | None,
            scale: float, height: int) -> list[str]:
    """Draw one category: its stacked bars, its total above and its tick label below."""
    centre, shift = _shift(index, count)
    width = BAR_SHARE * 100 / count
    base = height - BOTTOM
    out = [f'<g transform="translate({shift:.2f} 0)">']
    for band in bands:
        value = band.values[index]
        if not value:
            continue
        size = value * scale
        base -= size
        rect = (f'x="{centre - width / 2:.3f}%" y="{base:.2f}" width="{width:.3f}%"'
                f' height="{size:.2f}"')
        out.append(f'<rect class="bar" {rect} fill="{escape(band.color)}"/>')
        hatch = HATCH.get(band.hatches[index] if index < len(band.hatches) else "")
        if hatch:
            out.append(f'<rect {rect} fill="url(#{hatch})"/>')
    if total is not None:
        out.append(f'<text class="total" x="{centre:.3f}%" y="{base - 4:.2f}"'
                   f' text-anchor="middle">{escape(fmt.number(round(total)))}</text>')
    lines = label.split("<br>")
    kind = "tick" if len(lines) > 1 else "tick one-line"
    out.append(f'<text class="{kind}" x="{centre:.3f}%" y="{height - BOTTOM + 18}"'
               ' text-anchor="middle">' + "".join(
                   f'<tspan x="{centre:.3f}%" dy="{0 if i == 0 else 15}">{escape(line)}</tspan>'
                   for i, line in enumerate(lines)) + "</text>")
    out.append("</g>")
    return out


def _y_axis(top: float, scale: float, height: int, top_margin: int) -> list[str]:
    """Draw the kWh gridlines and their labels."""
    step = nice_step(top)
    out = [f'<text class="unit" x="4" y="{top_margin - 8}">kWh</text>']
    value = 0.0
    while value <= top:
        y = height - BOTTOM - value * scale
        out.append(f'<line class="grid" x1="{LEFT}" x2="100%" y1="{y:.2f}" y2="{y:.2f}"'
                   f' transform="translate(-{RIGHT} 0)"/>')
        out.append(f'<text class="ytick" x="{LEFT - 6}" y="{y + 4:.2f}"'
                   f' text-anchor="end">{escape(fmt.number(round(value)))}</text>')
        value += step
    return out


def _legend(entries: Sequence[tuple[str, str, str]]) -> list[str]:
    """Name the bands above the plot, each beside its colour; the hatchings on a second row."""
    out = []
    rows = ([e for e in entries if not e[2]], [e for e in entries if e[2]])
    for row, items in enumerate(rows):
        x = LEFT
        for name, color, hatch in items:
            y = 8 + row * LEGEND_ROW
            out.append(f'<rect x="{x}" y="{y}" width="16" height="16" fill="{escape(color)}"/>')
            if hatch in HATCH:
                out.append(f'<rect x="{x}" y="{y}" width="16" height="16"'
                           f' fill="url(#{HATCH[hatch]})"/>')
            out.append(f'<text class="legend" x="{x + 22}" y="{y + 13}">{escape(name)}</text>')
            x += 42 + 10 * len(name)
    return out


def describe(labels: Sequence[str], bands: Sequence[Band], unit: str = "kWh") -> str:
    """Say in words what each bar shows, for a screen reader: «gen: F1 …, F2 …; totale …»."""
    sums = totals(bands)
    parts = []
    for index, label in enumerate(labels):
        name = label.replace("<br>", " ")
        if sums[index] is None:
            parts.append(_("%(label)s: nessun dato", label=name))
            continue
        values = ", ".join(f"{band.name} {fmt.number(round(band.values[index] or 0))}"
                           for band in bands)
        parts.append(_("%(label)s: %(values)s; totale %(total)s %(unit)s", label=name,
                       values=values, total=fmt.number(round(sums[index])), unit=unit))
    return ". ".join(parts) + "."
