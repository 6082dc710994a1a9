"""Single-use links sent by email: at least 128 random bits, stored only as a hash."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from models import Account, AccountToken, db
from models.entities import utcnow

from .identity import token_hash

VERIFY_EMAIL = "verify_email"
RESET_PASSWORD = "reset_password"
CHANGE_EMAIL = "change_email"
LIFETIMES = {
    VERIFY_EMAIL: timedelta(hours=24),
    RESET_PASSWORD: timedelta(minutes=30),
    CHANGE_EMAIL: timedelta(hours=24),
}
PATHS = {
    VERIFY_EMAIL: "/registrazione/conferma/",
    RESET_PASSWORD: "/password/reimposta/",
    CHANGE_EMAIL: "/account/email/",
}


def issue(account: Account | None, purpose: str, new_email: str | None = None) -> str:
    """Create a token and return the link that carries it (the raw value is not stored).

    Without an account the token is a decoy that no link can ever use: it gives a request
    for an unknown login the same database work as a real one.
    """
    raw = secrets.token_urlsafe(32)  # 256 bits
    db.session.add(AccountToken(
        account_id=account.id if account else None, purpose=purpose,
        token_hash=token_hash(raw), new_email=new_email,
        expires_at=utcnow() + LIFETIMES[purpose],
    ))
    return current_app.config["BASE_URL"].rstrip("/") + PATHS[purpose] + raw


def find(raw: str, purpose: str) -> AccountToken | None:
    """Return the live token for a link: unused, unexpired, newer than the last password change."""
    if not isinstance(raw, str) or not 20 <= len(raw) <= 100:
        return None
    token = db.session.scalar(select(AccountToken).where(
        AccountToken.token_hash == token_hash(raw), AccountToken.purpose == purpose))
    if (token is None or token.account is None or token.used_at is not None
            or token.expires_at <= utcnow()):
        return None
    changed = token.account.password_changed_at
    if changed is not None and token.created_at < changed:
        return None  # a password change voids every link sent before it
    return token


def use(token: AccountToken) -> None:
    """Spend a token, and the account's other live tokens of the same kind."""
    now = utcnow()
    db.session.execute(update(AccountToken).where(
        AccountToken.account_id == token.account_id, AccountToken.purpose == token.purpose,
        AccountToken.used_at.is_(None)).values(used_at=now))


def void(account_id: int) -> None:
    """Spend every live token of an account: links sent before a change of address die."""
    db.session.execute(update(AccountToken).where(
        AccountToken.account_id == account_id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow()))


def confirmed_by(raw: str) -> bool:
    """Tell whether a confirmation link, spent or expired, belongs to a confirmed account.

    Reopening the mail's link after using it should say so, not «Link non valido»; only the
    holder of the link (256 random bits) learns anything from the answer.
    """
    if not isinstance(raw, str) or not 20 <= len(raw) <= 100:
        return False
    token = db.session.scalar(select(AccountToken).where(
        AccountToken.token_hash == token_hash(raw), AccountToken.purpose == VERIFY_EMAIL))
    return (token is not None and token.account is not None
            and not token.account.awaiting_confirmation)
