"""The member's area in English on request (cookie lingua=en), and in Italian as before."""
from __future__ import annotations

import json
import re

import pytest

from dashboard import formatting as fmt
from dashboard import i18n
from tests.helpers import outputs, post_callback
from tests.test_capire import mario_invoice
from tests.test_consumi import contract_ids
from tests.test_contabilita import expected
from tests.test_invio import home_and_holiday, review
from tests.test_registry import route

ENGLISH_EURO = re.compile(r"€\d{1,3}(,\d{3})*\.\d\d")
ITALIAN_EURO = re.compile(r"\d{1,3}(\.\d{3})*,\d\d €")


@pytest.fixture()
def english(member):
    """Return the demo member's client after choosing English with the header's link."""
    assert member.get("/lingua/en").status_code == 303
    return member


def text(value) -> str:
    """Write a callback's answer as text, to look for words in it."""
    return json.dumps(value, ensure_ascii=False)


def page(client, path: str, search: str = "") -> str:
    """Return the header and the page the router draws for a path."""
    return text(outputs(route(client, path, search)))


def in_english(app, value) -> str:
    """Write an amount the way an English-speaking viewer reads it."""
    with app.test_request_context(headers={"Cookie": f"{i18n.COOKIE}=en"}):
        return fmt.euro(value)


def assert_words(shown: str, present: tuple[str, ...], absent: tuple[str, ...]) -> None:
    """Check that the texts in `present` are shown and those in `absent` are not."""
    for words in present:
        assert words in shown, words
    for words in absent:
        assert words not in shown, words


def test_home_and_header_in_english(english):
    assert_words(page(english, "/"), (
        "Account area", "Welcome, Mario Rossi", "Customer code 100234",
        "Member since 15/04/1987", "2 contracts", "Contract details", "Account statement",
        "Bill delivery", "Understand your bill", "Screen sharing mode", "My account", "Log out",
    ), (
        "Area di gestione", "Benvenuto", "Codice cliente", "Socio dal", "contratti",
        "Dati contrattuali", "Situazione contabile", "Capire la bolletta", "Esci",
    ))


def test_contract_in_english(english, app):
    home = contract_ids(app, "100234")[0]
    shown = text(outputs(post_callback(english, "contratto-dati",
                                       {"url.search": f"?contratto={home}"})))
    assert_words(shown, (
        "Account holder", "Tax code (codice fiscale)", "Supply address", "Contracted power",
        "Household, main home", "Payment method", "Contract history", "Supply activated",
        "Account statement", "Change bill delivery",
    ), (
        "Intestatario", "Indirizzo di fornitura", "Potenza impegnata", "Domestico residente",
        "Modalità di pagamento", "Storia del contratto", "Attivazione della fornitura",
    ))
    assert_words(page(english, "/contratto"), ("Contract details",), ("Dati contrattuali",))


def test_accounting_in_english_with_english_amounts(english, app):
    statement = expected(app, contract_ids(app, "100234"))
    shown = text(outputs(post_callback(english, "contabilita-estratto",
                                       {"url.search": "?contratto=tutti"})))
    assert_words(shown, (
        "Overdue amount:", "Balance to pay", "of which overdue", "Next due date",
        "Download the statement (PDF)", "Totals by year", "Invoices and payments, year by year",
        "Payments received in 2026", "Bank transfer", "Partly paid", "remainder overdue",
        in_english(app, statement.overdue), in_english(app, statement.balance),
    ), (
        "Importo scaduto", "Saldo da pagare", "Totali per anno", "Fatture emesse nel",
        "Bonifico bancario", "Pagata parzialmente", "residuo scaduto",
    ))
    thousands = [in_english(app, year.invoiced) for year in statement.years
                 if year.invoiced >= 1000]
    assert thousands and all(re.fullmatch(r"€\d,\d{3}\.\d\d", t) for t in thousands)
    assert all(t in shown for t in thousands)
    assert ENGLISH_EURO.search(shown) and not ITALIAN_EURO.search(shown)
    assert_words(page(english, "/contabilita"), ("Account statement",),
                 ("Situazione contabile",))


def test_the_statement_csv_speaks_english_too(english):
    csv = english.get("/contabilita/estratto.csv?contratto=tutti").get_data(as_text=True)
    header = csv.splitlines()[0]
    assert "Issue date" in header and "Data emissione" not in header


def test_delivery_choice_in_english(english, app):
    _, holiday = home_and_holiday(app)
    assert_words(page(english, "/invio", f"?contratto={holiday}"), (
        "Bill delivery", "Change method", "How do you want to receive your bill",
        "Web bill: by email, with the PDF attached", "Continue", "Confirm the change", "Cancel",
    ), (
        "Modalità di invio della bolletta", "Come vuoi ricevere la bolletta", "Continua",
        "Annulla",
    ))
    status = text(outputs(post_callback(english, "invio-stato",
                                        {"url.search": f"?contratto={holiday}"})))
    assert_words(status, ("Current method", "Paper (by post)", "History of changes"),
                 ("Modalità attuale", "Carta (per posta)", "Storico delle modifiche"))
    reviewed = text(outputs(review(english, holiday, "web", "nuovo@example.com")))
    assert_words(reviewed, (
        "What changes", "From which bill", "How to confirm",
        "From paper bill, by post to Via Roma 12, 33026 Paluzza (UD) to web bill, by email to "
        "nuovo@example.com.",
    ), ("Cosa cambia", "Da quale bolletta", "bolletta cartacea"))
    refused = text(outputs(review(english, holiday, "web", "mario")))
    assert "Enter a valid email address" in refused and "Scrivi" not in refused


def test_understand_your_bill_in_english(english, app):
    shown = page(english, "/capire", f"?fattura={mario_invoice(app)}")
    assert_words(shown, (
        "Understand your bill", "Invoice no. 1636/2023 of 26/01/2023",
        "Period from 01/10/2022 to 30/11/2022", "1. Readings and consumption",
        "The meter counts energy in three time bands", "Excise duty: exempt kWh month by month",
        "October 2022", "Invoice total", "€0.293632/kWh", "-€0.02/kWh", "2 months",
        "Total to pay:", "€213.09", "Back to the invoices",
    ), (
        "Capire la bolletta", "Fattura n.", "Le letture e i consumi", "Totale fattura",
        "ottobre 2022", "213,09 €", "€/kWh", "mesi",
    ))
    assert not ITALIAN_EURO.search(shown)
    chooser = page(english, "/capire")
    assert "Choose an invoice" in chooser and "Scegli una fattura" not in chooser


def test_italian_stays_the_default(member, app):
    assert_words(page(member, "/"), ("Benvenuto, Mario Rossi", "Dati contrattuali",
                                     "Capire la bolletta", "Esci"),
                 ("Welcome", "Contract details", "Log out"))
    accounts = text(outputs(post_callback(member, "contabilita-estratto",
                                          {"url.search": "?contratto=tutti"})))
    assert "Totali per anno" in accounts and "Totals by year" not in accounts
    assert ITALIAN_EURO.search(accounts) and not ENGLISH_EURO.search(accounts)
    bill = page(member, "/capire", f"?fattura={mario_invoice(app)}")
    assert_words(bill, ("Fattura n. 1636/2023 del 26/01/2023", "1. Le letture e i consumi",
                        "213,09 €"), ("Understand your bill", "€213.09"))


def test_going_back_to_italian_brings_the_italian_pages_back(english):
    assert "Welcome" in page(english, "/")
    english.get("/lingua/it")
    assert "Benvenuto, Mario Rossi" in page(english, "/")
