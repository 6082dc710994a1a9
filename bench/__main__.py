"""Run every benchmark of issue 5 and print the results as a Markdown table.

    python -m bench [--postgresql URL] [--data-dir /tmp] [--generate] [--seconds 5]

Datasets: SQLite and PostgreSQL at 5,500 and 100,000 supplies (bench.synthetic makes them;
--generate makes the missing ones). Medians and ratios, all measured in one run on this
machine; only 127.0.0.1 is ever contacted.
"""
from __future__ import annotations

import argparse
import gzip
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from bench import synthetic
from bench.app import FLOOR, build
from dashboard import ids
from dashboard.pdf_cache import PdfCache
from models.passwords import PasswordPolicy

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"5k": 5_500, "100k": 100_000}
YEAR = 2023


@dataclass
class Dataset:
    """One database to measure: backend, size, where it lives."""

    backend: str
    size: str
    url: str
    schema: str | None
    results: dict[str, object] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """Name the dataset in the table."""
        return f"{self.backend} {SIZES[self.size]:,}".replace(",", ".")


def datasets(args) -> list[Dataset]:
    """List the four datasets this run measures."""
    found = []
    for size in SIZES:
        found.append(Dataset("SQLite", size, f"sqlite:///{args.data_dir}/bench_{size}.db", None))
        if args.postgresql:
            found.append(Dataset("PostgreSQL", size, args.postgresql, f"bench_{size}"))
    return found


def exists(ds: Dataset) -> bool:
    """Tell whether a dataset has been loaded."""
    try:
        engine = create_engine(ds.url, **_schema_options(ds))
        with engine.connect() as conn:
            return (conn.execute(text("SELECT count(*) FROM contract")).scalar() or 0) > 0
    except Exception:
        return False


def _schema_options(ds: Dataset) -> dict:
    """Return engine options that select the dataset's schema."""
    return {"connect_args": {"options": f"-csearch_path={ds.schema}"}} if ds.schema else {}


def p50(samples: list[float]) -> float:
    """Return the median in milliseconds."""
    return statistics.median(samples) * 1000


def timed(call, repeat: int, warmup: int = 5) -> list[float]:
    """Time a call `repeat` times after a few warm-up calls."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def timed_together(first, second, repeat: int, warmup: int = 10) -> tuple[list[float], list[float]]:
    """Time two calls in alternation, so that the machine's drift weighs on both alike."""
    for _ in range(warmup):
        first()
        second()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for call, into in ((first, samples[0]), (second, samples[1])):
            started = time.perf_counter()
            call()
            into.append(time.perf_counter() - started)
    return samples


def member_of(ds: Dataset) -> tuple[str, int, list[int]]:
    """Pick the customer in the middle of the data: login, contract id, invoice ids."""
    engine = create_engine(ds.url, **_schema_options(ds))
    with engine.connect() as conn:
        customers = conn.execute(text("SELECT count(*) FROM customer")).scalar()
        code = str(synthetic.FIRST_CODE + customers // 2)
        contract = conn.execute(text(
            "SELECT contract.id FROM contract JOIN customer ON customer.id = customer_id "
            "WHERE customer.code = :code ORDER BY contract.id"), {"code": code}).scalars().first()
        invoices = conn.execute(text("SELECT id FROM invoice WHERE contract_id = :c "
                                     "ORDER BY id"), {"c": contract}).scalars().all()
    engine.dispose()
    return f"c{code}@example.com", contract, list(invoices)


def log_in(client, login: str) -> float:
    """Log in through the form; return the seconds the POST took."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    started = time.perf_counter()
    response = client.post("/login", data={"login": login, "password": synthetic.PASSWORD,
                                           "csrf_token": token})
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    client.get("/")
    return elapsed


def callback_body(contract: int) -> dict:
    """Build the consumption callback's post for a contract and year."""
    outputs = [(ids.GRAPH, "figure"), (ids.TOTALS, "children"), (ids.GRID_DATA, "data"),
               (ids.RESULT_MESSAGE, "children"), (ids.RESULT, "hidden")]
    return {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{"id": ids.URL, "property": "search",
                    "value": f"?contratto={contract}&anno={YEAR}"},
                   {"id": ids.CONSUMI_RENDERED, "property": "data",
                    "value": f"?contratto={contract}&anno={YEAR}"}],
        "state": [], "changedPropIds": [f"{ids.URL}.search"],
    }


