"""The app as deployed plus the floor: a bare Flask route running the same authorized query.

gunicorn serves `bench.wsgi:server`; the in-process benchmarks call `build()`.
"""
from __future__ import annotations

from flask import Flask, jsonify, request

from dashboard import access, create_app
from dashboard.auth.identity import current_viewer
from models import db
from models.queries import invoices_issued_in, monthly_consumption, years_with_data

FLOOR = "/_bench/floor"


def floor():
    """Check the session and the contract, run the page's three queries, return JSON."""
    contract = access.contract(current_viewer(), request.args.get("contratto"))
    year = request.args.get("anno", type=int)
    if contract is None or year not in years_with_data(db.session, contract.id):
        return jsonify(error="not found"), 404
    months = monthly_consumption(db.session, contract.id, year)
    invoices = invoices_issued_in(db.session, contract.id, year)
    return jsonify(months=[[m.month.isoformat(), *m.bands] for m in months],
                   invoices=[[i.number, i.issue_date.isoformat(), str(i.total), *i.bands]
                             for i in invoices])


def build(overrides: dict | None = None) -> Flask:
    """Create the app with the floor route added."""
    app = create_app(overrides)
    app.add_url_rule(FLOOR, "bench_floor", floor)
    return app
