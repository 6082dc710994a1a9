"""/health (the process answers) and /ready (it can reach the database), for load balancers."""
from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from models import db

bp = Blueprint("health", __name__)
PATHS = ["/health", "/ready"]


@bp.get("/health")
def health():
    """Say the process is alive; touches nothing else, so a slow database never fails it."""
    return jsonify(status="ok")


@bp.get("/ready")
def ready():
    """Say whether this instance can serve: the database answers a trivial query."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="database non raggiungibile"), 503
    return jsonify(status="ok")
