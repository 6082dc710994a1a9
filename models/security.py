"""Tables behind login: server-side sessions, failed attempts, single-use tokens."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .entities import Account, Base, utcnow


class LoginSession(Base):
    """One login on one device: the cookie names it, the server can end it."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the random id the cookie carries: a database leak does not hand out sessions.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    # A staff session looking at one member's area (read-only), and why: set by the support
    # console, ended by «Esci dalla visualizzazione» or with the session.
    viewing_customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="SET NULL"))
    viewing_reason: Mapped[str | None] = mapped_column(String(200))
    viewing_since: Mapped[datetime | None]
    # «Modalità condivisione schermo»: personal data masked on the server until switched off.
    screen_share: Mapped[bool] = mapped_column(default=False)

    account: Mapped[Account] = relationship()


class LoginFailure(Base):
    """A failed password check, or an attempt at a form throttled per client address.

    Login failures count per (account or login name, address) pair, per address, per
    account, and per device cookie when a trusted browser made them (dashboard/auth/throttle.py).
    """

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_subject_at", "subject", "at"),
        Index("ix_login_failure_ip_at", "ip", "at"),
        Index("ix_login_failure_device_at", "device", "at"),
        Index("ix_login_failure_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="login")  # "login", "register", …
    subject: Mapped[str] = mapped_column(String(80))  # "account:<id>" or "login:<sha256>"
    ip: Mapped[str] = mapped_column(String(45))
    # The nonce of the trusted device cookie the failure came from; None for untrusted clients.
    device: Mapped[str | None] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class AccountToken(Base):
    """A single-use link sent by email: confirm the address, reset the password, new email."""

    __tablename__ = "account_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a decoy: a reset asked for an unknown login is written like a real one, so the
    # time it takes does not tell whether the account exists. A decoy is never valid.
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    new_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    account: Mapped[Account | None] = relationship()
