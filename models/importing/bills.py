"""Checks that keep every bill truthful: readings, layout, IVA, excise and payments.

Each rule compares an exported row with what it must agree with, taken from the same folder
or, when the folder does not carry it, from the database: an invoice with its contract, its
months and its meter readings; a line with its invoice's layout; a payment with its invoice.
A bill that broke one of them would mislead the customer or could not be printed.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import pairwise

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from ..bands import Bands
from ..billing import (
    MonthUse,
    SupplyTerms,
    excisable_kwh,
    layout_groups,
    vat_rate,
)
from ..entities import Contract, Invoice, InvoiceLine, MeterReading
from ..enums import BillGeneration, CostGroup, CostSide, CustomerType, TariffStructure
from ..wording import _
from .checks import Known, chunks, invoice_key, months_by_pod, record_bands
from .formats import CONTRACTS, INVOICES, LINES, MONTHS, PAYMENTS, READINGS
from .reading import FileSet, Problem

InvoiceKey = tuple[int, int]
BANDS = ("f1", "f2", "f3")
# The 2025 receipt splits these groups between the seller and the network.
SPLIT_GROUPS = frozenset({CostGroup.CONSUMPTION_SHARE, CostGroup.FIXED_SHARE,
                          CostGroup.POWER_SHARE})
SPLIT_SIDES = frozenset({CostSide.SALE, CostSide.NETWORK})
EURO = "€"      # the unit of a rate line: IVA on a taxable base
KWH = "kWh"
_EXEMPT = re.compile(r"\((\d+) kWh esenti\)")


@dataclass(frozen=True)
class Place:
    """Where a problem is reported: a row of the export."""

    file: str
    line: int


@dataclass
class Bill:
    """An invoice as the export leaves it: its own row, its lines and its contract's terms."""

    key: InvoiceKey
    pod: str
    issue_date: date
    period_start: date
    reading_date: date
    bands: Bands[int]
    generation: BillGeneration
    is_adjustment: bool
    place: Place | None                      # its row in fatture.csv, if exported
    lines: list[tuple[LineFact, Place | None]] = field(default_factory=list)


@dataclass(frozen=True)
class Terms:
    """What about a contract decides its IVA and excise."""

    customer_type: CustomerType
    power_committed_kw: Decimal


@dataclass(frozen=True)
class LineFact:
    """A cost line's values, from the export or the database."""

    position: int
    group: CostGroup
    side: CostSide
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal


def bill_problems(session: Session, files: FileSet, known: Known) -> list[Problem]:
    """Run every check that keeps a bill truthful; the rows are right one by one already."""
    pods = _touched_pods(files, known)
    bills = _bills(session, files, known, pods)
    readings = _readings(session, files, known, pods)
    problems = list(_reading_order(readings))
    problems += _readings_against_bills(bills, readings)
    terms = _terms(session, files, {b.pod for b in bills.values()})
    months = _months(session, files, known, {b.pod for b in bills.values()})
    for bill in bills.values():
        problems += _line_layout(bill)
        problems += _vat(bill, terms[bill.pod])
        problems += _excise(bill, terms[bill.pod], months.get(bill.pod, {}))
    problems += _payments(session, files)
    return sorted(problems, key=lambda p: (p.file, p.line, p.column))


# --- which invoices the export touches ------------------------------------------------------

def _touched_pods(files: FileSet, known: Known) -> set[str]:
    """Return the PODs whose readings, months or invoices the export writes."""
    pods = {r["pod"] for name in (READINGS, MONTHS, INVOICES) for r in files.get(name.name, [])}
    pod_of = {cid: pod for pod, cid in known.contract_ids.items()}
    pods |= {pod_of[known.invoices[invoice_key(r)][1]] for r in files.get(LINES.name, [])
             if invoice_key(r) in known.invoices}
    return pods


