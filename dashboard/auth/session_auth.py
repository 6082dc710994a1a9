"""Session login on dash-auth's Auth base class, with its known holes closed."""
from __future__ import annotations

from urllib.parse import urlencode

from dash_auth.auth import Auth
from dash_auth.public_routes import get_public_routes
from flask import jsonify, redirect, request

from .identity import current_viewer, session_expired

CALLBACK_PATHS = ("/_dash-update-component",)


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
        """Answer 401 to callbacks and API calls, and redirect pages to the login form."""
        if request.path.startswith("/_dash") or request.method != "GET":
            response = jsonify(error="Sessione scaduta: accedi di nuovo.")
            response.status_code = 401
            return response
        query = {"next": request.full_path.rstrip("?")}
        if session_expired():
            query["scaduta"] = "1"
        return redirect("/login?" + urlencode(query))
