"""Synthetic data at scale: N supplies × 10 years, deterministic, bulk-loaded.

    python -m bench.synthetic --supplies 100000 --url postgresql+psycopg://…/db --schema s

The schema comes from the migrations (as in production); the rows go in with COPY on
PostgreSQL (foreign-key triggers off for the load: the rows are consistent by construction)
and executemany on SQLite. Every row obeys the import's consistency rules: kWh = F1+F2+F3,
lines add up to the total, months add up to their invoice, periods do not overlap. Amounts
are computed in integer cents (the columns store scaled integers), never in float.
"""
from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine, create_engine, insert, text

SEED = "secab-synthetic"
FIRST_YEAR, YEARS = 2016, 10
FIRST_CODE = 300_000
PASSWORD = "Sintetico!2024"
# (weight per month Jan–Dec, band shares F1/F2/F3 in thousandths)
SEASON = (12, 11, 9, 8, 7, 7, 8, 8, 7, 8, 9, 12)
TOWNS = (("Paluzza", "33026"), ("Cercivento", "33020"), ("Ravascletto", "33020"),
         ("Sutrio", "33020"), ("Treppo Ligosullo", "33020"))
# Unit prices in millionths of a euro (the UnitPrice column's scale).
ENERGY_MICRO = {"F1": 132_500, "F2": 127_500, "F3": 116_250}
NETWORK_ENERGY, CHARGES_ENERGY, EXCISE = 9_600, 31_000, 22_700
SALE_FIXED, NETWORK_FIXED, NETWORK_POWER = 5_500_000, 1_780_000, 1_950_000
VAT_DOMESTIC_PERMILLE = 100

Row = tuple


