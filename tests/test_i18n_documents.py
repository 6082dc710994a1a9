"""The PDFs in the viewer's language: English on request, the Italian ones exactly as before.

Every PDF is fetched through its real route, as a browser with the `lingua` cookie would.
The invoice PDF cache is keyed without the language on this branch (pdf_cache.py gets the
language in its key separately): the tests here turn it off, so that each answer is rendered
for the language asked.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from dashboard import formatting as fmt
from dashboard import i18n
from dashboard.documents.base import group_heading, group_label, group_total_label
from dashboard.documents.source import build_invoice_document
from dashboard.pages import consulenza
from models import Account, Contract, Customer, Invoice, db
from models.advice import give_consent, save_report
from models.billing import GROUPS
from models.entities import utcnow
from models.enums import BillGeneration, Role

MARIO = "100234"
GOLDEN = Path(__file__).parent / "golden"
# Headings of each document in both languages: one language's must never show in the other's.
FRONT_IT = ("Fattura energia elettrica", "Totale da pagare", "Numero fattura",
            "Dati della fornitura", "I tuoi consumi", "Totale bolletta", "Pagamento", "Pagina 1 di")
FRONT_EN = ("Electricity invoice", "Total to pay", "Invoice number", "Supply details",
            "Your consumption", "Bill total", "Payment", "Page 1 of")
FRONT_2025_IT = ("La tua offerta", "Scontrino dell'energia", "Informazioni utili", "Reclami",
                 "Bonus sociale", "Quota consumi")
FRONT_2025_EN = ("Your offer", "Energy receipt", "Useful information", "Complaints",
                 "Social bonus", "Consumption charge")
DETAIL_IT = ("Elementi di dettaglio", "Letture e consumi", "Dettaglio degli importi",
             "Totale fattura", "Come sono calcolate le imposte", "Andamento dei consumi")
DETAIL_EN = ("Invoice details", "Readings and consumption", "Breakdown of the amounts",
             "Invoice total", "How the taxes are calculated", "Consumption over time")
STATEMENT_IT = ("Estratto conto", "Totali per anno", "Fatture emesse nel", "Codice cliente",
                "Emessa il")
STATEMENT_EN = ("Account statement", "Totals by year", "Invoices issued in", "Customer code",
                "Issued")
REPORT_IT = ("Relazione di consulenza", "Dati tecnici della fornitura", "Simulazione tariffaria",
             "Raccomandazioni", "Versione 1 del")
REPORT_EN = ("Energy advice report", "Technical data of the supply", "Tariff simulation",
             "Recommendations", "Version 1 of")


def page_texts(pdf: bytes) -> list[str]:
    """Read each page's text back, with every run of spaces and line breaks as one space."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages]


def assert_language(text: str, present: tuple[str, ...], absent: tuple[str, ...]) -> None:
    """Check that a document has one language's headings and none of the other's."""
    assert [words for words in present if words not in text] == []
    assert [words for words in absent if words in text] == []


@pytest.fixture()
def uncached(app: Flask, monkeypatch) -> None:
    """Render every invoice PDF afresh: the cache's key does not carry the language yet."""
    monkeypatch.setitem(app.config, "PDF_CACHE_BYTES", 0)
    app.extensions.pop("pdf_cache", None)


def speak(client: FlaskClient, language: str | None) -> FlaskClient:
    """Choose a language as the header's link does (None: never chosen, Italian)."""
    if language is None:
        client.delete_cookie(i18n.COOKIE)
    else:
        client.set_cookie(i18n.COOKIE, language)
    return client


@contextmanager
def english(app: Flask) -> Iterator[None]:
    """Format expected values as an English viewer's request does."""
    with app.test_request_context(headers={"Cookie": f"{i18n.COOKIE}=en"}):
        yield


def mario_invoice(app: Flask, number: int | None = None) -> int:
    """Return the id of Mario's invoice 1636/2023, or of his last 2025-layout one (by number)."""
    with app.app_context():
        query = select(Invoice.id).join(Contract).join(Customer).where(Customer.code == MARIO)
        if number is not None:
            return db.session.scalars(query.where(Invoice.number == number,
                                                  Invoice.fiscal_year == 2023)).one()
        return db.session.scalars(query.where(
            Invoice.generation == BillGeneration.ARERA_2025, Invoice.issue_date < date(2025, 10, 1))
            .order_by(Invoice.issue_date.desc())).first()


def fetch(client: FlaskClient, path: str) -> tuple[list[str], str]:
    """Get a PDF through its route; return its pages' text and its file name."""
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/pdf", path
    return page_texts(response.data), response.headers["Content-Disposition"]


