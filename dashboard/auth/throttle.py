"""Slow down password guessing, per account and per client address, in the shared database.

Counts live in the database so every worker and instance sees the same numbers. Windows
slide: there is no permanent lockout an attacker could use to keep a member out.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from models import LoginFailure, db
from models.entities import utcnow

WINDOW = timedelta(minutes=15)
HOUR = timedelta(hours=1)
FREE_FAILURES = 5            # per account (or login name) before delays start
FREE_FAILURES_PER_IP = 20    # an office or a family shares an address
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)
MAX_PER_HOUR = 100           # failed attempts per account per hour, whatever the delays
KEEP = timedelta(days=1)


@dataclass(frozen=True)
class Verdict:
    """Whether a login attempt may go ahead now, and otherwise how long to wait."""

    wait: timedelta

    @property
    def allowed(self) -> bool:
        """Tell whether the attempt may be checked now."""
        return self.wait <= timedelta(0)

    def message(self) -> str:
        """Tell the member, in Italian, how long to wait."""
        seconds = max(1, math.ceil(self.wait.total_seconds()))
        if seconds < 90:
            return f"Troppi tentativi non riusciti. Riprova tra {seconds} secondi."
        return f"Troppi tentativi non riusciti. Riprova tra {math.ceil(seconds / 60)} minuti."


def subject_for(account_id: int | None, login: str) -> str:
    """Name what the failures count against: the account, or the login typed if unknown."""
    if account_id is not None:
        return f"account:{account_id}"
    digest = hashlib.sha256(login.strip().lower().encode()).hexdigest()
    return f"login:{digest[:64]}"


def _delay(failures: int, free: int) -> timedelta:
    """Return the pause owed after this many recent failures: doubling, capped."""
    if failures < free:
        return timedelta(0)
    return min(FIRST_DELAY * 2 ** (failures - free), MAX_DELAY)


def _recent(column, value: str, since: datetime) -> tuple[int, datetime | None]:
    """Count the failures for a subject or address since a moment, and give the latest."""
    count, latest = db.session.execute(
        select(func.count(LoginFailure.id), func.max(LoginFailure.at))
        .where(column == value, LoginFailure.at >= since)
    ).one()
    return int(count), latest


def check(subject: str, ip: str, now: datetime | None = None) -> Verdict:
    """Decide whether a login attempt may be checked now (before any password hashing)."""
    now = now or utcnow()
    waits = [timedelta(0)]
    for column, value, free in ((LoginFailure.subject, subject, FREE_FAILURES),
                                (LoginFailure.ip, ip, FREE_FAILURES_PER_IP)):
        count, latest = _recent(column, value, now - WINDOW)
        if latest is not None:
            waits.append(latest + _delay(count, free) - now)
    hourly, _ = _recent(LoginFailure.subject, subject, now - HOUR)
    if hourly >= MAX_PER_HOUR:
        oldest = db.session.scalar(
            select(func.min(LoginFailure.at))
            .where(LoginFailure.subject == subject, LoginFailure.at >= now - HOUR))
        waits.append(oldest + HOUR - now)
    return Verdict(max(waits))


def record_failure(subject: str, ip: str, now: datetime | None = None) -> None:
    """Count a failed attempt and forget the ones too old to matter."""
    now = now or utcnow()
    db.session.add(LoginFailure(subject=subject, ip=ip, at=now))
    db.session.execute(delete(LoginFailure).where(LoginFailure.subject == subject,
                                                  LoginFailure.at < now - KEEP))


def clear(subject: str) -> None:
    """Forget an account's failures after a successful login."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.subject == subject))
