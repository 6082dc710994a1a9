"""A polite 503 when the database cannot be reached, for pages and callbacks alike."""
from __future__ import annotations

from flask import Flask, g, jsonify, render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from .i18n import N_, _

TITLE = N_("Servizio momentaneamente non disponibile")
MESSAGE = N_("Non riusciamo a raggiungere i dati in questo momento. Riprova tra qualche minuto.")
RETRY_AFTER_SECONDS = "30"
# Lost or refused connections, cancelled statements, an exhausted pool: all pass by themselves.
DATABASE_DOWN = (OperationalError, InterfaceError, PoolTimeout)


def database_unavailable(_error: Exception):
    """Answer 503 with a polite message; the pool reconnects on a later request."""
    # No viewer for the rest of this request: the template's context processor and the
    # after-request hooks would otherwise ask the unreachable database again
    # (auth.identity.current_viewer caches its answer in g.viewer).
    g.viewer = None
    title, message = _(TITLE), _(MESSAGE)
    if request.path.startswith("/_dash"):
        response = jsonify(error=f"{title}. {message}")
    else:
        response = render_template("message.html", title=title, message=message)
    return response, 503, {"Retry-After": RETRY_AFTER_SECONDS}


def register(server: Flask) -> None:
    """Install the handler for every kind of database outage."""
    for error in DATABASE_DOWN:
        server.register_error_handler(error, database_unavailable)
