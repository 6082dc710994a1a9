"""Change how a contract's bills are delivered: paper at once, bolletta web by an emailed link.

The rules, idempotency included, live in models.delivery; this module runs them as
transactions (committed, retried once when a concurrent twin wins the race), sends the
confirmation email and words what the member reads about the first bill affected.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

from flask import current_app
from sqlalchemy.exc import IntegrityError

from models import Contract, db
from models.delivery import (
    Actor,
    Conflict,
    LinkRequest,
    Result,
    choose_paper,
    confirm_web,
    in_force,
    request_web,
)
from models.entities import DeliveryConfirmation, utcnow
from models.enums import DeliveryMode
from models.queries import confirmation_of_customer

from .. import access, branding
from .. import formatting as fmt
from ..auth.identity import Viewer, client_ip
from ..i18n import _
from ..mail import queue_mail

CONFIRM_PATH = "/invio/conferma/"

T = TypeVar("T")
log = logging.getLogger(__name__)


class ReadOnlyView(Exception):
    """A staff view of a member's area tried to change the member's data."""


def actor_for(viewer: Viewer) -> Actor:
    """Describe who makes a change; refuse (and log) anyone but the member in their own area.

    Every change needs an actor, so this is the one place a read-only staff view is stopped,
    whatever the request says.
    """
    if not access.may_write(viewer):
        log.warning("change refused to account %s viewing customer %s",
                    viewer.account_id, access.subject_id(viewer))
        raise ReadOnlyView
    return Actor(viewer.account_id, viewer.email, client_ip())


def commit_with_retry(operation: Callable[[], T], on_conflict: T) -> T:
    """Run an operation and commit; if a concurrent twin won the race, run it once more.

    The second run sees the winner's rows and answers as for a repeated request.
    """
    for _attempt in range(2):
        try:
            result = operation()
            db.session.commit()
            return result
        except (IntegrityError, Conflict):
            db.session.rollback()
    return on_conflict


def first_bill_text(period: tuple[date, date] | None, web: bool) -> str:
    """Say from which bill a change applies."""
    if period is None:
        return _("Il contratto è cessato: non ci sono altre bollette.")
    when = fmt.period(*period)
    if web:
        return _("Dalla prima bolletta emessa dopo che avrai confermato l'indirizzo: di norma "
                 "quella del periodo %(period)s.", period=when)
    return _("Dalla prossima bolletta emessa: di norma quella del periodo %(period)s.",
             period=when)


def confirmation_mail(contract: Contract, email: str, token: str,
                      expires_at: datetime) -> tuple[str, str]:
    """Write the confirmation email, in the language of whoever asked for it.

    It names no one, in case the address was mistyped.
    """
    link = current_app.config["BASE_URL"].rstrip("/") + CONFIRM_PATH + token
    brand = branding.current()
    body = "\n\n".join((
        _("Gentile cliente,"),
        _("nell'area riservata %(brand)s è stato chiesto di ricevere a questo indirizzo la "
          "bolletta web della fornitura con POD che termina in %(ending)s.",
          brand=brand.name, ending=contract.pod[-4:]),
        _("Per confermare apri questo link entro il %(moment)s:", moment=fmt.moment(expires_at))
        + f"\n{link}",
        _("Ti chiederemo di accedere all'area riservata, se non lo hai già fatto. Fino alla "
          "conferma la bolletta continua ad arrivare come prima."),
        _("Se non hai chiesto tu questa modifica, ignora questo messaggio: non cambierà nulla."),
        f"{brand.legal_line}\n{brand.contact_line}\n",
    ))
    return _("Conferma l'indirizzo per la bolletta web %(brand)s", brand=brand.name), body


def ask_for_web(contract: Contract, email: str, seen_version: int, actor: Actor) -> LinkRequest:
    """Create the confirmation link and queue its email: it goes once the change is committed."""
    def operation() -> LinkRequest:
        outcome = request_web(db.session, contract, email, seen_version, actor, utcnow())
        if outcome.result is Result.LINK_NEW:
            queue_mail(email, *confirmation_mail(contract, email, outcome.token,
                                                 outcome.expires_at))
        return outcome

    return commit_with_retry(operation, LinkRequest(Result.STALE))


def switch_to_paper(contract: Contract, seen_version: int, actor: Actor) -> Result:
    """Put paper delivery in force at once, unless it already is or changed meanwhile."""
    return commit_with_retry(
        lambda: choose_paper(db.session, contract, seen_version, actor, utcnow()), Result.STALE)


def link_state(confirmation: DeliveryConfirmation, contract: Contract) -> Result | None:
    """Tell what opening a link has already come to; None while it can still be confirmed."""
    current = in_force(db.session, contract.id)
    if confirmation.used_at is not None:
        confirmed = current.mode is DeliveryMode.WEB and current.email == confirmation.email
        return Result.UNCHANGED if confirmed else Result.STALE
    if confirmation.expires_at <= utcnow():
        return Result.EXPIRED
    if current.version != confirmation.base_version:
        return Result.STALE
    return None


def confirm_link(confirmation: DeliveryConfirmation, contract: Contract, actor: Actor) -> Result:
    """Put bolletta web in force from an opened link, once; a second click finds it done."""
    # Read the link again on each try: a retry must see what the concurrent winner left, and
    # a link renewed meanwhile (same row, new token) no longer answers to the old token.
    customer_id, token_hash = contract.customer_id, confirmation.token_hash

    def operation() -> Result:
        fresh = confirmation_of_customer(db.session, customer_id, token_hash)
        if fresh is None:
            return Result.STALE
        return confirm_web(db.session, fresh, contract, actor, utcnow())

    return commit_with_retry(operation, Result.STALE)
