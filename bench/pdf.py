"""Time the rendering of an invoice's two PDFs, without the web request around them.

    python -m bench.pdf [--repeat 200]

On the demo data (SQLite in memory): the seed's invoice 1636/2023 (Bolletta 2.0) and the
latest bill of the same home (Delibera 315/2024 layout). The Fattura and the Fattura Dettaglio
of each are rendered in turn, so that the machine's drift weighs on all four alike; the first
render of the process (fonts prepared once) is timed apart. Medians in milliseconds.
"""
from __future__ import annotations

import argparse
import statistics
import time

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from models import Base, Invoice
from models.demo import load_demo
from models.enums import BillGeneration
from models.passwords import PasswordPolicy


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


def main() -> None:
    """Print the first render's time and the medians of each document."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
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
