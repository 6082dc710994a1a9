"""`flask import FOLDER`: bring the billing system's CSV export into the portal's database."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from models import db
from models.importing import ImportReport, check_folder, invoices_named, write
from models.importing.curves import check_curve_files, write_curves

from .pdf_prerender import prerender

MAX_PRINTED_PROBLEMS = 500


def _print_problems(report: ImportReport) -> None:
    """Print the problems, one per line, to stderr."""
    for problem in report.problems[:MAX_PRINTED_PROBLEMS]:
        click.echo(str(problem), err=True)
    hidden = len(report.problems) - MAX_PRINTED_PROBLEMS
    if hidden > 0:
        click.echo(f"… e altri {hidden} problemi.", err=True)
    click.echo(f"Importazione annullata: {len(report.problems)} problemi, nessun dato scritto.",
               err=True)


def _print_summary(report: ImportReport) -> None:
    """Print what was written to each table."""
    for name, c in report.counts.items():
        click.echo(f"{name}: {c.new} nuovi, {c.changed} modificati, {c.unchanged} invariati"
                   + (f", {c.removed} rimossi" if c.removed else ""))


def register_import_command(server: Flask) -> None:
    """Add `flask import` to the app's command line."""
    @server.cli.command("import")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--check-only", is_flag=True, help="Controlla i file senza scrivere nulla.")
    @click.option("--no-prerender", is_flag=True,
                  help="Non preparare ora i PDF delle fatture importate.")
    def import_command(folder: Path, check_only: bool, no_prerender: bool) -> None:
        """Import a folder of CSV files exported by the billing system (docs/IMPORT.md)."""
        files, report = check_folder(db.session, folder)
        if not report.ok:
            db.session.rollback()
            _print_problems(report)
            raise click.exceptions.Exit(1)
        if check_only:
            db.session.rollback()
            click.echo(f"Nessun problema in {report.rows} righe.")
            return
        try:
            with click.progressbar(length=report.rows, label="Importazione") as bar:
                report.counts = write(db.session, files, bar.update)
            db.session.commit()   # one transaction for the whole file set
        except Exception:
            db.session.rollback()
            raise
        _print_summary(report)
        if not no_prerender:
            _prerender(server, invoices_named(db.session, files))


def _prerender(server: Flask, invoice_ids: list[int]) -> None:
    """Render the imported invoices' PDFs now: members open the new bills first."""
    db.session.rollback()   # each PDF is read in a session of its own
    with click.progressbar(length=len(invoice_ids), label="PDF") as bar:
        done = prerender(server, invoice_ids, progress=bar.update)
    click.echo(f"PDF: {done.rendered} preparati, {done.present} già pronti")


def register_curve_command(server: Flask) -> None:
    """Add `flask curves import FILE…` for the distributor's quarter-hour files."""
    @server.cli.group("curves")
    def curves() -> None:
        """Quarter-hour curves from the meters (docs/IMPORT.md)."""

    @curves.command("import")
    @click.argument("files", nargs=-1, required=True,
                    type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--check-only", is_flag=True, help="Controlla i file senza scrivere nulla.")
    def import_curves(files: tuple[Path, ...], check_only: bool) -> None:
        """Import quarter-hour CSV files, long or wide layout: all of them or nothing."""
        checked = check_curve_files(db.session, list(files))
        if checked.problems:
            db.session.rollback()
            for problem in checked.problems[:MAX_PRINTED_PROBLEMS]:
                click.echo(str(problem), err=True)
            click.echo(f"Importazione annullata: {len(checked.problems)} problemi, nessun "
                       "dato scritto.", err=True)
            raise click.exceptions.Exit(1)
        if check_only:
            click.echo(f"Nessun problema in {checked.readings} quarti d'ora.")
            return
        try:
            with click.progressbar(length=checked.readings, label="Importazione") as bar:
                new, changed, unchanged = write_curves(db.session, checked, bar.update)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        click.echo(f"giorni: {new} nuovi, {changed} modificati, {unchanged} invariati "
                   f"({checked.readings} quarti d'ora letti)")
