"""Operator commands for the staff access trail: `flask audit verify` and `flask audit prune`."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from models import db
from models.audit import MIN_RETENTION_DAYS, prune, verify

audit = AppGroup("audit", help="Registro degli accessi del personale ai dati dei soci.")


@audit.command("verify")
def verify_command() -> None:
    """Check every link of the hash chain; exit 1 at the first broken one."""
    verdict = verify(db.session)
    if verdict.intact:
        click.echo(f"Record verificati: {verdict.checked}. La catena è integra.")
        return
    click.echo(f"Record verificati: {verdict.checked}. Catena interrotta al record "
               f"{verdict.broken_id}: {verdict.problem}.", err=True)
    raise SystemExit(1)


@audit.command("prune")
def prune_command() -> None:
    """Delete the records older than AUDIT_RETENTION_DAYS (at least 183 days)."""
    days = current_app.config["AUDIT_RETENTION_DAYS"]
    if days < MIN_RETENTION_DAYS:
        raise click.ClickException(
            f"AUDIT_RETENTION_DAYS vale {days}: il registro degli accessi va conservato per "
            f"almeno {MIN_RETENTION_DAYS} giorni (sei mesi). Nessun record è stato eliminato.")
    removed = prune(db.engine, days)
    click.echo(f"Record eliminati: {removed} (più vecchi di {days} giorni).")


def register_audit_commands(server: Flask) -> None:
    """Add `flask audit verify` and `flask audit prune` to the app's command line."""
    server.cli.add_command(audit)
