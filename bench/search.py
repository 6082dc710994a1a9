"""«Cerca socio o cliente» at 100,000 customers: p50 and p95 of typical queries.

    python -m bench.search [--postgresql URL] [--data-dir /tmp] [--customers 100000]

The data set (customers, their contracts and logins, no bills: the search reads nothing else)
is generated once, deterministic, through the migrations, into `--data-dir`/bench_search.db
and the PostgreSQL schema `bench_search`, and reused by later runs. Names follow a regional
mix: a fifth of the customers share 120 common surnames (≈ 170 each, like «Rossi» in a
valley), the rest have rarer ones; a tenth are firms; some names carry accents and
apostrophes. Only 127.0.0.1 is contacted.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Engine, insert, select, text
from sqlalchemy.orm import Session

from bench.synthetic import analyze, count_rows, migrated_engine, schema_engine
from models import Account, Contract, Customer, CustomerSearch, refresh_search
from models.demo import tax_code
from models.enums import Role
from models.search import normalize, search_customers

SEED = "secab-search"
FIRST_CODE = 400_000
SCHEMA = "bench_search"
COMMON = (  # noqa: SIM905 - long word lists read better as text
    "Rossi Puntel Plozner Di Centa Matiz Craighero Morassi Maieron Unfer Cescutti Primus "
    "Screm De Crignis Mentil Selenati Tassotti Gortani Del Bon Moro Brunetti Menegon Vuerich "
    "Straulino Silverio Faleschini Englaro Del Fabbro Dassi Romanin Barbacetto Zanier "
    "Candotti Marsilio Muser Cimenti Flora Sulli Morocutti Polo Tomat Vidoni Zamolo Della "
    "Pietra Toch Agostinis Quaglia Cacitti Di Lena Micoli Pittino Mainardis Bellina Fachin "
    "Gressani Adami Galante Sbrizzai Zuliani Colle Cortiula Fabiani Bianchi Ferrari Russo "
    "Romano Colombo Ricci Marino Greco Bruno Gallo Conti De Luca Mancini Costa Giordano "
    "Rizzo Lombardi Moretti Barbieri Fontana Santoro Mariani Rinaldi Caruso Ferrara Galli "
    "Martini Leone Longo Gentile Martinelli Vitale Serra Coppola De Santis D'Angelo Marchetti "
    "Parisi Villa Conte Ferraro Ferri Fabbri Bianco Marini Grasso Valentini Messina Sala "
    "De Angelis Gatti Pellegrini Palumbo Sanna Farina Rizzi Monti Cattaneo Morelli Amato"
).split()
FIRST = (  # noqa: SIM905
    "Mario Giuseppe Giovanni Luigi Franco Bruno Sergio Renzo Dino Marco Paolo Andrea Luca "
    "Stefano Roberto Alessandro Matteo Davide Simone Federico Niccolò Nicolò Gianluca Pietro "
    "Enrico Fabio Massimo Claudio Daniele Riccardo Lucia Elena Anna Paola Giulia Carla Silvia "
    "Rita Laura Maria Francesca Chiara Sara Valentina Alessia Martina Giorgia Federica "
    "Elisa Monica Cristina Barbara Daniela Roberta Patrizia Manuela Michela Noemi Irene Aurora"
).split()
ACCENTED = ("Dell'Agnòl", "Cantù", "Tomè", "D'Agostino", "Zanè", "Forgiarìn", "Pittìn",
            "D'Orlando", "Bortolò", "Del Negro")
SYLLABLES = (  # noqa: SIM905
    "ba be bi bo ca ce ci co cu da de di do fa fe fi ga gi go la le li lo lu ma me "
    "mi mo na ne ni no pa pe pi po ra re ri ro ru sa se si so ta te ti to tu va ve "
    "vi vo za ze zo").split()
ENDINGS = ("tti", "ni", "ri", "ig", "er", "ut", "lli", "ssi", "zzi", "n", "s", "t", "ch")
FIRMS = ("Falegnameria", "Alimentari", "Bar", "Agriturismo", "Officina", "Albergo",
         "Impresa edile", "Segheria", "Malga", "Studio tecnico")
DOMAINS = ("libero.it", "gmail.com", "alice.it", "virgilio.it", "tiscali.it", "outlook.it",
           "yahoo.it", "hotmail.it")


def _rare_surname(rng: random.Random) -> str:
    """Invent a plausible rarer surname from syllables and a regional ending."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))).title() + \
        rng.choice(ENDINGS)


