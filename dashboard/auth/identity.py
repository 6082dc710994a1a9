"""Who is making this request: the Flask session as dash-auth reads it, checked on the server."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import g, session

from models import Account, db
from models.enums import Role

_NO_VIEWER = object()


@dataclass(frozen=True)
class Viewer:
    """The logged-in account, as every page and callback sees it."""

    account_id: int
    email: str
    role: Role
    customer_id: int | None

    @property
    def is_member(self) -> bool:
        """Tell whether this is a customer's own login."""
        return self.role is Role.MEMBER and self.customer_id is not None


def login_user(account: Account) -> None:
    """Start a fresh session for the account (nothing from before login survives)."""
    session.clear()
    session.permanent = True
    # dash-auth reads session["user"]["groups"] for its group checks.
    session["user"] = {
        "email": account.email,
        "groups": [account.role.value],
        "account_id": account.id,
        "session_version": account.session_version,
    }
    account.last_login_at = datetime.now(UTC).replace(tzinfo=None)
    g.pop("viewer", None)


def logout_user() -> None:
    """End the session here and on the server: copies of the cookie stop working."""
    viewer = current_viewer()
    if viewer is not None:
        account = db.session.get(Account, viewer.account_id)
        if account is not None:
            account.session_version += 1
            db.session.commit()
    session.clear()
    g.pop("viewer", None)


def current_viewer() -> Viewer | None:
    """Return the viewer of this request, or None if the session is absent or revoked."""
    cached = g.get("viewer", _NO_VIEWER)
    if cached is not _NO_VIEWER:
        return cached
    viewer = _load_viewer(session.get("user"))
    g.viewer = viewer
    return viewer


def _load_viewer(user: object) -> Viewer | None:
    """Check the session's claim against the account in the database."""
    if not isinstance(user, dict):
        return None
    account_id, version = user.get("account_id"), user.get("session_version")
    if not isinstance(account_id, int) or not isinstance(version, int):
        return None
    account = db.session.get(Account, account_id)
    if account is None or not account.is_active or account.session_version != version:
        return None
    return Viewer(account.id, account.email, account.role, account.customer_id)
