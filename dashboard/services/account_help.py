"""Account help from support staff: resend the confirmation, clear the slow-down, send a reset.

Staff never see or set a password. Each action is recorded on the access trail with its
reason before it runs (fail closed), and the member is told by mail what was done and why.
The histories staff read (logins, login email, bill delivery) come from the same tables the
member's own pages use.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from flask import render_template
from sqlalchemy import select

from models import AccessKind, Account, AccountToken, Contract, Customer, LoginSession, db
from models.entities import BillDeliveryChange, utcnow

from .. import branding
from ..audit import Planned, record
from ..auth import throttle, tokens
from ..auth.identity import Viewer
from ..i18n import N_, _
from ..mail import queue_mail


class Help(StrEnum):
    """What staff may do for a member's login."""

    RESEND_CONFIRMATION = "conferma"
    CLEAR_SLOWDOWN = "rallentamento"
    SEND_RESET = "password"


# Italian on the access trail; translated where shown (the support page, the member's mail).
LABELS = {
    Help.RESEND_CONFIRMATION: N_("Invia di nuovo il link di conferma"),
    Help.CLEAR_SLOWDOWN: N_("Togli il rallentamento dell'accesso"),
    Help.SEND_RESET: N_("Invia un link per scegliere una nuova password"),
}
TOLD = {
    Help.RESEND_CONFIRMATION: N_("ti abbiamo inviato di nuovo il link per confermare l'accesso"),
    Help.CLEAR_SLOWDOWN: N_("abbiamo tolto il rallentamento dopo i tentativi di accesso non "
                            "riusciti"),
    Help.SEND_RESET: N_("ti abbiamo inviato un link per scegliere una nuova password"),
}


@dataclass(frozen=True)
class Histories:
    """What staff read about a member's login: last logins, email changes, bill delivery."""

    account: Account | None
    logins: list[LoginSession]
    email_changes: list[tuple[datetime, str]]
    deliveries: list[tuple[datetime, str, str, str | None]]   # when, contract POD, mode, email


def login_of(customer_id: int) -> Account | None:
    """Return the member's own login, if they have one."""
    return db.session.scalar(select(Account).where(Account.customer_id == customer_id))


def histories(customer_id: int) -> Histories:
    """Gather the member's login and delivery histories, newest first."""
    account = login_of(customer_id)
    logins, changes = [], []
    if account is not None:
        logins = list(db.session.scalars(
            select(LoginSession).where(LoginSession.account_id == account.id)
            .order_by(LoginSession.created_at.desc()).limit(10)))
        changes = [(t.used_at, t.new_email) for t in db.session.scalars(
            select(AccountToken).where(AccountToken.account_id == account.id,
                                       AccountToken.purpose == tokens.CHANGE_EMAIL,
                                       AccountToken.used_at.is_not(None))
            .order_by(AccountToken.used_at.desc()).limit(10))]
    deliveries = [(row.changed_at, pod, row.mode.value, row.email) for row, pod in
                  db.session.execute(
                      select(BillDeliveryChange, Contract.pod).join(Contract)
                      .where(Contract.customer_id == customer_id)
                      .order_by(BillDeliveryChange.changed_at.desc()).limit(20))]
    return Histories(account, logins, changes, deliveries)


def available(account: Account | None) -> list[Help]:
    """List the actions that make sense for the member's login now."""
    if account is None:
        return []
    if account.awaiting_confirmation:
        return [Help.RESEND_CONFIRMATION, Help.CLEAR_SLOWDOWN]
    return [Help.CLEAR_SLOWDOWN, Help.SEND_RESET]


def perform(viewer: Viewer, customer: Customer, action: Help, reason: str) -> bool:
    """Record, then do the action and tell the member by mail; False if it does not apply.

    Raises audit.AccessNotRecorded, with nothing done, when the record cannot be written.
    """
    account = login_of(customer.id)
    if action not in available(account):
        return False
    record(viewer, Planned(customer.id, AccessKind.ACTION, LABELS[action], reason))
    link = None
    if action is Help.RESEND_CONFIRMATION:
        link = tokens.issue(account, tokens.VERIFY_EMAIL)
    elif action is Help.SEND_RESET:
        link = tokens.issue(account, tokens.RESET_PASSWORD)
    else:
        throttle.clear_account(account.id)
    subject = _("Assistenza %(brand)s sul tuo accesso all'Area Riservata",
                brand=branding.current().name)
    queue_mail(account.email, subject,
               render_template("mail/account_help.txt", name=customer.name,
                               done=_(TOLD[action]), reason=reason.strip(), link=link,
                               when=utcnow()))
    db.session.commit()
    return True
