"""The consumption page's callbacks, posted exactly as the browser posts them."""
import json

import pytest
from sqlalchemy import select

from models import Contract, Customer, db
from tests.helpers import callback_body, outputs, post_callback

SEED_ROWS = [  # the cooperative's own table (shared/seed): numero, data, scadenza, importo, …
    (1636, "26/01/2023", "15/03/2023", "213,09", "01/12/2022", 547, 212, 100, 235),
    (6558, "24/03/2023", "15/05/2023", "334,94", "01/02/2023", 1390, 493, 308, 589),
    (11606, "30/05/2023", "18/07/2023", "261,41", "01/04/2023", 1087, 389, 202, 496),
    (16449, "20/07/2023", "15/09/2023", "175,75", "01/06/2023", 803, 359, 173, 271),
    (21319, "26/09/2023", "06/11/2023", "164,27", "01/08/2023", 747, 331, 178, 238),
    (26153, "24/11/2023", "27/12/2023", "146,62", "01/10/2023", 681, 285, 153, 243),
]


def contract_ids(app, code: str) -> list[int]:
    """Return the ids of a customer's contracts, oldest first."""
    with app.app_context():
        return list(db.session.scalars(
            select(Contract.id).join(Customer).where(Customer.code == code)
            .order_by(Contract.start_date, Contract.id)))


def show(client, search: str):
    """Post the callback that draws chart, totals and table for a query string."""
    return post_callback(client, "consumi-grafico", {"url.search": search})


def test_seed_rows_in_the_table(member, app):
    main_home = contract_ids(app, "100234")[0]
    out = outputs(show(member, f"?contratto={main_home}&anno=2023"))
    rows = out["consumi-fatture-dati.data"]["rows"]
    expected = [[str(n), issued, due, amount, read, f"{kwh:,}".replace(",", "."), str(f1),
                 str(f2), str(f3)] for n, issued, due, amount, read, kwh, f1, f2, f3 in SEED_ROWS]
    assert [row[:9] for row in rows] == expected
    assert all(row[9].endswith("/fattura.pdf") and row[10].endswith("/dettaglio.pdf")
               for row in rows)
    columns = [c[1] for c in out["consumi-fatture-dati.data"]["columns"]]
    assert columns == ["Numero", "Data", "Scadenza", "Importo (€)", "Data lettura",
                       "Consumo - kWh", "Consumo - F1", "Consumo - F2", "Consumo - F3",
                       "Fattura", "Fattura Dettaglio"]
    assert out["consumi-risultato.hidden"] is False


def test_chart_bands_add_up_to_the_year_totals(member, app):
    main_home = contract_ids(app, "100234")[0]
    out = outputs(show(member, f"?contratto={main_home}&anno=2023"))
    figure = out["consumi-grafico.figure"]
    names = [t["name"] for t in figure["data"]]
    # the bands, then the legend's plain swatches and the hatching of December's estimate
    assert names == ["F1", "F2", "F3", "F1", "F2", "F3", "Lettura stimata"]
    assert figure["data"][0]["marker"]["pattern"]["shape"][11] == "/"
    year_total = sum(v for t in figure["data"] for v in t["y"] if v is not None)
    totals_text = json.dumps(out["consumi-totali.children"])
    assert f"{year_total:,}".replace(",", ".") + " kWh" in totals_text
    assert len(json.dumps(figure)) < 10_000  # a plain dict, no embedded template


def test_period_view_lines_up_with_the_table(member, app):
    main_home = contract_ids(app, "100234")[0]
    out = outputs(show(member, f"?contratto={main_home}&anno=2023&vista=periodi"))
    figure = out["consumi-grafico.figure"]
    assert figure["data"][0]["x"][0] == "ott–nov<br>2022<br>effettiva"  # the reading type too
    assert figure["data"][0]["y"] == [row[6] for row in SEED_ROWS]
    assert figure["data"][2]["y"] == [row[8] for row in SEED_ROWS]


def test_confirm_puts_contract_and_year_in_the_url(member, app):
    main_home = contract_ids(app, "100234")[0]
    response = post_callback(
        member, "url.search", {"consumi-visualizza.n_clicks": 1, "consumi-vista.value": "mesi"},
        {"consumi-contratto.value": main_home, "consumi-anno.value": 2023, "url.search": ""})
    assert outputs(response)["url.search"] == f"?contratto={main_home}&anno=2023"


