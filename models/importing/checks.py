"""Consistency checks on an export before anything is written: rows, references, sums.

What fails is rejected with a reason, never silently fixed.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from ..bands import Bands
from ..billing import generation_for, line_amount
from ..entities import Contract, Customer, Invoice, InvoiceLine, MonthlyConsumption
from ..enums import PaymentMethod
from ..wording import _
from .formats import CONTRACTS, CUSTOMERS, INVOICES, LINES, MONTHS, PAYMENTS, READINGS
from .reading import FileSet, Problem, Record

CHUNK = 1000
InvoiceKey = tuple[int, int]  # (fiscal year, number)


def chunks(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    """Split items into lists of at most `size`, for IN clauses of bounded length."""
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def invoice_key(record: Record) -> InvoiceKey:
    """Return the natural key of the invoice a row belongs to."""
    return record["fiscal_year"], record["number"]


def record_bands(record: Record) -> Bands[int]:
    """Return the kWh by band of an invoice or monthly row (columns f1_kwh, f2_kwh, f3_kwh)."""
    return Bands(record["f1_kwh"], record["f2_kwh"], record["f3_kwh"])


# --- one row at a time ---------------------------------------------------------------------

def _bands_add_up(record: Record) -> list[tuple[str, str]]:
    """Check kWh = F1 + F2 + F3."""
    bands = record_bands(record)
    if not bands.adds_up_to(record["kwh"]):
        return [("kwh", _("%(kwh)s kWh ma F1+F2+F3 = %(bands)s kWh", kwh=record["kwh"],
                          bands=bands.total))]
    return []


def _month_end(day: date) -> date:
    """Return the last day of a day's month."""
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _invoice_row(record: Record) -> list[tuple[str, str]]:
    """Check an invoice's bands, dates, year and layout generation."""
    found = _bands_add_up(record)
    start, end, issued = record["period_start"], record["period_end"], record["issue_date"]
    if start.day != 1:
        found.append(("inizio_periodo", _("il periodo deve iniziare il primo del mese")))
    if end < start:
        found.append(("fine_periodo", _("la fine del periodo precede l'inizio")))
    elif end != _month_end(end):
        found.append(("fine_periodo", _("il periodo deve finire l'ultimo giorno del mese")))
    if record["reading_date"] != end + timedelta(days=1):
        found.append(("data_lettura", _("deve essere il giorno dopo la fine del periodo")))
    if issued < record["reading_date"]:
        found.append(("data_emissione", _("la fattura è emessa prima della lettura")))
    if record["due_date"] < issued:
        found.append(("scadenza", _("la scadenza precede l'emissione")))
    if record["fiscal_year"] != issued.year:
        found.append(("anno", _("l'anno deve essere quello di emissione")))
    if record["generation"] != generation_for(issued):
        found.append(("generazione", _("per una fattura emessa il %(day)s è %(generation)s",
                                       day=issued.isoformat(),
                                       generation=generation_for(issued).value)))
    return found


def _line_row(record: Record) -> list[tuple[str, str]]:
    """Check quantity × unit price = amount, to the cent."""
    expected = line_amount(record["quantity"], record["unit_price"])
    if record["amount"] != expected:
        return [("importo", _("quantità × prezzo unitario = %(expected)s, non %(amount)s",
                              expected=expected, amount=record["amount"]))]
    return []


def _contract_row(record: Record) -> list[tuple[str, str]]:
    """Check a contract's dates, power and payment details."""
    found = []
    if record["end_date"] is not None and record["end_date"] < record["start_date"]:
        found.append(("data_fine", _("la fine del contratto precede l'inizio")))
    if record["power_available_kw"] < record["power_committed_kw"]:
        found.append(("potenza_disponibile_kw", _("minore della potenza impegnata")))
    if record["payment_method"] is PaymentMethod.SEPA and not record["iban"]:
        found.append(("iban", _("obbligatorio per l'addebito SEPA")))
    return found


def _payment_row(record: Record) -> list[tuple[str, str]]:
    """Check a payment brings money in: a refund is not a payment."""
    if record["amount"] <= 0:
        return [("importo", _("un pagamento deve essere maggiore di zero"))]
    return []


ROW_CHECKS = {
    CONTRACTS.name: _contract_row,
    MONTHS.name: _bands_add_up,
    INVOICES.name: _invoice_row,
    LINES.name: _line_row,
    PAYMENTS.name: _payment_row,
}


def row_problems(files: FileSet) -> list[Problem]:
    """Run the checks that need one row only."""
    return [Problem(name, record.line, column, reason)
            for name, check in ROW_CHECKS.items()
            for record in files.get(name, [])
            for column, reason in check(record)]


# --- references to rows in other files or in the database ----------------------------------

@dataclass
class Known:
    """What the database already holds of the keys the export mentions."""

    customer_ids: dict[str, int] = field(default_factory=dict)          # code -> id
    contract_ids: dict[str, int] = field(default_factory=dict)          # POD -> id
    invoices: dict[InvoiceKey, tuple[int, int, Decimal]] = field(default_factory=dict)
    # (year, number) -> (id, contract id, total)


