"""Situazione contabile: the page's callbacks and the CSV and PDF exports, own and foreign."""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from dashboard import formatting as fmt
from dashboard.statement import today_in_italy
from models import Contract, Customer, db
from models.queries import billed_invoices, received_payments
from models.statement import Standing, build_statement
from tests.helpers import outputs, post_callback, without_csrf
from tests.test_consumi import contract_ids
from tests.test_contratto import moved_to, post_by_input
from tests.test_statement import pdf_text


def show(client, search: object):
    """Post the callback that draws the statement for a query string."""
    return post_callback(client, "contabilita-estratto", {"url.search": search})


def text_of(response) -> str:
    """Return everything the callback answered, as text."""
    return json.dumps(outputs(response), ensure_ascii=False)


def expected(app, contract_ids_: list[int]):
    """Compute the statement the page must show, straight from the database."""
    with app.app_context():
        return build_statement(billed_invoices(db.session, contract_ids_),
                               received_payments(db.session, contract_ids_), today_in_italy())


def test_all_contracts_together(member, app):
    ids = contract_ids(app, "100234")
    statement = expected(app, ids)
    text = text_of(show(member, "?contratto=tutti"))
    assert "Importo scaduto:" in text and fmt.euro(statement.overdue) in text
    assert fmt.euro(statement.balance) in text
    for item in statement.invoices:
        assert item.invoice.label in text
    for year in statement.years:
        assert f"Fatture emesse nel {year.year}" in text and fmt.euro(year.invoiced) in text
    for status in ("Pagata", "Da pagare", "Pagata parzialmente", "residuo scaduto"):
        assert status in text
    assert "Bonifico bancario" in text and "Via Monte Zoncolan 8" in text
    assert "/contabilita/estratto.pdf?contratto=tutti" in text


def test_no_choice_means_all_contracts(member, app):
    assert text_of(show(member, "")) == text_of(show(member, "?contratto=tutti"))
    home = contract_ids(app, "100234")[0]
    assert moved_to(post_by_input(member, {"contabilita-scelta.value": "tutti"},
                                  {"url.search": ""})) is None
    moved = post_by_input(member, {"contabilita-scelta.value": home}, {"url.search": ""})
    assert moved_to(moved) == f"?contratto={home}"
    back = post_by_input(member, {"contabilita-scelta.value": "tutti"},
                         {"url.search": f"?contratto={home}"})
    assert moved_to(back) == "?contratto=tutti"


def test_one_contract_alone(member, app):
    home, holiday = contract_ids(app, "100234")
    statement = expected(app, [home])
    text = text_of(show(member, f"?contratto={home}"))
    assert statement.overdue == 0 and statement.balance > 0
    assert "Da pagare:" in text and "Nessun pagamento in ritardo." in text
    assert "sarà addebitato sul tuo conto" in text
    holiday_numbers = {i.invoice.label for i in expected(app, [holiday]).invoices}
    assert not [n for n in holiday_numbers if n in text]


def test_foreign_and_nonexistent_contracts_get_the_same_answer(member, app):
    foreign = contract_ids(app, "100235")[0]
    with app.app_context():
        missing = db.session.scalar(select(db.func.max(Contract.id))) + 1000
        contract = db.session.get(Contract, foreign)
        markers = [contract.pod, contract.supply_street, contract.customer.name]
    answers = [show(member, f"?contratto={cid}") for cid in (foreign, missing)]
    assert answers[0].get_json() == answers[1].get_json()
    assert "Contratto non trovato" in text_of(answers[0])
    assert not [m for m in markers if m in answers[0].get_data(as_text=True)]


def test_a_member_with_one_contract_sees_it_without_choosing(neighbour, app):
    (only,) = contract_ids(app, "100235")
    statement = expected(app, [only])
    text = text_of(show(neighbour, ""))
    assert all(i.invoice.label in text for i in statement.invoices)
    assert "Mario Rossi" not in text


@pytest.mark.parametrize("value", [None, "", [], {}, True, 3.5, -7, "?contratto=abc",
                                   "?contratto=TUTTI", "?contratto=%00", "?" + "x" * 5000,
                                   "?contratto=1&contratto=tutti", {"$ne": 1}, "x" * 100_000])
def test_hostile_values_get_a_polite_answer(member, value):
    for response in (show(member, value),
                     post_by_input(member, {"contabilita-scelta.value": value},
                                   {"url.search": value})):
        assert response.status_code in (200, 204), response.get_data(as_text=True)[:300]
        assert "Traceback" not in response.get_data(as_text=True)


# --- exports -----------------------------------------------------------------------------

def test_csv_export_matches_the_statement(member, app):
    ids = contract_ids(app, "100234")
    statement = expected(app, ids)
    response = member.get("/contabilita/estratto.csv?contratto=tutti")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="estratto-conto-100234-' in response.headers[
        "Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + len(statement.invoices)

    def number(text: str) -> Decimal:
        return Decimal(text.replace(".", "").replace(",", "."))

    assert sum(number(r[8]) for r in rows[1:]) == statement.outstanding
    assert sum(number(r[5]) for r in rows[1:]) == sum(i.invoice.total for i in statement.invoices)


def test_csv_of_one_contract_is_named_after_its_pod(member, app):
    home = contract_ids(app, "100234")[0]
    response = member.get(f"/contabilita/estratto.csv?contratto={home}")
    assert "estratto-conto-IT125E00012345-" in response.headers["Content-Disposition"]
    assert "Via Monte Zoncolan" not in response.data.decode("utf-8-sig")


def test_pdf_export_prints_the_statement(member, app):
    ids = contract_ids(app, "100234")
    statement = expected(app, ids)
    response = member.get("/contabilita/estratto.pdf?contratto=tutti")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Estratto conto" in text and "Mario Rossi" in text and "Tutti i contratti" in text
    assert fmt.euro(statement.balance) in text
    newest = statement.invoices[0].invoice.label
    assert newest in text
    partial = next(i for i in statement.invoices if i.standing is Standing.PARTIAL)
    assert partial.invoice.label in text and "In parte, scaduta" in text


@pytest.mark.parametrize("query", ["{foreign}", "{missing}", "abc", "-1", "1e3", "", "%00",
                                   "99999999999999999999", "TUTTI"])
def test_exports_of_anything_but_own_contracts_are_404(member, app, query):
    foreign = contract_ids(app, "100235")[0]
    with app.app_context():
        missing = db.session.scalar(select(db.func.max(Contract.id))) + 1000
        name = db.session.scalar(select(Customer.name).where(Customer.code == "100235"))
    value = query.format(foreign=foreign, missing=missing)
    answers = []
    for kind in ("csv", "pdf"):
        response = member.get(f"/contabilita/estratto.{kind}?contratto={value}")
        if value == "":   # no choice means all of one's own contracts
            assert response.status_code == 200
            continue
        assert response.status_code == 404
        body = response.get_data(as_text=True)
        assert "Non troviamo questo contratto tra i tuoi." in body and name not in body
        answers.append(without_csrf(body))
    assert len(set(answers)) <= 1


def test_exports_need_a_login(client):
    for kind in ("csv", "pdf"):
        response = client.get(f"/contabilita/estratto.{kind}?contratto=tutti")
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_staff_get_no_statement(app):
    from tests.helpers import login

    staff = login(app.test_client(), "assistenza@example.com", "Assistenza!2023")
    assert staff.get("/contabilita/estratto.csv?contratto=tutti").status_code == 404
