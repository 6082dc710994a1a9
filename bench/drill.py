"""Time the consumption page's curve callbacks against today's consumption callback.

    python -m bench.drill [--postgresql URL] [--repeat 200]

On the demo database (Mario Rossi's main home, 2023, with its quarter-hour curves), each curve
callback (a month's days, a day's quarter hours, the year's heatmap, the year's detail) is
timed in alternation with the consumption callback (bench.__main__.callback_body), so the
machine's drift weighs on both alike; medians, ratios and answer sizes are printed.
"""
from __future__ import annotations

import argparse
import tempfile
import uuid

from sqlalchemy import create_engine, select, text

from bench.__main__ import callback_body, p50, timed_together
from dashboard import create_app, ids
from dashboard.bootstrap import prepare_database
from models import Contract, Customer, db
from models.passwords import PasswordPolicy
from tests.helpers import login

DETAIL_OUTPUTS = [(ids.GRAPH, "figure"), (ids.BREADCRUMBS, "children"),
                  (ids.SUMMARY, "children"), (ids.STATS, "children"),
                  (ids.DRILL_DATA, "data"), (ids.RECONCILE, "children"),
                  (ids.DOWNLOADS, "children"), (ids.DRILL_MESSAGE, "children")]


def detail_body(app, search: str) -> dict:
    """Build the curve callback's post for a query string, as the renderer sends it."""
    deps = app.test_client().get("/_dash-dependencies")  # public: the callback graph
    spec = next(d for d in deps.get_json() if d["output"].startswith(f"..{ids.GRAPH}.figure@"))
    return {
        "output": spec["output"],
        "outputs": [{"id": i, "property": p} for i, p in DETAIL_OUTPUTS],
        "inputs": [{"id": ids.URL, "property": "search", "value": search},
                   {"id": ids.CONSUMI_RENDERED, "property": "data", "value": search}],
        "state": [], "changedPropIds": [f"{ids.URL}.search"],
    }


def main() -> None:
    """Load the demo data, log in as Mario Rossi and time the callbacks."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgresql")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    schema = None
    if args.postgresql:
        url, schema = args.postgresql, f"bench_drill_{uuid.uuid4().hex[:8]}"
        with create_engine(url).begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    else:
        url = f"sqlite:///{tempfile.mkdtemp()}/drill.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "DATABASE_SCHEMA": schema,
                      "SECRET_KEY": "bench", "LOAD_DEMO": True,
                      "PASSWORD_POLICY": PasswordPolicy.fast_for_tests()})
    try:
        prepare_database(app)
        run(app, args.repeat)
    finally:
        if schema:
            with app.app_context():
                db.engine.dispose()
            with create_engine(url).begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def run(app, repeat: int) -> None:
    """Time each curve callback beside the consumption callback; print a Markdown table."""
    with app.app_context():
        home = db.session.scalars(select(Contract.id).join(Customer).where(
            Customer.code == "100234").order_by(Contract.start_date, Contract.id)).first()
    client = login(app.test_client(), "socio@example.com", "Paluzza!2023")
    headers = {"X-CSRFToken": client.get_cookie("_csrf_token").value}

    def poster(body: dict):
        def post():
            response = client.post("/_dash-update-component", json=body, headers=headers)
            assert response.status_code == 200, response.get_data(as_text=True)[:300]
            return response
        return post

    consumption = poster(callback_body(home))
    year = f"?contratto={home}&anno=2023"
    print("| callback | p50 ms | consumption p50 ms | ratio | answer bytes |")
    print("|---|---|---|---|---|")
    for label, tail in (("month (31 days)", "&mese=3"), ("day (96 quarter hours)",
                                                         "&mese=3&giorno=14"),
                        ("year detail (panel, table)", ""), ("heatmap", "&vista=mappa"),
                        ("typical day", "&vista=tipo&mese=3")):
        curve = poster(detail_body(app, year + tail))
        ours, theirs = timed_together(curve, consumption, repeat)
        print(f"| {label} | {p50(ours):.1f} | {p50(theirs):.1f} | "
              f"{p50(ours) / p50(theirs):.2f} | {len(curve().data)} |")


if __name__ == "__main__":
    main()
