"""Time the rendering of an invoice's two PDFs, and their requests with and without the cache.

    python -m bench.pdf [--repeat 200]
    python -m bench.pdf --served [--repeat 40]

On the demo data (SQLite in memory): the seed's invoice 1636/2023 (Bolletta 2.0) and the
latest bill of the same home (Delibera 315/2024 layout). The Fattura and the Fattura Dettaglio
of each are rendered in turn, so that the machine's drift weighs on all four alike; the first
render of the process (fonts prepared once) is timed apart. Medians in milliseconds.

--served times whole requests of Mario, logged in, through the app (SQLite file, demo data):
for each PDF in turn, a cold request (nothing cached: it renders), the first request of a
fresh worker after `flask pdf prerender` (read from the instance's folder), a request
served again by the same worker (memory) and /health with the same session (what any request
costs before its work). It also times the prerender of the home's invoices.
"""
from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from models import Base, Invoice
from models.demo import load_demo
from models.enums import BillGeneration
from models.passwords import PasswordPolicy

HOW = ("cold", "prerendered", "again", "bare")


def _documents() -> dict[str, object]:
    """Load the demo and return the two invoices' plain documents."""
    from dashboard.documents.source import build_invoice_document

    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        load_demo(session, hash_password=PasswordPolicy.fast_for_tests().hash)
        session.commit()
        seed = session.scalars(select(Invoice).where(Invoice.number == 1636,
                                                     Invoice.fiscal_year == 2023)).one()
        latest = session.scalars(
            select(Invoice).where(Invoice.contract_id == seed.contract_id,
                                  Invoice.generation == BillGeneration.ARERA_2025)
            .order_by(Invoice.issue_date.desc())).first()
        return {"Bolletta 2.0 (1636/2023)": build_invoice_document(session, seed.id),
                f"ARERA 2025 ({latest.number}/{latest.fiscal_year})":
                    build_invoice_document(session, latest.id)}


def _served_app(folder: Path):
    """Build the app on a demo database in a folder, its PDF cache beside it."""
    from dashboard import create_app
    from dashboard.bootstrap import prepare_database

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'demo.db'}",
                      "SECRET_KEY": "bench", "LOAD_DEMO": True,
                      "PASSWORD_POLICY": PasswordPolicy.fast_for_tests(),
                      "PDF_CACHE_DIR": str(folder / "pdf-cache")})
    prepare_database(app)
    return app


def _logged_in(app):
    """Return a test client logged in as the demo member Mario Rossi."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"login": "socio@example.com",
                                           "password": "Paluzza!2023", "csrf_token": token})
    assert response.status_code == 302, response.status_code
    return client


def _timed_get(client, url: str) -> float:
    """Request a PDF (or /health) and return the seconds it took."""
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, url
    assert url == "/health" or response.data.startswith(b"%PDF-"), url
    return elapsed


def served(repeat: int) -> None:
    """Print the medians of cold, prerendered and repeated requests, and the prerender's pace."""
    from dashboard.pdf_prerender import prerender
    from models import db

    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as temp:
        app = _served_app(Path(temp))
        client = _logged_in(app)
        with app.app_context():
            seed = db.session.scalars(select(Invoice).where(Invoice.number == 1636,
                                                            Invoice.fiscal_year == 2023)).one()
            ids = list(db.session.scalars(select(Invoice.id)
                                          .where(Invoice.contract_id == seed.contract_id)
                                          .order_by(Invoice.issue_date.desc())))
            bills = {"Bolletta 2.0 (1636/2023)": seed.id, "ARERA 2025 (latest)": ids[0]}
        started = time.perf_counter()
        done = prerender(app, ids)
        pace = (time.perf_counter() - started) / max(done.rendered, 1)
        print(f"prerender: {done.rendered} PDFs of {len(ids)} invoices, "
              f"{pace * 1000:.1f} ms per PDF")
        targets = {f"{kind.capitalize()} {label}": (invoice, kind)
                   for label, invoice in bills.items() for kind in ("fattura", "dettaglio")}
        samples: dict[tuple[str, str], list[float]] = {
            (target, how): [] for target in targets for how in HOW}
        for round_ in range(repeat + 3):
            for target, (invoice, kind) in targets.items():
                url = f"/fatture/{invoice}/{kind}.pdf"
                app.extensions.pop("pdf_cache", None)          # a fresh worker
                for stored in Path(temp, "pdf-cache").rglob(f"{invoice}-{kind}-it.pdf"):
                    stored.unlink()                              # and nothing prerendered
                timings = (_timed_get(client, url),             # renders and stores
                           _pop_and_get(app, client, url),       # from the folder
                           _timed_get(client, url),              # from memory
                           _timed_get(client, "/health"))        # the session check alone
                if round_ >= 3:                                  # the first three warm up
                    for how, value in zip(HOW, timings, strict=True):
                        samples[target, how].append(value)
        for target in targets:
            ms = {how: statistics.median(samples[target, how]) * 1000 for how in HOW}
            print(f"{target}: cold {ms['cold']:.2f} ms, first after prerender "
                  f"{ms['prerendered']:.2f} ms, again {ms['again']:.2f} ms, session check "
                  f"alone {ms['bare']:.2f} ms; cold / prerendered "
                  f"{ms['cold'] / ms['prerendered']:.0f}× (medians over {repeat})")


def _pop_and_get(app, client, url: str) -> float:
    """Request a PDF as a fresh worker would (no memory cache); return the seconds."""
    app.extensions.pop("pdf_cache", None)
    return _timed_get(client, url)


def main() -> None:
    """Print the first render's time and the medians of each document (or of the requests)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--served", action="store_true",
                        help="time requests: cold, first after prerender, served again")
    args = parser.parse_args()
    if args.served:
        served(args.repeat)
        return
    from dashboard.documents import render_detail, render_invoice

    documents = _documents()
    started = time.perf_counter()
    render_invoice(next(iter(documents.values())))
    print(f"first render of the process: {(time.perf_counter() - started) * 1000:.1f} ms")
    calls = [(f"{kind} {label}", render, doc) for label, doc in documents.items()
             for kind, render in (("Fattura", render_invoice), ("Dettaglio", render_detail))]
    samples: dict[str, list[float]] = {name: [] for name, _, _ in calls}
    for round_ in range(args.repeat + 10):
        for name, render, doc in calls:
            started = time.perf_counter()
            render(doc)
            if round_ >= 10:                # the first ten rounds warm up
                samples[name].append(time.perf_counter() - started)
    for name, values in samples.items():
        print(f"{name}: median {statistics.median(values) * 1000:.2f} ms over {len(values)}")


if __name__ == "__main__":
    main()
