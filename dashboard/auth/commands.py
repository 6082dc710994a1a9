"""Admin commands: staff accounts are created here, never by self-registration."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from models import Account, db
from models.enums import Role
from models.password_rules import broken_rules, explain, personal_words

staff = AppGroup("staff", help="Gestione degli accessi del personale.")
STAFF_ROLES = [r.value for r in Role if r is not Role.MEMBER]


def create_staff(email: str, role: Role, password: str, full_name: str = "") -> Account:
    """Create a staff login after checking the address, the name and the password rules."""
    email = email.strip().lower()
    full_name = " ".join(full_name.split())
    if len(full_name) > 120 or not full_name.isprintable():
        raise click.BadParameter("Il nome può avere al massimo 120 caratteri stampabili.",
                                 param_hint="--name")
    if "@" not in email or len(email) > 254:
        raise click.BadParameter("Indirizzo email non valido.", param_hint="EMAIL")
    if db.session.scalar(select(Account.id).where(Account.email == email)) is not None:
        raise click.BadParameter("Esiste già un accesso con questa email.", param_hint="EMAIL")
    problem = explain(broken_rules(password, personal_words(email)))
    if problem:
        raise click.BadParameter(problem, param_hint="password")
    account = Account(email=email, role=role, full_name=full_name or None,
                      password_hash=current_app.config["PASSWORD_POLICY"].hash(password))
    db.session.add(account)
    db.session.commit()
    return account


@staff.command("create")
@click.argument("email")
@click.argument("role", type=click.Choice(STAFF_ROLES))
@click.option("--name", "full_name", default="", help="Nome e cognome, per relazioni e registro.")
@click.password_option("--password", prompt="Password", confirmation_prompt="Ripeti la password")
def create_command(email: str, role: str, full_name: str, password: str) -> None:
    """Create a staff account: EMAIL and ROLE (assistenza, consulente, admin)."""
    account = create_staff(email, Role(role), password, full_name)
    click.echo(f"Creato l'accesso {account.email} con il profilo {role}.")


def register_commands(server: Flask) -> None:
    """Add `flask staff create` to the app's command line."""
    server.cli.add_command(staff)
