"""Pure builders for the quarter-hour views: sums, power figures, tables, summaries, CSV.

Everything here takes plain data (days of Wh values, monthly rows, invoices) and returns plain
data or text; nothing queries the database or reads the session. Energy stays in integer Wh
until it is written, so the tables add up exactly to the monthly totals they sit beside.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from itertools import chain

from models.bands import ROME, Bands, is_holiday
from models.curves import (
    MonthCheck,
    day_bands,
    local_label,
    slot_bands,
    slot_start,
    slots_in,
)
from models.queries import InvoiceRow, MonthRow

from . import formatting as fmt
from .figures import reading_label
from .i18n import N_, _, ngettext

Days = Mapping[date, Sequence[int]]
NIGHT_END_HOUR = 5        # the base load is read from the quarter hours 00:00–05:00
BASE_LOAD_QUANTILE = 0.10  # the night's 10th percentile: the fridge and standby, not a blip
KINDS = ("feriale", "sabato", "domenica")
KIND_LABELS = {"feriale": N_("Giorno feriale"), "sabato": N_("Sabato"),
               "domenica": N_("Domenica e festivi")}
BAND_COLUMNS = [["F1 (kWh)", True], ["F2 (kWh)", True], ["F3 (kWh)", True],
                [N_("Totale (kWh)"), True]]
READING_COLUMN = [N_("Lettura"), False]  # effettiva, stimata or autolettura: bills say which


def kind_label(kind: str) -> str:
    """Name a typical day (feriale, sabato, domenica) in the viewer's language."""
    return _(KIND_LABELS[kind])


def columns(*marked: list) -> list[list]:
    """Translate the titles of columns marked with N_(): [title, numeric] each."""
    return [[_(title), numeric] for title, numeric in marked]


# --- the local clock of each quarter hour ---------------------------------------------------

@lru_cache(maxsize=4096)
def local_hours(day: date) -> tuple[int, ...]:
    """Return the local clock hour of each quarter hour of a day (2 twice on the 25-hour day)."""
    return tuple(slot_start(day, i).astimezone(ROME).hour for i in range(slots_in(day)))


def watts(wh: int) -> int:
    """Turn a quarter hour's Wh into its average power in W."""
    return wh * 4


def kw_text(w: int) -> str:
    """Write a power given in W as kW with two decimals: 2340 as 2,34 kW."""
    return f"{fmt.wh_as_kwh(w, 2)} kW"


def day_kind(day: date) -> str:
    """Tell which typical day a date belongs to: feriale, sabato or domenica (and holidays)."""
    if day.weekday() == 6 or is_holiday(day):
        return "domenica"
    return "sabato" if day.weekday() == 5 else "feriale"


def month_days(year: int, month: int) -> list[date]:
    """List the days of a month."""
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return [first + timedelta(days=n) for n in range((following - first).days)]


# --- power: base load, peak, quarter hours over the available power --------------------------

@dataclass(frozen=True)
class PowerStats:
    """The power figures of a span of days, in W."""

    base_w: int | None
    peak_w: int | None
    peak_at: tuple[date, int] | None   # (day, slot) of the peak
    over: int                          # quarter hours above the available power
    quarters: int


@lru_cache(maxsize=4096)
def hour_runs(day: date) -> tuple[tuple[int, int, int], ...]:
    """Return a day's local clock hours as runs of quarter hours: (hour, first, end)."""
    runs: list[list[int]] = []
    for slot, hour in enumerate(local_hours(day)):
        if runs and runs[-1][0] == hour:
            runs[-1][2] = slot + 1
        else:
            runs.append([hour, slot, slot + 1])
    return tuple((hour, first, end) for hour, first, end in runs)


@lru_cache(maxsize=4096)
def night_slots(day: date) -> int:
    """Count a day's quarter hours before 05:00 local time (they come first)."""
    return sum(end - first for hour, first, end in hour_runs(day) if hour < NIGHT_END_HOUR)


