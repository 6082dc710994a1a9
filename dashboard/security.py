"""Protection on every response: CSRF for forms and callbacks, headers, caching rules."""
from __future__ import annotations

from datetime import UTC

from dash import Dash
from flask import Flask, current_app, jsonify, render_template, request
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf

from .auth.identity import current_viewer

csrf = CSRFProtect()

# Dash's renderer copies this cookie into the X-CSRFToken header of every callback.
CSRF_COOKIE = "_csrf_token"
# When the session ends (epoch seconds), for the timeout warning in assets/session.js.
EXPIRY_COOKIE = "session_expires"
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")


def session_timing_meta(config: dict) -> list[dict[str, str]]:
    """Return the meta tags that tell assets/session.js when to warn and how often to check."""
    return [{"name": "session-warning-seconds", "content": str(config["SESSION_WARNING_SECONDS"])},
            {"name": "session-check-seconds", "content": str(config["SESSION_CHECK_SECONDS"])}]


def content_security_policy(app: Dash) -> dict:
    """Allow only this site's scripts plus Dash's inline ones, pinned by hash."""
    return {
        "default-src": "'self'",
        "script-src": ["'self'", *app.csp_hashes()],
        # Plotly, dcc and AG Grid set inline styles.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }


def protect(app: Dash) -> None:
    """Install CSRF, security headers and no-store caching for member data."""
    server: Flask = app.server
    csrf.init_app(server)
    production = server.config["PRODUCTION"]
    Talisman(
        server,
        force_https=production,
        strict_transport_security=production,
        session_cookie_secure=production,
        content_security_policy=content_security_policy(app),
        frame_options="DENY",
        referrer_policy="same-origin",
    )
    server.before_request(lambda: _reject_malformed_callbacks(app))
    server.after_request(_private_responses)
    server.register_error_handler(CSRFError, _csrf_failed)


def _reject_malformed_callbacks(app: Dash):
    """Refuse callback posts that do not match a registered callback's inputs and state.

    Dash trusts the shape of the body: a post with an unknown output or too few inputs would
    fail inside Dash with a 500. Values stay untrusted; each callback checks them.
    """
    if request.path != "/_dash-update-component":
        return None
    body = request.get_json(silent=True)
    spec = app.callback_map.get(body.get("output")) if isinstance(body, dict) else None
    # A clientside callback has no server function: Dash would fail on a post for one.
    if spec is None or "callback" not in spec or not _matches(body, spec):
        return jsonify(error="Richiesta non valida."), 400
    return None


def _matches(body: dict, spec: dict) -> bool:
    """Tell whether the posted inputs and state name exactly the callback's own."""
    def names(items: object) -> list | None:
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            return None
        return [(i.get("id"), i.get("property")) for i in items]

    expected_inputs = [(i["id"], i["property"]) for i in spec["inputs"]]
    expected_state = [(i["id"], i["property"]) for i in spec["state"]]
    return (isinstance(body.get("outputs"), dict | list)
            and names(body.get("inputs")) == expected_inputs
            and names(body.get("state", [])) == expected_state)


def _private_responses(response):
    """Keep member pages out of caches (and the back button) and hand Dash its CSRF token."""
    if request.path.startswith(STATIC_PREFIXES):
        return response
    response.headers["Cache-Control"] = "no-store"
    if response.status_code >= 500:
        return response  # the database may be what failed: do not ask it again
    viewer = current_viewer()
    secure = current_app.config["PRODUCTION"]
    if viewer is None:
        if EXPIRY_COOKIE in request.cookies:  # logged out: the page must stop counting down
            response.delete_cookie(EXPIRY_COOKIE)
        return response
    if response.mimetype == "text/html":
        response.set_cookie(CSRF_COOKIE, generate_csrf(), samesite="Lax", secure=secure,
                            httponly=False)
    deadline = int(viewer.expires_at.replace(tzinfo=UTC).timestamp())
    response.set_cookie(EXPIRY_COOKIE, str(deadline), samesite="Lax", secure=secure,
                        httponly=False)
    return response


def _csrf_failed(error: CSRFError):
    """Explain an expired or missing form token politely."""
    if request.path.startswith("/_dash"):
        return jsonify(error="La pagina è rimasta aperta a lungo: ricaricala."), 400
    return render_template("message.html", title="Pagina scaduta",
                           message="La pagina è rimasta aperta a lungo. Ricaricala e riprova."), 400
