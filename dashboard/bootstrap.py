"""Bring a database up to date: migrations, then the demo data when it is empty."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask_migrate import upgrade

from models import db
from models.demo import is_loaded, load_demo

from .import_command import register_curve_command, register_import_command

DEMO_LOGINS = (
    ("Socio (Mario Rossi, codice 100234)", "socio@example.com", "Paluzza!2023"),
    ("Socio (codice 100235)", "vicino@example.com", "Cercivento!2023"),
    ("Assistenza clienti", "assistenza@example.com", "Assistenza!2023"),
    ("Consulente energetico", "consulente@example.com", "Consulente!2023"),
    ("Amministratore", "admin@example.com", "Amministra!2023"),
)


def load_demo_if_empty() -> bool:
    """Load the demo data into an empty database; tell whether it did."""
    if is_loaded(db.session):
        return False
    load_demo(db.session, hash_password=current_app.config["PASSWORD_POLICY"].hash)
    db.session.commit()
    return True


def prepare_database(server: Flask) -> None:
    """Apply the migrations and, where configured, load the demo data."""
    with server.app_context():
        # "heads": branches from parallel work apply together until a merge revision joins them.
        upgrade(directory=server.extensions["migrate"].directory, revision="heads")
        if server.config["LOAD_DEMO"]:
            load_demo_if_empty()


def register_commands(server: Flask) -> None:
    """Add `flask demo` and `flask import` for operators."""
    register_import_command(server)
    register_curve_command(server)

    @server.cli.command("demo")
    def demo_command() -> None:
        """Load the demo data into an empty database."""
        loaded = load_demo_if_empty()
        click.echo("Dati dimostrativi caricati." if loaded else "Il database contiene già dati.")
