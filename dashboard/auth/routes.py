"""Login, logout and keeping a session alive, as plain Flask routes with CSRF-protected forms."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, jsonify, redirect, render_template, request

from models import Account, LoginSession, db
from models.entities import utcnow
from models.queries import account_by_login

from ..i18n import N_, _
from . import bill_facts, devices, throttle
from .forms import LoginForm
from .identity import client_ip, current_viewer, login_user, logout_user

bp = Blueprint("auth", __name__)

GENERIC_FAILURE = N_("Email, codice cliente o password non corretti.")
WRONG_CURRENT = N_("La password attuale non è corretta.")
UNCONFIRMED = N_("Prima di accedere conferma il tuo indirizzo email con il link che ti "
                 "abbiamo inviato. Non lo trovi? Da «Password dimenticata» te ne mandiamo "
                 "un altro.")
# Unknown logins are checked against this hash, so they cost the same work as known ones.
_DUMMY_PASSWORD = "dummy-password-for-equal-work"


def safe_next(target: str | None) -> str:
    """Return the target if it is a path on this site, else the home page."""
    if not target or len(target) > 2048:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target or any(ord(c) < 32 for c in target):
        return "/"
    return target


def verify_password(account: Account | None, password: str) -> bool:
    """Check the password with exactly one hash verification, whether or not the account exists."""
    policy = current_app.config["PASSWORD_POLICY"]
    if account is None or not account.is_active:
        policy.verify(_dummy_hash(), password)
        return False
    if not policy.verify(account.password_hash, password):
        return False
    if policy.needs_rehash(account.password_hash):
        account.password_hash = policy.hash(password)  # upgrade old parameters on the way in
    return True


def _dummy_hash() -> str:
    """Return a hash made with the current policy, computed once per app."""
    cache = current_app.extensions.setdefault("dummy_hash", {})
    policy = current_app.config["PASSWORD_POLICY"]
    if policy not in cache:
        cache[policy] = policy.hash(_DUMMY_PASSWORD)
    return cache[policy]


def guarded_verify(account: Account | None, login: str,
                   password: str) -> tuple[bool, throttle.Verdict]:
    """Throttle, then check the password once; count a failure, forget this client's on success.

    Returns whether the password is right and the throttle's verdict: when the verdict does not
    allow the attempt, the password was not checked (guessing costs the attacker, not us).
    """
    subject = throttle.subject_for(account.id if account else None, login)
    device = devices.trusted_nonce(account)
    verdict = throttle.check_login(subject, client_ip(), device)
    if not verdict.allowed:
        return False, verdict
    if verify_password(account, password):
        throttle.clear_success(subject, client_ip(), device)
        return True, verdict
    throttle.record_failure(subject, client_ip(), device)
    db.session.commit()
    return False, verdict


def attempt_login(login: str, password: str) -> tuple[Account | None, str | None, int]:
    """Throttle, then check the credentials; return the account or a message and status."""
    account = account_by_login(db.session, login)
    right, verdict = guarded_verify(account, login, password)
    if not verdict.allowed:
        return None, verdict.message(), 429
    if not right:
        return None, _(GENERIC_FAILURE), 401
    if account.awaiting_confirmation:
        return None, _(UNCONFIRMED), 403
    return account, None, 302


def current_password_error(account: Account, password: str) -> str | None:
    """Check the current password in «Il mio account», throttled like the login."""
    right, verdict = guarded_verify(account, account.email, password)
    if not verdict.allowed:
        return verdict.message()
    return None if right else _(WRONG_CURRENT)


def address_throttle_error(kind: str) -> str | None:
    """Count an attempt at a form throttled per client address; say how long to wait if over."""
    verdict = throttle.check_address(kind, client_ip())
    if not verdict.allowed:
        return verdict.message()
    throttle.record_address(kind, client_ip())
    db.session.commit()  # counted even if the form then fails or answers without writing
    return None


def _login_with(form: LoginForm) -> tuple[Account | None, str | None, int]:
    """Check the login's shape (a mistake there costs nothing and counts nothing), then log in."""
    try:
        login_name = bill_facts.login(form.login.data)
    except bill_facts.FormatError as error:
        return None, str(error), 400
    return attempt_login(login_name, form.password.data)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form and start a session on valid credentials."""
    next_url = safe_next(request.args.get("next"))
    if request.method == "GET" and current_viewer() is not None:
        return redirect(next_url)
    form = LoginForm()
    error, status = None, 200
    if form.validate_on_submit():
        account, error, status = _login_with(form)
        if account is not None:
            login_user(account)
            db.session.commit()
            response = redirect(next_url)
            devices.remember(response, account)  # this browser is now trusted for the account
            return response
    elif request.method == "POST":
        error, status = _("Inserisci email o codice cliente e password."), 400
    return render_template("login.html", form=form, error=error,
                           expired=request.args.get("scaduta") == "1"), status


@bp.route("/logout", methods=["POST"])
def logout():
    """End the session on the server and in the browser."""
    logout_user()
    return redirect("/login?uscito=1")


@bp.route("/sessione/rinnova", methods=["POST"])
def renew():
    """Keep the session alive when the member answers the timeout warning."""
    viewer = current_viewer()
    if viewer is None:
        return jsonify(error=_("Sessione scaduta.")), 401
    row = db.session.get(LoginSession, viewer.session_id)
    row.last_seen_at = utcnow()
    db.session.commit()
    g.pop("viewer", None)  # the response's expiry cookie must show the new deadline
    return jsonify(ok=True)
