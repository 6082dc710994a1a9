"""Dati contrattuali: the facts of each contract, ceased ones too, behind the access gate."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import delete, select

from dashboard.pages.contratto import facts_of, iban_ending, sections, timeline
from models import Account, Contract, Customer, db
from models.enums import ContractStatus, CustomerType, Market, PaymentMethod, Role
from models.passwords import PasswordPolicy
from tests.helpers import callback_body, dependencies, login, outputs, post_callback
from tests.test_consumi import contract_ids

SELENATI = "100250"   # a demo customer with a ceased holiday home and no login of his own
PASSWORD = "Sutrio!Linussio3"


def post_by_input(client, inputs: dict, state: dict | None = None):
    """Post the callback that has these inputs, as the browser does.

    Several callbacks write the URL's query string, so they are told apart by their inputs.
    """
    wanted = {key.split(".")[0] for key in inputs}
    spec = next(d for d in dependencies(client) if wanted <= {i["id"] for i in d["inputs"]})
    body = callback_body(client, spec["output"].lstrip("."), inputs, state)
    body["output"] = spec["output"]
    return post_callback(client, "", {}, body=body)


def moved_to(response) -> str | None:
    """Return the query string a navigation callback put into the URL, if any."""
    assert response.status_code in (200, 204), response.get_data(as_text=True)[:300]
    if response.status_code == 204:
        return None
    return response.get_json()["response"].get("url", {}).get("search")


def show(client, search: object):
    """Post the callback that fills the page for a query string."""
    return post_callback(client, "contratto-dati", {"url.search": search})


def text_of(response) -> str:
    """Return everything the callback answered, as text."""
    return json.dumps(outputs(response), ensure_ascii=False)


@pytest.fixture()
def selenati(app):
    """Log in as a customer with a ceased contract, through a login made for the test."""
    with app.app_context():
        customer = db.session.scalars(select(Customer).where(Customer.code == SELENATI)).one()
        db.session.add(Account(email="renzo.selenati@example.com", role=Role.MEMBER,
                               password_hash=PasswordPolicy.fast_for_tests().hash(PASSWORD),
                               customer_id=customer.id))
        db.session.commit()
    yield login(app.test_client(), "renzo.selenati@example.com", PASSWORD)
    with app.app_context():
        db.session.execute(delete(Account).where(Account.email == "renzo.selenati@example.com"))
        db.session.commit()


def test_member_sees_every_fact_of_his_home(member, app):
    home = contract_ids(app, "100234")[0]
    with app.app_context():
        iban = db.session.get(Contract, home).iban
    text = text_of(show(member, f"?contratto={home}"))
    for expected in ("Mario Rossi", "RSSMRA52C12L195N", "Via Roma 12, 33026 Paluzza (UD)",
                     "100234", "Socio dal 15/04/1987", "IT125E00012345", "Domestico residente",
                     "Multioraria (F1 / F2 / F3)", "Energia Carnia Casa", "SEC-D-2021",
                     "Mercato libero", "valide fino al 30/06/2027", "3 kW",
                     "3,3 kW", "230 V, monofase", "Elettronico 2G (Open Meter)",
                     "Telelettura mensile", "Bimestrale (ogni due mesi)",
                     "Addebito diretto SEPA", f"termina con {iban[-4:]}", "Attivo dal 01/05/1987",
                     "Bolletta web, per email a socio@example.com", "Storia del contratto"):
        assert expected in text, expected
    assert iban not in text and iban[4:-4] not in text


def test_the_holiday_home_is_another_contract(member, app):
    holiday = contract_ids(app, "100234")[1]
    text = text_of(show(member, f"?contratto={holiday}"))
    for expected in ("Via Monte Zoncolan 8", "Domestico non residente", "Bioraria (F1 / F23)",
                     "Energia Carnia Seconda Casa", "Carta, per posta a Via Roma 12"):
        assert expected in text, expected


def test_without_a_choice_the_first_contract_is_shown(member, app):
    assert "IT125E00012345" in text_of(show(member, ""))


def test_a_ceased_contract_stays_visible_with_its_story(selenati, app):
    ceased = next(cid for cid in contract_ids(app, SELENATI)
                  if db_status(app, cid) is ContractStatus.CEASED)
    text = text_of(show(selenati, f"?contratto={ceased}"))
    for expected in ("Cessato il 30/06/2024 (attivo dal 01/05/2016)", "Questo contratto è cessato",
                     "Cessazione della fornitura", "Attivazione della fornitura",
                     "Prima fattura consultabile qui", "Situazione contabile"):
        assert expected in text, expected
    assert "Cambia modalità di invio" not in text


def db_status(app, contract_id: int) -> ContractStatus:
    """Return a contract's status."""
    with app.app_context():
        return ContractStatus(db.session.get(Contract, contract_id).status)