def power_stats(days: Days, available_kw: Decimal) -> PowerStats:
    """Compute base load, peak and the quarter hours above the available power."""
    order = [d for d in sorted(days) if days[d]]
    if not order:
        return PowerStats(None, None, None, 0, 0)
    # W = Wh × 4 above the limit in W, for whole Wh: Wh > limit // 4. Only the days whose
    # maximum passes the limit are scanned: most days of most supplies never do.
    limit_wh = int(Decimal(available_kw) * 1000) // 4
    maxima = [max(days[d]) for d in order]
    over = sum(sum(map(limit_wh.__lt__, days[d]))
               for d, top in zip(order, maxima, strict=True) if top > limit_wh)
    peak = max(maxima)
    day = order[maxima.index(peak)]
    night = sorted(chain.from_iterable(days[d][:night_slots(d)] for d in order))
    base = night[int(BASE_LOAD_QUANTILE * (len(night) - 1))] * 4 if night else None
    return PowerStats(base, peak * 4, (day, days[day].index(peak)), over,
                      sum(map(len, days.values())))


def stats_text(stats: PowerStats, available_kw: Decimal) -> str | None:
    """Say base load, peak and how often the available power was exceeded, in one line."""
    if stats.peak_w is None or stats.peak_at is None:
        return None
    day, slot = stats.peak_at
    times = (_("mai") if not stats.over else
             ngettext("%(count)s quarto d'ora", "%(count)s quarti d'ora", stats.over,
                      count=fmt.number(stats.over)))
    base = kw_text(stats.base_w) if stats.base_w is not None else "–"
    return _("Consumo di base (notte, 00–05): %(base)s. Potenza massima: %(peak)s il %(day)s "
             "alle %(time)s. Sopra la potenza disponibile di %(available)s: %(times)s.",
             base=base, peak=kw_text(stats.peak_w), day=fmt.day(day),
             time=local_label(day, slot)[:5], available=fmt.kw(available_kw), times=times)


# --- sums by day and by hour ------------------------------------------------------------------

def bands_by_day(days: Days) -> dict[date, Bands[int]]:
    """Sum each day's quarter hours by band."""
    return {day: day_bands(day, values) for day, values in days.items()}


def hourly_watts(day: date, values: Sequence[int]) -> list[int | None]:
    """Return a day's average power in W for each local clock hour 0–23 (None if missing)."""
    if len(values) == 96:
        # Four quarter hours a clock hour: the mean power in W is the hour's Wh (4 × Wh / 4).
        return list(map(sum, zip(*[iter(values)] * 4, strict=True)))
    watts_by_hour: list[int | None] = [None] * 24
    for hour, first, end in hour_runs(day):
        watts_by_hour[hour] = sum(values[first:end]) * 4 // (end - first)
    return watts_by_hour


def hourly_grid(year: int, days: Days) -> list[list[int | None]]:
    """Lay a year out as 24 rows (clock hours) of one average power (W) per day of the year."""
    first = date(year, 1, 1)
    count = (date(year + 1, 1, 1) - first).days
    missing = [None] * 24
    columns = [missing] * count
    for day, values in days.items():
        index = (day - first).days
        if 0 <= index < count:
            columns[index] = hourly_watts(day, values)
    return [list(row) for row in zip(*columns, strict=True)]


def typical_day(days: Days) -> dict[str, list[int | None]]:
    """Average the days by kind (feriale, sabato, domenica): W per local clock hour."""
    energy = {kind: [0] * 24 for kind in KINDS}
    count = {kind: [0] * 24 for kind in KINDS}
    for day, values in days.items():
        kind = day_kind(day)
        for hour, first, end in hour_runs(day):
            energy[kind][hour] += sum(values[first:end])
            count[kind][hour] += end - first
    return {kind: [energy[kind][h] * 4 // count[kind][h] if count[kind][h] else None
                   for h in range(24)] for kind in KINDS}


# --- the data tables under the charts (assets/drill-table.js draws them) ----------------------

def _band_cells(bands: Bands[int], decimals: int) -> list[str]:
    """Write F1, F2, F3 and the total of Wh sums as kWh."""
    return [fmt.wh_as_kwh(v, decimals) for v in (bands.f1, bands.f2, bands.f3, bands.total)]


