"""Login and logout as plain Flask routes, with CSRF-protected forms."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from models import Account, db
from models.queries import account_by_login

from .identity import current_viewer, login_user, logout_user

bp = Blueprint("auth", __name__)

GENERIC_FAILURE = "Email, codice cliente o password non corretti."
# A valid hash of a random password: unknown logins cost the same verification as known ones.
_DUMMY_PASSWORD = "dummy-password-for-equal-work"


class LoginForm(FlaskForm):
    """The login form: email or customer code, and password."""

    login = StringField("Email o codice cliente", validators=[InputRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=1024)])


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


def authenticate(login: str, password: str) -> Account | None:
    """Return the account if the password matches; do one hash verification either way."""
    policy = current_app.config["PASSWORD_POLICY"]
    account = account_by_login(db.session, login)
    if account is None or not account.is_active:
        policy.verify(_dummy_hash(), password)
        return None
    if not policy.verify(account.password_hash, password):
        return None
    if policy.needs_rehash(account.password_hash):
        account.password_hash = policy.hash(password)
    return account


def _dummy_hash() -> str:
    """Return a hash made with the current policy, computed once per app."""
    cache = current_app.extensions.setdefault("dummy_hash", {})
    policy = current_app.config["PASSWORD_POLICY"]
    if policy not in cache:
        cache[policy] = policy.hash(_DUMMY_PASSWORD)
    return cache[policy]


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form and start a session on valid credentials."""
    next_url = safe_next(request.args.get("next"))
    if request.method == "GET" and current_viewer() is not None:
        return redirect(next_url)
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        account = authenticate(form.login.data, form.password.data)
        if account is not None:
            login_user(account)
            db.session.commit()
            return redirect(next_url)
        error = GENERIC_FAILURE
    elif request.method == "POST":
        error = "Inserisci email o codice cliente e password."
    status = 401 if error else 200
    return render_template("login.html", form=form, error=error,
                           expired=request.args.get("scaduta") == "1"), status


@bp.route("/logout", methods=["POST"])
def logout():
    """End the session on the server and in the browser."""
    logout_user()
    return redirect("/login?uscito=1")
