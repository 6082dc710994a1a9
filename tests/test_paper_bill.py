"""Registration from the paper bill: the facts as printed, format mistakes, lost confirmations."""
import email
import email.policy
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dashboard.auth import bill_facts
from models import Account, Contract, Invoice, LoginFailure, db
from tests.conftest import DEMO_MEMBER
from tests.helpers import form_token, post_login
from tests.test_accounts import STRONG, outbox_link, register

# --- reading what the customer copied ------------------------------------------------------


@pytest.mark.parametrize(("typed", "read"), [
    ("1636", bill_facts.InvoiceRef(1636)),
    ("1636/2023", bill_facts.InvoiceRef(1636, 2023)),
    (" 1636 / 2023 ", bill_facts.InvoiceRef(1636, 2023)),
    ("n. 1636/2023", bill_facts.InvoiceRef(1636, 2023)),
    ("N° 1636-2023", bill_facts.InvoiceRef(1636, 2023)),
    ("0001636", bill_facts.InvoiceRef(1636)),
])
def test_invoice_numbers_are_read_as_printed(typed, read):
    assert bill_facts.invoice_number(typed) == read


@pytest.mark.parametrize(("typed", "says"), [
    ("abc", "come è stampato"), ("1636/23", "come è stampato"), ("1636/2023/1", "stampato"),
    ("0", "non è valido"), ("99999999999", "non è valido"), ("1636/3023", "L'anno"),
    ("1636,50", "come è stampato"),
])
def test_malformed_invoice_numbers_get_a_polite_message(typed, says):
    with pytest.raises(bill_facts.FormatError, match=says):
        bill_facts.invoice_number(typed)


@pytest.mark.parametrize(("typed", "read"), [
    ("rssmra80a01g284k", "RSSMRA80A01G284K"),
    ("RSS MRA 80A01 G284K", "RSSMRA80A01G284K"),
    ("  rss mra\t80a01 g284k ", "RSSMRA80A01G284K"),
    ("01234567890", "01234567890"),
    ("IT 01234567890", "01234567890"),
])
def test_tax_codes_are_normalized(typed, read):
    assert bill_facts.tax_code(typed) == read


@pytest.mark.parametrize(("typed", "says"), [
    ("RSSMRA80A01G284KX", "ne hai scritti 17"),  # one too many: refused, never cut to 16
    ("RSSMRA80A01G284", "ne hai scritti 15"),
    ("RSSMRA80A01G28-K", "solo lettere e cifre"),
    ("RSSMRA80A01G28ÀK", "solo lettere e cifre"),
    ("0123456789A", "solo lettere e cifre"),
])
def test_malformed_tax_codes_are_refused_never_cut(typed, says):
    with pytest.raises(bill_facts.FormatError, match=says):
        bill_facts.tax_code(typed)


def test_logins_keep_emails_and_squeeze_customer_codes():
    assert bill_facts.login(" Socio@Example.com ") == "Socio@Example.com"
    assert bill_facts.login("100 234") == "100234"
    for typed in ("socio@", "mario rossi@example.com", "100234!", "cliente-100234"):
        with pytest.raises(bill_facts.FormatError, match="codice cliente"):
            bill_facts.login(typed)


# --- the registration form -----------------------------------------------------------------


def _printed_number(app, spare) -> str:
    """Return the spare customer's first invoice as the bill prints it: number/year."""
    with app.app_context():
        row = db.session.execute(
            select(Invoice.number, Invoice.fiscal_year).join(Contract)
            .where(Contract.customer_id == spare["id"]).order_by(Invoice.issue_date)).first()
    return f"{row.number}/{row.fiscal_year}"


def _spaced_lower(tax_code: str) -> str:
    """Write a codice fiscale as a person copies it from paper: groups, lower case."""
    return f"{tax_code[:3]} {tax_code[3:6]} {tax_code[6:11]} {tax_code[11:]}".lower()


def _register_failures(app) -> int:
    """Count the registration attempts the slow-down holds against client addresses."""
    with app.app_context():
        return db.session.scalar(select(func.count(LoginFailure.id))
                                 .where(LoginFailure.kind == "register"))