def table(caption: str, first: str, columns: list, rows: list, footer: list | None = None,
          links: list[str | None] | None = None) -> dict:
    """Shape a table for the browser: caption, columns, rows [label, cells…], each row's link."""
    return {"caption": caption, "columns": [[first, False], *columns], "rows": rows,
            "footer": footer, "links": links if links and any(links) else None}


def clock_labels(day: date) -> list[str]:
    """Write each quarter hour's local start, with the UTC offset only where the clock repeats."""
    labels = [local_label(day, slot) for slot in range(slots_in(day))]
    short = [label[:5] for label in labels]
    if len(labels) == 96:
        return short
    return [label if short.count(label[:5]) > 1 else label[:5] for label in labels]


def year_table(year: int, months: Sequence[MonthRow], links: Mapping[int, str]) -> dict:
    """Tabulate a year month by month; a month with curves links to its days."""
    rows = [[fmt.month_name(row.month).capitalize(),
             *_band_cells(row.bands.scaled(1000), 0),
             reading_label(row.reading_type)] for row in months]
    total = Bands.sum_of(r.bands for r in months).scaled(1000)
    return table(_("Consumi per mese, %(year)s", year=year), _("Mese"),
                 columns(*BAND_COLUMNS, READING_COLUMN), rows,
                 [_("Totale"), *_band_cells(total, 0), ""] if months else None,
                 [links.get(row.month.month) for row in months])


def period_table(year: int, invoices: Sequence[InvoiceRow]) -> dict:
    """Tabulate the invoices issued in a year, one row per billing period."""
    rows = [[fmt.date_range(i.period_start, i.period_end),
             *_band_cells(i.bands.scaled(1000), 0),
             reading_label(i.reading_type)] for i in invoices]
    return table(_("Consumi per periodo di fatturazione, fatture emesse nel %(year)s",
                   year=year), _("Periodo"), columns(*BAND_COLUMNS, READING_COLUMN), rows)


def month_table(year: int, month: int, by_day: Mapping[date, Bands[int]],
                links: Mapping[date, str]) -> dict:
    """Tabulate a month day by day (kWh with one decimal); each day links to its hours."""
    ordered = sorted(by_day.items())
    rows = [[fmt.day(day), *_band_cells(bands, 1)] for day, bands in ordered]
    total = Bands.sum_of(by_day.values())
    label = fmt.month_name(date(year, month, 1))
    return table(_("Consumi per giorno, %(month)s", month=label), _("Giorno"),
                 columns(*BAND_COLUMNS), rows,
                 [_("Totale"), *_band_cells(total, 1)] if by_day else None,
                 [links.get(day) for day, _ in ordered])


def day_table(day: date, values: Sequence[int]) -> dict:
    """Tabulate a day's quarter hours: the band's column holds the kWh, then the power."""
    rows = []
    for label, wh, band in zip(clock_labels(day), values, slot_bands(day), strict=True):
        energy = fmt.wh_as_kwh(wh)
        cells = [energy if band.name == name else "" for name in ("F1", "F2", "F3")]
        rows.append([label, *cells, energy, fmt.wh_as_kwh(wh * 4, 2)])
    total = day_bands(day, values)
    return table(_("Quarti d'ora del %(day)s", day=fmt.day(day)), _("Ora"),
                 columns(*BAND_COLUMNS, ["kW", True]), rows,
                 [_("Totale"), *_band_cells(total, 3), ""])


def typical_table(label: str, typical: Mapping[str, Sequence[int | None]]) -> dict:
    """Tabulate the typical days hour by hour, in kW."""
    rows = [[f"{hour:02d}:00–{hour + 1:02d}:00",
             *["" if typical[k][hour] is None else fmt.wh_as_kwh(typical[k][hour], 2)
               for k in KINDS]] for hour in range(24)]
    return table(_("Giornata tipo, %(month)s: potenza media (kW)", month=label), _("Ora"),
                 [[f"{kind_label(k)} (kW)", True] for k in KINDS], rows)


# --- one-sentence summaries, for screen readers and for people who prefer numbers -------------

