"""Write a checked export: upsert by natural keys, counting what is new, changed or the same."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from ..advice import forget_usage
from ..entities import (
    Contract,
    Customer,
    Invoice,
    InvoiceLine,
    MeterReading,
    MonthlyConsumption,
    Payment,
)
from ..generation import bump_generation
from ..search import holders, refresh_search
from .checks import chunks, invoice_key
from .formats import CONTRACTS, CUSTOMERS, INVOICES, LINES, MONTHS, PAYMENTS, READINGS
from .reading import FileSet, Record

Progress = Callable[[int], None]
Row = dict[str, object]


@dataclass
class Counts:
    """What an import did to one table."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0


def _upsert(session: Session, model: type, key: Sequence[str], rows: Sequence[Row],
            progress: Progress) -> Counts:
    """Insert new rows, update changed ones and leave equal ones alone."""
    counts = Counts()
    # Columns the export does not carry (added later, with defaults) are left as stored.
    fields = list(rows[0]) if rows else []
    columns = [getattr(model, f) for f in ("id", *fields)]
    by_key = {tuple(row[k] for k in key): row for row in rows}
    for batch in chunks(by_key):
        # Filter on the first key column in SQL, on the whole key in Python.
        first = sorted({k[0] for k in batch})
        stored = {
            tuple(getattr(r, k) for k in key): r
            for r in session.execute(select(*columns).where(getattr(model, key[0]).in_(first)))
        }
        inserts, updates = [], []
        for k in batch:
            row, old = by_key[k], stored.get(k)
            if old is None:
                inserts.append(row)
            elif any(getattr(old, f) != row[f] for f in fields):
                updates.append({"id": old.id, **row})
            else:
                counts.unchanged += 1
        if inserts:
            session.execute(insert(model), inserts)
        if updates:
            session.execute(update(model), updates)
        counts.new += len(inserts)
        counts.changed += len(updates)
        progress(len(batch))
    return counts


def _ids(session: Session, column, id_column, values: set) -> dict:
    """Map natural key values to database ids."""
    found: dict = {}
    for batch in chunks(values):
        found.update(session.execute(select(column, id_column).where(column.in_(batch))).all())
    return found


def _rows(records: Sequence[Record], drop: Sequence[str] = (), **add: Callable) -> list[Row]:
    """Turn records into model rows: drop export-only fields, add resolved ids."""
    rows = []
    for record in records:
        row = {k: v for k, v in record.values.items() if k not in drop}
        row.update({name: resolve(record) for name, resolve in add.items()})
        rows.append(row)
    return rows


def write(session: Session, files: FileSet, progress: Progress) -> dict[str, Counts]:
    """Write every file of a checked export in dependency order; the caller commits."""
    counts: dict[str, Counts] = {}
    get = files.get
    codes = {r["code"] for r in get(CUSTOMERS.name, [])}
    held = {r["pod"] for r in get(CONTRACTS.name, [])}
    searched = holders(session, codes, held)   # before: a POD may move to another holder
    counts[CUSTOMERS.name] = _upsert(session, Customer, ("code",),
                                     _rows(get(CUSTOMERS.name, [])), progress)
    customers = _ids(session, Customer.code, Customer.id,
                     {r["customer_code"] for r in get(CONTRACTS.name, [])})
    counts[CONTRACTS.name] = _upsert(session, Contract, ("pod",), _rows(
        get(CONTRACTS.name, []), drop=("customer_code",),
        customer_id=lambda r: customers[r["customer_code"]]), progress)
    refresh_search(session, searched | holders(session, codes, held))
    pods = _ids(session, Contract.pod, Contract.id,
                {r["pod"] for name in (MONTHS, READINGS, INVOICES) for r in get(name.name, [])})
    by_pod = {"contract_id": lambda r: pods[r["pod"]]}
    counts[MONTHS.name] = _upsert(session, MonthlyConsumption, ("contract_id", "month"), _rows(
        get(MONTHS.name, []), drop=("pod", "kwh"), **by_pod), progress)
    counts[READINGS.name] = _upsert(session, MeterReading, ("contract_id", "read_on"), _rows(
        get(READINGS.name, []), drop=("pod",), **by_pod), progress)
    counts[INVOICES.name] = _upsert(session, Invoice, ("number", "fiscal_year"), _rows(
        get(INVOICES.name, []), drop=("pod", "kwh"), **by_pod), progress)
    invoices = _invoice_ids(session, files)
    by_invoice = {"invoice_id": lambda r: invoices[invoice_key(r)]}
    line_rows = _rows(get(LINES.name, []), drop=("fiscal_year", "number"), **by_invoice)
    counts[LINES.name] = _upsert(session, InvoiceLine, ("invoice_id", "position"), line_rows,
                                 progress)
    counts[LINES.name].removed = _remove_dropped_lines(session, line_rows)
    counts[PAYMENTS.name] = _replace_payments(session, _rows(
        get(PAYMENTS.name, []), drop=("fiscal_year", "number"), **by_invoice), progress)
    if any(c.new or c.changed for c in (counts[CONTRACTS.name], counts[MONTHS.name])):
        forget_usage(session)     # the advisor's list sums the months of each holder
    if any(c.new or c.changed or c.removed for c in counts.values()):
        bump_generation(session)  # cached PDFs of the old data stop being served
    return {name: c for name, c in counts.items() if name in files}


