"""Pure builders for the views that compare: years month by month, billing periods per day.

Also the words for a conguaglio in the reconciliation panel. Plain data in, plain dicts and
text out.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from models.queries import Adjustment, InvoiceRow, MonthRow

from . import formatting as fmt
from .curve_tables import table
from .figures import (
    BANDS,
    FONT_FAMILY,
    period_tick,
    reading_label,
    reading_patterns,
    with_reading_legend,
)
from .i18n import N_, _, ngettext
from .palette import BAND_COLORS, PRIMARY_DARK

MAX_YEARS = 5
# The newest year dark and solid, the older ones lighter and dashed: told apart without colour.
YEAR_STYLES = ((PRIMARY_DARK, "solid", "circle"), (BAND_COLORS["F2"], "dash", "square"),
               (BAND_COLORS["F3"], "dot", "diamond"), ("#8c6bb1", "dashdot", "triangle-up"),
               ("#7a7a7a", "longdash", "x"))


def period_days(start: date, end: date) -> int:
    """Count the days of a billing period, both ends included."""
    return (end - start).days + 1


# --- up to five years, month by month ------------------------------------------------------

def default_years(year: int, available: Sequence[int]) -> tuple[int, ...]:
    """Choose the years to compare when none are asked for: the year and up to four before."""
    return tuple(sorted((y for y in available if y <= year), reverse=True)[:MAX_YEARS]) or (year,)


def _month_totals(rows: Sequence[MonthRow]) -> dict[int, int]:
    """Return each month's total kWh by month number."""
    return {r.month.month: r.bands.total for r in rows}


def years_figure(series: Mapping[int, Sequence[MonthRow]]) -> dict:
    """Chart each year as a line over the twelve months (kWh); a missing month is a gap."""
    labels = list(fmt.month_names("abbreviated"))
    traces = []
    for index, year in enumerate(sorted(series, reverse=True)):
        color, dash, symbol = YEAR_STYLES[index % len(YEAR_STYLES)]
        totals = _month_totals(series[year])
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": str(year), "x": labels,
            "y": [totals.get(m) for m in range(1, 13)],
            "line": {"color": color, "dash": dash, "width": 4 if index == 0 else 2.5},
            "marker": {"symbol": symbol, "size": 8, "color": color},
            "hovertemplate": f"<b>%{{x}} {year}</b>: %{{y:,.0f}} kWh<extra></extra>",
        })
    return {"data": traces, "layout": {
        "separators": fmt.plotly_separators(),
        "font": {"size": 14, "family": FONT_FAMILY},
        "hoverlabel": {"font": {"size": 15}},
        "hovermode": "x unified",
        "margin": {"l": 56, "r": 8, "t": 40, "b": 40},
        "legend": {"orientation": "h", "x": 0, "y": 1.12, "font": {"size": 16},
                   "traceorder": "normal"},
        # Twelve month names do not fit side by side on a phone: Plotly turns them there.
        "xaxis": {"type": "category", "fixedrange": True, "automargin": True},
        "yaxis": {"title": {"text": "kWh"}, "rangemode": "tozero", "fixedrange": True,
                  "tickformat": ",.0f"},
        "plot_bgcolor": "#ffffff", "paper_bgcolor": "#ffffff", "dragmode": False,
    }}


def years_table(series: Mapping[int, Sequence[MonthRow]]) -> dict:
    """Tabulate the years side by side: a row per month, a column per year, the totals."""
    years = sorted(series, reverse=True)
    totals = {y: _month_totals(series[y]) for y in years}
    months = sorted(set().union(*totals.values())) if totals else []
    rows = [[fmt.month_names()[m - 1].capitalize(),
             *[fmt.number(totals[y][m]) if m in totals[y] else "" for y in years]]
            for m in months]
    footer = [_("Totale"), *[fmt.number(sum(totals[y].values())) for y in years]]
    return table(_("Consumi mese per mese, anni a confronto: %(years)s",
                   years=", ".join(map(str, years))),
                 _("Mese"), [[f"{y} (kWh)", True] for y in years], rows,
                 footer if months else None)


