"""Staff accounts: invite by email, resend, change role, disable and enable.

An invited account is inactive and has no usable password until its owner opens the link in
the invitation and chooses one: administrators never see or set a password. No administrator
can disable or demote themselves, so the portal always keeps an active administrator.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import func, select, update

from models import Account, AccountToken, db
from models.entities import AuditEvent, utcnow
from models.enums import Role
from models.password_rules import broken_rules, explain, personal_words

from .. import branding
from ..auth import tokens
from ..auth.identity import Viewer, client_ip, end_sessions, token_hash
from ..i18n import N_, _
from ..labels import ROLE_LABELS
from ..mail import queue_mail
from .events import record_event

INVITE = "staff_invite"
INVITE_LIFETIME = timedelta(hours=72)
INVITE_PATH = "/personale/invito/"
STAFF_ROLES = tuple(role for role in Role if role is not Role.MEMBER)
INVITE_SUBJECT = "Invito all'{portal}"
SELF_REFUSED = N_("Non puoi cambiare il profilo né disattivare il tuo account: chiedilo a un "
                "altro amministratore.")


class StaffError(Exception):
    """An admin action refused, with the reason to show in the viewer's language."""


@dataclass(frozen=True)
class StaffRow:
    """One staff account as the list shows it."""

    id: int
    email: str
    name: str | None
    role: Role
    state: str
    last_login_at: datetime | None
    invited: bool
    active: bool
    invite_expires_at: datetime | None = None


def staff_role(value: object) -> Role | None:
    """Return the staff profile a form value names, or None."""
    return next((role for role in STAFF_ROLES if role.value == value), None)


def is_invited(account: Account) -> bool:
    """Tell whether the account still waits for its owner to choose a password."""
    return not account.is_active and account.password_changed_at is None


def state_of(account: Account) -> str:
    """Name the account's state in the viewer's language."""
    if is_invited(account):
        return _("Invito in attesa")
    return _("Attivo") if account.is_active else _("Disattivato")


def staff_rows() -> list[StaffRow]:
    """List every staff account, by email, with when a pending invitation's link expires."""
    accounts = db.session.scalars(select(Account).where(Account.role != Role.MEMBER)
                                  .order_by(Account.email)).all()
    expiries = dict(db.session.execute(
        select(AccountToken.account_id, func.max(AccountToken.expires_at))
        .where(AccountToken.purpose == INVITE, AccountToken.used_at.is_(None))
        .group_by(AccountToken.account_id)).all())
    return [StaffRow(a.id, a.email, a.full_name, a.role, state_of(a), a.last_login_at,
                     is_invited(a), a.is_active, expiries.get(a.id) if is_invited(a) else None)
            for a in accounts]


def staff_account(account_id: int) -> Account:
    """Return a staff account by id, or refuse."""
    account = db.session.get(Account, account_id)
    if account is None or account.role is Role.MEMBER:
        raise StaffError(_("L'account indicato non esiste."))
    return account


def _issue_invitation(account: Account) -> str:
    """Void earlier invitations, store a new one (hash only) and return its link."""
    db.session.execute(update(AccountToken).where(
        AccountToken.account_id == account.id, AccountToken.purpose == INVITE,
        AccountToken.used_at.is_(None)).values(used_at=utcnow()))
    raw = secrets.token_urlsafe(32)  # 256 bits, like every emailed link
    db.session.add(AccountToken(account_id=account.id, purpose=INVITE,
                                token_hash=token_hash(raw),
                                expires_at=utcnow() + INVITE_LIFETIME))
    return current_app.config["BASE_URL"].rstrip("/") + INVITE_PATH + raw