def load_known(session: Session, files: FileSet) -> Known:
    """Look up the customers, contracts and invoices the export refers to."""
    known = Known()
    codes = {r["code"] for r in files.get(CUSTOMERS.name, [])}
    codes |= {r["customer_code"] for r in files.get(CONTRACTS.name, [])}
    for batch in chunks(codes):
        known.customer_ids.update(session.execute(
            select(Customer.code, Customer.id).where(Customer.code.in_(batch))).all())
    pods = {r["pod"] for name in (CONTRACTS, MONTHS, READINGS, INVOICES)
            for r in files.get(name.name, [])}
    for batch in chunks(pods):
        known.contract_ids.update(session.execute(
            select(Contract.pod, Contract.id).where(Contract.pod.in_(batch))).all())
    keys = {invoice_key(r) for name in (INVOICES, LINES, PAYMENTS)
            for r in files.get(name.name, [])}
    for batch in chunks(keys):
        rows = session.execute(
            select(Invoice.fiscal_year, Invoice.number, Invoice.id, Invoice.contract_id,
                   Invoice.total)
            .where(tuple_(Invoice.fiscal_year, Invoice.number).in_(batch)))
        known.invoices.update({(y, n): (i, c, t) for y, n, i, c, t in rows})
    return known


def reference_problems(files: FileSet, known: Known) -> list[Problem]:
    """Check each customer, POD and invoice a row names is in the export or the database."""
    codes = set(known.customer_ids) | {r["code"] for r in files.get(CUSTOMERS.name, [])}
    pods = set(known.contract_ids) | {r["pod"] for r in files.get(CONTRACTS.name, [])}
    invoices = set(known.invoices) | {invoice_key(r) for r in files.get(INVOICES.name, [])}
    problems = [Problem(CONTRACTS.name, r.line, "codice_cliente", _("cliente sconosciuto"))
                for r in files.get(CONTRACTS.name, []) if r["customer_code"] not in codes]
    problems += [Problem(spec.name, r.line, "pod", _("POD sconosciuto"))
                 for spec in (MONTHS, READINGS, INVOICES)
                 for r in files.get(spec.name, []) if r["pod"] not in pods]
    problems += [Problem(spec.name, r.line, "numero", _("fattura sconosciuta"))
                 for spec in (LINES, PAYMENTS)
                 for r in files.get(spec.name, []) if invoice_key(r) not in invoices]
    contract_pods = {cid: pod for pod, cid in known.contract_ids.items()}
    for r in files.get(INVOICES.name, []):
        existing = known.invoices.get(invoice_key(r))
        if existing and contract_pods.get(existing[1]) != r["pod"]:
            problems.append(Problem(INVOICES.name, r.line, "pod",
                                    _("la fattura esiste già su un altro POD")))
    return problems


# --- sums across rows and files ------------------------------------------------------------

def line_total_problems(session: Session, files: FileSet, known: Known) -> list[Problem]:
    """Check every invoice's lines add up to its total, to the cent."""
    totals = {key: total for key, (_, _, total) in known.invoices.items()}
    totals |= {invoice_key(r): r["total"] for r in files.get(INVOICES.name, [])}
    lines: dict[InvoiceKey, list[Record]] = defaultdict(list)
    for r in files.get(LINES.name, []):
        lines[invoice_key(r)].append(r)
    problems = []
    for key, records in lines.items():
        added = sum((r["amount"] for r in records), Decimal("0.00"))
        if key in totals and added != totals[key]:
            problems.append(Problem(LINES.name, records[0].line, "importo",
                                    _("le righe della fattura %(number)s/%(year)s sommano a "
                                      "%(added)s, il totale è %(total)s", number=key[1],
                                      year=key[0], added=added, total=totals[key])))
    without_lines = [r for r in files.get(INVOICES.name, []) if invoice_key(r) not in lines]
    stored_ids = [known.invoices[invoice_key(r)][0] for r in without_lines
                  if invoice_key(r) in known.invoices]
    stored = _stored_line_sums(session, stored_ids)
    for r in without_lines:
        existing = known.invoices.get(invoice_key(r))
        if existing is None:
            problems.append(Problem(INVOICES.name, r.line, "numero",
                                    _("nessuna riga in %(file)s per questa fattura",
                                      file=LINES.name)))
        elif stored.get(existing[0], Decimal("0.00")) != r["total"]:
            problems.append(Problem(INVOICES.name, r.line, "totale",
                                    _("le righe già importate sommano a %(added)s",
                                      added=stored.get(existing[0], Decimal("0.00")))))
    return problems


def _stored_line_sums(session: Session, invoice_ids: Sequence[int]) -> dict[int, Decimal]:
    """Return the sum of the stored lines of some invoices."""
    sums: dict[int, Decimal] = {}
    for batch in chunks(invoice_ids):
        rows = session.execute(select(InvoiceLine.invoice_id, func.sum(InvoiceLine.amount))
                               .where(InvoiceLine.invoice_id.in_(batch))
                               .group_by(InvoiceLine.invoice_id))
        sums.update(rows.all())  # sum() keeps the column's Money type: euro
    return sums


