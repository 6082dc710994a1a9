"""The consumption page's curve views: load what a checked selection asks for, then build it.

The callback and the CSV/XLSX routes both call `compose` with a contract the access gate has
already returned, so the chart, its table and the downloads always show the same numbers.
Loading happens here; every figure, table and sentence comes from the pure builders.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from models import Contract, db
from models.curves import checks_of, days_of, monthly_billed
from models.queries import (
    adjustments_issued_in,
    invoices_issued_in,
    monthly_consumption,
    years_with_data,
)

from . import compare
from . import curve_figures as cf
from . import curve_tables as ct
from . import formatting as fmt
from .i18n import _

BY_MONTH, BY_PERIOD, HEATMAP, TYPICAL = "mesi", "periodi", "mappa", "tipo"
YEARS, DAILY = "anni", "giornaliero"
VIEWS = (BY_MONTH, BY_PERIOD, HEATMAP, TYPICAL, YEARS, DAILY)
YEAR_WIDE = (BY_PERIOD, HEATMAP, YEARS, DAILY)  # views of the whole year: no drill-down

# link(view, month, day) -> the page's address for that view of the same contract and year
Link = Callable[[str, int | None, int | None], str]
# years_link(years) -> the page's address comparing those years
YearsLink = Callable[[tuple[int, ...]], str]


def no_curve(what: str) -> str:
    """Say that a year, a month or a day («il 2023», «marzo 2023») has no quarter hours."""
    return _("Per %(what)s non abbiamo le misure al quarto d'ora di questo contratto.",
             what=what)


def the_year(year: int) -> str:
    """Name a year as a sentence does: «il 2023»."""
    return _("il %(year)s", year=year)


def the_day(day: date) -> str:
    """Name a day as a sentence does: «il 14/03/2023»."""
    return _("il %(day)s", day=fmt.day(day))


@dataclass(frozen=True)
class Selection:
    """What the URL asks to show; the month and day are checked, the contract is not yet."""

    contract: str | None = None
    year: int | None = None
    view: str = BY_MONTH
    sort: tuple[str, bool] | None = None   # (column, descending) of the invoice table
    month: int | None = None
    day: int | None = None
    rejected: bool = False                 # a month or day in the URL was not valid
    years: tuple[int, ...] = ()            # the years compared (YEARS), newest first

    @property
    def level(self) -> str:
        """Tell how deep the drill-down goes: year, month or day."""
        if self.view != BY_MONTH or self.month is None:
            return "year"
        return "month" if self.day is None else "day"

    @property
    def curve_view(self) -> bool:
        """Tell whether the chart comes from the curves (not the year's monthly bars)."""
        return self.level != "year" or self.view in (HEATMAP, TYPICAL, YEARS, DAILY)


@dataclass(frozen=True)
class View:
    """Everything the page shows for a selection besides the year chart, totals and invoices."""

    figure: dict | None           # None: the year chart stays as show() drew it
    crumbs: list[tuple[str, str | None]]
    summary: str
    table: dict | None
    stats: str | None = None
    panel: list[str] = field(default_factory=list)
    message: str | None = None
    months: list[tuple[str, str | None]] = field(default_factory=list)  # the typical day's
    has_curves: bool = False
    # the years offered for comparison: (year, address that adds or removes it, compared)
    years: list[tuple[int, str | None, bool]] = field(default_factory=list)


def compose(contract: Contract, sel: Selection, link: Link,
            years_link: YearsLink | None = None) -> View:
    """Build the view the selection asks for, for a contract the gate has already allowed."""
    if sel.view == YEARS:
        return _years(contract, sel, years_link)
    if sel.level == "day":
        return _day(contract, sel, link)
    if sel.level == "month":
        return _month(contract, sel, link)
    if sel.view == TYPICAL:
        return _typical(contract, sel, link)
    return _year(contract, sel, link)


def _notice(sel: Selection) -> str | None:
    """Say politely that part of the address was not understood."""
    if sel.rejected:
        return _("Il mese o il giorno indicato nell'indirizzo non è valido: mostriamo il "
                 "livello superiore.")
    return None


def _year(contract: Contract, sel: Selection, link: Link) -> View:
    """Build the year views: months or periods (show() draws them) and the heatmap."""
    year = sel.year
    days = days_of(db.session, contract.id, date(year, 1, 1), date(year, 12, 31))
    months = monthly_consumption(db.session, contract.id, year)
    links = {m: link(BY_MONTH, m, None) for m in {d.month for d in days}}
    stats = ct.stats_text(ct.power_stats(days, contract.power_available_kw),
                          contract.power_available_kw)
    if sel.view == HEATMAP:  # the months' table, their links; the panel is the months' view's
        grid = ct.hourly_grid(year, days)
        figure = (cf.heatmap_figure(year, grid) if days
                  else cf.empty_figure(no_curve(the_year(year))))
        return View(figure, [(str(year), None)], ct.heatmap_summary(year, grid),
                    ct.year_table(year, months, links), stats, message=_notice(sel),
                    has_curves=bool(days))
    invoices = invoices_issued_in(db.session, contract.id, year)
    checks = checks_of(year, days, monthly_billed(db.session, contract.id, year))
    figure = None  # show() draws the months and the periods
    if sel.view == DAILY:
        figure = (compare.daily_figure(invoices) if invoices
                  else cf.empty_figure(_("Nel %(year)s non è stata emessa nessuna fattura.",
                                         year=year)))
        table, summary = compare.daily_table(year, invoices), compare.daily_summary(year, invoices)
    elif sel.view == BY_PERIOD:
        table, summary = ct.period_table(year, invoices), ct.period_summary(year, invoices)
    else:
        table, summary = ct.year_table(year, months, links), ct.year_summary(year, months)
    panel = ct.reconciliation_text(ct.reconcile(year, months, invoices, checks))
    # The conguagli: billed this year, about earlier estimates, in no month of any chart.
    panel += [compare.adjustment_text(a)
              for a in adjustments_issued_in(db.session, contract.id, year)]
    return View(figure, [(str(year), None)], summary, table, stats, panel, _notice(sel),
                has_curves=bool(days))


def _years(contract: Contract, sel: Selection, years_link: YearsLink | None) -> View:
    """Build up to five years overlaid month by month, with the years to add or remove."""
    available = years_with_data(db.session, contract.id)
    chosen = tuple(y for y in sel.years if y in available)[:compare.MAX_YEARS] or (
        compare.default_years(sel.year, available))
    series = {y: monthly_consumption(db.session, contract.id, y) for y in chosen}
    offered = []
    for year in sorted(available, reverse=True):
        compared = year in chosen
        if compared:
            rest = tuple(y for y in chosen if y != year)
            target = rest or None  # the last year compared stays
        else:
            target = (tuple(sorted((*chosen, year), reverse=True))
                      if len(chosen) < compare.MAX_YEARS else None)
        href = years_link(target) if target and years_link else None
        offered.append((year, href, compared))
    figure = (compare.years_figure(series) if any(series.values())
              else cf.empty_figure(_("Per gli anni scelti non ci sono consumi mensili.")))
    return View(figure, [(str(sel.year), None)], compare.years_summary(series),
                compare.years_table(series), message=_notice(sel), years=offered)


def _month(contract: Contract, sel: Selection, link: Link) -> View:
    """Build a month's days: stacked bands per day, each day a link to its quarter hours."""
    year, month = sel.year, sel.month
    every_day = ct.month_days(year, month)
    days = days_of(db.session, contract.id, every_day[0], every_day[-1])
    by_day = ct.bands_by_day(days)
    label = fmt.month_name(every_day[0])
    crumbs = [(str(year), link(BY_MONTH, None, None)), (fmt.month_names()[month - 1], None)]
    if not days:
        return View(cf.empty_figure(no_curve(label)), crumbs,
                    ct.month_summary(year, month, by_day), None, message=_notice(sel))
    links = {d: link(BY_MONTH, month, d.day) for d in days}
    billed = monthly_billed(db.session, contract.id, year).get(every_day[0])
    checks = checks_of(year, days, {every_day[0]: billed} if billed else {})
    return View(
        cf.month_figure(year, month, every_day, by_day), crumbs,
        ct.month_summary(year, month, by_day), ct.month_table(year, month, by_day, links),
        ct.stats_text(ct.power_stats(days, contract.power_available_kw),
                      contract.power_available_kw),
        ct.month_check_text(checks[0]) if checks else [], _notice(sel), has_curves=True)


def _day(contract: Contract, sel: Selection, link: Link) -> View:
    """Build a day's quarter hours as power, coloured by band."""
    day = date(sel.year, sel.month, sel.day)
    values = days_of(db.session, contract.id, day, day).get(day)
    crumbs = [(str(sel.year), link(BY_MONTH, None, None)),
              (fmt.month_names()[sel.month - 1], link(BY_MONTH, sel.month, None)),
              (_("%(day)s %(month)s", day=day.day, month=fmt.month_names()[sel.month - 1]),
               None)]
    if values is None:
        return View(cf.empty_figure(no_curve(the_day(day))), crumbs,
                    ct.no_quarter_hours(the_day(day)), None)
    available = contract.power_available_kw
    return View(
        cf.day_figure(day, values, contract.power_committed_kw, available), crumbs,
        ct.day_summary(day, values, available), ct.day_table(day, values),
        ct.stats_text(ct.power_stats({day: values}, available), available), has_curves=True)


def _typical(contract: Contract, sel: Selection, link: Link) -> View:
    """Build the typical weekday, Saturday and Sunday of a month (the URL's, or the latest)."""
    year = sel.year
    months = [m.month.month for m in monthly_consumption(db.session, contract.id, year)]
    month = sel.month if sel.month in months else (months[-1] if months else 1)
    every_day = ct.month_days(year, month)
    days = days_of(db.session, contract.id, every_day[0], every_day[-1])
    label = fmt.month_name(every_day[0])
    short = fmt.month_names("abbreviated")
    choices = [(short[m - 1], None if m == month else link(TYPICAL, m, None)) for m in months]
    if not days:
        return View(cf.empty_figure(no_curve(label)), [(str(year), None)],
                    ct.no_quarter_hours(label), None,
                    message=_notice(sel), months=choices)
    typical = ct.typical_day(days)
    return View(cf.typical_figure(label, typical), [(str(year), None)],
                ct.typical_summary(label, typical), ct.typical_table(label, typical),
                ct.stats_text(ct.power_stats(days, contract.power_available_kw),
                              contract.power_available_kw),
                message=_notice(sel), months=choices, has_curves=True)