def year_summary(year: int, months: Sequence[MonthRow]) -> str:
    """Sum up a year month by month in one sentence."""
    if not months:
        return _("Per il %(year)s non ci sono consumi mensili.", year=year)
    total = sum(m.bands.total for m in months)
    top = max(months, key=lambda m: m.bands.total)
    f1, f2, f3 = Bands.sum_of(m.bands for m in months)
    return _("Nel %(year)s hai prelevato %(kwh)s in %(months)s mesi (F1 %(f1)s, F2 %(f2)s, "
             "F3 %(f3)s); il mese con più consumi è %(top)s con %(top_kwh)s.",
             year=year, kwh=fmt.kwh(total), months=len(months), f1=fmt.percent(f1, total),
             f2=fmt.percent(f2, total), f3=fmt.percent(f3, total),
             top=fmt.month_name(top.month), top_kwh=fmt.kwh(top.bands.total))


def period_summary(year: int, invoices: Sequence[InvoiceRow]) -> str:
    """Sum up the year's invoices in one sentence."""
    if not invoices:
        return _("Nel %(year)s non è stata emessa nessuna fattura.", year=year)
    start = min(i.period_start for i in invoices)
    end = max(i.period_end for i in invoices)
    return ngettext("La fattura emessa nel %(year)s somma %(kwh)s e copre i consumi "
                    "%(period)s.",
                    "Le %(num)d fatture emesse nel %(year)s sommano %(kwh)s e coprono i "
                    "consumi %(period)s.", len(invoices), year=year,
                    kwh=fmt.kwh(sum(i.kwh for i in invoices)),
                    period=fmt.date_range(start, end))


def month_summary(year: int, month: int, by_day: Mapping[date, Bands[int]]) -> str:
    """Sum up a month day by day in one sentence."""
    label = fmt.month_name(date(year, month, 1))
    if not by_day:
        return no_quarter_hours(label)
    total = sum(b.total for b in by_day.values())
    top_day, top = max(by_day.items(), key=lambda item: item[1].total)
    return _("A %(month)s hai prelevato %(kwh)s kWh in %(days)s giorni; il giorno con più "
             "consumi è il %(top)s con %(top_kwh)s kWh.", month=label,
             kwh=fmt.wh_as_kwh(total, 1), days=len(by_day), top=fmt.day(top_day),
             top_kwh=fmt.wh_as_kwh(top.total, 1))


def no_quarter_hours(label: str) -> str:
    """Say that a month (or a day, «il 14/03/2023») has no quarter-hour measures."""
    return _("Per %(what)s non ci sono misure al quarto d'ora.", what=label)


def day_summary(day: date, values: Sequence[int], available_kw: Decimal) -> str:
    """Sum up a day's quarter hours in one sentence."""
    total = sum(values)
    peak_slot = max(range(len(values)), key=lambda i: values[i])
    peak_w = values[peak_slot] * 4
    said = {"day": fmt.day(day), "kwh": fmt.wh_as_kwh(total, 1), "count": len(values),
            "peak": kw_text(peak_w), "time": local_label(day, peak_slot)[:5],
            "available": fmt.kw(available_kw)}
    if peak_w > Decimal(available_kw) * 1000:
        return _("Il %(day)s hai prelevato %(kwh)s kWh in %(count)s quarti d'ora; la potenza più "
                 "alta è stata %(peak)s alle %(time)s, sopra la potenza disponibile di "
                 "%(available)s.", **said)
    return _("Il %(day)s hai prelevato %(kwh)s kWh in %(count)s quarti d'ora; la potenza più "
             "alta è stata %(peak)s alle %(time)s, entro la potenza disponibile di "
             "%(available)s.", **said)


def heatmap_summary(year: int, grid: Sequence[Sequence[int | None]]) -> str:
    """Sum up the year's heatmap in one sentence: which hour of the day draws the most."""
    shown = len(grid[12]) - grid[12].count(None)
    if not shown:
        return _("Per il %(year)s non ci sono misure al quarto d'ora.", year=year)
    by_hour = [sum(filter(None, row)) for row in grid]
    top = max(range(24), key=lambda h: by_hour[h])
    return _("La mappa mostra %(days)s giorni del %(year)s, ora per ora; l'ora del giorno con "
             "più consumi è tra le %(start)s e le %(end)s.", days=shown, year=year, start=top,
             end=top + 1)