def invoices_named(session: Session, files: FileSet) -> list[int]:
    """Return the ids of the invoices an export names, the latest written first (to print them)."""
    return sorted(_invoice_ids(session, files, (INVOICES, LINES, PAYMENTS)).values(),
                  reverse=True)


def _invoice_ids(session: Session, files: FileSet,
                 specs: Sequence = (LINES, PAYMENTS)) -> dict[tuple[int, int], int]:
    """Map the (year, number) of every invoice the given files name to its id."""
    keys = {invoice_key(r) for name in specs for r in files.get(name.name, [])}
    found: dict[tuple[int, int], int] = {}
    for year, numbers in _group(keys).items():
        for batch in chunks(numbers):
            found.update({(year, n): i for n, i in session.execute(
                select(Invoice.number, Invoice.id)
                .where(Invoice.fiscal_year == year, Invoice.number.in_(batch)))})
    return found


def _group(keys: set[tuple[int, int]]) -> dict[int, list[int]]:
    """Group invoice keys by year."""
    grouped: dict[int, list[int]] = defaultdict(list)
    for year, number in sorted(keys):
        grouped[year].append(number)
    return grouped


def _remove_dropped_lines(session: Session, rows: Sequence[Row]) -> int:
    """Delete stored lines of the exported invoices that the export no longer lists."""
    positions: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        positions[row["invoice_id"]].add(row["position"])
    removed = 0
    for invoice_id, kept in positions.items():
        removed += session.execute(
            delete(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id,
                                      InvoiceLine.position.not_in(kept))).rowcount
    return removed


def _payment_set(rows) -> list[tuple]:
    """Return payments as a sorted list, to compare an invoice's payments as a whole."""
    return sorted((r["paid_on"], r["amount"], r["channel"]) for r in rows)


def _replace_payments(session: Session, rows: Sequence[Row], progress: Progress) -> Counts:
    """Replace each exported invoice's payments, unless they are the same as stored."""
    counts = Counts()
    exported: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        exported[row["invoice_id"]].append(row)
    for batch in chunks(exported):
        stored: dict[int, list] = defaultdict(list)
        for p in session.execute(select(Payment.invoice_id, Payment.paid_on, Payment.amount,
                                        Payment.channel).where(Payment.invoice_id.in_(batch))):
            stored[p.invoice_id].append(p._mapping)
        for invoice_id in batch:
            new, old = exported[invoice_id], stored.get(invoice_id, [])
            if _payment_set(new) == _payment_set(old):
                counts.unchanged += len(new)
                continue
            session.execute(delete(Payment).where(Payment.invoice_id == invoice_id))
            session.execute(insert(Payment), new)
            counts.removed += len(old)
            counts.new += len(new)
        progress(sum(len(exported[i]) for i in batch))
    return counts