def cents(quantity_milli: int, price_micro: int) -> int:
    """Return quantity × price in cents, rounded half up (quantity in thousandths)."""
    product = quantity_milli * price_micro          # in 10^-9 euro
    sign = -1 if product < 0 else 1
    return sign * ((abs(product) + 5_000_000) // 10_000_000)


@dataclass
class Tables:
    """The rows of every table, as lists of tuples in column order."""

    customer: list[Row]
    contract: list[Row]
    monthly_consumption: list[Row]
    meter_reading: list[Row]
    invoice: list[Row]
    invoice_line: list[Row]
    payment: list[Row]


COLUMNS = {
    "customer": ("id", "code", "name", "tax_code", "billing_street", "billing_zip",
                 "billing_city", "billing_province", "email", "member_since"),
    "contract": ("id", "customer_id", "pod", "supply_street", "supply_zip", "supply_city",
                 "customer_type", "tariff_structure", "offer_name", "offer_code",
                 "power_committed_kw", "power_available_kw", "voltage_v", "phases",
                 "meter_type", "billing_months", "start_date", "end_date", "status",
                 "payment_method", "iban"),
    "monthly_consumption": ("id", "contract_id", "month", "f1_kwh", "f2_kwh", "f3_kwh",
                            "reading_type"),
    "meter_reading": ("id", "contract_id", "read_on", "f1", "f2", "f3", "reading_type"),
    "invoice": ("id", "contract_id", "fiscal_year", "number", "issue_date", "due_date",
                "period_start", "period_end", "reading_date", "reading_type", "f1_kwh",
                "f2_kwh", "f3_kwh", "total", "generation", "is_adjustment"),
    "invoice_line": ("id", "invoice_id", "position", "group", "side", "description",
                     "quantity", "unit", "unit_price", "amount"),
    "payment": ("id", "invoice_id", "paid_on", "amount", "channel"),
}


class Counter:
    """Hand out ids and invoice numbers (numbers restart each year)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.numbers: dict[int, int] = {}

    def next_id(self, table: str) -> int:
        """Return the next id of a table."""
        self.ids[table] = self.ids.get(table, 0) + 1
        return self.ids[table]

    def next_number(self, year: int) -> int:
        """Return the next invoice number of a year."""
        self.numbers[year] = self.numbers.get(year, 0) + 1
        return self.numbers[year]


def _months() -> list[date]:
    """Return the first day of each month of the ten years."""
    return [date(FIRST_YEAR + i // 12, i % 12 + 1, 1) for i in range(YEARS * 12)]


def _month_end(month: date) -> date:
    """Return the last day of a month."""
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following - timedelta(days=1)


# Where each Bolletta 2.0 group goes on bills issued under Delibera 315/2024.
RECEIPT_GROUPS = {
    ("materia_energia", "kWh"): "quota_consumi", ("materia_energia", "mese"): "quota_fissa",
    ("trasporto_contatore", "kWh"): "quota_consumi",
    ("trasporto_contatore", "mese"): "quota_fissa",
    ("trasporto_contatore", "kW×mese"): "quota_potenza",
    ("oneri_sistema", "kWh"): "quota_consumi",
}


def _lines(invoice_id: int, bands: Sequence[int], counter: Counter,
           receipt: bool) -> tuple[list[Row], int]:
    """Build the cost lines of a two-month domestic bill; return them and the total."""
    kwh = sum(bands)
    charges = [("materia_energia", "vendita", f"Energia fascia {b}", q * 1000, "kWh",
                ENERGY_MICRO[b]) for b, q in zip(("F1", "F2", "F3"), bands, strict=True)]
    charges += [
        ("materia_energia", "vendita", "Quota fissa vendita (PCV)", 2000, "mese", SALE_FIXED),
        ("trasporto_contatore", "rete_oneri", "Trasporto: quota energia", kwh * 1000, "kWh",
         NETWORK_ENERGY),
        ("trasporto_contatore", "rete_oneri", "Trasporto: quota fissa", 2000, "mese",
         NETWORK_FIXED),
        ("trasporto_contatore", "rete_oneri", "Trasporto: quota potenza", 6000, "kW×mese",
         NETWORK_POWER),
        ("oneri_sistema", "rete_oneri", "Oneri di sistema: quota energia", kwh * 1000, "kWh",
         CHARGES_ENERGY),
        ("imposte_iva", "imposte", "Accisa", kwh * 1000, "kWh", EXCISE),
    ]
    rows, base = [], 0
    for position, (group, side, description, quantity, unit, price) in enumerate(charges, 1):
        if receipt:
            group = RECEIPT_GROUPS.get((group, unit), group)
        amount = cents(quantity, price)
        base += amount
        rows.append((counter.next_id("invoice_line"), invoice_id, position, group, side,
                     description, quantity, unit, price, amount))
    # IVA on the base that includes the excise: quantity = base in euro (thousandths).
    vat = cents(base * 10, VAT_DOMESTIC_PERMILLE * 1000)
    rows.append((counter.next_id("invoice_line"), invoice_id, len(rows) + 1, "imposte_iva",
                 "imposte", "IVA 10%", base * 10, "€", VAT_DOMESTIC_PERMILLE * 1000, vat))
    return rows, base + vat


def _supply(contract_id: int, rng: random.Random, counter: Counter, tables: Tables) -> None:
    """Generate ten years of months, readings, invoices, lines and payments of one supply."""
    yearly = rng.randint(1200, 6000)
    shares = (rng.randint(300, 420), rng.randint(200, 280))
    registers = [rng.randint(8_000, 40_000) for _ in range(3)]
    months = _months()
    tables.meter_reading.append((counter.next_id("meter_reading"), contract_id,
                                 months[0].isoformat(), *registers, "effettiva"))
    for start in range(0, len(months), 2):
        period = months[start:start + 2]
        bands = [0, 0, 0]
        for month in period:
            kwh = yearly * SEASON[month.month - 1] * rng.randint(90, 110) // 10_600
            f1, f2 = kwh * shares[0] // 1000, kwh * shares[1] // 1000
            values = (f1, f2, kwh - f1 - f2)
            bands = [a + b for a, b in zip(bands, values, strict=True)]
            tables.monthly_consumption.append((counter.next_id("monthly_consumption"),
                                               contract_id, month.isoformat(), *values,
                                               "effettiva"))
        end = _month_end(period[-1])
        reading = end + timedelta(days=1)
        issue = end + timedelta(days=rng.randint(50, 58))
        due = issue + timedelta(days=rng.randint(33, 57))
        invoice_id = counter.next_id("invoice")
        generation = "arera_2025" if issue >= date(2025, 7, 1) else "bolletta_2_0"
        lines, total = _lines(invoice_id, bands, counter, generation == "arera_2025")
        registers = [r + b for r, b in zip(registers, bands, strict=True)]
        tables.invoice.append((invoice_id, contract_id, issue.year,
                               counter.next_number(issue.year), issue.isoformat(),
                               due.isoformat(), period[0].isoformat(), end.isoformat(),
                               reading.isoformat(), "effettiva", *bands, total, generation, 0))
        tables.invoice_line.extend(lines)
        tables.meter_reading.append((counter.next_id("meter_reading"), contract_id,
                                     reading.isoformat(), *registers, "effettiva"))
        tables.payment.append((counter.next_id("payment"), invoice_id, due.isoformat(), total,
                               "SEPA"))


def _customer(index: int, counter: Counter, tables: Tables) -> list[int]:
    """Generate a customer and its one or two supplies; return the contract ids."""
    customer_id = counter.next_id("customer")
    code = str(FIRST_CODE + index)
    town, zip_code = TOWNS[index % len(TOWNS)]
    member_since = date(1970 + index % 50, 1 + index % 12, 1).isoformat() if index % 2 else None
    tables.customer.append((customer_id, code, f"Cliente sintetico {code}",
                            f"SYNTH{index:011d}", f"Via dei Test {index % 300 + 1}", zip_code,
                            town, "UD", f"c{code}@example.com", member_since))
    contracts = []
    for _ in range(2 if index % 4 == 0 else 1):
        contract_id = counter.next_id("contract")
        tables.contract.append((
            contract_id, customer_id, f"IT125E{500_000_000 + contract_id:09d}",
            f"Via dei Test {index % 300 + 1}", zip_code, town, "domestico_residente",
            "multioraria", "Energia Carnia Casa", "SEC-D-2021", 3000, 3300, 230, 1,
            "Elettronico 2G (Open Meter)", 2, "2010-01-01", None, "attivo", "avviso", None))
        contracts.append(contract_id)
    return contracts


def generate(supplies: int, batch: int = 2_000) -> Iterator[Tables]:
    """Yield the rows in batches of customers until `supplies` contracts exist."""
    counter, index = Counter(), 0
    while counter.ids.get("contract", 0) < supplies:
        tables = Tables([], [], [], [], [], [], [])
        for _ in range(batch):
            if counter.ids.get("contract", 0) >= supplies:
                break
            for contract_id in _customer(index, counter, tables):
                _supply(contract_id, random.Random(f"{SEED}:{contract_id}"), counter, tables)
            index += 1
        yield tables


def _write_postgresql(engine: Engine, tables: Tables) -> None:
    """COPY a batch of rows into PostgreSQL."""
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        with raw.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")  # no FK triggers
            for name, columns in COLUMNS.items():
                quoted = ", ".join(f'"{c}"' for c in columns)
                with cursor.copy(f'COPY "{name}" ({quoted}) FROM STDIN') as copy:
                    for row in getattr(tables, name):
                        copy.write_row(row)
            cursor.execute("SET session_replication_role = origin")
        raw.commit()


def _write_sqlite(engine: Engine, tables: Tables) -> None:
    """Insert a batch of rows into SQLite in one transaction."""
    with engine.begin() as conn:
        raw = conn.connection.driver_connection
        for name, columns in COLUMNS.items():
            quoted = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" * len(columns))
            raw.executemany(f'INSERT INTO "{name}" ({quoted}) VALUES ({marks})',
                            getattr(tables, name))


def _finish_postgresql(engine: Engine) -> None:
    """Move every id sequence past the loaded ids and refresh the planner's statistics."""
    with engine.begin() as conn:
        for name in COLUMNS:
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                              f"(SELECT coalesce(max(id), 1) FROM \"{name}\"))"))
    analyze(engine)


