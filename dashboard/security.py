"""Protection on every response: CSRF for forms and callbacks, headers, caching rules."""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC

from dash import Dash
from flask import Flask, current_app, jsonify, redirect, render_template, request
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf

from .auth.identity import current_viewer
from .health import PATHS as HEALTH_PATHS
from .i18n import _

csrf = CSRFProtect()

# Dash's renderer copies this cookie into the X-CSRFToken header of every callback.
CSRF_COOKIE = "_csrf_token"
# When the session ends (epoch seconds), for the timeout warning in assets/session.js.
EXPIRY_COOKIE = "session_expires"
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico", "/branding/")


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
        force_https=False,  # _require_https below: trusts only what ProxyFix trusts
        strict_transport_security=production,
        session_cookie_secure=production,
        content_security_policy=content_security_policy(app),
        frame_options="DENY",
        referrer_policy="same-origin",
    )
    if production:
        # First of all hooks: plain HTTP goes to HTTPS before any login or database work.
        server.before_request_funcs.setdefault(None, []).insert(0, _require_https)
    server.before_request(lambda: _reject_malformed_callbacks(app))
    server.after_request(_private_responses)
    server.register_error_handler(CSRFError, _csrf_failed)


def _require_https():
    """Redirect a plain-HTTP request to HTTPS on the same host; health checks answer as they are.

    The scheme is the one ProxyFix trusts (PROXY_COUNT), not a raw X-Forwarded-Proto header. A
    balancer probes /health and /ready over plain HTTP and must see /ready's 503, not a 302.
    """
    if request.is_secure or request.path in HEALTH_PATHS:
        return None
    return redirect(request.url.replace("http://", "https://", 1))


def _reject_malformed_callbacks(app: Dash):
    """Refuse callback posts whose shape is not the one the renderer sends for a callback.

    Dash trusts the shape of the body: an unknown output, an input that is not an object, an
    id of the wrong type or JSON nested past the parser's limit would fail inside Dash with
    a 500. Only values stay free; each callback checks them. Forms come here too: none of
    them takes a file, and WTForms would hand a file to a text field's validators (a 500).
    """
    if request.path != "/_dash-update-component":
        return _refuse_files()
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nesting deeper than the JSON parser allows
        body = None
    spec = (app.callback_map.get(body.get("output"))
            if isinstance(body, dict) and isinstance(body.get("output"), str) else None)
    # A clientside callback has no server function: Dash would fail on a post for one.
    if spec is None or "callback" not in spec or not _matches(body, spec):
        return jsonify(error=_("Richiesta non valida: ricarica la pagina e riprova.")), 400
    return None


def _matches(body: dict, spec: dict) -> bool:
    """Tell whether the posted outputs, inputs, state and changed ids fit the callback.

    body["output"] is the callback_map key the spec was found under: the outputs it names.
    Ids are strings: the portal has no pattern-matching callbacks (their ids are objects).
    """
    def names(items: object, strip_duplicate: bool = False) -> list | None:
        if not isinstance(items, list) or not all(
                isinstance(i, dict) and isinstance(i.get("id"), str)
                and isinstance(i.get("property"), str) for i in items):
            return None
        return [(i["id"], i["property"].split("@")[0] if strip_duplicate else i["property"])
                for i in items]

    expected_outputs = [tuple(part.split("@")[0].rsplit(".", 1))
                        for part in body["output"].strip(".").split("...")]
    outputs = body.get("outputs")
    if isinstance(outputs, dict) and len(expected_outputs) == 1:
        outputs = [outputs]   # the renderer sends a single output as an object
    changed = body.get("changedPropIds", [])
    return (names(outputs, strip_duplicate=True) == expected_outputs
            and names(body.get("inputs")) == [(i["id"], i["property"]) for i in spec["inputs"]]
            and names(body.get("state", [])) == [(i["id"], i["property"])
                                                 for i in spec["state"]]
            and isinstance(changed, list) and all(isinstance(c, str) for c in changed))


def accepts_files(view: Callable) -> Callable:
    """Mark a Flask view whose form takes files (the admin's import): the file guard skips it."""
    view.accepts_files = True
    return view


def _refuse_files():
    """Answer a form post that carries a file with a polite 400, unless its view takes files."""
    if request.method != "POST" or not request.files:
        return None
    if getattr(current_app.view_functions.get(request.endpoint), "accepts_files", False):
        return None
    return render_template("message.html", title=_("Richiesta non valida"),
                           message=_("Questo modulo non accetta file. Ricarica la pagina e "
                                     "riprova.")), 400


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
        return jsonify(error=_("La pagina è rimasta aperta a lungo: ricaricala.")), 400
    return render_template("message.html", title=_("Pagina scaduta"),
                           message=_("La pagina è rimasta aperta a lungo. Ricaricala e "
                                     "riprova.")), 400
