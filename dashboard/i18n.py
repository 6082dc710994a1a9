"""Italian by default, English on request: one gettext mechanism for pages, mails and PDFs.

The source strings are Italian; translations/en/*.po hold their English, one file per area
of the portal so that the catalogs stay readable. At start the fragments are merged and
compiled into the instance folder (no build step, and a gunicorn worker never reads a
half-written file). The viewer's choice lives in a cookie set by /lingua/<code>, so it sticks
before and after login; anything without a request (commands, imports) speaks Italian.

Write `_("Fattura %(number)s del %(date)s", number=n, date=d)`: named placeholders, never
f-strings (gettext cannot find them). Module-level texts are marked with `N_()` and
translated where they are shown.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, Response, has_request_context, redirect, request
from flask_babel import Babel, get_locale, ngettext
from flask_babel import gettext as _

__all__ = ["N_", "_", "current_language", "install", "ngettext", "other_language"]

from . import config

DEFAULT = "it"
LANGUAGES = {"it": "Italiano", "en": "English"}
COOKIE = "lingua"
COOKIE_AGE = 365 * 24 * 3600
SOURCES = config.ROOT / "translations"
ROUTE = "/lingua/<code>"


def N_(text: str) -> str:
    """Mark a text for translation where it is defined; translate it with _() where shown."""
    return text


def current_language() -> str:
    """Return the viewer's language code ('it' or 'en'); Italian outside a request."""
    if not has_request_context():
        return DEFAULT
    return str(get_locale() or DEFAULT)


def _select_language() -> str:
    """Read the viewer's choice from the cookie; Italian when there is none or it is unknown.

    Italian too outside a request (a command, a test calling a builder in the app context).
    """
    if not has_request_context():
        return DEFAULT
    chosen = request.cookies.get(COOKIE, DEFAULT)
    return chosen if chosen in LANGUAGES else DEFAULT


def switch_href(code: str) -> str:
    """Return the address that switches to a language (it comes back by the Referer)."""
    return f"/lingua/{code}"


def other_language() -> tuple[str, str]:
    """Return the code and the name (in its own language) of the language not in use."""
    code = "en" if current_language() == "it" else "it"
    return code, LANGUAGES[code]


def _switch(code: str) -> Response:
    """Remember the chosen language and go back to the page the link was on."""
    from .auth.routes import safe_next  # late: auth imports the portal's pages

    back = request.args.get("next")
    if back is None and request.referrer:
        parts = urlsplit(request.referrer)
        back = parts.path + (f"?{parts.query}" if parts.query else "")
    response = redirect(safe_next(back), code=303)
    if code in LANGUAGES:
        response.set_cookie(COOKIE, code, max_age=COOKIE_AGE, samesite="Lax",
                            secure=request.is_secure, httponly=True)
    return response


def compile_catalogs(sources: Path, target: Path) -> Path:
    """Merge each language's .po fragments into one compiled catalog under target."""
    for language in sorted(p for p in sources.iterdir() if p.is_dir()):
        fragments = sorted(language.glob("*.po"))
        merged = Catalog(locale=language.name, domain="messages")
        for fragment in fragments:
            with fragment.open("rb") as handle:
                for message in read_po(handle, locale=language.name):
                    if message.id and message.string and not message.fuzzy:
                        merged[message.id] = message
        out = target / language.name / "LC_MESSAGES"
        out.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: several workers may start at once.
        fd, scratch = tempfile.mkstemp(dir=out, suffix=".mo")
        with os.fdopen(fd, "wb") as handle:
            write_mo(handle, merged)
        os.replace(scratch, out / "messages.mo")
    return target


def install(server: Flask) -> None:
    """Compile the catalogs, pick each request's language and serve the switch link."""
    compiled = compile_catalogs(SOURCES, Path(server.instance_path) / "translations")
    server.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)
    server.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    server.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Rome")
    Babel(server, locale_selector=_select_language)
    server.add_url_rule(ROUTE, "switch_language", _switch)
    server.context_processor(lambda: {
        "language": current_language(), "other_language": other_language(),
        "switch_href": switch_href})