def measure_in_process(ds: Dataset) -> None:
    """Callback vs floor, response size, PDFs, memory and login, with the test client."""
    login, contract, invoices = member_of(ds)
    # The PDF rows time the render and the worker's memory cache: no folder (bench.pdf has it).
    app = build({"SQLALCHEMY_DATABASE_URI": ds.url, "DATABASE_SCHEMA": ds.schema,
                 "SECRET_KEY": "bench", "LOAD_DEMO": False, "PDF_CACHE_DISK_BYTES": 0})
    client = app.test_client()
    policy = PasswordPolicy.production()
    stored = policy.hash(synthetic.PASSWORD)
    hashes = timed(lambda: policy.verify(stored, synthetic.PASSWORD), 5, 1)
    logins = [log_in(app.test_client(), login) for _ in range(5)]
    log_in(client, login)
    headers = {"X-CSRFToken": client.get_cookie("_csrf_token").value}
    body = callback_body(contract)

    def callback(encoding: str = "identity"):
        response = client.post("/_dash-update-component", json=body,
                               headers={**headers, "Accept-Encoding": encoding})
        assert response.status_code == 200, response.get_data(as_text=True)[:200]
        return response

    floor_url = f"{FLOOR}?contratto={contract}&anno={YEAR}"
    callbacks, floors = timed_together(callback, lambda: client.get(floor_url), 300)
    pdf_urls = [f"/fatture/{i}/{kind}.pdf" for i in invoices for kind in ("fattura", "dettaglio")]
    app.extensions["pdf_cache"] = PdfCache(0)
    generated = timed(lambda: client.get(pdf_urls[len(invoices)]), 100, 3)
    app.extensions["pdf_cache"] = PdfCache(32 * 1024 * 1024)
    again = timed(lambda: client.get(pdf_urls[len(invoices)]), 200, 3)
    # What any member request costs before it does anything: /health with a session cookie
    # runs only the session check (security._private_responses reads the viewer).
    bare = timed(lambda: client.get("/health"), 200, 3)
    ds.results.update({
        "callback_ms": p50(callbacks), "floor_ms": p50(floors),
        "callback_bytes": len(callback().data), "callback_br_bytes": len(callback("br").data),
        "callback_gzip_bytes": len(gzip.compress(callback().data)),
        "pdf_generated_ms": p50(generated), "pdf_again_ms": p50(again), "bare_ms": p50(bare),
        "login_ms": p50(logins), "hash_ms": p50(hashes),
    })
    if ds.size == "5k":
        ds.results["rss_mib"] = memory_over_pdfs(app, client, pdf_urls)


