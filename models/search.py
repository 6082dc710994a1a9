"""Find customers by name, customer code, POD, email or codice fiscale, fast and forgiving.

Every customer has one row in `customer_search`: its name, codes, emails and PODs, written
by `search_key` as every query word is. One normalization, Python's, serves the data and the
query on both backends (PostgreSQL's unaccent follows other rules, is not immutable, and
SQLite has none): a query finds the same customers on SQLite and on PostgreSQL.

A query is split into words; a customer matches when each word is a substring of its text
(both written by `search_key`: normalized, doubled letters once).
The substring search uses an index: on PostgreSQL a GIN index with pg_trgm's trigram
operator class answers LIKE '%…%'; on SQLite an FTS5 table with the trigram tokenizer
(SQLite ≥ 3.34), kept in step with `customer_search` by triggers, answers phrase queries.
Neither object can be described by the models, so `include_object` keeps Alembic's compare
from reporting them as drift.

The rows follow the data: an ORM flush that changes a customer's name or codes, a POD or a
login email refreshes the customers concerned (`_refresh_after_flush`); writers that go
around the ORM (the CSV import, bulk loads) call `refresh_search` themselves.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, islice
from typing import TypeVar

from sqlalchemy import (
    DDL,
    Connection,
    Select,
    bindparam,
    column,
    delete,
    event,
    func,
    insert,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session, attributes, scoped_session

from .entities import Account, Contract, Customer, CustomerSearch
from .wording import N_

T = TypeVar("T")
MIN_WORD = 3      # the trigram indexes need three characters to narrow anything down
MAX_QUERY = 100   # longer than any name, email or POD: anything beyond is not a search
MAX_WORDS = 6
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
CHUNK = 500       # ids per IN list: under SQLite's parameter limit, small enough to stream

TOO_SHORT = N_("Scrivi almeno 3 caratteri: un nome, un codice cliente, un POD, un'email o un "
               "codice fiscale.")
TOO_LONG = N_("La ricerca può contenere al massimo 100 caratteri.")

FTS_TABLE = "customer_search_fts"
TRIGRAM_INDEX = "ix_customer_search_terms_trgm"
_fts = table(FTS_TABLE, column("rowid"), column("terms"))

# Apostrophes vanish, so that «dagostino» finds «D'Agostino» and the other way round.
_DROPPED = {"'", "’", "ʼ", "`", "´"}
_MARKS = {"Mn", "Mc", "Me"}
# Control, format, surrogate, private and unassigned code points: never part of a name, and
# some of them (NUL, lone surrogates) cannot even be sent to the database.
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn"}


def _fold(value: str) -> str:
    """Decompose (NFKD), drop accents, apostrophes and invisible characters; spaces stay."""
    kept = []
    for char in unicodedata.normalize("NFKD", value):
        category = unicodedata.category(char)
        if category in _MARKS or char in _DROPPED:
            continue
        kept.append(" " if category in _INVISIBLE or category[0] == "Z" or char.isspace()
                    else char)
    return "".join(kept)


def normalize(value: str) -> str:
    """Return text as it is searched: lower-case, accents stripped, spaces collapsed."""
    # Fold before casefold (NFKD can produce capitals: ᴬ → A, the Kelvin sign → K) and after
    # it (casefold can produce combining marks: İ → i + dot above).
    return " ".join(_fold(_fold(value).casefold()).split())


def search_key(value: str) -> str:
    """Return text as it is matched: normalized, and a doubled letter written once.

    Callers do not always know how a name is spelled: «nicolo» finds «Niccolò», «zanier»
    finds «Zannier». Digits stay as they are, so codes and PODs keep matching exactly.
    """
    normalized = normalize(value)
    return "".join(c for i, c in enumerate(normalized)
                   if not (i and c == normalized[i - 1] and c.isalpha()))


def search_terms(code: str, name: str, tax_code: str, vat_number: str | None,
                 emails: Iterable[str | None], pods: Iterable[str]) -> str:
    """Build a customer's searchable text from its name, codes, emails and PODs."""
    parts = [code, name, tax_code, vat_number or "", *(e or "" for e in emails), *pods]
    # Words are split at spaces, so no query word can match across two fields.
    return " ".join(p for p in (search_key(part) for part in parts) if p)


