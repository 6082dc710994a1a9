"""The advisor's list at 100,000 consenting members: one page per sort, p50 and p95.

    python -m bench.portfolio [--postgresql URL] [--data-dir /tmp] [--customers 100000]

The data set is the search benchmark's customers and contracts (bench/search.py: 100,000
customers, 125,000 supplies) with 24 months of consumption per supply and every customer's
consent, generated once, deterministic, into `--data-dir`/bench_portfolio.db and the
PostgreSQL schema `bench_portfolio`, and reused by later runs.

What it measures, per backend:
- «sum everyone»: `refresh_usage` after `forget_usage`, that is the 24 months of every member
  summed, once after an import; before the summaries, every page sorted by a figure paid it;
- one page of the list (steady state: `refresh_usage` finds nothing to do, then `portfolio`),
  page 1 and page 500, for every sort the page offers.
"""
from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from bench.search import _rows
from bench.synthetic import analyze, count_rows, migrated_engine, schema_engine
from models import Contract, Customer, MonthlyConsumption
from models.advice import AdvisorConsent, forget_usage, portfolio, refresh_usage

SCHEMA = "bench_portfolio"
TODAY = date(2026, 12, 3)
MONTHS = [date(2024 + (m // 12), m % 12 + 1, 1) for m in range(11, 11 + 24)]  # 12/2024–11/2026
PER_PAGE = 50
SORTS = (("nome", False), ("codice", False), ("kwh", True), ("f1", True), ("forniture", True))


def _months(contract_ids: range, rng: random.Random) -> list[dict]:
    """Invent 24 months of band totals for each supply: a household-sized year."""
    rows = []
    for contract_id in contract_ids:
        scale = rng.uniform(0.4, 2.5)
        for month in MONTHS:
            winter = 1.3 if month.month in (11, 12, 1, 2) else 1.0
            rows.append({"contract_id": contract_id, "month": month,
                         "f1_kwh": int(90 * scale * winter * rng.uniform(0.8, 1.2)),
                         "f2_kwh": int(70 * scale * winter * rng.uniform(0.8, 1.2)),
                         "f3_kwh": int(110 * scale * winter * rng.uniform(0.8, 1.2)),
                         "reading_type": "stimata" if rng.random() < 0.05 else "effettiva"})
    return rows


def load(url: str, schema: str | None, customers: int,
         report: Callable[[str], None] = print) -> float:
    """Build the schema through the migrations and load the data set; return the seconds."""
    started = time.perf_counter()
    engine = migrated_engine(url, schema)
    rng = random.Random("secab-portfolio")
    contracts_so_far = 0
    granted = datetime(2026, 1, 15, 9, 0)
    for people, contracts, _logins in _rows(customers):
        with engine.begin() as conn:
            conn.execute(insert(Customer), people)
            conn.execute(insert(Contract), contracts)
            conn.execute(insert(AdvisorConsent), [
                {"customer_id": p["id"], "given_at": granted} for p in people])
            ids = range(contracts_so_far + 1, contracts_so_far + len(contracts) + 1)
            conn.execute(insert(MonthlyConsumption), _months(ids, rng))
        contracts_so_far += len(contracts)
        report(f"{people[-1]['id']:>7} clienti ({time.perf_counter() - started:,.0f} s)")
    analyze(engine)
    engine.dispose()
    return time.perf_counter() - started


def loaded(url: str, schema: str | None) -> int:
    """Return how many consents the data set has (0 when it is missing)."""
    return count_rows(url, schema, "advisor_consent")


def timed(work: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Run the work `repeat` times; return p50 and p95 in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[math.ceil(len(times) * 0.95) - 1]  # nearest rank


def sum_everyone(engine: Engine) -> float:
    """Forget every summary and sum all members again; return the milliseconds."""
    with Session(engine) as session:
        forget_usage(session)
        session.commit()
        started = time.perf_counter()
        written = refresh_usage(session, TODAY)
        session.commit()
        elapsed = (time.perf_counter() - started) * 1000
    print(f"   {written} soci sommati in {elapsed:,.0f} ms", file=sys.stderr)
    return elapsed


def one_page(engine: Engine, sort: str, descending: bool, page: int) -> Callable[[], object]:
    """Return the work of one page of the list, as the advisor's page does it."""
    def work() -> object:
        with Session(engine) as session:
            refresh_usage(session, TODAY)
            return portfolio(session, TODAY, "", sort, descending, page, PER_PAGE)
    return work


def main() -> None:
    """Generate what is missing, measure every sort on every backend, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgresql", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--data-dir", default="/tmp")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    backends = [("SQLite", f"sqlite:///{args.data_dir}/bench_portfolio.db", None)]
    if args.postgresql:
        backends.append(("PostgreSQL", args.postgresql, SCHEMA))
    print("| backend | measure | p50 (ms) | p95 (ms) |")
    print("|---|---|---|---|")
    for name, url, schema in backends:
        if loaded(url, schema) < args.customers:
            print(f"== generating {name}", file=sys.stderr)
            load(url, schema, args.customers, lambda line: print(line, file=sys.stderr))
        engine = schema_engine(url, schema)
        sums = sorted(sum_everyone(engine) for _ in range(3))
        print(f"| {name} | sum everyone (after an import) | {sums[1]:,.0f} | – |")
        for sort, descending in SORTS:
            for page in (1, 500):
                p50, p95 = timed(one_page(engine, sort, descending, page), args.repeat)
                print(f"| {name} | page {page} by {sort}{' ↓' if descending else ''} "
                      f"| {p50:,.1f} | {p95:,.1f} |")
        engine.dispose()


if __name__ == "__main__":
    main()