def test_foreign_and_nonexistent_contracts_get_the_same_answer(member, app):
    foreign = contract_ids(app, "100235")[0]
    with app.app_context():
        missing = db.session.scalar(select(db.func.max(Contract.id))) + 1000
        contract = db.session.get(Contract, foreign)
        markers = [contract.pod, contract.supply_street, contract.customer.name,
                   contract.customer.tax_code]
    answers = [show(member, f"?contratto={cid}") for cid in (foreign, missing)]
    assert answers[0].get_json() == answers[1].get_json()
    assert "Contratto non trovato" in text_of(answers[0])
    assert not [m for m in markers if m in answers[0].get_data(as_text=True)]
    for search in ("", f"?contratto={foreign}"):
        assert moved_to(post_by_input(member, {"contratto-scelta.value": foreign},
                                      {"url.search": search})) is None


def test_choosing_a_contract_puts_it_in_the_url(member, app):
    home, holiday = contract_ids(app, "100234")
    moved = post_by_input(member, {"contratto-scelta.value": holiday},
                          {"url.search": f"?contratto={home}"})
    assert moved_to(moved) == f"?contratto={holiday}"
    # Dash also calls it when the page appears, with the contract already shown: no new entry.
    for search in (f"?contratto={home}", ""):
        assert moved_to(post_by_input(member, {"contratto-scelta.value": home},
                                      {"url.search": search})) is None


@pytest.mark.parametrize("value", [None, "", [], {}, True, 3.5, -7, "?contratto=abc",
                                   "?contratto=1e9", "?contratto=%00", "?" + "x" * 5000,
                                   "?contratto=1'--", {"$ne": 1}, "\u202e1", "x" * 100_000])
def test_hostile_values_get_a_polite_answer(member, value):
    for response in (show(member, value),
                     post_by_input(member, {"contratto-scelta.value": value},
                                   {"url.search": value})):
        assert response.status_code in (200, 204), response.get_data(as_text=True)[:300]
        assert "Traceback" not in response.get_data(as_text=True)


def test_staff_and_anonymous_see_no_contract(app, client):
    from tests.helpers import callback_body

    staff = login(app.test_client(), "assistenza@example.com", "Assistenza!2023")
    assert "Contratto non trovato" in text_of(show(staff, "?contratto=1"))
    body = callback_body(staff, "contratto-dati", {"url.search": "?contratto=1"})
    assert client.post("/_dash-update-component", json=body).status_code == 401


def test_a_protected_customer_is_told_arera_sets_the_conditions(app):
    with app.app_context():
        contract = db.session.scalars(select(Contract).where(
            Contract.offer_market == Market.PROTECTED)).first()
        pairs = dict(pair for _, group in sections(facts_of(contract)) for pair in group)
    assert pairs["Mercato"] == "Servizio di tutela"
    assert pairs["Condizioni economiche"] == "aggiornate da ARERA ogni trimestre"


def test_facts_builder_for_a_firm_on_payment_notice(app):
    with app.app_context():
        firm = db.session.scalars(select(Contract).join(Customer).where(
            Customer.vat_number.is_not(None), Contract.payment_method == PaymentMethod.NOTICE,
            Contract.customer_type == CustomerType.OTHER)).first()
        facts = facts_of(firm)
    pairs = dict(pair for _, group in sections(facts) for pair in group)
    assert pairs["Partita IVA"] == facts.vat_number
    assert pairs["Tipo di cliente"] == "Altri usi"
    assert pairs["Modalità di pagamento"] == "Avviso di pagamento (pagoPA o bollettino)"
    assert pairs["Tensione e fasi"] == "400 V, trifase"


def test_timeline_is_in_order_and_says_when(app):
    home = contract_ids(app, "100234")[0]
    with app.app_context():
        facts = facts_of(db.session.get(Contract, home))
    events = timeline(replace(facts, end_date=date(2027, 1, 31)))
    assert events[0] == ("01/05/1987", "Attivazione della fornitura")
    assert events[1][0].startswith("10/03/2021 ") and "bolletta web" in events[1][1]
    assert events[-1] == ("31/01/2027", "Cessazione della fornitura")
    others = sections(replace(facts, meter_remote_read=False, billing_months=5,
                              power_committed_kw=Decimal("4.5")))
    pairs = dict(pair for _, group in others for pair in group)
    assert pairs["Lettura"].startswith("Lettura sul posto")
    assert pairs["Frequenza di fatturazione"] == "Ogni 5 mesi"
    assert pairs["Potenza impegnata"] == "4,5 kW"


def test_iban_ending_shows_only_the_last_characters():
    assert iban_ending("IT60 X054 2811 1010 0000 0123 456") == "3456"
