"""Put the shared app database back as it was after each test: a snapshot and a write log.

The app fixture migrates and loads one database per backend for the whole session. Tests post
forms and callbacks that commit through the app's own sessions, sometimes from the browser
test's server thread, so their writes cannot be wrapped in a transaction the test rolls back.
Instead the snapshot copies every table once; the engine logs what each statement writes;
after a test, only what was written is brought back to the copy, by primary key: rows added are
deleted, rows changed are set back, rows deleted are inserted again. A read-only test costs
nothing, a login (a session row, the account's last login) a few statements.
"""
from __future__ import annotations

import re

from sqlalchemy import MetaData, Table, and_, delete, event, exists, insert, select, text, update
from sqlalchemy.engine import Connection, Engine

# The table an INSERT, UPDATE or DELETE writes, as SQLAlchemy and hand-written SQL spell it.
WRITES = re.compile(
    r'^\s*(INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+'
    r'(?:"?\w+"?\.)?"?(\w+)"?', re.IGNORECASE)
# An insert that may also change or replace rows already there.
UPSERT = re.compile(r"\bON\s+CONFLICT\b|^\s*(INSERT\s+OR\s+REPLACE|REPLACE)\b", re.IGNORECASE)
# Statements that change no table; any other statement counts as writing every table.
READS = re.compile(r"^\s*(SELECT|PRAGMA|SHOW|SET|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT)\b",
                   re.IGNORECASE)
# Tables the snapshot leaves alone: the search index's FTS5 shadow tables (triggers on
# customer_search keep them in step when its rows are put back) and the append-only access
# trail, which refuses deletes by design (tests read it by difference).
UNTOUCHED = re.compile(r"^(customer_search_fts\w*|access_record|access_chain)$")
ADDED, CHANGED, REMOVED = "added", "changed", "removed"
EVERYTHING = frozenset({ADDED, CHANGED, REMOVED})