def rss_mib() -> float:
    """Return this process's resident memory in MiB."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def memory_over_pdfs(app, client, urls: list[str]) -> list[float]:
    """Render 1,000 PDFs without cache; return the RSS after 0, 100, 500 and 1,000."""
    app.extensions["pdf_cache"] = PdfCache(0)
    marks = []
    for n in range(1, 1001):
        client.get(urls[n % len(urls)])
        if n in (1, 100, 500, 1000):
            marks.append(round(rss_mib(), 1))
    return marks


# --- gunicorn: throughput and the first load in a real browser ----------------------------

def start_gunicorn(ds: Dataset, workers: int, port: int) -> subprocess.Popen:
    """Serve bench.wsgi:server with gunicorn; return once /health answers."""
    env = {**os.environ, "DATABASE_URL": ds.url, "SECRET_KEY": "bench", "LOAD_DEMO": "0",
           "PDF_CACHE_DISK_BYTES": "0"}
    if ds.schema:
        env["DATABASE_SCHEMA"] = ds.schema
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "bench.wsgi:server"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            if requests.get(f"http://127.0.0.1:{port}/health", timeout=2).ok:
                return process
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def http_login(base: str, login: str) -> requests.Session:
    """Log a requests session in through the form."""
    session = requests.Session()
    page = session.get(base + "/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    session.post(base + "/login", data={"login": login, "password": synthetic.PASSWORD,
                                        "csrf_token": token})
    session.get(base + "/")
    return session


def throughput(base: str, login: str, contract: int, seconds: float,
               floor: bool) -> float:
    """Return requests per second with four client threads, each keeping its connection."""
    sessions = [http_login(base, login) for _ in range(4)]
    done, stop = [0] * len(sessions), time.monotonic() + seconds
    body = callback_body(contract)

    def run(index: int) -> None:
        s = sessions[index]
        headers = {"X-CSRFToken": s.cookies.get("_csrf_token", ""), "Accept-Encoding": "br"}
        while time.monotonic() < stop:
            if floor:
                r = s.get(f"{base}{FLOOR}?contratto={contract}&anno={YEAR}")
            else:
                r = s.post(base + "/_dash-update-component", json=body, headers=headers)
            done[index] += r.status_code == 200

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(sessions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / seconds


def first_load(base: str, login: str, contract: int) -> tuple[int, list[tuple[str, int]]]:
    """Open the consumption page in headless Chromium with an empty cache; sum the bytes."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--lang=it-IT",
                 "--disable-background-networking", "--window-size=1280,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        session = http_login(base, login)
        # Set the cookie before the first navigation: a page opened only to set it would fetch
        # /favicon.ico, whose answer could land later and replace the cookie with its own.
        driver.execute_cdp_cmd("Network.setCookie", {
            "name": "session", "value": session.cookies["session"], "url": base + "/"})
        driver.get(f"{base}/consumi?contratto={contract}&anno={YEAR}")
        WebDriverWait(driver, 20).until(lambda d: d.execute_script(
            "return document.querySelectorAll('.bars .point').length > 0"))
        time.sleep(1)
        entries = driver.execute_script(
            "return performance.getEntriesByType('navigation').concat("
            "performance.getEntriesByType('resource'))"
            ".map(e => [e.name, e.transferSize])")
        locale = driver.execute_script("return Plotly.version + ' ' + "
                                       "Object.keys(Plotly.d3 ? {} : {}).length")
        assert locale
    finally:
        driver.quit()
    entries = [(name.replace(base, ""), int(size)) for name, size in entries]
    return sum(size for _, size in entries), sorted(entries, key=lambda e: -e[1])


def measure_gunicorn(ds: Dataset, seconds: float, browser: bool) -> None:
    """Throughput at 1 and 2 workers for the callback and the floor; the first load."""
    login, contract, _ = member_of(ds)
    for workers in (1, 2):
        process = start_gunicorn(ds, workers, 8790 + workers)
        base = f"http://127.0.0.1:{8790 + workers}"
        try:
            ds.results[f"rps_callback_{workers}"] = throughput(base, login, contract, seconds,
                                                               False)
            ds.results[f"rps_floor_{workers}"] = throughput(base, login, contract, seconds, True)
            if browser and workers == 2:
                ds.results["first_load"] = first_load(base, login, contract)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=20)


# --- the report ---------------------------------------------------------------------------