def _bills(session: Session, files: FileSet, known: Known,
           pods: set[str]) -> dict[InvoiceKey, Bill]:
    """Merge the stored and exported invoices of the touched PODs, each with its lines."""
    pod_of = {cid: pod for pod, cid in known.contract_ids.items() if pod in pods}
    bills: dict[InvoiceKey, Bill] = {}
    ids: dict[int, InvoiceKey] = {}
    for batch in chunks(pod_of):
        for inv in session.execute(select(
                Invoice.id, Invoice.fiscal_year, Invoice.number, Invoice.contract_id,
                Invoice.issue_date, Invoice.period_start, Invoice.reading_date, Invoice.f1_kwh,
                Invoice.f2_kwh, Invoice.f3_kwh, Invoice.generation, Invoice.is_adjustment)
                .where(Invoice.contract_id.in_(batch))):
            key = (inv.fiscal_year, inv.number)
            ids[inv.id] = key
            bills[key] = Bill(key, pod_of[inv.contract_id], inv.issue_date, inv.period_start,
                              inv.reading_date, Bands(inv.f1_kwh, inv.f2_kwh, inv.f3_kwh),
                              inv.generation, inv.is_adjustment, None)
    for r in files.get(INVOICES.name, []):
        bills[invoice_key(r)] = Bill(
            invoice_key(r), r["pod"], r["issue_date"], r["period_start"], r["reading_date"],
            record_bands(r), r["generation"], r["is_adjustment"],
            Place(INVOICES.name, r.line))
    exported = defaultdict(list)
    for r in files.get(LINES.name, []):
        exported[invoice_key(r)].append(
            (LineFact(*(r[f] for f in ("position", "group", "side", "description", "quantity",
                                       "unit", "unit_price"))), Place(LINES.name, r.line)))
    # Stored lines matter only under an exported invoice row: a bill the folder leaves alone
    # keeps the lines that were checked when it was imported.
    stored_ids = [i for i, key in ids.items() if key not in exported
                  and bills[key].place is not None]
    for batch in chunks(stored_ids):
        for line in session.execute(select(
                InvoiceLine.invoice_id, InvoiceLine.position, InvoiceLine.group,
                InvoiceLine.side, InvoiceLine.description, InvoiceLine.quantity,
                InvoiceLine.unit, InvoiceLine.unit_price).where(InvoiceLine.invoice_id.in_(batch))):
            bills[ids[line.invoice_id]].lines.append((LineFact(*line[1:]), None))
    for key, lines in exported.items():
        if key in bills:
            bills[key].lines = lines
    for bill in bills.values():
        bill.lines.sort(key=lambda pair: pair[0].position)
    return bills


def _terms(session: Session, files: FileSet, pods: set[str]) -> dict[str, Terms]:
    """Return the customer type and committed power of the PODs, exported or stored."""
    terms = {}
    for batch in chunks(pods):
        for pod, kind, power in session.execute(
                select(Contract.pod, Contract.customer_type, Contract.power_committed_kw)
                .where(Contract.pod.in_(batch))):
            terms[pod] = Terms(kind, power)
    for r in files.get(CONTRACTS.name, []):
        terms[r["pod"]] = Terms(r["customer_type"], r["power_committed_kw"])
    return terms


def _months(session: Session, files: FileSet, known: Known,
            pods: set[str]) -> dict[str, dict[date, Bands[int]]]:
    """Return the monthly band totals of the PODs, exported or stored."""
    return {pod: {month: bands for month, (bands, _line) in months.items()}
            for pod, months in months_by_pod(session, files, known, pods).items()}


# --- meter readings -------------------------------------------------------------------------

Readings = dict[str, dict[date, tuple[Bands[int], Place | None]]]


def _readings(session: Session, files: FileSet, known: Known, pods: set[str]) -> Readings:
    """Return the meter registers of the PODs by date, exported or stored."""
    pod_of = {cid: pod for pod, cid in known.contract_ids.items() if pod in pods}
    readings: Readings = defaultdict(dict)
    for batch in chunks(pod_of):
        for cid, day, f1, f2, f3 in session.execute(
                select(MeterReading.contract_id, MeterReading.read_on, MeterReading.f1,
                       MeterReading.f2, MeterReading.f3)
                .where(MeterReading.contract_id.in_(batch))):
            readings[pod_of[cid]][day] = (Bands(f1, f2, f3), None)
    for r in files.get(READINGS.name, []):
        readings[r["pod"]][r["read_on"]] = (Bands(r["f1"], r["f2"], r["f3"]),
                                            Place(READINGS.name, r.line))
    return readings