def test_years_offered_are_those_with_data(member, app):
    main_home = contract_ids(app, "100234")[0]
    response = post_callback(member, "consumi-anno.options",
                             {"consumi-contratto.value": main_home}, {"consumi-anno.value": 2023})
    out = outputs(response)
    years = [o["value"] for o in out["consumi-anno.options"]]
    assert years == sorted(years, reverse=True)
    assert {2021, 2022, 2023, 2024, 2025, 2026} <= set(years)
    assert out["consumi-anno.value"] == 2023


def test_foreign_and_nonexistent_contracts_get_the_same_answer(member, app):
    foreign = contract_ids(app, "100235")[0]
    with app.app_context():
        missing = (db.session.scalar(select(db.func.max(Contract.id))) or 0) + 1000
    answers = [show(member, f"?contratto={cid}&anno=2023").get_json() for cid in (foreign, missing)]
    assert answers[0] == answers[1]
    assert answers[0]["response"]["consumi-fatture-dati"]["data"] is None
    assert "non trovato" in json.dumps(answers[0])


def test_foreign_contract_through_every_input_leaks_nothing(member, app):
    foreign = contract_ids(app, "100235")[0]
    with app.app_context():
        contract = db.session.get(Contract, foreign)
        markers = [contract.pod, contract.supply_street, contract.customer.name]
    responses = [
        show(member, f"?contratto={foreign}&anno=2023"),
        post_callback(member, "consumi-anno.options", {"consumi-contratto.value": foreign}),
        post_callback(member, "url.search",
                      {"consumi-visualizza.n_clicks": 1, "consumi-vista.value": "mesi"},
                      {"consumi-contratto.value": foreign, "consumi-anno.value": 2023}),
        post_callback(member, "header-account",
                      {"url.pathname": "/consumi"}, {"url.search": f"?contratto={foreign}"}),
    ]
    for response in responses:
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert not [m for m in markers if m in text]
    assert outputs(responses[0])["consumi-fatture-dati.data"] is None
    assert outputs(responses[1])["consumi-anno.options"] == []
    assert "url.search" not in outputs(responses[2])


@pytest.mark.parametrize("search", [
    "", "?", "?contratto=", "?contratto=abc&anno=2023", "?contratto=-1&anno=2023",
    "?contratto=1e9&anno=2023", "?contratto=99999999999999999999999&anno=2023",
    "?contratto=1&anno=0", "?contratto=1&anno=99999", "?anno=2023", "?contratto=1'--&anno=2023",
    "?contratto=%00&anno=%00", "?" + "x" * 5000, "?contratto=1&contratto=2&anno=2023&anno=1999",
])
def test_bad_query_strings_get_a_polite_answer(member, search):
    response = show(member, search)
    assert response.status_code == 200
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("value", [None, "", [], {}, True, 3.5, -7, "1; DROP TABLE invoice",
                                   "x" * 100_000, {"$ne": 1}, ["1"], "\u202e1"])
def test_hostile_callback_values_never_fail(member, value):
    for response in (
        post_callback(member, "consumi-grafico", {"url.search": value}),
        post_callback(member, "consumi-anno.options", {"consumi-contratto.value": value},
                      {"consumi-anno.value": value}),
        post_callback(member, "url.search",
                      {"consumi-visualizza.n_clicks": 1, "consumi-vista.value": value},
                      {"consumi-contratto.value": value, "consumi-anno.value": value,
                       "url.search": value}),
        post_callback(member, "header-account", {"url.pathname": value}, {"url.search": value}),
    ):
        assert response.status_code in (200, 204), response.get_data(as_text=True)[:300]


def test_anonymous_callbacks_get_401_even_with_a_public_pathname(client, member):
    body = callback_body(member, "header-account", {"url.pathname": "/login"})
    for prefix, inputs in (("header-account", {"url.pathname": "/login"}),
                           ("consumi-grafico", {"url.search": "?contratto=1&anno=2023"})):
        body = callback_body(member, prefix, inputs)
        response = client.post("/_dash-update-component", json=body)
        assert response.status_code == 401
        assert "fatture/" not in response.get_data(as_text=True)


