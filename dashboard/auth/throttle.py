"""Slow down password guessing without letting strangers keep a member out.

The design follows OWASP's "device cookies" and NIST SP 800-63B section 5.2.2:

- a failure from an untrusted client slows down the pair (account or typed login, client
  address), so guesses from one place never make the member wait somewhere else;
- one address guessing many accounts is slowed down too, with room for an office or a family
  behind one NAT;
- a browser carrying a device cookie for the account (see devices.py) is judged by its own
  failures only, and stops being trusted when it fails too often;
- at most MAX_PER_HOUR failures an hour per account from untrusted clients, the ceiling NIST
  sets, whatever the addresses.

Counts live in the database so every worker and instance sees the same numbers. Windows
slide and delays are capped: there is no permanent lockout.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, or_, select

from models import LoginFailure, db
from models.entities import utcnow

from ..i18n import N_, _, ngettext

# What a row counts: a failed password check (login or «Il mio account»), or an attempt at a
# form that is throttled per client address only.
LOGIN = "login"
REGISTER = "register"
EMAIL_CHANGE = "email-change"

WINDOW = timedelta(minutes=15)
HOUR = timedelta(hours=1)
FREE_FAILURES = 5            # per (account, address) pair, and per trusted device
FREE_FAILURES_PER_IP = 30    # across accounts: an office or a family shares an address
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)
MAX_PER_HOUR = 100           # failures per account per hour from untrusted clients (NIST)
DEVICE_MAX_FAILURES = 10     # a device cookie failing this often in a day is no longer trusted
DEVICE_WINDOW = timedelta(days=1)
# Per client address only, in a sliding hour: (free attempts, what is counted).
FREE_PER_ADDRESS = {REGISTER: 10, EMAIL_CHANGE: 10}
KEEP = timedelta(days=1)     # rows older than this no longer matter to any rule


@dataclass(frozen=True)
class Verdict:
    """Whether an attempt may go ahead now, and otherwise how long to wait."""

    wait: timedelta
    reason: str = N_("Troppi tentativi non riusciti.")

    @property
    def allowed(self) -> bool:
        """Tell whether the attempt may be checked now."""
        return self.wait <= timedelta(0)

    def message(self) -> str:
        """Tell the member, in their language, how long to wait."""
        seconds = max(1, math.ceil(self.wait.total_seconds()))
        if seconds < 90:
            wait = ngettext("Riprova tra %(num)d secondo.", "Riprova tra %(num)d secondi.",
                            seconds)
        else:
            minutes = math.ceil(seconds / 60)
            wait = ngettext("Riprova tra %(num)d minuto.", "Riprova tra %(num)d minuti.", minutes)
        return f"{_(self.reason)} {wait}"


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


def _slowdown(free: int, now: datetime, window: timedelta,
              *conditions: ColumnElement[bool]) -> timedelta:
    """Return the wait owed by the failures matching the conditions in a sliding window."""
    count, latest = db.session.execute(
        select(func.count(LoginFailure.id), func.max(LoginFailure.at))
        .where(LoginFailure.at >= now - window, *conditions)
    ).one()
    if latest is None:
        return timedelta(0)
    return latest + _delay(int(count), free) - now


def _hourly_ceiling(subject: str, now: datetime) -> timedelta:
    """Return the wait until an account's failures in the last hour drop below the ceiling."""
    recent = (LoginFailure.kind == LOGIN, LoginFailure.subject == subject,
              LoginFailure.at >= now - HOUR)
    count = db.session.scalar(select(func.count(LoginFailure.id)).where(*recent))
    if count < MAX_PER_HOUR:
        return timedelta(0)
    # The attempt may go ahead when enough of the oldest ones have left the hour.
    expiring = db.session.scalar(select(LoginFailure.at).where(*recent)
                                 .order_by(LoginFailure.at).offset(count - MAX_PER_HOUR)
                                 .limit(1))
    return expiring + HOUR - now


def check_login(subject: str, ip: str, device: str | None = None,
                now: datetime | None = None) -> Verdict:
    """Decide whether a password check may run now (call it before any hashing).

    `device` is the nonce of a device cookie trusted for this account (devices.py), or None.
    """
    now = now or utcnow()
    login = LoginFailure.kind == LOGIN
    if device is not None:  # a trusted browser answers only for its own failures
        return Verdict(_slowdown(FREE_FAILURES, now, WINDOW, login, LoginFailure.device == device))
    # An untrusted client answers for every failure at its address, a device's ones included,
    # so a device that lost its trust gets no fresh tries.
    here = (login, LoginFailure.ip == ip)
    return Verdict(max(
        _slowdown(FREE_FAILURES, now, WINDOW, *here, LoginFailure.subject == subject),
        _slowdown(FREE_FAILURES_PER_IP, now, WINDOW, *here),
        _hourly_ceiling(subject, now),
    ))


def device_trusted(device: str, now: datetime | None = None) -> bool:
    """Tell whether a device cookie has failed few enough times to stay trusted (OWASP)."""
    now = now or utcnow()
    failures = db.session.scalar(
        select(func.count(LoginFailure.id))
        .where(LoginFailure.kind == LOGIN, LoginFailure.device == device,
               LoginFailure.at >= now - DEVICE_WINDOW))
    return failures < DEVICE_MAX_FAILURES


def record_failure(subject: str, ip: str, device: str | None = None,
                   now: datetime | None = None) -> None:
    """Count a failed password check; the caller commits."""
    now = now or utcnow()
    db.session.add(LoginFailure(kind=LOGIN, subject=subject, ip=ip, device=device, at=now))
    forget_old(now)


def clear_success(subject: str, ip: str, device: str | None = None) -> None:
    """Forget the failures a successful login answers for: this address's and this device's.

    Failures from elsewhere stay: the member logging in must not hand a guesser fresh tries.
    """
    here = LoginFailure.ip == ip
    db.session.execute(delete(LoginFailure).where(
        LoginFailure.kind == LOGIN, LoginFailure.subject == subject,
        or_(here, LoginFailure.device == device) if device is not None else here))


def clear_account(account_id: int) -> None:
    """Forget every failure counted against an account: after a password reset, or by staff."""
    db.session.execute(delete(LoginFailure).where(
        LoginFailure.kind == LOGIN, LoginFailure.subject == subject_for(account_id, "")))


def check_address(kind: str, ip: str, now: datetime | None = None) -> Verdict:
    """Decide whether a form throttled per client address may be handled now."""
    now = now or utcnow()
    return Verdict(_slowdown(FREE_PER_ADDRESS[kind], now, HOUR,
                             LoginFailure.kind == kind, LoginFailure.ip == ip),
                   N_("Troppe richieste da questo indirizzo."))


def record_address(kind: str, ip: str, now: datetime | None = None) -> None:
    """Count an attempt at a form throttled per client address; the caller commits."""
    now = now or utcnow()
    db.session.add(LoginFailure(kind=kind, subject=kind, ip=ip, at=now))
    forget_old(now)


def forget_old(now: datetime | None = None) -> None:
    """Delete the rows too old for any rule (an index on the time keeps this cheap)."""
    now = now or utcnow()
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - KEEP))
