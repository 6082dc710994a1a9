"""Quarter-hour curves at scale: N supplies × one year, loaded with COPY, measured.

    python -m bench.curves --postgresql postgresql+psycopg://postgres@127.0.0.1:5432/test \
        [--supplies 5500] [--sqlite /tmp/bench_curves.db] [--keep]

Makes the schema `bench_curves` (and the SQLite file) through the migrations, so the table is
the app's own `quarter_hour_day`; loads the year 2023 with binary COPY (executemany on
SQLite); measures bytes per reading, load and importer throughput and the p50 of reading one
supply's year and one day; prints the results; drops the schema and the file unless --keep.
Deterministic: every value comes from a seeded RNG and a few precomputed day shapes.
"""
from __future__ import annotations

import argparse
import os
import random
import struct
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from bench import synthetic
from bench.__main__ import p50, timed
from models.bands import is_holiday
from models.curves import days_of, local_label, pack, slots_in
from models.importing.curves import check_curve_files, write_curves

SEED = "secab-curves"
YEAR = 2023
SCHEMA = "bench_curves"
VARIANTS = 6            # noisy copies of each day shape, picked per supply and day
SHAPE_TOTAL = 1 << 20   # a shape's weights add up to this
# Hourly load of a household, in arbitrary units: night base load, morning and evening peaks.
WEEKDAY = (30, 26, 24, 23, 23, 26, 45, 80, 70, 50, 45, 48,
           60, 55, 45, 42, 48, 65, 95, 110, 105, 90, 70, 45)
SATURDAY = (32, 28, 25, 24, 24, 25, 30, 45, 70, 80, 75, 78,
            85, 75, 60, 55, 58, 70, 90, 100, 100, 88, 72, 50)
SUNDAY = (35, 30, 27, 25, 24, 24, 26, 35, 55, 75, 85, 95,
          110, 90, 65, 55, 55, 68, 88, 100, 95, 85, 68, 48)
HEATING = (0, 0, 0, 0, 0, 5, 30, 40, 20, 10, 5, 5, 5, 5, 5, 5, 10, 25, 35, 35, 30, 20, 10, 5)
# How much of the heating profile each month adds (Jan–Dec), in tenths.
HEATING_MONTHS = (10, 9, 6, 3, 0, 0, 0, 0, 0, 3, 7, 10)
PG_EPOCH = date(2000, 1, 1).toordinal()
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
COPY_TRAILER = struct.pack("!h", -1)
_ROW_HEAD = struct.Struct("!hiiiii")


# --- day shapes ---------------------------------------------------------------------------

def day_type(day: date) -> int:
    """Classify a day: 0 working day, 1 Saturday, 2 Sunday or holiday."""
    if day.weekday() == 6 or is_holiday(day):
        return 2
    return 1 if day.weekday() == 5 else 0


