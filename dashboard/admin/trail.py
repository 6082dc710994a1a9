"""The access trail as the administrator reads it: filtered, paged, exported as CSV."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, select

from models import AccessKind, AccessRecord, Customer, db
from models.audit import Verdict, verify

from ..formatting import moment
from ..i18n import N_, _

PER_PAGE = 50
EXPORT_LIMIT = 100_000
CSV_HEADER = (N_("data e ora"), N_("personale"), N_("profilo"), N_("codice cliente"), N_("tipo"),
              N_("oggetto"), N_("indirizzo"), N_("motivo"))


@dataclass(frozen=True)
class TrailFilter:
    """The filters the administrator chose; every field optional, already validated."""

    staff: str = ""                 # part of the staff email, case-insensitive
    customer_code: str = ""
    kind: AccessKind | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class TrailPage:
    """One page of records, newest first, with the customer code of each."""

    rows: list[tuple[AccessRecord, str]]
    total: int
    page: int
    pages: int


def _filtered(query: Select, chosen: TrailFilter) -> Select:
    """Apply the chosen filters to a query over access records."""
    if chosen.staff:
        escaped = chosen.staff.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(AccessRecord.staff_email).like(f"%{escaped}%", escape="\\"))
    if chosen.customer_code:
        query = query.where(AccessRecord.customer_id.in_(
            select(Customer.id).where(Customer.code == chosen.customer_code)))
    if chosen.kind is not None:
        query = query.where(AccessRecord.kind == chosen.kind)
    if chosen.since is not None:
        query = query.where(AccessRecord.at >= datetime.combine(chosen.since, time.min))
    if chosen.until is not None:
        query = query.where(AccessRecord.at < datetime.combine(chosen.until + timedelta(days=1),
                                                               time.min))
    return query


def _with_codes(chosen: TrailFilter) -> Select:
    """Select the filtered records and their customer codes, newest first."""
    query = (select(AccessRecord, func.coalesce(Customer.code, ""))
             .outerjoin(Customer, Customer.id == AccessRecord.customer_id))
    return _filtered(query, chosen).order_by(AccessRecord.id.desc())


def trail_page(chosen: TrailFilter, page: int) -> TrailPage:
    """Return one page of the filtered trail."""
    total = db.session.scalar(_filtered(select(func.count(AccessRecord.id)), chosen)) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    rows = db.session.execute(_with_codes(chosen).offset((page - 1) * PER_PAGE)
                              .limit(PER_PAGE)).all()
    return TrailPage([(record, code) for record, code in rows], total, page, pages)


def _cell(value: str) -> str:
    """Keep a spreadsheet from reading a cell as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_lines(chosen: TrailFilter) -> Iterator[str]:
    """Yield the filtered trail as CSV text, header first, newest record first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def line(values: list[str]) -> str:
        writer.writerow([_cell(v) for v in values])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    # The BOM lets Excel read the accents right.
    yield "\ufeff" + line([_(head) for head in CSV_HEADER])
    for record, code in db.session.execute(_with_codes(chosen).limit(EXPORT_LIMIT)):
        yield line([moment(record.at), record.staff_email, record.role.value, code,
                    record.kind.value, record.target, record.ip, record.reason])


def check_chain() -> Verdict:
    """Walk the hash chain, as `flask audit verify` does, and return the verdict."""
    return verify(db.session)