def _send_invitation(account: Account) -> None:
    """Queue the invitation mail with a fresh link; refuse if the mail cap is reached."""
    link = _issue_invitation(account)
    hours = int(INVITE_LIFETIME.total_seconds() // 3600)
    body = render_template("admin/invite_mail.txt", link=link, hours=hours,
                           role=ROLE_LABELS[account.role])
    if not queue_mail(account.email, INVITE_SUBJECT.format(
            portal=branding.current().portal_name), body):
        raise StaffError(_("Troppi messaggi inviati a questo indirizzo nell'ultima ora. "
                           "Riprova più tardi."))


def invite(viewer: Viewer, email: str, role: Role, full_name: str) -> Account:
    """Create an inactive staff account and queue its invitation; the caller commits."""
    email = email.strip().lower()
    full_name = " ".join(full_name.split())
    if role not in STAFF_ROLES:
        raise StaffError(_("Scegli un profilo del personale."))
    if db.session.scalar(select(Account.id).where(Account.email == email)) is not None:
        raise StaffError(_("Esiste già un account con questa email."))
    # A random value no password hashes to: the account cannot log in before the link.
    account = Account(email=email, full_name=full_name or None, role=role, is_active=False,
                      password_hash="!invito:" + secrets.token_hex(16))
    db.session.add(account)
    db.session.flush()
    account.password_changed_at = None   # never chosen: the mark of a pending invitation
    _send_invitation(account)
    record_event(viewer, "personale.invito", f"{email} come {role.value}")
    return account


def resend(viewer: Viewer, account_id: int) -> Account:
    """Send a new invitation link to an account still waiting; the old link dies."""
    account = staff_account(account_id)
    if not is_invited(account):
        raise StaffError(_("Questo account ha già scelto la sua password: non serve un invito."))
    _send_invitation(account)
    record_event(viewer, "personale.invito_reinviato", account.email)
    return account


def _active_admins() -> int:
    """Count the administrators who can log in."""
    return db.session.scalar(select(func.count(Account.id)).where(
        Account.role == Role.ADMIN, Account.is_active.is_(True))) or 0


def _keeps_an_admin(account: Account) -> None:
    """Refuse a change that would leave the portal without an active administrator."""
    if account.role is Role.ADMIN and account.is_active and _active_admins() <= 1:
        raise StaffError(_("È l'ultimo amministratore attivo: non può perdere il profilo."))


def change_role(viewer: Viewer, account_id: int, role: Role | None) -> Account:
    """Give a staff account another profile and end its sessions; the caller commits."""
    account = staff_account(account_id)
    if role not in STAFF_ROLES:
        raise StaffError(_("Scegli un profilo del personale."))
    if account.id == viewer.account_id:
        raise StaffError(_(SELF_REFUSED))
    if role is account.role:
        raise StaffError(_("L'account ha già questo profilo."))
    if role is not Role.ADMIN:
        _keeps_an_admin(account)
    previous = account.role
    account.role = role
    end_sessions(account.id)  # the new profile applies from the next login
    record_event(viewer, "personale.profilo", f"{account.email}: {previous.value} → {role.value}")
    return account


def set_active(viewer: Viewer, account_id: int, active: bool) -> Account:
    """Disable (ending every session) or enable a staff account; the caller commits."""
    account = staff_account(account_id)
    if account.id == viewer.account_id:
        raise StaffError(_(SELF_REFUSED))
    if is_invited(account):
        raise StaffError(_("L'invito è ancora in attesa: l'account si attiva quando il "
                           "destinatario sceglie la password."))
    if account.is_active == active:
        raise StaffError(_("L'account è già attivo.") if active
                         else _("L'account è già disattivato."))
    if not active:
        _keeps_an_admin(account)
        end_sessions(account.id)
    account.is_active = active
    record_event(viewer, "personale.attivato" if active else "personale.disattivato",
                 account.email)
    return account


def live_invitation(raw: str) -> AccountToken | None:
    """Return the invitation behind a link if it is unused, unexpired and still awaited."""
    token = tokens.find(raw, INVITE)
    if token is None or not is_invited(token.account):
        return None
    return token


def password_problem(account: Account, password: str) -> str | None:
    """Explain why a chosen password breaks the rules, or None."""
    return explain(broken_rules(password, personal_words(account.email))) or None


def accept(token: AccountToken, password: str) -> Account:
    """Set the invited account's password, activate it and spend the link; the caller commits."""
    account = token.account
    account.password_hash = current_app.config["PASSWORD_POLICY"].hash(password)
    account.password_changed_at = utcnow()
    account.is_active = True
    tokens.use(token)
    db.session.add(AuditEvent(account_id=account.id, actor=account.email,
                              action="personale.invito_accettato", detail=account.role.value,
                              ip=client_ip()))
    return account
