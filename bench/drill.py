"""Time the consumption page's curve callbacks against today's consumption callback.

    python -m bench.drill [--postgresql URL] [--repeat 200] [--scale 5500]

On the demo database (Mario Rossi's main home, 2023, with its quarter-hour curves), each curve
callback (a month's days, a day's quarter hours, the year's heatmap, the year's detail) is
timed in alternation with the consumption callback (bench.__main__.callback_body), so the
machine's drift weighs on both alike; medians, ratios and answer sizes are printed.

With --scale N (PostgreSQL only) the demo schema first gets N more supplies, each with the
year 2023 of quarter hours loaded by binary COPY (bench.curves), so the callbacks read a
table of some 193 M readings; the run also reports the load, the bytes per reading (indexes
included) and the importer's throughput on that table, all in one run.
"""
from __future__ import annotations

import argparse
import tempfile
import uuid

from sqlalchemy import create_engine, select, text

from bench import curves, synthetic
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
    parser.add_argument("--scale", type=int, default=0,
                        help="supplies with a year of curves to add (PostgreSQL)")
    args = parser.parse_args()
    if args.scale and not args.postgresql:
        parser.error("--scale needs --postgresql")
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
        if args.scale:
            scale(url, schema, args.scale)
        run(app, args.repeat)
    finally:
        if schema:
            with app.app_context():
                db.engine.dispose()
            with create_engine(url).begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


FIRST_SYNTHETIC_ID = 100_000  # above every demo id: the synthetic rows sit beside the demo


def scale(url: str, schema: str, supplies: int) -> None:
    """Add synthetic supplies with a year of curves each; print load, sizes and the importer."""
    engine = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        counter = synthetic.Counter()
        counter.ids = {"customer": FIRST_SYNTHETIC_ID, "contract": FIRST_SYNTHETIC_ID}
        tables, index = synthetic.Tables([], [], [], [], [], [], []), 0
        while len(tables.contract) < supplies:
            synthetic._customer(index, counter, tables)
            index += 1
        del tables.contract[supplies:]
        synthetic._write_postgresql(engine, tables)
        contracts = [row[0] for row in tables.contract]
        with engine.connect() as conn:
            demo = conn.execute(text("SELECT coalesce(sum(length(wh)) / 4, 0) "
                                     "FROM quarter_hour_day")).scalar()
        load = curves.load_postgresql(engine, contracts, lambda line: None)
        sizes = curves.sizes_postgresql(engine)
        readings = load["readings"] + demo
        imported = curves.measure_importer(engine, contracts)
    finally:
        engine.dispose()
    print("| measure | value |\n|---|---|")
    print(f"| supplies with a year of curves | {supplies:,} (+ the demo's) |")
    print(f"| readings in quarter_hour_day | {readings:,} ({load['rows']:,} day rows loaded) |")
    print(f"| COPY load | {load['seconds']:.1f} s, {load['readings'] / load['seconds']:,.0f} "
          f"readings/s ({load['generating']:.1f} s generating) |")
    print(f"| table + indexes + TOAST | {sizes['total']:,} B: "
          f"**{sizes['total'] / readings:.2f} B per reading** (indexes "
          f"{sizes['indexes'] / readings:.2f}) |")
    for name in ("long", "long_again", "wide", "wide_again"):
        step = imported[name]
        print(f"| import {name.replace('_', ', ')} | {step['readings']:,} readings in "
              f"{step['total']:.2f} s: **{step['readings'] / step['total']:,.0f} readings/s** "
              f"(check {step['check']:.2f} s), days {step['counts']} |")
    print()


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
                        ("typical day", "&vista=tipo&mese=3"),
                        ("years overlaid (2020–2023)", "&vista=anni"),
                        ("kWh per day per period", "&vista=giornaliero")):
        curve = poster(detail_body(app, year + tail))
        ours, theirs = timed_together(curve, consumption, repeat)
        print(f"| {label} | {p50(ours):.1f} | {p50(theirs):.1f} | "
              f"{p50(ours) / p50(theirs):.2f} | {len(curve().data)} |")


if __name__ == "__main__":
    main()