def table(found: list[Dataset]) -> str:
    """Write the results as the Markdown table docs/BENCHMARKS.md shows."""
    def row(label: str, fmt) -> str:
        cells = []
        for ds in found:
            try:
                cells.append(fmt(ds.results))
            except (KeyError, TypeError, ZeroDivisionError):
                cells.append("–")
        return f"| {label} | " + " | ".join(cells) + " |"

    base5 = {ds.backend: ds.results.get("callback_ms") for ds in found if ds.size == "5k"}
    lines = ["| measure | " + " | ".join(ds.label for ds in found) + " |",
             "|---|" + "---|" * len(found),
             row("consumption callback p50 (ms)", lambda r: f"{r['callback_ms']:.2f}"),
             row("floor p50 (ms)", lambda r: f"{r['floor_ms']:.2f}"),
             row("callback / floor (target ≤ 1.5)",
                 lambda r: f"{r['callback_ms'] / r['floor_ms']:.2f}")]
    lines.append("| callback p50 / same backend at 5.500 (target ≤ 1.2) | " + " | ".join(
        f"{ds.results['callback_ms'] / base5[ds.backend]:.2f}"
        if ds.results.get("callback_ms") and base5.get(ds.backend) else "–"
        for ds in found) + " |")
    lines += [
        row("callback response, bytes (raw / br; target ≤ 10 KB)",
            lambda r: f"{r['callback_bytes']:,} / {r['callback_br_bytes']:,}"),
        row("invoice PDF generated p50 (ms; target ≤ 15)",
            lambda r: f"{r['pdf_generated_ms']:.1f}"),
        row("invoice PDF served again p50 (ms; target ≤ 2)",
            lambda r: f"{r['pdf_again_ms']:.2f}"),
        row("bare authenticated request p50 (ms; session check only)",
            lambda r: f"{r['bare_ms']:.2f}"),
        row("RSS after 1 / 100 / 500 / 1.000 PDFs (MiB)",
            lambda r: " / ".join(str(m) for m in r["rss_mib"])),
        row("first load of /consumi, bytes transferred (target ≤ 700 KB)",
            lambda r: f"{r['first_load'][0]:,}"),
        row("gunicorn 1 worker: callback / floor (req/s)",
            lambda r: f"{r['rps_callback_1']:.0f} / {r['rps_floor_1']:.0f} "
                      f"({r['rps_callback_1'] / r['rps_floor_1']:.2f})"),
        row("gunicorn 2 workers: callback / floor (req/s)",
            lambda r: f"{r['rps_callback_2']:.0f} / {r['rps_floor_2']:.0f} "
                      f"({r['rps_callback_2'] / r['rps_floor_2']:.2f})"),
        row("login p50 / one password hash (ms)",
            lambda r: f"{r['login_ms']:.0f} / {r['hash_ms']:.0f} "
                      f"({r['login_ms'] / r['hash_ms']:.2f})"),
    ]
    return "\n".join(lines).replace(",", ".")


def main() -> None:
    """Generate what is missing (if asked), measure everything, print the table."""
    parser = argparse.ArgumentParser(description="Benchmarks of issue 5")
    parser.add_argument("--postgresql", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--data-dir", default="/tmp")
    parser.add_argument("--generate", action="store_true")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--only", help="measure only datasets whose label contains this")
    args = parser.parse_args()
    found = [ds for ds in datasets(args) if not args.only or args.only in ds.label]
    password_hash = PasswordPolicy.production().hash(synthetic.PASSWORD)
    for ds in found:
        if not exists(ds) and args.generate:
            synthetic.load(ds.url, SIZES[ds.size], ds.schema, password_hash)
    found = [ds for ds in found if exists(ds)]
    for ds in found:
        print(f"== {ds.label}", file=sys.stderr)
        measure_in_process(ds)
        measure_gunicorn(ds, args.seconds, browser=ds.size == "100k")
        print(ds.results, file=sys.stderr)
    print(table(found))
    biggest = next((ds for ds in reversed(found) if "first_load" in ds.results), None)
    if biggest:
        print(f"\nFirst load ({biggest.label}), largest transfers:")
        for name, size in biggest.results["first_load"][1][:12]:
            print(f"- {name}: {size:,} B".replace(",", "."))


if __name__ == "__main__":
    main()
