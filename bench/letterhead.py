"""Time the bill PDFs' rendering in CPU time, to compare two checkouts (the letterhead's cost).

    python -m bench.letterhead [--repeat 20]

Renders the seed's first invoice (bolletta and dettaglio) outside an app, so with SECAB's
branding, and prints the median CPU milliseconds per document over seven rounds. CPU time, not
wall time: on a shared, loaded machine it is the one that stays put between runs.
"""
from __future__ import annotations

import argparse
import statistics
import time

from dashboard.documents import render_detail, render_invoice
from tests.test_documents import seed_first_invoice


def cpu_ms(render, doc, repeat: int) -> float:
    """Return the median CPU milliseconds of one rendering, over seven rounds."""
    render(doc)  # the font is cut and parsed once per process: not part of a document's cost
    rounds = []
    for _ in range(7):
        start = time.process_time()
        for _ in range(repeat):
            render(doc)
        rounds.append((time.process_time() - start) / repeat * 1000)
    return statistics.median(rounds)


def main() -> None:
    """Print the CPU time of each bill document."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    repeat = parser.parse_args().repeat
    doc = seed_first_invoice()
    for render in (render_invoice, render_detail):
        print(f"{render.__name__}: {cpu_ms(render, doc, repeat):.2f} ms CPU")


if __name__ == "__main__":
    main()