def _rows(customers: int) -> Iterator[tuple[list[dict], list[dict], list[dict]]]:
    """Yield customers, contracts and logins in batches of 5,000 customers."""
    rng = random.Random(SEED)
    pod_numbers = rng.sample(range(10**8), customers * 2)
    pod_index = 0
    for start in range(0, customers, 5_000):
        people, contracts, logins = [], [], []
        for index in range(start, min(start + 5_000, customers)):
            code = str(FIRST_CODE + index)
            born = date(1935 + rng.randrange(70), rng.randint(1, 12), rng.randint(1, 28))
            if rng.random() < 0.1:
                surname = rng.choice(COMMON + [_rare_surname(rng)] * 50)
                name = f"{rng.choice(FIRMS)} {surname} s.n.c."
                tax = f"{rng.randrange(10**10):010d}3"  # partita IVA as codice fiscale
                first = ""
            else:
                first = rng.choice(FIRST)
                roll = rng.random()
                surname = (rng.choice(COMMON) if roll < 0.2 else rng.choice(ACCENTED)
                           if roll < 0.23 else _rare_surname(rng))
                name = f"{first} {surname}"
                tax = tax_code(normalize(surname), normalize(first), born, rng.random() < 0.5)
            email = None
            if first and rng.random() < 0.6:
                local = "".join(c for c in normalize(f"{first}.{surname}") if c.isalnum()
                                or c == ".")
                email = f"{local}{rng.randrange(100)}@{rng.choice(DOMAINS)}"
                logins.append({"email": f"{code}.{email}", "password_hash": "!",
                               "role": Role.MEMBER, "customer_id": index + 1})
            people.append({"id": index + 1, "code": code, "name": name, "tax_code": tax,
                           "billing_street": "Via Roma 1", "billing_zip": "33026",
                           "billing_city": "Paluzza", "billing_province": "UD",
                           "email": email, "member_since": born if index % 2 else None})
            for _ in range(2 if index % 4 == 0 else 1):
                contracts.append({
                    "customer_id": index + 1, "pod": f"IT125E{pod_numbers[pod_index]:08d}",
                    "supply_street": "Via Roma 1", "supply_zip": "33026",
                    "supply_city": "Paluzza", "customer_type": "domestico_residente",
                    "tariff_structure": "multioraria", "offer_name": "Energia Carnia Casa",
                    "offer_code": "SEC-D-2021", "power_committed_kw": Decimal(3),
                    "power_available_kw": Decimal("3.3"), "meter_type": "2G",
                    "start_date": date(2010, 1, 1), "status": "attivo",
                    "payment_method": "avviso"})
                pod_index += 1
        yield people, contracts, logins


def load(url: str, schema: str | None, customers: int,
         report: Callable[[str], None] = print) -> float:
    """Build the schema through the migrations and load the data set; return the seconds."""
    started = time.perf_counter()
    engine = migrated_engine(url, schema)
    for people, contracts, logins in _rows(customers):
        # Core inserts, as the import does: the search rows are written once at the end.
        with engine.begin() as conn:
            conn.execute(insert(Customer), people)
            conn.execute(insert(Contract), contracts)
            conn.execute(insert(Account), logins)
        report(f"{people[-1]['id']:>7} clienti ({time.perf_counter() - started:,.0f} s)")
    with engine.begin() as conn:
        written = refresh_search(conn)
    report(f"{written} righe di ricerca ({time.perf_counter() - started:,.0f} s)")
    analyze(engine)
    engine.dispose()
    return time.perf_counter() - started


def loaded(url: str, schema: str | None) -> int:
    """Return how many search rows the data set has (0 when it is missing)."""
    return count_rows(url, schema, "customer_search")


@dataclass
class Query:
    """One typical query: what support staff type, and why."""

    label: str
    text: str