def test_the_2023_invoice_and_its_detail_come_out_in_english(app, member, uncached, caplog):
    invoice = mario_invoice(app, 1636)
    speak(member, "en")
    with caplog.at_level("WARNING", logger="fpdf"):
        (front,), name = fetch(member, f"/fatture/{invoice}/fattura.pdf")
        detail, detail_name = fetch(member, f"/fatture/{invoice}/dettaglio.pdf")
    assert not [r.getMessage() for r in caplog.records if "missing" in r.getMessage()]
    assert 'filename="invoice-1636-2023.pdf"' in name
    assert 'filename="invoice-details-1636-2023.pdf"' in detail_name
    assert_language(front, FRONT_EN, FRONT_IT)
    for expected in ("Invoice no. 1636/2023 of 26/01/2023", "Total to pay €213.09 by 15/03/2023",
                     "Consumption in the period 547 kWh", "Annual consumption (last 12 months)",
                     "Energy costs €150.49", "Total taxes and VAT €25.78",
                     "Television licence fee €18.00", "Bill total €213.09",
                     "Actual reading", "Invoice no. 1636/2023 · Page 1 of 1"):
        assert expected in front, expected
    text = " ".join(detail)
    assert_language(text, DETAIL_EN, DETAIL_IT)
    for expected in ("Invoice total €213.09", "Total energy costs €150.49", "Total for the period",
                     "2 instalments €9.00/instalment €18.00", "taxable amount",
                     "Page 2 of 2", "(F1 212 · F2 100 · F3 235 kWh)"):
        assert expected in text, expected


def test_the_2025_invoice_comes_out_in_english(app, member, uncached):
    invoice = mario_invoice(app)
    with english(app):
        doc = build_invoice_document(db.session, invoice)
        total, kwh = fmt.euro(doc.total), fmt.kwh(doc.kwh)
    (first, second), _name = fetch(speak(member, "en"), f"/fatture/{invoice}/fattura.pdf")
    assert_language(first, FRONT_2025_EN, FRONT_2025_IT)
    assert_language(f"{first} {second}", FRONT_EN, FRONT_IT)
    assert f"Bill total {total}" in first and f"Total to pay {total}" in first
    assert f"Consumption charge {kwh}" in first and "€/kWh" not in first
    assert "Seller Network Total" in first and "€9,530" in first
    assert "Supply details" in second and f"Consumption in the period {kwh}" in second
    detail, _name = fetch(member, f"/fatture/{invoice}/dettaglio.pdf")
    text = " ".join(detail)
    assert_language(text, DETAIL_EN, DETAIL_IT)
    assert f"Invoice total {total}" in text and "Total consumption charge" in text


def test_the_statement_comes_out_in_english(member):
    pages, _name = fetch(speak(member, "en"), "/contabilita/estratto.pdf?contratto=tutti")
    text = " ".join(pages)
    assert_language(text, STATEMENT_EN, STATEMENT_IT)
    assert "Amount € Paid € Paid on To pay € Status" in text
    assert "1636/2023 26/01/2023 15/03/2023 213.09 213.09" in text     # a row, English numbers
    assert "Invoices issued in 2023" in text and "Payments received in 2023" in text
    italian = " ".join(fetch(speak(member, None), "/contabilita/estratto.pdf?contratto=tutti")[0])
    assert_language(italian, STATEMENT_IT, STATEMENT_EN)
    assert "1636/2023 26/01/2023 15/03/2023 213,09 213,09" in italian


@pytest.fixture()
def mario_report(app) -> None:
    """Give Mario's consent and store a report for him, as his advisor would."""
    with app.app_context():
        customer = db.session.scalars(select(Customer).where(Customer.code == MARIO)).one()
        advisor = db.session.scalars(select(Account).where(Account.role == Role.ADVISOR)).first()
        contract = db.session.scalars(select(Contract.id).where(
            Contract.customer_id == customer.id).order_by(Contract.id)).first()
        give_consent(db.session, customer.id, utcnow())
        save_report(db.session, customer.id, contract, "Usa la lavatrice di sera.", advisor.id,
                    advisor.full_name or "", utcnow())
        db.session.commit()


def test_the_advisor_report_comes_out_in_the_members_language(member, mario_report):
    english_text = " ".join(fetch(speak(member, "en"), consulenza.REPORT_PATH)[0])
    assert_language(english_text, REPORT_EN, REPORT_IT)
    assert "Consumption by band," in english_text and "Usa la lavatrice di sera." in english_text
    italian = " ".join(fetch(speak(member, None), consulenza.REPORT_PATH)[0])
    assert_language(italian, REPORT_IT, REPORT_EN)


@pytest.mark.parametrize("language", [None, "it"])
def test_the_italian_pdfs_are_exactly_as_before(app, member, uncached, language):
    invoice = mario_invoice(app, 1636)
    speak(member, "en")
    assert "Electricity invoice" in fetch(member, f"/fatture/{invoice}/fattura.pdf")[0][0]
    speak(member, language)
    for kind, golden in (("fattura", "fattura-1636-2023"),
                         ("dettaglio", "fattura-dettaglio-1636-2023")):
        pages, name = fetch(member, f"/fatture/{invoice}/{kind}.pdf")
        assert f'filename="{golden}.pdf"' in name
        assert pages == (GOLDEN / f"{golden}.txt").read_text().splitlines(), kind
    first, second = fetch(member, f"/fatture/{mario_invoice(app)}/fattura.pdf")[0]
    assert_language(first, FRONT_2025_IT, FRONT_2025_EN)
    assert_language(f"{first} {second}", FRONT_IT, FRONT_EN)


def test_every_cost_group_has_english(app):
    specs = {spec for layout in GROUPS.values() for spec in layout}
    with english(app):
        untranslated = [text for spec in specs for text, shown in (
            (spec.heading, group_heading(spec)), (spec.label, group_label(spec)),
            (spec.total_label, group_total_label(spec))) if text == shown]
    assert untranslated == []