class Snapshot:
    """One database's rows as loaded, and what was written to each table since."""

    def __init__(self, engine: Engine, schema: str | None, copy_path: str) -> None:
        """Copy every table the engine reaches (schema: its PostgreSQL schema, if any)."""
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite"
        self.copy_path = copy_path
        # Where the copy lives: a database attached under this name (SQLite), or a schema.
        self.copy_name = "snapshot" if self.sqlite else f"{schema}_snapshot"
        self.live = MetaData()
        self.written: dict[str, set[str]] = {}
        # table -> (its id sequence, last value, whether that value was handed out)
        self.sequences: dict[str, tuple[str, int, bool]] = {}
        with engine.begin() as conn:
            self.live.reflect(conn, only=lambda name, _meta: not UNTOUCHED.match(name))
            self._take(conn)
        self.copy = MetaData()
        for table in self.live.sorted_tables:
            table.to_metadata(self.copy, schema=self.copy_name)
        # Built once: compiling them again for every test would cost more than running them.
        self.undo = {t.name: {ADDED: self._drop_added(t), CHANGED: self._reset(t),
                              REMOVED: self._put_back(t)} for t in self.live.sorted_tables}
        event.listen(engine, "before_cursor_execute", self._log)

    def _take(self, conn: Connection) -> None:
        """Copy the rows (and, on PostgreSQL, where the id sequences stand) aside."""
        if self.sqlite:
            conn.exec_driver_sql("VACUUM INTO ?", (self.copy_path,))
            return
        conn.execute(text(f'CREATE SCHEMA "{self.copy_name}"'))
        for name, table in self.live.tables.items():
            conn.execute(text(f'CREATE TABLE "{self.copy_name}"."{name}" AS TABLE "{name}"'))
            sequence = "id" in table.c and conn.scalar(
                text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": f'"{name}"'})
            if sequence:
                last, called = conn.execute(
                    text(f"SELECT last_value, is_called FROM {sequence}")).one()
                self.sequences[name] = (sequence, last, called)

    def _log(self, _conn, _cursor, statement: str, _params, _context, _many) -> None:
        """Note what a statement may write (primary keys never change in this schema)."""
        match = WRITES.match(statement)
        if match is None:
            if not READS.match(statement):
                for name in self.live.tables:
                    self.written[name] = set(EVERYTHING)
            return
        verb, name = match.group(1).split()[0].upper(), match.group(2).lower()
        if name not in self.live.tables:
            return
        # An insert may bring back a deleted primary key with other values (the search rows
        # are refreshed by delete and insert): set such rows back too.
        kinds = {"INSERT": {ADDED, CHANGED}, "UPDATE": {CHANGED}, "DELETE": {REMOVED}}[verb]
        if UPSERT.search(statement):
            kinds = EVERYTHING
        self.written.setdefault(name, set()).update(kinds)
        if REMOVED in kinds:
            self._note_cascades(name)

    def _note_cascades(self, parent: str) -> None:
        """Mark the tables an ON DELETE CASCADE or SET NULL from the parent may change."""
        for table in self.live.sorted_tables:
            if any(fk.column.table.name == parent for fk in table.foreign_keys):
                known = self.written.setdefault(table.name, set())
                if not {CHANGED, REMOVED} <= known:
                    known.update({CHANGED, REMOVED})
                    self._note_cascades(table.name)

    @property
    def dirty(self) -> bool:
        """Tell whether anything was written since the last restore."""
        return bool(self.written)

    def restore(self) -> None:
        """Bring what was written since the last restore back to the copy."""
        plan, self.written = self.written, {}
        tables = [t for t in self.live.sorted_tables if t.name in plan]
        if not tables:
            return
        with self.engine.connect() as conn:
            if self.sqlite:  # before the first write: SQLite attaches outside transactions
                conn.exec_driver_sql("ATTACH DATABASE ? AS snapshot", (self.copy_path,))
            else:  # a test database: no need to wait for the disk
                conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            for table in reversed(tables):   # children first: their new rows go first
                if ADDED in plan[table.name]:
                    conn.execute(self.undo[table.name][ADDED])
            for table in tables:             # parents first: children point at them
                kinds, undo = plan[table.name], self.undo[table.name]
                if CHANGED in kinds and undo[CHANGED] is not None:
                    conn.execute(undo[CHANGED])
                if REMOVED in kinds:
                    conn.execute(undo[REMOVED])
                if ADDED in kinds and table.name in self.sequences:
                    conn.execute(text("SELECT setval(:s, :v, :c)"), dict(zip(
                        "svc", self.sequences[table.name], strict=True)))
            conn.commit()
            if self.sqlite:
                conn.exec_driver_sql("DETACH DATABASE snapshot")
        self.written = {}  # what the restore itself logged

    def _match(self, table: Table):
        """Return the copy of a table and the condition pairing a live row with its copy."""
        # An alias: the copy has the live table's name, which SQL would take for the live one.
        kept = self.copy.tables[f"{self.copy_name}.{table.name}"].alias("kept")
        keys = list(table.primary_key.columns) or list(table.columns)
        return kept, and_(*(column == kept.c[column.name] for column in keys))

    def _drop_added(self, table: Table):
        """Delete the rows the copy does not have."""
        _, same = self._match(table)
        return delete(table).where(~exists().where(same))

    def _reset(self, table: Table):
        """Set every column of the kept rows back to the copy's values (None: nothing to set)."""
        kept, same = self._match(table)
        values = {c.name: kept.c[c.name] for c in table.columns if not c.primary_key}
        return update(table).values(values).where(same) if values else None

    def _put_back(self, table: Table):
        """Insert the copy's rows that are missing."""
        kept, same = self._match(table)
        names = [c.name for c in table.columns]
        return insert(table).from_select(
            names, select(*(kept.c[n] for n in names)).where(~exists().where(same)))

    def drop(self) -> None:
        """Stop logging and remove the copy (the SQLite file goes with the temporary folder)."""
        event.remove(self.engine, "before_cursor_execute", self._log)
        if not self.sqlite:
            with self.engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{self.copy_name}" CASCADE'))
