"""The staff access trail: append, verify, prune and read a hash-chained, append-only log.

Each record's hash is SHA-256 over a canonical serialization of all its fields and the
previous record's hash (see canonical()). Appends are serialized by the chain's head row
(AccessChain), read and updated in the same transaction as the insert: on PostgreSQL it is
read with SELECT ... FOR UPDATE, so a concurrent append waits and then reads the head as the
first one committed it; on SQLite, which has no row locks, a no-op UPDATE of the head first
takes the database's single write lock. So two writers can never link to the same predecessor.

The ORM refuses to update or delete records (see install_guards()); the migration adds
database triggers that refuse it too, except for old rows removed by prune().
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import (
    Engine,
    String,
    delete,
    event,
    func,
    insert,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.orm import Session

from .entities import AccessChain, AccessKind, AccessRecord, utcnow
from .enums import Role

GENESIS = "0" * 64          # the previous hash of the very first record
HEAD_ID = 1
FORMAT_VERSION = 1
# The Garante's rule for access logs: kept six months at least. The database triggers
# refuse to delete younger records whatever the configuration says.
MIN_RETENTION_DAYS = 183
PRUNE_OPTION = "access_record_prune"   # execution option that lets prune() past the ORM guard
PRUNE_GUC = "audit.prune"              # PostgreSQL setting the trigger checks, set LOCAL
VERIFY_BATCH = 1000


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove an access record."""


@dataclass(frozen=True)
class Access:
    """What to record about one staff access, as the caller knows it."""

    account_id: int
    role: Role
    staff_name: str
    staff_email: str
    customer_id: int
    kind: AccessKind
    target: str
    ip: str
    reason: str


HASHED = ("id", "at", "account_id", "role", "staff_name", "staff_email", "customer_id",
          "kind", "target", "ip", "reason", "prev_hash")


def _text(value: object) -> object:
    """Serialize a value the same way at append and at verify time."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, Role | AccessKind):
        return value.value
    return value


def canonical(fields: Mapping[str, object]) -> bytes:
    """Serialize a record for hashing: sorted-key compact JSON in UTF-8, version 1.

    Keys: v, id, at (ISO 8601 UTC with microseconds, no offset), account_id, role,
    staff_name, staff_email, customer_id, kind, target, ip, reason, prev_hash.
    """
    payload = {"v": FORMAT_VERSION} | {key: _text(fields[key]) for key in HASHED}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


def digest(record_id: int, at: datetime, access: Access, prev_hash: str) -> str:
    """Return the hex SHA-256 of a new record's canonical serialization."""
    fields = asdict(access) | {"id": record_id, "at": at, "prev_hash": prev_hash}
    return hashlib.sha256(canonical(fields)).hexdigest()


def record_hash(row: Mapping[str, object]) -> str:
    """Recompute a stored record's hash from its columns."""
    return hashlib.sha256(canonical(row)).hexdigest()


def _clean(value: str, size: int) -> str:
    """Drop control characters (PostgreSQL refuses NUL) and fit the column."""
    return "".join(c for c in value if c.isprintable())[:size]


def _clip(access: Access) -> Access:
    """Fit free text into its columns, so the stored value is exactly the hashed one."""
    return replace(access, staff_name=_clean(access.staff_name, 200),
                   staff_email=_clean(access.staff_email, 254),
                   target=_clean(access.target, 300), ip=_clean(access.ip, 45),
                   reason=_clean(access.reason, 500))


def _take_head(session: Session) -> tuple[int, str]:
    """Lock the chain head and return the last id and hash, creating the head if missing."""
    if session.get_bind().dialect.name == "sqlite":
        # SQLite has no row locks: a write takes its one write lock before the read below.
        session.execute(update(AccessChain).where(AccessChain.id == HEAD_ID)
                        .values(last_id=AccessChain.last_id))
    # PostgreSQL: FOR UPDATE makes a concurrent append wait here, then read the new head.
    read = (select(AccessChain.last_id, AccessChain.last_hash)
            .where(AccessChain.id == HEAD_ID).with_for_update())
    row = session.execute(read).first()
    if row is None:
        # Only a schema made without the migration lacks the head (the tests' create_all).
        session.execute(insert(AccessChain).values(
            id=HEAD_ID, last_id=0, last_hash=GENESIS, anchor_id=0, anchor_hash=GENESIS))
        row = session.execute(read).first()
    return row.last_id + 1, row.last_hash


def append(engine: Engine, access: Access) -> AccessRecord:
    """Write one record in its own committed transaction and return it; raise if it fails.

    Its own transaction: the record stands even if the caller's work is rolled back later,
    and nothing of the caller's is committed by it. Call it before writing anything else in
    the request's session (on SQLite an open write would make it wait and then fail).
    """
    access = _clip(access)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        new_id, prev_hash = _take_head(session)
        at = utcnow()
        record = AccessRecord(
            id=new_id, at=at, account_id=access.account_id, role=access.role,
            staff_name=access.staff_name, staff_email=access.staff_email,
            customer_id=access.customer_id, kind=access.kind, target=access.target,
            ip=access.ip, reason=access.reason, prev_hash=prev_hash,
            hash=digest(new_id, at, access, prev_hash),
        )
        session.add(record)
        session.flush()
        session.execute(update(AccessChain).where(AccessChain.id == HEAD_ID)
                        .values(last_id=new_id, last_hash=record.hash))
    return record