# --- Keeping the rows current ---------------------------------------------------------------

def _chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """Yield the values in lists of at most `size`."""
    iterator = iter(values)
    while batch := list(islice(iterator, size)):
        yield batch


def _search_rows(connection: Connection, ids: Sequence[int]) -> list[dict]:
    """Read the customers' names, codes, emails and PODs; return their search rows."""
    pods: dict[int, list[str]] = {}
    for customer_id, pod in connection.execute(
            select(Contract.customer_id, Contract.pod)
            .where(Contract.customer_id.in_(ids)).order_by(Contract.pod)):
        pods.setdefault(customer_id, []).append(pod)
    logins = dict(connection.execute(
        select(Account.customer_id, Account.email).where(Account.customer_id.in_(ids))).all())
    rows = []
    for cid, code, name, tax_code, vat, email in connection.execute(
            select(Customer.id, Customer.code, Customer.name, Customer.tax_code,
                   Customer.vat_number, Customer.email).where(Customer.id.in_(ids))):
        terms = search_terms(code, name, tax_code, vat, (logins.get(cid), email),
                             pods.get(cid, ()))
        rows.append({"customer_id": cid, "sort_name": normalize(name)[:200], "terms": terms})
    return rows


def refresh_search(bind: Connection | Session | scoped_session,
                   customer_ids: Iterable[int] | None = None) -> int:
    """Rewrite the search rows of the given customers (of all when None); return how many."""
    connection = bind if isinstance(bind, Connection) else bind.connection()
    if customer_ids is None:
        customer_ids = connection.execute(select(Customer.id).order_by(Customer.id)).scalars()
    written = 0
    for ids in _chunks(sorted({i for i in customer_ids if i is not None})):
        rows = _search_rows(connection, ids)
        # Delete and insert rather than upsert: the same two statements on both backends, and
        # a customer that no longer exists loses its row.
        connection.execute(delete(CustomerSearch).where(CustomerSearch.customer_id.in_(ids)))
        if rows:
            connection.execute(insert(CustomerSearch), rows)
        written += len(rows)
    return written


def holders(session: Session, codes: Iterable[str], pods: Iterable[str]) -> set[int]:
    """Return the ids of the customers that have these codes or hold these PODs."""
    found: set[int] = set()
    for batch in _chunks(sorted(set(codes))):
        found.update(session.scalars(select(Customer.id).where(Customer.code.in_(batch))))
    for batch in _chunks(sorted(set(pods))):
        found.update(session.scalars(select(Contract.customer_id).where(Contract.pod.in_(batch))))
    return found


_WATCHED = {
    Customer: ("code", "name", "tax_code", "vat_number", "email"),
    Contract: ("pod", "customer_id"),
    Account: ("email", "customer_id"),
}


def _touched(obj: object, changed_only: bool) -> set[int]:
    """Return the customers whose search text an object's insert, change or delete touches."""
    fields = _WATCHED.get(type(obj))
    if fields is None:
        return set()
    key = "id" if isinstance(obj, Customer) else "customer_id"
    state = attributes.instance_state(obj)
    if changed_only and not any(state.attrs[f].history.has_changes() for f in fields):
        return set()
    # A contract or login that moved to another customer changes the old holder's text too.
    before = state.attrs[key].history.deleted or ()
    return {getattr(obj, key), *before} - {None}


@event.listens_for(Session, "after_flush")
def _refresh_after_flush(session: Session, _context) -> None:
    """Refresh the search rows of the customers this flush changed."""
    touched: set[int] = set()
    for obj in chain(session.new, session.deleted):
        touched |= _touched(obj, changed_only=False)
    for obj in session.dirty:
        touched |= _touched(obj, changed_only=True)
    if touched:
        refresh_search(session.connection(), touched)


# --- The substring indexes, outside the models ---------------------------------------------

SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(terms, "
    "content='customer_search', content_rowid='customer_id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS customer_search_fts_insert AFTER INSERT ON customer_search "
    f"BEGIN INSERT INTO {FTS_TABLE}(rowid, terms) VALUES (new.customer_id, new.terms); END",
    "CREATE TRIGGER IF NOT EXISTS customer_search_fts_delete AFTER DELETE ON customer_search "
    f"BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, terms) "
    "VALUES ('delete', old.customer_id, old.terms); END",
    "CREATE TRIGGER IF NOT EXISTS customer_search_fts_update AFTER UPDATE ON customer_search "
    f"BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, terms) "
    "VALUES ('delete', old.customer_id, old.terms); "
    f"INSERT INTO {FTS_TABLE}(rowid, terms) VALUES (new.customer_id, new.terms); END",
)


def create_postgresql_index(connection: Connection) -> None:
    """Install pg_trgm if missing and build the trigram index on the search text."""
    connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    # The operator class lives in the extension's schema, which may not be on search_path.
    schema = connection.execute(text(
        "SELECT extnamespace::regnamespace::text FROM pg_extension "
        "WHERE extname = 'pg_trgm'")).scalar_one()
    connection.execute(text(f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON customer_search "
                            f"USING gin (terms {schema}.gin_trgm_ops)"))


def create_substring_index(connection: Connection) -> None:
    """Create the backend's substring index on customer_search (FTS5 or pg_trgm)."""
    if connection.dialect.name == "postgresql":
        create_postgresql_index(connection)
    elif connection.dialect.name == "sqlite":
        for statement in SQLITE_DDL:
            connection.execute(DDL(statement))


@event.listens_for(CustomerSearch.__table__, "after_create")
def _after_create(_table, connection: Connection, **_kw) -> None:
    """Give a schema made by create_all (the tests') the index the migration builds."""
    create_substring_index(connection)


def include_object(_obj, name: str | None, type_: str, reflected: bool, _compare_to) -> bool:
    """Tell Alembic's compare to leave the search's unmodelled index objects alone."""
    unmodelled = (type_ == "table" and (name or "").startswith(FTS_TABLE)) or (
        type_ == "index" and name == TRIGRAM_INDEX)
    return not (reflected and unmodelled)


# --- The query ---------------------------------------------------------------------------

@dataclass(frozen=True)
class SearchHit:
    """One customer found: what a result list shows to tell people apart."""

    customer_id: int
    code: str
    name: str
    tax_code: str
    login_email: str | None
    pods: tuple[str, ...]
    is_member: bool