def typical_summary(label: str, typical: Mapping[str, Sequence[int | None]]) -> str:
    """Sum up the typical weekday in one sentence."""
    weekday = [w for w in typical["feriale"] if w is not None]
    if not weekday:
        return _("Per %(month)s non ci sono misure al quarto d'ora dei giorni feriali.",
                 month=label)
    top = max(range(24), key=lambda h: typical["feriale"][h] or 0)
    return _("A %(month)s, in un giorno feriale tipo la potenza media va da %(low)s a "
             "%(high)s, il massimo tra le %(start)s e le %(end)s.", month=label,
             low=kw_text(min(weekday)), high=kw_text(max(weekday)), start=top, end=top + 1)


# --- the reconciliation panel ------------------------------------------------------------------

@dataclass(frozen=True)
class Reconciliation:
    """Why the year's months and the year's invoices give different totals, in numbers."""

    year: int
    months_kwh: int
    month_count: int
    first_month: date | None
    last_month: date | None
    invoices_kwh: int
    invoice_count: int
    covers: tuple[date, date] | None
    checked: int                                     # months whose curve was compared
    differences: tuple[tuple[date, Bands[int]], ...]  # Wh, curve minus billed
    incomplete: tuple[tuple[date, int, int], ...]    # (month, days with curve, days)


def reconcile(year: int, months: Sequence[MonthRow], invoices: Sequence[InvoiceRow],
              checks: Sequence[MonthCheck]) -> Reconciliation:
    """Compare the year's months with its invoices and its curves with the monthly totals."""
    compared = [c for c in checks if c.days_with_data and c.billed is not None]
    return Reconciliation(
        year=year,
        months_kwh=sum(m.bands.total for m in months),
        month_count=len(months),
        first_month=months[0].month if months else None,
        last_month=months[-1].month if months else None,
        invoices_kwh=sum(i.kwh for i in invoices),
        invoice_count=len(invoices),
        covers=((min(i.period_start for i in invoices), max(i.period_end for i in invoices))
                if invoices else None),
        checked=len(compared),
        differences=tuple((c.month, c.difference) for c in compared
                          if c.difference != Bands(0, 0, 0)),
        incomplete=tuple((c.month, c.days_with_data, c.days_in_month) for c in checks
                         if c.days_with_data and not c.complete),
    )