def queries(engine: Engine) -> list[Query]:
    """Pick the typical queries from the data set itself (the customer in the middle)."""
    with Session(engine) as session:
        middle = session.scalar(text("SELECT count(*) FROM customer")) // 2 + 1
        code, tax = session.execute(text(
            "SELECT code, tax_code FROM customer WHERE id = :id"), {"id": middle}).one()
        pod = session.scalar(text("SELECT pod FROM contract WHERE customer_id = :id"),
                             {"id": middle})
        login = session.scalar(text(
            "SELECT email FROM account WHERE customer_id >= :id ORDER BY customer_id LIMIT 1"),
            {"id": middle})
        names = session.scalars(text(
            "SELECT name FROM customer WHERE id >= :id ORDER BY id LIMIT 100"), {"id": middle})
    frequent = {normalize(w) for w in (*COMMON, *ACCENTED, *FIRMS)}
    rare = next(n.split()[-1] for n in names if normalize(n.split()[-1]) not in frequent
                and n.split()[0] not in FIRMS)
    local = login.split("@")[0].split(".", 1)[1]   # the login minus its code prefix
    return [
        Query("surname (common)", "Rossi"),
        Query("surname (rare)", rare),
        Query("surname with an accent typed plain", "Forgiarin"),
        Query("first name and surname", "mario rossi"),
        Query("customer code prefix", code[:4]),
        Query("full customer code", code),
        Query("POD fragment", pod[-8:]),
        Query("email fragment", local[:local.index(".") + 4]),   # «mario.ros»
        Query("codice fiscale fragment", tax[3:11]),
        Query("accented name and surname typed plain", "nicolo dell'agnol"),
        Query("no match", "zzqqzz"),
        Query("first name alone (1.5 % of customers)", "Giovanni"),
    ]


def _timed(engine: Engine, call: Callable[[Session], object], repeat: int) -> list[float]:
    """Time a call on one session, ending its transaction each time as a request does."""
    with Session(engine) as session:
        for _ in range(5):
            call(session)
            session.rollback()
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            call(session)
            session.rollback()
            samples.append(time.perf_counter() - started)
    return sorted(samples)


def measure(engine: Engine, query: Query, repeat: int) -> tuple[float, float, int]:
    """Return p50 and p95 in ms of the first page (20 results and the total), and the total."""
    samples = _timed(engine, lambda session: search_customers(session, query.text), repeat)
    with Session(engine) as session:
        total = search_customers(session, query.text).total
    return (statistics.median(samples) * 1000, samples[int(len(samples) * 0.95)] * 1000,
            total)


def floor(engine: Engine, repeat: int) -> float:
    """Return the p50 in ms of the least a search costs: one primary-key lookup, same session."""
    statement = select(CustomerSearch.sort_name).where(CustomerSearch.customer_id == 1)
    return statistics.median(_timed(engine, lambda s: s.execute(statement).all(), repeat)) * 1000


def main() -> None:
    """Generate what is missing, measure every query on every backend, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgresql", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--data-dir", default="/tmp")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    backends = [("SQLite", f"sqlite:///{args.data_dir}/bench_search.db", None)]
    if args.postgresql:
        backends.append(("PostgreSQL", args.postgresql, SCHEMA))
    results: dict[str, list[tuple[float, float, int]]] = {}
    floors: dict[str, float] = {}
    labels: list[Query] = []
    for name, url, schema in backends:
        if loaded(url, schema) < args.customers:
            print(f"== generating {name}", file=sys.stderr)
            load(url, schema, args.customers, lambda line: print(line, file=sys.stderr))
        engine = schema_engine(url, schema)
        labels = queries(engine)
        floors[name] = floor(engine, args.repeat)
        results[name] = [measure(engine, q, args.repeat) for q in labels]
        engine.dispose()
        print(f"== {name}: floor {floors[name]:.2f}, {results[name]}", file=sys.stderr)
    header = " | ".join(f"{name} p50 / p95 (ms) | × floor" for name in results)
    print(f"| query | typed | found | {header} |")
    print("|---|---|---|" + "---|---|" * len(results))
    for i, query in enumerate(labels):
        found = next(iter(results.values()))[i][2]
        cells = " | ".join(f"{r[i][0]:.2f} / {r[i][1]:.2f} | {r[i][0] / floors[name]:.1f}"
                           for name, r in results.items())
        print(f"| {query.label} | `{query.text}` | {found:,} | {cells} |".replace(",", "."))
    cells = " | ".join(f"{f:.2f} | 1.0" for f in floors.values())
    print(f"| floor: one primary-key lookup on the same session | | | {cells} |".replace(",", "."))


if __name__ == "__main__":
    main()