def _reading_order(readings: Readings) -> Iterator[Problem]:
    """Report an exported reading whose register is lower than the one read before it."""
    for by_day in readings.values():
        days = sorted(by_day)
        for before, after in pairwise(days):
            (old, old_place), (new, new_place) = by_day[before], by_day[after]
            place = new_place or old_place
            if place is None:
                continue
            for band, earlier, later in zip(BANDS, old, new, strict=True):
                if later < earlier:
                    yield Problem(place.file, place.line, band, _(
                        "il registro %(band)s scende da %(earlier)s (%(before)s) a %(later)s "
                        "(%(after)s)", band=band.upper(), earlier=earlier,
                        before=before.isoformat(), later=later, after=after.isoformat()))


def _readings_against_bills(bills: dict[InvoiceKey, Bill],
                            readings: Readings) -> Iterator[Problem]:
    """Report a bill whose band kWh differ from its two readings' difference."""
    for bill in bills.values():
        if bill.is_adjustment:
            continue  # a conguaglio's registers also span the kWh it recalculates
        by_day = readings.get(bill.pod, {})
        start, end = by_day.get(bill.period_start), by_day.get(bill.reading_date)
        if start is None or end is None:
            continue
        place = bill.place or end[1] or start[1]
        if place is None:
            continue
        read = end[0] - start[0]
        for band, kwh, billed in zip(BANDS, read, bill.bands, strict=True):
            if kwh != billed:
                column = f"{band}_kwh" if place.file == INVOICES.name else band
                yield Problem(place.file, place.line, column, _(
                    "fattura %(number)s/%(year)s: le letture del %(start)s e del %(end)s "
                    "danno %(band)s = %(kwh)s kWh, la fattura ne addebita %(billed)s",
                    number=bill.key[1], year=bill.key[0], start=bill.period_start.isoformat(),
                    end=bill.reading_date.isoformat(), band=band.upper(), kwh=kwh,
                    billed=billed))


# --- the lines of a bill --------------------------------------------------------------------

def _where(bill: Bill, place: Place | None) -> Place | None:
    """Return the row to report a line's problem at: the line's, else the invoice's."""
    return place or bill.place


def _line_layout(bill: Bill) -> Iterator[Problem]:
    """Report lines in a group of the other bill layout, or split groups without a side."""
    groups = layout_groups(bill.generation)
    for line, place in bill.lines:
        where = _where(bill, place)
        if where is None:
            continue
        column = "gruppo" if where.file == LINES.name else "generazione"
        if line.group not in groups:
            yield Problem(where.file, where.line, column, _(
                "fattura %(number)s/%(year)s: il gruppo %(group)s non esiste nelle bollette "
                "%(generation)s (emessa il %(day)s); ammessi: %(allowed)s",
                number=bill.key[1], year=bill.key[0], group=line.group.value,
                generation=bill.generation.value, day=bill.issue_date.isoformat(),
                allowed=", ".join(g.value for g in groups)))
        elif line.group in SPLIT_GROUPS and line.side not in SPLIT_SIDES:
            yield Problem(where.file, where.line, "lato" if place else column,
                          _("nel gruppo %(group)s il lato è vendita o rete_oneri",
                            group=line.group.value))


def _vat(bill: Bill, terms: Terms) -> Iterator[Problem]:
    """Report an IVA line whose rate is not the one of the supply's use."""
    expected = vat_rate(terms.customer_type)
    for line, place in bill.lines:
        where = _where(bill, place)
        if where is None or line.group is not CostGroup.TAXES or line.unit != EURO:
            continue
        if line.unit_price != expected:
            yield Problem(where.file, where.line, "prezzo_unitario" if place else "pod", _(
                "fattura %(number)s/%(year)s: IVA al %(rate)s%%, ma per una fornitura "
                "%(use)s è al %(expected)s%%", number=bill.key[1], year=bill.key[0],
                rate=f"{line.unit_price * 100:.0f}", use=terms.customer_type.value,
                expected=f"{expected * 100:.0f}"))


