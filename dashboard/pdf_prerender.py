"""Render invoice PDFs ahead of time into the instance's PDF cache (pdf_cache.py).

    flask pdf prerender [--since 2026-01-01] [--language it --language en]

Run after each import and after each deploy (a new layout version starts an empty folder),
on every instance, e.g. from cron: PDFs already stored for the current data generation and
layout are skipped, so a run with nothing new costs a look at each file. `flask import` and
the administrator's import prerender the invoices they wrote themselves.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import click
from flask import Flask, Response, after_this_request, current_app
from sqlalchemy import select

from models import Invoice, db
from models.generation import current_generation

from . import pdf_cache
from .documents.source import build_invoice_document
from .i18n import COOKIE, DEFAULT, LANGUAGES
from .invoices import KINDS

log = logging.getLogger(__name__)
THREAD = "pdf-prerender"


@dataclass
class Prerendered:
    """What a prerender run did."""

    rendered: int = 0
    present: int = 0      # already stored for the current data and layout
    refused: int = 0      # the documents refuse to print the stored data (logged)


def prerender(app: Flask, invoice_ids: Iterable[int], languages: Sequence[str] = (DEFAULT,),
              progress: Callable[[int], None] = lambda _done: None) -> Prerendered:
    """Render and store the Fattura and the Dettaglio of each invoice in each language."""
    done = Prerendered()
    if pdf_cache.disk(app).max_bytes <= 0:   # turned off: nowhere to keep them
        return done
    for invoice_id in invoice_ids:
        for language in languages:
            _one(app, invoice_id, language, done)
        progress(1)
    with app.app_context():   # the older generations' folders go now, not at the next sweep
        pdf_cache.disk().sweep(current_generation(db.session))
    return done


def _one(app: Flask, invoice_id: int, language: str, done: Prerendered) -> None:
    """Store one invoice's missing PDFs in one language, as a viewer of that language gets them."""
    # A fresh app context per language: Flask-Babel keeps the language on `g`.
    with app.app_context(), app.test_request_context(headers={"Cookie": f"{COOKIE}={language}"}):
        disk = pdf_cache.disk()
        missing = [(kind, pdf_cache.key_for(invoice_id, kind)) for kind in KINDS]
        missing = [(kind, key) for kind, key in missing if not disk.has(key)]
        done.present += len(KINDS) - len(missing)
        if not missing:
            return
        try:
            document = build_invoice_document(db.session, invoice_id)
            for kind, key in missing:
                render, filename = KINDS[kind]
                disk.put(key, (render(document), filename(document)))
                done.rendered += 1
        except ValueError:   # as the route: logged, and answered politely when asked for
            log.exception("invoice %s: PDFs not printable", invoice_id)
            done.refused += 1


def invoices_since(since: date | None) -> list[int]:
    """Return the ids of the invoices issued on or after a day (all without one), newest first."""
    query = select(Invoice.id).order_by(Invoice.issue_date.desc(), Invoice.id.desc())
    if since is not None:
        query = query.where(Invoice.issue_date >= since)
    return list(db.session.scalars(query))


def prerender_after_response(invoice_ids: list[int]) -> None:
    """Prerender an import's invoices on a thread of their own, once the response has gone.

    A thread cut short (a worker recycled) only leaves PDFs to render on first opening, or to
    the next `flask pdf prerender`.
    """
    app = current_app._get_current_object()

    def run() -> None:
        try:
            prerender(app, invoice_ids)
        except Exception:   # a cache filler must never take the worker down
            log.exception("prerendering %s invoices stopped", len(invoice_ids))

    @after_this_request
    def hand_over(response: Response) -> Response:
        response.call_on_close(threading.Thread(target=run, name=THREAD, daemon=True).start)
        return response


def register_pdf_commands(server: Flask) -> None:
    """Add `flask pdf prerender`."""
    @server.cli.group("pdf")
    def pdf() -> None:
        """Invoice PDFs (docs/DEPLOY.md)."""

    @pdf.command("prerender")
    @click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]),
                  help="Solo le fatture emesse da questo giorno (AAAA-MM-GG).")
    @click.option("--language", "languages", multiple=True, default=[DEFAULT],
                  type=click.Choice(sorted(LANGUAGES)), show_default=True,
                  help="Lingua dei PDF; ripetibile.")
    def prerender_command(since: datetime | None, languages: tuple[str, ...]) -> None:
        """Render the invoices' PDFs that are not stored yet, newest first."""
        ids = invoices_since(since.date() if since else None)
        db.session.rollback()   # each PDF is read in a session of its own
        with click.progressbar(length=len(ids), label="PDF") as bar:
            done = prerender(server, ids, languages, bar.update)
        click.echo(f"PDF: {done.rendered} preparati, {done.present} già pronti"
                   + (f", {done.refused} fatture non stampabili" if done.refused else ""))