def _accounts(engine: Engine, customers: int, password_hash: str) -> None:
    """Give every synthetic customer a login: c<code>@example.com, one shared password."""
    from models import Account
    from models.enums import Role

    with engine.begin() as conn:
        for start in range(0, customers, 5_000):
            conn.execute(insert(Account), [
                {"email": f"c{FIRST_CODE + i}@example.com", "password_hash": password_hash,
                 "role": Role.MEMBER, "customer_id": i + 1}
                for i in range(start, min(start + 5_000, customers))])


def schema_engine(url: str, schema: str | None) -> Engine:
    """Open a data set's database, inside its PostgreSQL schema when it has one."""
    options = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema else {}
    return create_engine(url, **options)


def count_rows(url: str, schema: str | None, table: str) -> int:
    """Count a data set's rows in one table; 0 when the data set is missing."""
    try:
        with schema_engine(url, schema).connect() as conn:
            return conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar() or 0
    except Exception:
        return 0


def analyze(engine: Engine) -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load (SQLite needs none)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))


def migrated_engine(url: str, schema: str | None) -> Engine:
    """Create the database (or schema) through the migrations, as a deploy does."""
    from dashboard import create_app
    from dashboard.bootstrap import prepare_database
    from models import db

    if schema:
        with create_engine(url).begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    server = create_app({"SQLALCHEMY_DATABASE_URI": url, "DATABASE_SCHEMA": schema,
                         "SECRET_KEY": "synthetic", "LOAD_DEMO": False})
    prepare_database(server)
    with server.app_context():
        db.engine.dispose()
    return schema_engine(url, schema)


def load(url: str, supplies: int, schema: str | None, password_hash: str,
         report: Callable[[str], None] = print) -> float:
    """Build the schema and load the synthetic data; return the seconds it took."""
    started = time.perf_counter()
    engine = migrated_engine(url, schema)
    postgres = engine.dialect.name == "postgresql"
    write = _write_postgresql if postgres else _write_sqlite
    customers = 0
    for tables in generate(supplies):
        write(engine, tables)
        customers += len(tables.customer)
        report(f"{tables.contract[-1][0]:>7} forniture caricate "
               f"({time.perf_counter() - started:,.0f} s)")
    if postgres:
        _finish_postgresql(engine)
    _accounts(engine, customers, password_hash)
    engine.dispose()
    return time.perf_counter() - started


def main() -> None:
    """Parse the command line and load."""
    from models.passwords import PasswordPolicy

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--supplies", type=int, default=5_500)
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of the database")
    parser.add_argument("--schema", help="PostgreSQL schema to (re)create")
    args = parser.parse_args()
    seconds = load(args.url, args.supplies, args.schema,
                   PasswordPolicy.production().hash(PASSWORD))
    print(f"{args.supplies} forniture in {seconds:,.0f} s")


if __name__ == "__main__":
    main()