def month_check_text(check: MonthCheck) -> list[str]:
    """Say whether a month's quarter hours add up to its monthly total, or by how much not."""
    label = fmt.month_name(check.month)
    lines = []
    if check.billed is None:
        lines.append(_("Per %(month)s non c'è il totale mensile letto dal contatore da "
                       "confrontare con le misure al quarto d'ora (%(kwh)s kWh).", month=label,
                       kwh=fmt.wh_as_kwh(check.curve.total)))
    elif check.difference == Bands(0, 0, 0):
        lines.append(_("Le misure al quarto d'ora di %(month)s sommano %(kwh)s, come il totale "
                       "mensile letto dal contatore, fascia per fascia.", month=label,
                       kwh=fmt.kwh(check.billed.total // 1000)))
    else:
        d = check.difference
        lines.append(_("Le misure al quarto d'ora di %(month)s sommano %(curve)s kWh, il totale "
                       "mensile %(billed)s: differenza F1 %(f1)s, F2 %(f2)s, F3 %(f3)s kWh.",
                       month=label, curve=fmt.wh_as_kwh(check.curve.total),
                       billed=fmt.kwh(check.billed.total // 1000), f1=_signed_kwh(d.f1),
                       f2=_signed_kwh(d.f2), f3=_signed_kwh(d.f3)))
    if not check.complete:
        lines.append(_("Misure al quarto d'ora per %(have)s giorni su %(of)s.",
                       have=check.days_with_data, of=check.days_in_month))
    return lines


def _signed_kwh(wh: int) -> str:
    """Write a signed Wh difference as kWh: +0,500 or -1,250."""
    return ("+" if wh > 0 else "") + fmt.wh_as_kwh(wh)


def reconciliation_text(rec: Reconciliation) -> list[str]:
    """Explain the year's totals in a few sentences; every difference is said, none hidden."""
    lines = []
    months = ngettext("Il %(num)d mese del %(year)s somma %(kwh)s",
                      "I %(num)d mesi del %(year)s sommano %(kwh)s", rec.month_count,
                      year=rec.year, kwh=fmt.kwh(rec.months_kwh))
    if rec.invoice_count and rec.covers:
        start, end = rec.covers
        invoices = ngettext("la fattura emessa nel %(year)s somma %(kwh)s",
                            "le %(num)d fatture emesse nel %(year)s sommano %(kwh)s",
                            rec.invoice_count, year=rec.year, kwh=fmt.kwh(rec.invoices_kwh))
        period = fmt.date_range(start, end)
        if rec.invoices_kwh != rec.months_kwh:
            covers = _(", perché coprono i consumi %(period)s, non l'anno solare.", period=period)
        elif start.year == end.year == rec.year:
            covers = _(". Coprono i consumi %(period)s, gli stessi mesi.", period=period)
        else:
            covers = _(". Coprono i consumi %(period)s.", period=period)
        lines.append(f"{months}; {invoices}{covers}")
    else:
        lines.append(months + _("; nel %(year)s non è stata emessa nessuna fattura.",
                                year=rec.year))
    if rec.month_count and rec.month_count < 12:
        lines.append(_("Anno parziale: ci sono i consumi di %(count)s mesi su 12 (da %(first)s "
                       "a %(last)s).", count=rec.month_count,
                       first=fmt.month_name(rec.first_month),
                       last=fmt.month_name(rec.last_month)))
    if rec.checked:
        if rec.differences:
            parts = [f"{fmt.month_name(month)}: F1 {_signed_kwh(d.f1)}, F2 {_signed_kwh(d.f2)}, "
                     f"F3 {_signed_kwh(d.f3)} kWh" for month, d in rec.differences]
            lines.append(_("Le misure al quarto d'ora differiscono dai totali mensili letti dal "
                           "contatore: %(months)s.", months="; ".join(parts)))
        else:
            lines.append(ngettext("Le misure al quarto d'ora coincidono al kWh con i totali "
                                  "mensili nel mese che le ha.",
                                  "Le misure al quarto d'ora coincidono al kWh con i totali "
                                  "mensili in tutti i %(num)d mesi che le hanno.", rec.checked))
    for month, have, of in rec.incomplete:
        lines.append(_("%(month)s: misure al quarto d'ora per %(have)s giorni su %(of)s.",
                       month=fmt.month_name(month).capitalize(), have=have, of=of))
    return lines


# --- exports ------------------------------------------------------------------------------------

CSV_HEADER = (N_("Data"), N_("Ora"), "UTC", "kWh", N_("Fascia"))


def quarter_hour_rows(days: Days) -> list[tuple[str, str, str, str, str]]:
    """List every quarter hour as (date, local time, UTC offset, kWh, band) text."""
    rows = []
    for day in sorted(days):
        written = fmt.day(day)
        for slot, (wh, band) in enumerate(zip(days[day], slot_bands(day), strict=True)):
            label = local_label(day, slot)
            rows.append((written, label[:5], label[5:], fmt.wh_as_kwh(wh), band.name))
    return rows


def csv_text(rows: Iterable[Sequence[str]]) -> str:
    """Write rows as CSV for the viewer's Excel: semicolons where the decimal is a comma."""
    out = io.StringIO()
    out.write("\ufeff")  # the BOM tells Excel the file is UTF-8
    delimiter = ";" if fmt.decimal_point() == "," else ","
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def quarter_hour_csv(days: Days) -> str:
    """Write a year's quarter hours as CSV, the header in the viewer's language."""
    return csv_text([[_(title) for title in CSV_HEADER], *quarter_hour_rows(days)])


def table_csv(data: dict) -> str:
    """Write a view's data table as CSV, footer row included."""
    return csv_text([[title for title, _numeric in data["columns"]], *data["rows"],
                     *([data["footer"]] if data.get("footer") else [])])