@dataclass(frozen=True)
class SearchPage:
    """One page of results, the total, and a message when the query could not be run."""

    query: str                   # the query as searched: normalized
    hits: tuple[SearchHit, ...]
    total: int
    page: int
    per_page: int
    problem: str | None = None   # Italian, for the person who typed the query

    @property
    def has_next(self) -> bool:
        """Tell whether another page follows this one."""
        return self.page * self.per_page < self.total

    @property
    def pages(self) -> int:
        """Return the number of pages."""
        return -(-self.total // self.per_page)


def query_words(raw: object) -> tuple[list[str], str | None]:
    """Split untrusted input into words as they are matched; return them, or a problem."""
    value = raw if isinstance(raw, str) else ""
    if len(value) > MAX_QUERY:
        return [], TOO_LONG
    words = list(dict.fromkeys(search_key(w) for w in normalize(value).split()))[:MAX_WORDS]
    if not any(len(w) >= MIN_WORD for w in words):
        return [], TOO_SHORT
    return words, None


def _escape_like(word: str) -> str:
    r"""Make % _ and \ literal in a LIKE pattern (escape character \)."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _match_expression(words: Sequence[str]) -> str:
    """Write an FTS5 query: every word as a quoted phrase (a literal substring), all required."""
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)


def _matching(dialect: str, long_words: int, short_words: int) -> Select:
    """Select the ids and sort names of the matching customers, words as parameters."""
    ids = select(CustomerSearch.customer_id, CustomerSearch.sort_name)
    if dialect != "sqlite":
        return ids.where(*(CustomerSearch.terms.like(bindparam(f"w{i}"), escape="\\")
                           for i in range(long_words + short_words)))
    # FTS5's trigrams find words of three characters or more; shorter ones only filter.
    return (ids.join(_fts, _fts.c.rowid == CustomerSearch.customer_id)
            .where(_fts.c.terms.op("MATCH")(bindparam("match")),
                   *(func.instr(CustomerSearch.terms, bindparam(f"s{i}")) > 0
                     for i in range(short_words))))


# Building a statement costs more than running it: each shape is built once per process.
@lru_cache(maxsize=64)
def _statements(dialect: str, long_words: int, short_words: int) -> tuple[Select, Select]:
    """Build the page statement (rows and total) and the count statement for a query shape."""
    matching = _matching(dialect, long_words, short_words).subquery()
    # The page (and the total, by a window) first; then only its rows meet the customers.
    page_rows = (select(matching.c.customer_id, matching.c.sort_name,
                        func.count().over().label("total"))
                 .order_by(matching.c.sort_name, matching.c.customer_id)
                 .limit(bindparam("size")).offset(bindparam("skip")).subquery())
    page = (select(page_rows.c.customer_id, Customer.code, Customer.name, Customer.tax_code,
                   Account.email, Customer.member_since, page_rows.c.total)
            .join(Customer, Customer.id == page_rows.c.customer_id)
            .outerjoin(Account, Account.customer_id == Customer.id)
            .order_by(page_rows.c.sort_name, page_rows.c.customer_id))
    return page, select(func.count()).select_from(matching)


_PODS = (select(Contract.customer_id, Contract.pod)
         .where(Contract.customer_id.in_(bindparam("ids", expanding=True)))
         .order_by(Contract.start_date, Contract.pod))


def _parameters(dialect: str, words: Sequence[str]) -> tuple[tuple[int, int], dict]:
    """Return a query's shape (long and short words) and its parameters for the backend."""
    long_words = [w for w in words if len(w) >= MIN_WORD]
    short_words = [w for w in words if len(w) < MIN_WORD]
    if dialect != "sqlite":
        patterns = {f"w{i}": f"%{_escape_like(w)}%" for i, w in enumerate(words)}
        return (len(long_words), len(short_words)), patterns
    return (len(long_words), len(short_words)), {
        "match": _match_expression(long_words),
        **{f"s{i}": w for i, w in enumerate(short_words)}}


def _pods(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """Return the PODs of each customer, oldest supply first."""
    pods: dict[int, list[str]] = {}
    for customer_id, pod in session.execute(_PODS, {"ids": list(ids)}):
        pods.setdefault(customer_id, []).append(pod)
    return {i: tuple(p) for i, p in pods.items()}


def _clamp(value: object, low: int, high: int, default: int) -> int:
    """Read an untrusted page number or size as an int within [low, high]."""
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return default
    return max(low, min(number, high))


def search_customers(session: Session, query: object, page: object = 1,
                     per_page: object = 20) -> SearchPage:
    """Find customers whose name, codes, POD or email contain every word of the query."""
    page_number = _clamp(page, 1, MAX_PAGE, 1)
    size = _clamp(per_page, 1, MAX_PER_PAGE, 20)
    words, problem = query_words(query)
    if problem:
        return SearchPage("", (), 0, page_number, size, problem)
    dialect = session.get_bind().dialect.name
    shape, parameters = _parameters(dialect, words)
    page_statement, count_statement = _statements(dialect, *shape)
    rows = session.execute(page_statement, {**parameters, "size": size,
                                            "skip": (page_number - 1) * size}).all()
    if rows:
        total = rows[0].total
    elif page_number == 1:
        total = 0
    else:  # past the last page: the window had no row to count on
        total = session.scalar(count_statement, parameters) or 0
    pods = _pods(session, [r.customer_id for r in rows]) if rows else {}
    hits = tuple(SearchHit(r.customer_id, r.code, r.name, r.tax_code, r.email,
                           pods.get(r.customer_id, ()), r.member_since is not None)
                 for r in rows)
    return SearchPage(normalize(str(query)), hits, total, page_number, size)
