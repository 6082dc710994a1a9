"""Device cookies (OWASP): a browser that logged in to an account before is trusted for it.

The cookie is signed with the app's SECRET_KEY and names, for each of the last few accounts
that logged in from this browser, the account and a random nonce. A trusted browser is judged
by its own failures only (throttle.check_login), so guesses from elsewhere never keep it out.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from models import Account
from models.entities import utcnow

from . import throttle

LIFETIME = timedelta(days=365)
MAX_ACCOUNTS = 5          # a family may share one computer
MAX_COOKIE_CHARS = 1024
_SALT = "device-cookie"


@dataclass(frozen=True)
class Device:
    """One account this browser logged in to, with the nonce its failures are counted under."""

    account_id: int
    nonce: str
    issued: int  # seconds since the epoch, UTC


def cookie_name() -> str:
    """Name the cookie; in production the __Host- prefix pins it to this host over HTTPS."""
    return "__Host-dispositivo" if current_app.config["PRODUCTION"] else "dispositivo"


def _serializer() -> URLSafeSerializer:
    """Return the signer keyed with the app's secret."""
    return URLSafeSerializer(current_app.secret_key, salt=_SALT)


def _epoch(moment: datetime) -> int:
    """Turn a naive UTC datetime into whole seconds since the epoch."""
    return int(moment.replace(tzinfo=UTC).timestamp())


def _parse(entry: object) -> Device | None:
    """Read one signed entry, refusing anything of the wrong shape."""
    if not isinstance(entry, list) or len(entry) != 3:
        return None
    account_id, nonce, issued = entry
    if not (isinstance(account_id, int) and isinstance(nonce, str) and isinstance(issued, int)
            and 0 < len(nonce) <= 32):
        return None
    return Device(account_id, nonce, issued)


def carried() -> list[Device]:
    """Return the devices this browser's cookie names, if its signature holds."""
    raw = request.cookies.get(cookie_name())
    if not raw or len(raw) > MAX_COOKIE_CHARS:
        return []
    try:
        entries = _serializer().loads(raw)
    except BadSignature:
        return []
    if not isinstance(entries, list):
        return []
    return [device for device in map(_parse, entries[:MAX_ACCOUNTS]) if device is not None]


def trusted_nonce(account: Account | None, now: datetime | None = None) -> str | None:
    """Return this browser's device nonce for the account if the account should trust it."""
    if account is None:
        return None
    now = now or utcnow()
    # A password change or reset withdraws the trust earned with the old password.
    changed = _epoch(account.password_changed_at) if account.password_changed_at else 0
    for device in carried():
        if (device.account_id == account.id and device.issued >= changed
                and device.issued > _epoch(now - LIFETIME)
                and throttle.device_trusted(device.nonce, now)):
            return device.nonce
    return None


def remember(response: Response, account: Account, now: datetime | None = None) -> None:
    """Give the browser a fresh device cookie for the account, keeping its other accounts."""
    now = now or utcnow()
    kept = [d for d in carried() if d.account_id != account.id
            and d.issued > _epoch(now - LIFETIME)][-(MAX_ACCOUNTS - 1):]
    fresh = Device(account.id, secrets.token_urlsafe(16), _epoch(now))
    value = _serializer().dumps([[d.account_id, d.nonce, d.issued] for d in [*kept, fresh]])
    response.set_cookie(cookie_name(), value, max_age=int(LIFETIME.total_seconds()),
                        httponly=True, samesite="Lax", path="/",
                        secure=current_app.config["PRODUCTION"])