def test_callback_without_csrf_header_is_refused(member, app):
    main_home = contract_ids(app, "100234")[0]
    body = callback_body(member, "consumi-grafico",
                         {"url.search": f"?contratto={main_home}&anno=2023"})
    response = member.post("/_dash-update-component", json=body)
    assert response.status_code == 400
    assert "fatture/" not in response.get_data(as_text=True)


@pytest.mark.parametrize("raw", [b"not json", b"{}", b"[]", b'{"output": 1}', b"null"])
def test_malformed_callback_posts_are_rejected_cleanly(member, raw):
    from tests.helpers import csrf_header

    response = member.post("/_dash-update-component", data=raw,
                           content_type="application/json", headers=csrf_header(member))
    assert 400 <= response.status_code < 500
    assert "Traceback" not in response.get_data(as_text=True)


def test_layout_for_anonymous_holds_no_member_data(client):
    text = client.get("/_dash-layout").get_data(as_text=True)
    assert "Rossi" not in text and "100234" not in text and "IT" + "0" not in text


def test_page_appearing_does_not_navigate_or_scold(member):
    response = post_callback(
        member, "url.search", {"consumi-visualizza.n_clicks": 0, "consumi-vista.value": "mesi"},
        {"consumi-contratto.value": None, "consumi-anno.value": None, "url.search": ""})
    assert response.status_code == 204


@pytest.mark.parametrize(("raw", "expected"), [
    (1, 1), ("42", 42), (2**31 - 1, 2**31 - 1), (2**31, None), ("99999999999", None),
    (0, None), (-3, None), (True, None), ("٣", None), ("1.0", None), (None, None), ([1], None),
])
def test_ids_from_the_client_fit_the_database(raw, expected):
    from dashboard.access import parse_id

    assert parse_id(raw) == expected


def test_callback_posts_that_do_not_match_the_callback_are_refused(member, app):
    main_home = contract_ids(app, "100234")[0]
    body = callback_body(member, "consumi-grafico",
                         {"url.search": f"?contratto={main_home}&anno=2023"})
    from tests.helpers import csrf_header

    for broken in ({**body, "inputs": body["inputs"][:1]},
                   {**body, "inputs": body["inputs"] + body["inputs"]},
                   {**body, "output": "..nessuno.children.."},
                   {**body, "state": [{"id": "url", "property": "search", "value": "x"}]}):
        response = member.post("/_dash-update-component", json=broken,
                               headers=csrf_header(member))
        assert response.status_code == 400
        assert "fatture/" not in response.get_data(as_text=True)


def test_headers_sort_the_table_and_the_order_is_in_the_url(member, app):
    main_home = contract_ids(app, "100234")[0]
    search = f"?contratto={main_home}&anno=2023"

    def click(column: str, search: str) -> str:
        response = post_callback(member, "url.search@", {f"consumi-ordina-{column}.n_clicks": 1},
                                 {"url.search": search})
        return response.get_json()["response"]["url"]["search"]

    by_amount = click("importo", search)
    assert by_amount == search + "&ordina=importo"
    amounts = [row[3] for row in outputs(show(member, by_amount))
               ["consumi-fatture-dati.data"]["rows"]]
    assert amounts == ["146,62", "164,27", "175,75", "213,09", "261,41", "334,94"]
    reversed_search = click("importo", by_amount)
    assert reversed_search.endswith("ordina=-importo")
    first = outputs(show(member, reversed_search))["consumi-fatture-dati.data"]["rows"][0]
    assert first[0] == "6558"


def test_sort_ignores_unknown_columns_and_unclicked_buttons(member, app):
    main_home = contract_ids(app, "100234")[0]
    search = f"?contratto={main_home}&anno=2023&ordina=__class__"
    rows = outputs(show(member, search))["consumi-fatture-dati.data"]["rows"]
    assert [r[0] for r in rows] == [str(r[0]) for r in SEED_ROWS]  # issue order
    unclicked = post_callback(member, "url.search@", {"consumi-ordina-importo.n_clicks": None},
                              {"url.search": search})
    assert unclicked.status_code == 204