@dataclass(frozen=True)
class _Period:
    """An invoice's period and bands, from the export (line) or the database (line None)."""

    key: InvoiceKey
    start: date
    end: date
    bands: Bands[int]
    line: int | None


def _periods_by_pod(session: Session, files: FileSet,
                    known: Known) -> dict[str, dict[InvoiceKey, _Period]]:
    """Merge the stored and the exported invoices of the PODs the export touches."""
    pods = {r["pod"] for name in (MONTHS.name, INVOICES.name) for r in files.get(name, [])}
    pod_of = {cid: pod for pod, cid in known.contract_ids.items() if pod in pods}
    merged: dict[str, dict[InvoiceKey, _Period]] = defaultdict(dict)
    for batch in chunks(pod_of):
        for y, n, cid, start, end, f1, f2, f3 in session.execute(
                select(Invoice.fiscal_year, Invoice.number, Invoice.contract_id,
                       Invoice.period_start, Invoice.period_end, Invoice.f1_kwh,
                       Invoice.f2_kwh, Invoice.f3_kwh).where(Invoice.contract_id.in_(batch))):
            merged[pod_of[cid]][(y, n)] = _Period((y, n), start, end, Bands(f1, f2, f3), None)
    for r in files.get(INVOICES.name, []):
        for periods in merged.values():
            periods.pop(invoice_key(r), None)
        merged[r["pod"]][invoice_key(r)] = _Period(
            invoice_key(r), r["period_start"], r["period_end"], record_bands(r), r.line)
    return merged


MonthsByPod = dict[str, dict[date, tuple[Bands[int], int | None]]]


def months_by_pod(session: Session, files: FileSet, known: Known,
                  pods: set[str]) -> MonthsByPod:
    """Merge the stored and the exported monthly totals of some PODs, with each file line."""
    pod_of = {cid: pod for pod, cid in known.contract_ids.items() if pod in pods}
    merged: MonthsByPod = defaultdict(dict)
    for batch in chunks(pod_of):
        for cid, month, f1, f2, f3 in session.execute(
                select(MonthlyConsumption.contract_id, MonthlyConsumption.month,
                       MonthlyConsumption.f1_kwh, MonthlyConsumption.f2_kwh,
                       MonthlyConsumption.f3_kwh)
                .where(MonthlyConsumption.contract_id.in_(batch))):
            merged[pod_of[cid]][month] = (Bands(f1, f2, f3), None)
    for r in files.get(MONTHS.name, []):
        merged[r["pod"]][r["month"]] = (record_bands(r), r.line)
    return merged


def _months_of(period: _Period) -> list[date]:
    """List the first days of the months a period covers."""
    months, month = [], period.start
    while month <= period.end:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def period_problems(session: Session, files: FileSet, known: Known) -> list[Problem]:
    """Check each period's months add up to its invoice and no two periods of a POD overlap."""
    periods = _periods_by_pod(session, files, known)
    months = months_by_pod(session, files, known, {
        r["pod"] for name in (MONTHS.name, INVOICES.name) for r in files.get(name, [])})
    problems = []
    for pod, by_key in periods.items():
        problems += _overlaps(sorted(by_key.values(), key=lambda p: (p.start, p.key)))
        for period in by_key.values():
            problems += _month_sum(period, months.get(pod, {}))
    return problems


def _overlaps(ordered: Sequence[_Period]) -> list[Problem]:
    """Report each exported invoice whose period overlaps the one before or after it."""
    problems = []
    for before, after in pairwise(ordered):
        if after.start > before.end:
            continue
        culprit, other = (after, before) if after.line is not None else (before, after)
        if culprit.line is not None:
            problems.append(Problem(INVOICES.name, culprit.line, "inizio_periodo",
                                    _("il periodo si sovrappone a quello della fattura "
                                      "%(number)s/%(year)s", number=other.key[1],
                                      year=other.key[0])))
    return problems


def _month_sum(period: _Period,
               months: dict[date, tuple[Bands[int], int | None]]) -> list[Problem]:
    """Report an invoice whose months are missing or do not add up to its bands."""
    covered = [months.get(m) for m in _months_of(period)]
    exported = [entry[1] for entry in covered if entry and entry[1] is not None]
    if period.line is None and not exported:
        return []  # neither the invoice nor its months change: nothing to check
    where = ((INVOICES.name, period.line) if period.line is not None
             else (MONTHS.name, min(exported)))
    number, year = period.key[1], period.key[0]
    if any(entry is None for entry in covered):
        return [Problem(*where, "mese", _(
            "fattura %(number)s/%(year)s: mancano i consumi di alcuni mesi del periodo",
            number=number, year=year))]
    added = Bands.sum_of(bands for bands, _line in covered)
    if added != period.bands:
        return [Problem(*where, "f1_kwh", _(
            "fattura %(number)s/%(year)s: i mesi sommano a F1/F2/F3 = %(added)s, la fattura "
            "a %(billed)s", number=number, year=year, added="/".join(map(str, added)),
            billed="/".join(map(str, period.bands))))]
    return []