def years_summary(series: Mapping[int, Sequence[MonthRow]]) -> str:
    """Sum up the compared years in one sentence, saying which are partial."""
    years = sorted(series, reverse=True)
    if not any(series.values()):
        return _("Per gli anni scelti non ci sono consumi mensili.")
    parts = []
    for year in years:
        totals = _month_totals(series[year])
        kwh = fmt.kwh(sum(totals.values()))
        if len(totals) == 12:
            parts.append(_("il %(year)s con %(kwh)s", year=year, kwh=kwh))
        else:
            parts.append(ngettext("il %(year)s con %(kwh)s in %(num)d mese",
                                  "il %(year)s con %(kwh)s in %(num)d mesi",
                                  len(totals), year=year, kwh=kwh))
    full = {y: sum(_month_totals(series[y]).values()) for y in years
            if len(series[y]) == 12}
    top = (_("; tra gli anni completi il più alto è il %(year)s", year=max(full, key=full.get))
           if len(full) > 1 else "")
    return _("Anni a confronto: %(years)s", years=", ".join(parts)) + top + "."


# --- kWh per day of each billing period ----------------------------------------------------

def _per_day(kwh: int, days: int, decimals: int = 1) -> str:
    """Write kWh per day with one decimal: 1390 kWh over 62 days as 22,4."""
    return fmt.number(Decimal(round_half_up(kwh * 10 ** decimals, days)).scaleb(-decimals),
                      decimals)


def round_half_up(numerator: int, denominator: int) -> int:
    """Divide integers rounding half up, without float."""
    return (2 * numerator + denominator) // (2 * denominator)


def daily_figure(invoices: Sequence[InvoiceRow]) -> dict:
    """Chart each billing period's kWh per day, stacked by band, its reading type below."""
    labels = [f"{period_tick(i.period_start, i.period_end)}<br>{reading_label(i.reading_type)}"
              for i in invoices]
    days = [period_days(i.period_start, i.period_end) for i in invoices]
    traces = []
    for band in BANDS:
        key = band.lower()
        traces.append({
            "type": "bar", "name": band, "x": labels,
            "y": [round(getattr(i.bands, key) / d, 2) for i, d in zip(invoices, days, strict=True)],
            "marker": {"color": BAND_COLORS[band],
                       "pattern": reading_patterns([i.reading_type for i in invoices])},
            "customdata": [[fmt.date_range(i.period_start, i.period_end), d,
                            reading_label(i.reading_type)]
                           for i, d in zip(invoices, days, strict=True)],
            "hovertemplate": (
                "<b>%{customdata[0]}</b> "
                + _("(%(days)s giorni, lettura %(kind)s)", days="%{customdata[1]}",
                    kind="%{customdata[2]}")
                + f"<br>{band}: "
                + _("%(kwh)s kWh al giorno", kwh="%{y:,.1f}") + "<extra></extra>"),
        })
    traces = with_reading_legend(traces, [i.reading_type for i in invoices])
    annotations = [{"x": label, "y": i.kwh / d, "text": _per_day(i.kwh, d),
                    "showarrow": False, "yanchor": "bottom", "font": {"size": 13}}
                   for label, i, d in zip(labels, invoices, days, strict=True)]
    return {"data": traces, "layout": {
        "barmode": "stack", "separators": fmt.plotly_separators(),
        "font": {"size": 14, "family": FONT_FAMILY}, "hoverlabel": {"font": {"size": 15}},
        "margin": {"l": 56, "r": 8, "t": 40, "b": 40},
        "legend": {"orientation": "h", "x": 0, "y": 1.12, "font": {"size": 16},
                   "traceorder": "normal"},
        "xaxis": {"type": "category", "categoryorder": "array", "categoryarray": labels,
                  "tickangle": 0, "fixedrange": True, "automargin": True},
        "yaxis": {"title": {"text": _("kWh al giorno")}, "rangemode": "tozero",
                  "fixedrange": True, "tickformat": ",.0f"},
        "annotations": annotations,
        "plot_bgcolor": "#ffffff", "paper_bgcolor": "#ffffff", "dragmode": False,
    }}


DAILY_COLUMNS = [[N_("Giorni"), True], [N_("Lettura"), False], [N_("F1 (kWh/giorno)"), True],
                 [N_("F2 (kWh/giorno)"), True], [N_("F3 (kWh/giorno)"), True],
                 [N_("Totale (kWh)"), True], [N_("kWh al giorno"), True]]


