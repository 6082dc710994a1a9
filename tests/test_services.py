"""Use cases called the way a command calls them: no request, no Dash, an explicit Actor."""
from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import func, select

from dashboard.services import delivery, statements
from models import Contract, Customer, OutboxMail, db
from models.delivery import Actor, Result, in_force
from models.entities import DeliveryConfirmation
from models.enums import DeliveryMode
from tests.test_consumi import contract_ids
from tests.test_invio import audit_actions, restore_delivery  # noqa: F401  (autouse fixture)

COMMAND = Actor(None, "comando di prova")


def test_a_command_switches_a_contract_to_paper_once(app):
    home = contract_ids(app, "100234")[0]
    with app.app_context():
        contract = db.session.get(Contract, home)
        before = in_force(db.session, home)
        assert before.mode is DeliveryMode.WEB
        assert delivery.switch_to_paper(contract, before.version, COMMAND) is Result.CHANGED
        assert in_force(db.session, home).mode is DeliveryMode.PAPER
        again = in_force(db.session, home).version
        assert delivery.switch_to_paper(contract, again, COMMAND) is Result.UNCHANGED
    assert audit_actions(app, home) == ["invio.carta"]


def test_the_links_email_is_queued_with_the_link_and_dropped_with_it(app):
    holiday = contract_ids(app, "100234")[1]
    address = "mario.rossi@example.com"
    with app.app_context():
        contract = db.session.get(Contract, holiday)
        queued = db.session.scalar(select(func.count(OutboxMail.id))
                                   .where(OutboxMail.recipient == address))
        links = db.session.scalar(select(func.count(DeliveryConfirmation.id)))
        version = in_force(db.session, holiday).version
        stale = delivery.ask_for_web(contract, address, version + 1, COMMAND)
        assert stale.result is Result.STALE  # nothing changed: no link, no mail
        assert db.session.scalar(select(func.count(OutboxMail.id))
                                 .where(OutboxMail.recipient == address)) == queued
        asked = delivery.ask_for_web(contract, address, version, COMMAND)
        assert asked.result is Result.LINK_NEW
        assert db.session.scalar(select(func.count(DeliveryConfirmation.id))) == links + 1
        assert db.session.scalar(select(func.count(OutboxMail.id))
                                 .where(OutboxMail.recipient == address)) == queued + 1


def test_a_link_is_requested_and_confirmed_without_a_page(app):
    holiday = contract_ids(app, "100234")[1]
    with app.app_context():
        contract = db.session.get(Contract, holiday)
        version = in_force(db.session, holiday).version
        asked = delivery.ask_for_web(contract, "mario.rossi@example.com", version, COMMAND)
        assert asked.result is Result.LINK_NEW
        link = db.session.scalars(select(DeliveryConfirmation).where(
            DeliveryConfirmation.contract_id == holiday)).one()
        assert delivery.link_state(link, contract) is None
        assert delivery.confirm_link(link, contract, COMMAND) is Result.CHANGED
        assert delivery.confirm_link(link, contract, COMMAND) is Result.UNCHANGED
        assert delivery.link_state(link, contract) is Result.UNCHANGED
        assert in_force(db.session, holiday).email == "mario.rossi@example.com"


def test_statement_exports_without_a_request(app):
    with app.app_context():
        customer = db.session.scalars(select(Customer).where(Customer.code == "100234")).one()
        contracts = list(db.session.scalars(select(Contract).where(
            Contract.customer_id == customer.id).order_by(Contract.start_date, Contract.id)))
        assert statements.default_scope(contracts) == "tutti"
        assert statements.default_scope(contracts[:1]) == contracts[0].id
        csv_file = statements.csv_export(customer, contracts)
        pdf_file = statements.pdf_export(customer, contracts[:1], "Casa")
    assert csv_file.name.endswith(".csv") and "100234" in csv_file.name
    assert pdf_file.name.endswith(".pdf") and contracts[0].pod in pdf_file.name
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf_file.content)).pages)
    assert "Casa" in text and "Mario Rossi" in " ".join(text.split())
    invoice_lines = csv_file.content.decode("utf-8-sig").splitlines()[1:]
    assert invoice_lines and all(";" in line for line in invoice_lines)