@dataclass(frozen=True)
class Verdict:
    """What the verifier found: how many records it checked and the first broken one."""

    checked: int
    broken_id: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        """Tell whether every link held."""
        return self.broken_id is None


def _rows(session: Session, up_to: int | None) -> Iterator[Mapping[str, object]]:
    """Yield the stored records oldest first as plain column mappings, a batch at a time.

    Role and kind are read as the text stored, so a value altered outside the enum still
    reaches the hash check instead of failing to load.
    """
    table = AccessRecord.__table__
    columns = [type_coerce(table.c[name], String) if name in ("role", "kind") else table.c[name]
               for name in HASHED + ("hash",)]
    after = 0
    while True:
        query = select(*columns).where(table.c.id > after)
        if up_to is not None:
            query = query.where(table.c.id <= up_to)
        batch = session.execute(query.order_by(table.c.id).limit(VERIFY_BATCH)).mappings().all()
        if not batch:
            return
        yield from batch
        after = batch[-1]["id"]


def verify(session: Session) -> Verdict:
    """Walk the chain from the prune anchor and stop at the first record that does not hold.

    Records appended while it runs are left for the next run: it checks up to the head it
    read first, so a busy trail does not look truncated.
    """
    head = session.get(AccessChain, HEAD_ID)
    expected_id = (head.anchor_id if head else 0) + 1
    expected_prev = head.anchor_hash if head else None
    checked, last_hash = 0, expected_prev
    for row in _rows(session, head.last_id if head else None):
        if expected_prev is None:   # no head row: trust the oldest record's link as anchor
            expected_id, expected_prev = row["id"], row["prev_hash"]
        problem = ("manca il record precedente" if row["id"] != expected_id
                   else "il collegamento al record precedente non corrisponde"
                   if row["prev_hash"] != expected_prev
                   else "il contenuto non corrisponde al suo hash"
                   if record_hash(row) != row["hash"] else "")
        if problem:
            return Verdict(checked, row["id"], problem)
        checked += 1
        expected_id, expected_prev = row["id"] + 1, row["hash"]
        last_hash = row["hash"]
    if head is not None and (head.last_id != expected_id - 1 or head.last_hash != last_hash):
        # The newest records were removed, or the head was changed by hand.
        return Verdict(checked, head.last_id, "mancano i record più recenti")
    return Verdict(checked)


def prune(engine: Engine, retention_days: int, now: datetime | None = None) -> int:
    """Delete the records older than the retention, move the anchor, commit; return how many."""
    if retention_days < MIN_RETENTION_DAYS:
        raise ValueError(f"retention below {MIN_RETENTION_DAYS} days")
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    with Session(engine) as session, session.begin():
        # Only a prefix of the chain can go: everything before the first record to keep.
        first_kept = session.scalar(select(func.min(AccessRecord.id))
                                    .where(AccessRecord.at >= cutoff))
        older = select(AccessRecord).order_by(AccessRecord.id.desc()).limit(1)
        if first_kept is not None:
            older = older.where(AccessRecord.id < first_kept)
        last_old = session.scalars(older).first()
        if last_old is None:
            return 0
        if engine.dialect.name == "postgresql":
            session.execute(text(f"SET LOCAL {PRUNE_GUC} = 'on'"))
        # Lock the head first, as append() does, so no append interleaves with the move.
        session.execute(update(AccessChain).where(AccessChain.id == HEAD_ID)
                        .values(anchor_id=last_old.id, anchor_hash=last_old.hash))
        removed = session.execute(
            delete(AccessRecord).where(AccessRecord.id <= last_old.id)
            .execution_options(**{PRUNE_OPTION: True, "synchronize_session": False}))
    return removed.rowcount


@dataclass(frozen=True)
class AccessPage:
    """One page of a member's access list, newest first."""

    rows: list[AccessRecord]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """Return how many pages the whole list takes (at least one)."""
        return max(1, -(-self.total // self.per_page))


def accesses_of_customer(session: Session, customer_id: int, page: int = 1,
                         per_page: int = 20) -> AccessPage:
    """Return who opened this member's data: one page, newest first."""
    where = AccessRecord.customer_id == customer_id
    total = session.scalar(select(func.count()).select_from(AccessRecord).where(where)) or 0
    last_page = max(1, -(-total // per_page))
    page = min(max(1, page), last_page)
    rows = session.scalars(select(AccessRecord).where(where)
                           .order_by(AccessRecord.at.desc(), AccessRecord.id.desc())
                           .offset((page - 1) * per_page).limit(per_page)).all()
    return AccessPage(list(rows), total, page, per_page)


def _refuse_flush(_mapper, _connection, target: AccessRecord) -> None:
    """Refuse an ORM update or delete of an access record."""
    raise AppendOnlyError(f"access record {target.id} is append-only")


def _refuse_bulk(state) -> None:
    """Refuse an ORM-enabled UPDATE or DELETE statement on access records, prune excepted."""
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is None or mapper.class_ is not AccessRecord:
        return
    if state.is_delete and state.execution_options.get(PRUNE_OPTION):
        return
    raise AppendOnlyError("access records are append-only")


def install_guards() -> None:
    """Make every session refuse to change or remove access records (idempotent)."""
    for name in ("before_update", "before_delete"):
        if not event.contains(AccessRecord, name, _refuse_flush):
            event.listen(AccessRecord, name, _refuse_flush)
    if not event.contains(Session, "do_orm_execute", _refuse_bulk):
        event.listen(Session, "do_orm_execute", _refuse_bulk)


install_guards()