def daily_table(year: int, invoices: Sequence[InvoiceRow]) -> dict:
    """Tabulate each billing period: days, reading type, kWh per day by band, total."""
    rows = []
    for i in invoices:
        days = period_days(i.period_start, i.period_end)
        rows.append([f"{fmt.day(i.period_start)} – {fmt.day(i.period_end)}", fmt.number(days),
                     reading_label(i.reading_type),
                     *[_per_day(kwh, days, 2) for kwh in i.bands],
                     fmt.number(i.kwh), _per_day(i.kwh, days)])
    return table(_("kWh al giorno per periodo di fatturazione, fatture emesse nel %(year)s",
                   year=year),
                 _("Periodo"), [[_(title), numeric] for title, numeric in DAILY_COLUMNS], rows,
                 _daily_footer(invoices) if invoices else None)


def _daily_footer(invoices: Sequence[InvoiceRow]) -> list[str]:
    """Total the periods' days and kWh; only for a year with invoices (no division by 0)."""
    days = sum(period_days(i.period_start, i.period_end) for i in invoices)
    kwh = sum(i.kwh for i in invoices)
    return [_("Totale"), fmt.number(days), "", "", "", "", fmt.number(kwh), _per_day(kwh, days)]


def daily_summary(year: int, invoices: Sequence[InvoiceRow]) -> str:
    """Sum up the periods' kWh per day in one sentence: the average, the highest, the lowest."""
    if not invoices:
        return _("Nel %(year)s non è stata emessa nessuna fattura.", year=year)
    rated = [(i.kwh / period_days(i.period_start, i.period_end), i) for i in invoices]
    days = sum(period_days(i.period_start, i.period_end) for i in invoices)
    high, low = max(rated, key=lambda r: r[0])[1], min(rated, key=lambda r: r[0])[1]

    def said(i: InvoiceRow) -> str:
        """Say a period and its kWh per day."""
        return _("%(period)s con %(kwh)s kWh al giorno",
                 period=fmt.date_range(i.period_start, i.period_end),
                 kwh=_per_day(i.kwh, period_days(i.period_start, i.period_end)))

    average = _per_day(sum(i.kwh for i in invoices), days)
    if len(invoices) == 1:
        return _("Nel periodo delle fatture emesse nel %(year)s hai prelevato in media "
                 "%(kwh)s kWh al giorno.", year=year, kwh=average)
    return _("Nei %(count)s periodi delle fatture emesse nel %(year)s hai prelevato in media "
             "%(kwh)s kWh al giorno; il più alto %(high)s, il più basso %(low)s.",
             count=len(invoices), year=year, kwh=average, high=said(high), low=said(low))


# --- conguagli ------------------------------------------------------------------------------

def _signed(kwh: int) -> str:
    """Write signed kWh: +295 or -40."""
    return ("+" if kwh > 0 else "") + fmt.number(kwh)


def adjustment_text(adjustment: Adjustment) -> str:
    """Say what a conguaglio recalculates, in kWh by band, and that no chart shows it."""
    a = adjustment
    bill = _("La fattura n. %(number)s del %(date)s è un conguaglio", number=a.number,
             date=fmt.day(a.issue_date))
    span = (" " + _("dei consumi stimati %(period)s",
                    period=fmt.date_range(a.estimated_from, a.estimated_to))
            if a.estimated_from and a.estimated_to else
            " " + _("dei consumi stimati in precedenza"))
    if a.kwh is None:
        return bill + span + _(": i kWh ricalcolati sono nella voce «Ricalcoli» della fattura; "
                               "non compaiono in nessun grafico.")
    return bill + span + _(": ricalcola %(kwh)s kWh (F1 %(f1)s, F2 %(f2)s, F3 %(f3)s), "
                           "fatturati ora. Questi kWh non compaiono in nessun grafico: "
                           "i mesi stimati mostrano la stima.", kwh=_signed(a.kwh),
                           f1=_signed(a.bands.f1), f2=_signed(a.bands.f2), f3=_signed(a.bands.f3))