def _excise(bill: Bill, terms: Terms,
            months: dict[date, Bands[int]]) -> Iterator[Problem]:
    """Report a bill whose excise line is missing or taxes other kWh than the law says."""
    if not any(place for _, place in bill.lines) and bill.place is None:
        return
    uses = []
    for month in _months_of(bill):
        if month not in months:
            return  # the months check already reports the missing month
        uses.append(MonthUse(month, months[month]))
    supply = SupplyTerms(terms.customer_type, TariffStructure.MULTI, terms.power_committed_kw,
                         is_member=False)
    taxed = excisable_kwh(supply, uses)
    exempt = sum(m.kwh for m in uses) - taxed
    excise = [(line, place) for line, place in bill.lines
              if line.group is CostGroup.TAXES and line.unit == KWH]
    number, year = bill.key[1], bill.key[0]
    if not excise:
        if taxed:
            where = _where(bill, bill.lines[-1][1] if bill.lines else None)
            if where is not None:
                yield Problem(where.file, where.line, "gruppo" if where.file == LINES.name
                              else "numero", _(
                                  "fattura %(number)s/%(year)s: manca la riga dell'accisa "
                                  "(gruppo imposte_iva, unità kWh) su %(taxed)s kWh",
                                  number=number, year=year, taxed=taxed))
        return
    line, place = excise[0]   # the period's own; a conguaglio adds one on recalculated kWh
    where = _where(bill, place)
    if where is None:
        return
    if line.quantity != taxed:
        yield Problem(where.file, where.line, "quantita" if place else "f1_kwh", _(
            "fattura %(number)s/%(year)s: accisa su %(quantity)s kWh, ma su %(used)s kWh ne "
            "sono esenti %(exempt)s (D.Lgs. 504/1995 art. 52): vanno tassati %(taxed)s kWh",
            number=number, year=year, quantity=f"{line.quantity.normalize():f}",
            used=sum(m.kwh for m in uses), exempt=exempt, taxed=taxed))
    stated = _EXEMPT.search(line.description)
    if stated and int(stated.group(1)) != exempt and place:
        yield Problem(where.file, where.line, "descrizione", _(
            "fattura %(number)s/%(year)s: la riga dice %(stated)s kWh esenti, sono %(exempt)s",
            number=number, year=year, stated=stated.group(1), exempt=exempt))


def _months_of(bill: Bill) -> list[date]:
    """List the first days of the months a bill's period covers."""
    months, month = [], bill.period_start
    while month < bill.reading_date:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


# --- payments -------------------------------------------------------------------------------

def _payments(session: Session, files: FileSet) -> Iterator[Problem]:
    """Report payments dated before their invoice was issued."""
    issued = {invoice_key(r): r["issue_date"] for r in files.get(INVOICES.name, [])}
    wanted = [key for key in {invoice_key(r) for r in files.get(PAYMENTS.name, [])}
              if key not in issued]
    for batch in chunks(wanted):
        issued.update({(y, n): d for y, n, d in session.execute(
            select(Invoice.fiscal_year, Invoice.number, Invoice.issue_date)
            .where(tuple_(Invoice.fiscal_year, Invoice.number).in_(batch)))})
    for r in files.get(PAYMENTS.name, []):
        day = issued.get(invoice_key(r))
        if day is not None and r["paid_on"] < day:
            yield Problem(PAYMENTS.name, r.line, "data", _(
                "pagamento del %(paid)s, prima dell'emissione della fattura "
                "%(number)s/%(year)s (%(day)s)", paid=r["paid_on"].isoformat(),
                number=r["number"], year=r["fiscal_year"], day=day.isoformat()))
