"""Who is making this request: the Flask session as dash-auth reads it, checked on the server.

The cookie carries only a random session id (plus the email and groups dash-auth reads);
the login_session row behind it decides. Logging out, a password change or a timeout
ends the row, so a copied cookie stops working.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, g, request, session
from sqlalchemy import bindparam, select, update

from models import Account, LoginSession, db
from models.entities import utcnow
from models.enums import Role

_NO_VIEWER = object()
# One round trip for the session and its account, only the columns needed, the statement built
# once: this runs on every request.
_SESSION_BY_TOKEN = (
    select(LoginSession.id, LoginSession.created_at, LoginSession.last_seen_at,
           LoginSession.revoked_at, Account.id, Account.email, Account.role,
           Account.customer_id, Account.is_active, LoginSession.viewing_customer_id,
           LoginSession.viewing_reason, LoginSession.screen_share)
    .join(Account, LoginSession.account_id == Account.id)
    .where(LoginSession.token_hash == bindparam("token_hash"))
)
TOUCH_EVERY = timedelta(seconds=60)   # how stale last_seen_at may get: one write a minute


@dataclass(frozen=True)
class Viewer:
    """The logged-in account, as every page and callback sees it."""

    account_id: int
    email: str
    role: Role
    customer_id: int | None
    session_id: int
    expires_at: datetime
    viewing_customer_id: int | None = None  # the member whose area a staff login is viewing
    viewing_reason: str | None = None
    screen_share: bool = False  # «Modalità condivisione schermo»: mask personal data

    @property
    def is_member(self) -> bool:
        """Tell whether this is a customer's own login."""
        return self.role is Role.MEMBER and self.customer_id is not None

    @property
    def is_staff_view(self) -> bool:
        """Tell whether a support or admin login is viewing a member's area, read-only."""
        return (self.role in (Role.SUPPORT, Role.ADMIN)
                and self.viewing_customer_id is not None)


def token_hash(raw: str) -> str:
    """Hash a random token for storage; the raw value lives only in the cookie or link."""
    return hashlib.sha256(raw.encode()).hexdigest()


def client_ip() -> str:
    """Return the client's address (ProxyFix, when configured, has already unwrapped it)."""
    return (request.remote_addr or "")[:45]


def login_user(account: Account) -> None:
    """Start a new server-side session and a fresh cookie: nothing from before survives."""
    raw = secrets.token_urlsafe(32)
    db.session.add(LoginSession(
        token_hash=token_hash(raw), account_id=account.id, ip=client_ip(),
        user_agent=(request.user_agent.string or "")[:200],
    ))
    account.last_login_at = utcnow()
    session.clear()
    session.permanent = True
    # dash-auth reads session["user"]["groups"] for its group checks.
    session["user"] = {"email": account.email, "groups": [account.role.value], "sid": raw}
    g.pop("viewer", None)


def logout_user() -> None:
    """End this session on the server and in the browser."""
    viewer = current_viewer()
    if viewer is not None:
        end_sessions(viewer.account_id, only=viewer.session_id)
        db.session.commit()
    session.clear()
    g.pop("viewer", None)


def end_sessions(account_id: int, only: int | None = None, keep: int | None = None) -> None:
    """Revoke one session, or all of an account's sessions but the one to keep."""
    query = update(LoginSession).where(LoginSession.account_id == account_id,
                                       LoginSession.revoked_at.is_(None))
    if only is not None:
        query = query.where(LoginSession.id == only)
    if keep is not None:
        query = query.where(LoginSession.id != keep)
    db.session.execute(query.values(revoked_at=utcnow()))


def current_viewer() -> Viewer | None:
    """Return the viewer of this request, or None if the session is absent, ended or expired."""
    cached = g.get("viewer", _NO_VIEWER)
    if cached is not _NO_VIEWER:
        return cached
    viewer = _load_viewer(session.get("user"))
    g.viewer = viewer
    return viewer


def session_expired() -> bool:
    """Tell whether this request came with a session that has run out or been ended."""
    return bool(g.get("session_expired"))


def _deadline(created_at: datetime, last_seen_at: datetime) -> datetime:
    """Return when a session ends: idle timeout or absolute limit, whichever is first."""
    config = current_app.config
    return min(last_seen_at + config["SESSION_IDLE_TIMEOUT"],
               created_at + config["SESSION_ABSOLUTE_TIMEOUT"])


def _load_viewer(user: object) -> Viewer | None:
    """Check the cookie's session id against its row and its account."""
    raw = user.get("sid") if isinstance(user, dict) else None
    if not isinstance(raw, str) or not 0 < len(raw) <= 128:
        return None
    found = db.session.execute(_SESSION_BY_TOKEN, {"token_hash": token_hash(raw)}).first()
    now = utcnow()
    if found is None:
        g.session_expired = True
        return None
    (session_id, created_at, last_seen_at, revoked_at, account_id, email, role, customer_id,
     is_active, viewing_customer_id, viewing_reason, screen_share) = found
    if revoked_at is not None or _deadline(created_at, last_seen_at) <= now or not is_active:
        g.session_expired = True
        return None
    if now - last_seen_at >= TOUCH_EVERY and not request.path.startswith("/_dash-layout"):
        last_seen_at = now
        db.session.execute(update(LoginSession).where(LoginSession.id == session_id)
                           .values(last_seen_at=now))
        db.session.commit()
    return Viewer(account_id, email, role, customer_id, session_id,
                  _deadline(created_at, last_seen_at), viewing_customer_id, viewing_reason,
                  bool(screen_share))


def set_staff_view(viewer: Viewer, customer_id: int | None, reason: str | None) -> None:
    """Start (or, with None, end) this staff session's read-only view of a member's area."""
    db.session.execute(update(LoginSession).where(LoginSession.id == viewer.session_id).values(
        viewing_customer_id=customer_id, viewing_reason=reason,
        viewing_since=utcnow() if customer_id is not None else None))
    g.pop("viewer", None)



def set_screen_share(viewer: Viewer, on: bool) -> None:
    """Switch screen-share mode for this session: masking holds across pages until turned off."""
    db.session.execute(update(LoginSession).where(LoginSession.id == viewer.session_id)
                       .values(screen_share=on))
    g.pop("viewer", None)
