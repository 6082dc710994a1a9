"""Session login on dash-auth's Auth base class, with its known holes closed."""
from __future__ import annotations

from urllib.parse import urlencode

from dash_auth.auth import Auth
from dash_auth.public_routes import get_public_routes
from flask import current_app, jsonify, redirect, request
from werkzeug.exceptions import HTTPException

from ..i18n import _
from .identity import current_viewer, session_expired

CALLBACK_PATHS = ("/_dash-update-component",)
# Fetched by assets/session.js, which reads the 401 itself.
SCRIPT_PATHS = ("/sessione/rinnova",)
LOGOUT_PATH = "/logout"
SAFE_METHODS = ("GET", "HEAD")


class SessionAuth(Auth):
    """Let in requests that carry a valid session; send the rest to the login page."""

    def _protect(self) -> None:
        """Check every request before Flask routes it.

        dash-auth's own check lets a callback through when its body claims a public
        `pathname`; any client can claim one, so here callbacks are never public and
        always need a valid session.
        """
        server = self.app.server

        @server.before_request
        def before_request_auth():
            if request.path in CALLBACK_PATHS:
                return None if self.is_authorized() else self.login_request()
            if get_public_routes(self.app).test(request.path) or self.is_authorized():
                return None
            return self.login_request()

    def is_authorized(self) -> bool:
        """Tell whether the request carries a live session."""
        return current_viewer() is not None

    def login_request(self):
        """Answer 401 JSON to callbacks and scripts; send pages and forms to the login page."""
        if request.path.startswith("/_dash") or request.path in SCRIPT_PATHS:
            response = jsonify(error=_("Sessione scaduta: accedi di nuovo."))
            response.status_code = 401
            return response
        if request.path == LOGOUT_PATH:  # the session is over already: that is what was asked
            return redirect("/login?uscito=1", code=303)
        query = {"next": _return_target()}
        if session_expired() or request.method not in SAFE_METHODS:
            query["scaduta"] = "1"
        # 303: the browser follows a form post with a GET of the login page.
        code = 302 if request.method in SAFE_METHODS else 303
        return redirect("/login?" + urlencode(query), code=code)


def _return_target() -> str:
    """Name the page to show after logging in again: this one, if a browser can open it."""
    if request.method in SAFE_METHODS:
        return request.full_path.rstrip("?")
    # A form posted after the session ended: its page, when the same URL shows it on GET
    # (/account, /invio/conferma/<x>); else the home page (Dash's catch-all matches any GET).
    posted = request.url_rule
    try:
        shown, _ = current_app.url_map.bind_to_environ(request.environ).match(
            request.path, method="GET", return_rule=True)
    except HTTPException:
        return "/"
    return request.path if posted is not None and shown.rule == posted.rule else "/"