def test_registration_takes_the_facts_as_printed(app, client, spare):
    printed = _printed_number(app, spare)
    address = f"carta.{spare['code']}@example.com"
    number, year = printed.split("/")
    response = register(client, spare, address, customer_code=f" {spare['code']} ",
                        tax_code=_spaced_lower(spare["tax_code"]),
                        invoice_number=f"n. {number} / {year}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Controlla la tua email" in response.get_data(as_text=True)
    assert "Accesso attivato" in client.get(
        outbox_link(app, address, "/registrazione/conferma/")).get_data(as_text=True)


def test_the_printed_year_must_be_the_invoices_own(app, client, spare):
    number, year = _printed_number(app, spare).split("/")
    wrong = register(client, spare, "anno@example.com", invoice_number=f"{number}/{int(year) - 5}")
    assert wrong.status_code == 400 and "non corrispondono" in wrong.get_data(as_text=True)


def test_format_mistakes_are_explained_and_not_counted(app, spare):
    before = _register_failures(app)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "198.51.100.77"
    mistakes = {"tax_code": (spare["tax_code"] + "X", "ne hai scritti 17"),
                "invoice_number": ("fattura di gennaio", "come è stampato in bolletta"),
                "customer_code": ("100.234", "solo lettere e cifre")}
    for _ in range(8):  # more than the free attempts an address has in an hour…
        for field, (typed, says) in mistakes.items():
            response = register(client, spare, "forma@example.com", **{field: typed})
            text = response.get_data(as_text=True)
            assert response.status_code == 400 and says in text
            assert f'id="{field}-errors"' in text  # the message sits by its field
            assert 'value="' + typed + '"' in text.replace("&#39;", "'")  # kept, whole
    assert _register_failures(app) == before  # …and none of them counted
    done = register(client, spare, f"forma.{spare['code']}@example.com")
    assert done.status_code == 200  # the customer is not slowed down by typing mistakes


def test_the_form_never_cuts_what_is_typed(client):
    page = client.get("/registrazione").get_data(as_text=True)
    for name in ("customer_code", "tax_code", "invoice_number"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
        assert "maxlength" not in tag, tag


def test_a_malformed_login_is_explained_and_costs_no_attempt(app):
    with app.app_context():
        before = db.session.scalar(select(func.count(LoginFailure.id)))
    for typed in ("100.234", "socio@", "Mario Rossi!"):
        response = post_login(app.test_client(), typed, "Sbagliata!2023")
        assert response.status_code == 400 and "codice cliente" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(LoginFailure.id))) == before
    assert post_login(app.test_client(), "100 234", DEMO_MEMBER[1]).status_code == 302


# --- lost and reopened confirmation links --------------------------------------------------


def _mails_to(app, address: str) -> list[str]:
    """Return the text of every mail in the outbox to an address."""
    found = []
    for file in Path(app.config["MAIL_OUTBOX"]).glob("*.eml"):
        message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
        if message["To"] == address:
            found.append(message.get_content())
    return found


def _forgot(client, login_name: str):
    """Ask «Password dimenticata» for a login."""
    page = client.get("/password/dimenticata").get_data(as_text=True)
    return client.post("/password/dimenticata",
                       data={"login": login_name, "csrf_token": form_token(page)})


def test_forgot_password_on_an_unconfirmed_account_sends_the_confirmation_again(app, client,
                                                                                spare):
    address = f"persa.{spare['code']}@example.com"
    register(client, spare, address)
    first = outbox_link(app, address, "/registrazione/conferma/")
    again = _forgot(app.test_client(), spare["code"])
    unknown = _forgot(app.test_client(), "nessuno@example.com")
    assert again.get_data(as_text=True) == unknown.get_data(as_text=True)  # reveals nothing
    assert "confermare" in again.get_data(as_text=True) or "confermarla" in again.get_data(
        as_text=True)
    second = outbox_link(app, address, "/registrazione/conferma/")
    assert second != first
    assert not any("/password/reimposta/" in text for text in _mails_to(app, address))
    assert "Accesso attivato" in client.get(second).get_data(as_text=True)
    assert post_login(app.test_client(), address, STRONG).status_code == 302


def test_a_used_confirmation_link_says_the_account_is_confirmed(app, client, spare):
    address = f"riaperto.{spare['code']}@example.com"
    register(client, spare, address)
    link = outbox_link(app, address, "/registrazione/conferma/")
    assert "Accesso attivato" in client.get(link).get_data(as_text=True)
    reopened = app.test_client().get(link)
    text = reopened.get_data(as_text=True)
    assert reopened.status_code == 200
    assert "già confermato" in text and 'href="/login"' in text and "Link non valido" not in text
    with app.app_context():
        assert db.session.scalar(select(Account.awaiting_confirmation)
                                 .where(Account.email == address)) is False
    stranger = app.test_client().get("/registrazione/conferma/" + "x" * 43)
    assert stranger.status_code == 404 and "Link non valido" in stranger.get_data(as_text=True)