def day_shapes(seed: str = SEED) -> dict[tuple[int, int], list[tuple[int, ...]]]:
    """Precompute the noisy quarter-hour weights of each (month, day type), 96 per shape."""
    rng = random.Random(seed)
    shapes = {}
    for month in range(1, 13):
        for kind, hourly in enumerate((WEEKDAY, SATURDAY, SUNDAY)):
            base = [h + HEATING[i] * HEATING_MONTHS[month - 1] // 10
                    for i, h in enumerate(hourly)]
            variants = []
            for _ in range(VARIANTS):
                raw = [base[q // 4] * rng.uniform(0.7, 1.3) for q in range(96)]
                scale = SHAPE_TOTAL / sum(raw)
                weights = [int(w * scale) for w in raw]
                weights[0] += SHAPE_TOTAL - sum(weights)
                variants.append(tuple(weights))
            shapes[(month, kind)] = variants
    return shapes


def fit_to_day(weights: tuple[int, ...], slots: int) -> tuple[int, ...]:
    """Fit a 96-slot shape to a local day: drop or repeat the hour from 02:00 to 03:00."""
    if slots == 92:
        return weights[:8] + weights[12:]
    if slots == 100:
        return weights[:12] + weights[8:]
    return weights


def spread(weights: tuple[int, ...], day_wh: int) -> list[int]:
    """Share a day's Wh among its quarter hours in proportion to the weights, exactly."""
    total = sum(weights)
    values = [w * day_wh // total for w in weights]
    values[weights.index(max(weights))] += day_wh - sum(values)
    return values


Shape = tuple[tuple[int, ...], int, int]  # weights, their sum, the index of the largest


def calendar(year: int, shapes: dict[tuple[int, int], list[tuple[int, ...]]]
             ) -> list[tuple[date, list[Shape]]]:
    """Fit the shapes to each local day of a year once, for every supply to share."""
    first = date(year, 1, 1)
    found = []
    for n in range((date(year + 1, 1, 1) - first).days):
        day = first + timedelta(days=n)
        fitted = [fit_to_day(w, slots_in(day)) for w in shapes[(day.month, day_type(day))]]
        found.append((day, [(w, sum(w), w.index(max(w))) for w in fitted]))
    return found


def supply_year(contract_id: int, days: list[tuple[date, list[Shape]]]
                ) -> Iterator[tuple[date, list[int]]]:
    """Yield one supply's local days with their quarter-hour Wh (`days` from `calendar`)."""
    rng = random.Random(f"{SEED}:{contract_id}")
    yearly_wh = rng.randint(1_200, 6_000) * 1000
    season = sum(synthetic.SEASON[d.month - 1] for d, _ in days)
    for day, variants in days:
        day_wh = yearly_wh * synthetic.SEASON[day.month - 1] * rng.randint(80, 120) // (
            season * 100)
        weights, total, peak = rng.choice(variants)
        # spread() inlined: this line runs 2 million times in a full load.
        values = [w * day_wh // total for w in weights]
        values[peak] += day_wh - sum(values)
        yield day, values


# --- COPY in binary format ----------------------------------------------------------------

def copy_row(contract_id: int, day: date, blob: bytes) -> bytes:
    """Encode one quarter_hour_day row as a binary COPY tuple (int4, date, bytea)."""
    return _ROW_HEAD.pack(3, 4, contract_id, 4, day.toordinal() - PG_EPOCH, len(blob)) + blob


def load_postgresql(engine: Engine, contracts: list[int],
                    report: Callable[[str], None], batch: int = 250) -> dict[str, float]:
    """COPY every supply's year into quarter_hour_day; time the whole and the generation."""
    days = calendar(YEAR, day_shapes())
    rows = readings = 0
    generating = 0.0
    started = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for start in range(0, len(contracts), batch):
            with cursor.copy("COPY quarter_hour_day (contract_id, day, wh) "
                             "FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(COPY_HEADER)
                for contract_id in contracts[start:start + batch]:
                    made = time.perf_counter()
                    chunk = []
                    for day, values in supply_year(contract_id, days):
                        chunk.append(copy_row(contract_id, day, pack(values)))
                        readings += len(values)
                    rows += len(chunk)
                    data = b"".join(chunk)
                    generating += time.perf_counter() - made
                    copy.write(data)
                copy.write(COPY_TRAILER)
            raw.commit()
            report(f"{min(start + batch, len(contracts)):>6} forniture caricate "
                   f"({time.perf_counter() - started:,.0f} s)")
    finally:
        raw.close()
    return {"seconds": time.perf_counter() - started, "generating": generating,
            "rows": rows, "readings": readings}


def load_sqlite(engine: Engine, contracts: list[int],
                report: Callable[[str], None], batch: int = 250) -> dict[str, float]:
    """Insert every supply's year into SQLite, one transaction per batch of supplies."""
    days = calendar(YEAR, day_shapes())
    rows = readings = 0
    started = time.perf_counter()
    for start in range(0, len(contracts), batch):
        chunk = []
        for contract_id in contracts[start:start + batch]:
            for day, values in supply_year(contract_id, days):
                chunk.append((contract_id, day.isoformat(), pack(values)))
                readings += len(values)
        with engine.begin() as conn:
            conn.connection.driver_connection.executemany(
                "INSERT INTO quarter_hour_day (contract_id, day, wh) VALUES (?, ?, ?)", chunk)
        rows += len(chunk)
        report(f"{min(start + batch, len(contracts)):>6} forniture caricate "
               f"({time.perf_counter() - started:,.0f} s)")
    return {"seconds": time.perf_counter() - started, "rows": rows, "readings": readings}


# --- schema and contracts -----------------------------------------------------------------

def with_contracts(url: str, schema: str | None, supplies: int) -> tuple[Engine, list[int]]:
    """Migrate an empty database and give it `supplies` customers' contracts, nothing else."""
    engine = synthetic.migrated_engine(url, schema)
    counter, index = synthetic.Counter(), 0
    tables = synthetic.Tables([], [], [], [], [], [], [])
    while len(tables.contract) < supplies:
        synthetic._customer(index, counter, tables)
        index += 1
    del tables.contract[supplies:]
    postgres = engine.dialect.name == "postgresql"
    (synthetic._write_postgresql if postgres else synthetic._write_sqlite)(engine, tables)
    return engine, [row[0] for row in tables.contract]


def sizes_postgresql(engine: Engine) -> dict[str, int]:
    """Vacuum and analyse the table, then return its sizes in bytes."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE quarter_hour_day"))
        row = conn.execute(text(
            "SELECT pg_total_relation_size(c.oid), pg_relation_size(c.oid), "
            "pg_indexes_size(c.oid), coalesce(pg_total_relation_size(c.reltoastrelid), 0), "
            "pg_table_size(c.oid) "
            "FROM pg_class c WHERE c.oid = 'quarter_hour_day'::regclass")).one()
    return dict(zip(("total", "heap", "indexes", "toast", "table"), row, strict=True))


def sizes_sqlite(engine: Engine) -> dict[str, int]:
    """Return the bytes of the table and its primary-key index from dbstat, and the file."""
    with engine.connect() as conn:
        pages = dict(conn.execute(text(
            "SELECT name, sum(pgsize) FROM dbstat WHERE name IN ('quarter_hour_day', "
            "'sqlite_autoindex_quarter_hour_day_1') GROUP BY name")).all())
        page_size = conn.execute(text("PRAGMA page_size")).scalar()
    return {"heap": pages.get("quarter_hour_day", 0),
            "indexes": pages.get("sqlite_autoindex_quarter_hour_day_1", 0),
            "page_size": page_size,
            "file": os.path.getsize(engine.url.database)}


# --- the app's importer -------------------------------------------------------------------

def pod_of(contract_id: int) -> str:
    """Return a synthetic contract's POD (as bench.synthetic writes it)."""
    return f"IT125E{500_000_000 + contract_id:09d}"


def write_csv(folder: Path, layout: str, contracts: list[int], month: date) -> Path:
    """Write one month of curves of some supplies as a distributor file in one layout."""
    days = calendar(month.year, day_shapes())
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    path = folder / f"curve_{layout}_{month:%Y%m}.csv"
    with path.open("w", encoding="utf-8") as out:
        if layout == "long":
            out.write("pod,data_ora,kwh\n")
        else:
            out.write("pod;data;" + ";".join(f"q{i}" for i in range(1, 101)) + "\n")
        for contract_id in contracts:
            for day, values in supply_year(contract_id, days):
                if not month <= day < following:
                    continue
                if layout == "long":
                    out.writelines(f"{pod_of(contract_id)},{day} {local_label(day, i)},"
                                   f"{v / 1000:.3f}\n" for i, v in enumerate(values))
                else:
                    cells = ";".join(f"{v / 1000:.3f}".replace(".", ",") for v in values)
                    out.write(f"{pod_of(contract_id)};{day:%d/%m/%Y};{cells}\n")
    return path


def time_import(engine: Engine, path: Path) -> dict[str, float]:
    """Import a file as `flask curves import` does: check, write, commit; time each step."""
    with Session(engine) as session:
        started = time.perf_counter()
        checked = check_curve_files(session, [path])
        checking = time.perf_counter() - started
        assert not checked.problems, checked.problems[:3]
        counts = write_curves(session, checked)
        session.commit()
        total = time.perf_counter() - started
    return {"readings": checked.readings, "check": checking, "write": total - checking,
            "total": total, "counts": counts}


def measure_importer(engine: Engine, contracts: list[int], supplies: int = 50) -> dict:
    """Time new and repeated imports of one month per layout for a few supplies."""
    chosen = contracts[:supplies]
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for layout, month in (("long", date(2024, 1, 1)), ("wide", date(2024, 3, 1))):
            path = write_csv(Path(folder), layout, chosen, month)
            results[layout] = time_import(engine, path)
            results[layout + "_again"] = time_import(engine, path)
            results[layout + "_bytes"] = path.stat().st_size
    return results


def measure_reads(engine: Engine, contract_id: int) -> dict[str, float]:
    """Return the p50 in ms of reading one supply's year and one of its days."""
    with Session(engine) as session:
        year = timed(lambda: days_of(session, contract_id, date(YEAR, 1, 1),
                                     date(YEAR, 12, 31)), 50)
        day = timed(lambda: days_of(session, contract_id, date(YEAR, 3, 14),
                                    date(YEAR, 3, 14)), 200)
        assert len(days_of(session, contract_id, date(YEAR, 1, 1), date(YEAR, 12, 31))) == 365
    return {"year_ms": p50(year), "day_ms": p50(day)}


def check_sample(engine: Engine, contract_id: int) -> None:
    """Read one loaded day back through the app and compare it with the generator."""
    expected = dict(supply_year(contract_id, calendar(YEAR, day_shapes())))
    with Session(engine) as session:
        stored = days_of(session, contract_id, date(YEAR, 10, 29), date(YEAR, 10, 29))
    assert list(stored[date(YEAR, 10, 29)]) == expected[date(YEAR, 10, 29)]


# --- the run ------------------------------------------------------------------------------

def summary(backend: str, results: dict) -> list[str]:
    """Write the measured figures as lines of text."""
    load, sizes, reads = results["load"], results["sizes"], results["reads"]
    readings, rows = load["readings"], load["rows"]
    stored = sizes.get("total", sizes["heap"] + sizes["indexes"])
    lines = [
        f"{backend}: {rows:,} day rows, {readings:,} readings",
        f"  stored {stored:,} B = {stored / readings:.2f} B/reading "
        f"(table {sizes['heap']:,}, indexes {sizes['indexes']:,}, "
        f"TOAST {sizes.get('toast', 0):,}; {stored / rows:.0f} B/day row)",
        f"  load {load['seconds']:.1f} s: {rows / load['seconds']:,.0f} rows/s, "
        f"{readings / load['seconds']:,.0f} readings/s"
        + (f" (generating {load['generating']:.1f} s of it)" if "generating" in load else ""),
        f"  days_of p50: one year {reads['year_ms']:.2f} ms, one day {reads['day_ms']:.2f} ms",
    ]
    if "file" in sizes:
        lines.append(f"  file {sizes['before']:,} -> {sizes['file']:,} B "
                     f"({(sizes['file'] - sizes['before']) / readings:.2f} B/reading)")
    for name, step in results.get("importer", {}).items():
        if isinstance(step, dict):
            lines.append(f"  import {name}: {step['readings']:,} readings in "
                         f"{step['total']:.2f} s (check {step['check']:.2f}, write+commit "
                         f"{step['write']:.2f}) = {step['readings'] / step['total']:,.0f}/s, "
                         f"days {step['counts']}")
    return lines


def run_postgresql(url: str, supplies: int, keep: bool, report) -> dict:
    """Load, measure and (unless kept) drop the PostgreSQL schema."""
    engine, contracts = with_contracts(url, SCHEMA, supplies)
    try:
        results = {"load": load_postgresql(engine, contracts, report)}
        results["sizes"] = sizes_postgresql(engine)
        middle = contracts[len(contracts) // 2]
        check_sample(engine, middle)
        results["reads"] = measure_reads(engine, middle)
        results["importer"] = measure_importer(engine, contracts)
    finally:
        engine.dispose()
        if not keep:
            with create_engine(url).begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
    return results


def run_sqlite(path: Path, supplies: int, keep: bool, report) -> dict:
    """Load, measure and (unless kept) delete the SQLite file."""
    path.unlink(missing_ok=True)
    engine, contracts = with_contracts(f"sqlite:///{path}", None, supplies)
    try:
        before = path.stat().st_size
        results = {"load": load_sqlite(engine, contracts, report)}
        results["sizes"] = {**sizes_sqlite(engine), "before": before}
        middle = contracts[len(contracts) // 2]
        check_sample(engine, middle)
        results["reads"] = measure_reads(engine, middle)
    finally:
        engine.dispose()
        if not keep:
            path.unlink(missing_ok=True)
    return results


def main() -> None:
    """Parse the command line, run what was asked, print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgresql", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--sqlite", type=Path, help="SQLite file to (re)create")
    parser.add_argument("--supplies", type=int, default=5_500)
    parser.add_argument("--keep", action="store_true", help="keep the schema and the file")
    args = parser.parse_args()

    def report(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    if args.postgresql:
        results = run_postgresql(args.postgresql, args.supplies, args.keep, report)
        print("\n".join(summary("PostgreSQL", results)), results, sep="\n")
    if args.sqlite:
        results = run_sqlite(args.sqlite, args.supplies, args.keep, report)
        print("\n".join(summary("SQLite", results)), results, sep="\n")


if __name__ == "__main__":
    main()
