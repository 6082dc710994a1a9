"""«Capire la bolletta»: every demo invoice walked to its total, the PDFs' own figures, the gate."""
from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from dashboard import formatting as fmt
from dashboard import tables
from dashboard.documents import render_detail, render_invoice
from dashboard.documents.source import build_invoice_document
from dashboard.explain import Explanation, explain
from dashboard.pages.capire import explanation_for
from models import Contract, Customer, Invoice, db
from models.bands import Bands
from models.billing import MonthUse, SupplyTerms
from models.enums import BillGeneration, CostGroup, CustomerType, TariffStructure
from models.queries import InvoiceRow
from tests.helpers import outputs, post_callback
from tests.test_screen_share import switch
from tests.test_support import STAFF, mario_code, open_by_code, staff, trail  # noqa: F401

MARIO = "100234"


def pdf_text(data: bytes) -> str:
    """Read a PDF's text back, on one line: wrapped descriptions join their figures."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def numbered(session, number: int) -> int:
    """Return the id of the demo invoice with a number."""
    return session.scalars(select(Invoice.id).where(Invoice.number == number)).one()


def cells(explanation: Explanation, step: int, table: int = 0) -> list[tuple[str, ...]]:
    """Return the rows and the total row of one table of one step (steps count from 1)."""
    found = explanation.steps[step - 1].tables[table]
    return [*found.rows, *([found.footer] if found.footer else [])]


# --- the builder on every demo invoice ----------------------------------------------------

def test_every_demo_invoice_walks_to_its_total_to_the_cent(demo_session):
    invoices = demo_session.scalars(select(Invoice).order_by(Invoice.id)).all()
    assert len(invoices) > 900
    generations, claw_backs, exemptions = set(), 0, 0
    for invoice in invoices:
        explanation, _ = explanation_for(demo_session, invoice.id)
        assert explanation.total == invoice.total
        assert explanation.added_up == invoice.total, invoice.number
        # Every line of the invoice is in one step, with its own amount.
        shown = [row[-1] for step in explanation.steps for t in step.tables
                 if t.columns[-1] == "Importo" and t.caption != "Dal dettaglio al totale"
                 for row in t.rows]
        assert sorted(shown) == sorted(fmt.euro(line.amount) for line in invoice.lines)
        assert explanation.steps[-1].tables[0].footer == ("Totale fattura", fmt.euro(invoice.total))
        generations.add(invoice.generation)
        exempt = next((re.fullmatch(r"Accisa \(([\d.]+) kWh esenti\)", line.description)
                       for line in invoice.lines if line.description.startswith("Accisa (")), None)
        if exempt:   # the bill exempts kWh: the months give the same exemption, by the law
            months = next(t for s in explanation.steps for t in s.tables
                          if t.caption == "Accisa: kWh esenti mese per mese")
            assert months.footer[-1] == f"{exempt.group(1)} kWh", invoice.number
            exemptions += 1
            claw_backs += any("−" in row[2] for row in months.rows)
    assert generations == set(BillGeneration)
    assert exemptions > 300 and claw_backs > 100   # residents often pass 220 kWh in a month


def test_invoice_1636_claws_back_the_exemption_month_by_month(demo_session):
    explanation, _ = explanation_for(demo_session, numbered(demo_session, 1636))
    text = json.dumps([s.paragraphs for s in explanation.steps], ensure_ascii=False)
    assert "«Accisa (193 kWh esenti) 354 kWh»" in text
    taxes = explanation.steps[4]
    assert taxes.title == "5. Imposte e IVA" and taxes.amount == Decimal("25.78")
    assert cells(explanation, 5, 0) == [
        ("ottobre 2022", "254 kWh", "150 − (254 − 220) = 116 kWh", "116 kWh"),
        ("novembre 2022", "293 kWh", "150 − (293 − 220) = 77 kWh", "77 kWh"),
        ("Totale", "547 kWh", "", "193 kWh"),
    ]
    assert cells(explanation, 5, 1) == [
        ("Accisa (193 kWh esenti)", "354 kWh", "0,0227 €/kWh", "8,04 €"),
        ("IVA 10%", "imponibile 177,35 €", "10%", "17,74 €"),
        ("Totale imposte e IVA", "", "", "25,78 €"),
    ]
    assert "cioè 177,35 €" in taxes.paragraphs[-1]
    assert cells(explanation, 1)[0] == ("F1", "22.218", "22.430", "22.430 − 22.218 = 212 kWh")
    assert [s.title for s in explanation.steps] == [
        "1. Le letture e i consumi", "2. Spesa per la materia energia",
        "3. Spesa per il trasporto e la gestione del contatore", "4. Spesa per oneri di sistema",
        "5. Imposte e IVA", "6. Canone di abbonamento alla televisione per uso privato",
        "7. Il totale"]
    assert explanation.steps[5].amount == Decimal("18.00")   # by month of charge, named
    assert explanation.steps[3].amount == 0 and "azzerati" in explanation.steps[3].paragraphs[1]


# --- the PDFs' own figures, read back --------------------------------------------------------

def _sample(session) -> dict[str, int]:
    """Pick invoices of both generations: a seed bill, a conguaglio, a 2025 bill, other uses."""
    other_uses = (select(Invoice.id).join(Contract)
                  .where(Contract.customer_type == CustomerType.OTHER,
                         Invoice.generation == BillGeneration.ARERA_2025)
                  .order_by(Invoice.id).limit(1))
    adjustment = (select(Invoice.id).where(Invoice.is_adjustment,
                                           Invoice.generation == BillGeneration.BOLLETTA_2_0)
                  .order_by(Invoice.id).limit(1))
    return {"1636": numbered(session, 1636), "conguaglio": session.scalar(adjustment),
            "2025": numbered(session, 16001), "altri usi 2025": session.scalar(other_uses)}


@pytest.mark.parametrize("which", ["1636", "conguaglio", "2025", "altri usi 2025"])
def test_the_page_says_what_the_pdfs_print(demo_session, which):
    invoice_id = _sample(demo_session)[which]
    explanation, invoice = explanation_for(demo_session, invoice_id)
    document = build_invoice_document(demo_session, invoice_id)
    detail = pdf_text(render_detail(document))
    front = pdf_text(render_invoice(document))
    for band, before, after, kwh in cells(explanation, 1)[:3]:
        assert f"{band} {before} {after} {kwh.split(' = ')[-1]}" in detail
    checked = 0
    for step in explanation.steps[1:-1]:
        for table in step.tables:
            if table.columns[-1] != "Importo":
                continue   # the exemption month by month: the bill prints only its sum
            for row in table.rows:
                quantity, price, amount = row[-3:]
                if quantity.startswith("imponibile "):   # IVA: base × rate, as the PDF's formula
                    assert f"{row[0]}: {quantity} × {price} = {amount}" in detail
                else:
                    assert " ".join(c for c in (row[0], quantity, price, amount) if c) in detail
                checked += 1
            assert f"{table.footer[0]} {table.footer[-1]}" in detail
    assert checked == len(invoice.lines)
    assert f"Totale fattura {fmt.euro(invoice.total)}" in detail
    assert fmt.euro(abs(invoice.total)) in front


# --- the pure builder on a bill made up here -------------------------------------------------

def test_a_new_kind_of_line_shows_up_in_its_group(demo_session):
    """A line the builder has never seen (say a bonus) appears with its figures and its total."""
    from dataclasses import replace

    from models.enums import CostSide

    invoice_id = numbered(demo_session, 16001)
    document = build_invoice_document(demo_session, invoice_id)
    bonus = replace(document.lines[0], group=CostGroup.OTHER, side=CostSide.OTHER,
                    description="Bonus sociale", quantity=Decimal(2), unit="mese",
                    unit_price=Decimal("-10.000000"), amount=Decimal("-20.00"))
    changed = replace(document, lines=(*document.lines, bonus),
                      total=document.total - Decimal(20))
    terms = SupplyTerms(CustomerType.RESIDENT, TariffStructure.MULTI, Decimal(3), True)
    explanation = explain(changed, terms, ())
    assert ("Bonus sociale", "2 mesi", "-10,00 €/mese", "-20,00 €") in [
        row for step in explanation.steps for t in step.tables for row in t.rows]
    assert explanation.added_up == explanation.total == document.total - Decimal(20)


def test_a_bill_in_credit_says_so(demo_session):
    from dataclasses import replace

    from dashboard.pages.capire import _bottom_line
    from models.enums import CostSide

    document = build_invoice_document(demo_session, numbered(demo_session, 1636))
    credit = replace(document.lines[0], group=CostGroup.RECALCULATIONS, side=CostSide.SALE,
                     description="Ricalcolo F1: energia", quantity=Decimal(-1000),
                     unit_price=Decimal("0.3"), amount=Decimal("-300.00"))
    changed = replace(document, lines=(*document.lines, credit), total=Decimal("-86.91"))
    terms = SupplyTerms(CustomerType.RESIDENT, TariffStructure.MULTI, Decimal(3), True)
    explanation = explain(changed, terms, ())
    assert "86,91 € sono a tuo credito" in explanation.steps[-1].paragraphs[0]
    words, amount = _bottom_line(explanation)
    assert (words, amount.children) == ("A tuo credito: ", "86,91 €")


def test_a_bill_whose_lines_do_not_add_up_is_refused(demo_session):
    from dataclasses import replace

    document = build_invoice_document(demo_session, numbered(demo_session, 1636))
    terms = SupplyTerms(CustomerType.RESIDENT, TariffStructure.MULTI, Decimal(3), True)
    with pytest.raises(ValueError):
        explain(replace(document, total=document.total + Decimal("0.01")), terms, ())


def test_without_the_months_the_exemption_is_told_from_the_bill(demo_session):
    document = build_invoice_document(demo_session, numbered(demo_session, 1636))
    terms = SupplyTerms(CustomerType.RESIDENT, TariffStructure.MULTI, Decimal(3), True)
    steps = explain(document, terms, (MonthUse(document.period_start, Bands(1, 0, 0)),)).steps
    taxes = next(step for step in steps if step.title.endswith("Imposte e IVA"))
    assert len(taxes.tables) == 1   # months that do not add up to the bill explain nothing
    assert "193 kWh sono esenti" in taxes.paragraphs[1]


def test_the_invoice_table_links_each_invoice_number_to_its_walk():
    from datetime import date

    def row(invoice_id: int, number: int, kwh: int) -> InvoiceRow:
        return InvoiceRow(invoice_id, number, 2023, date(2023, 1, 26), date(2023, 3, 15),
                          Decimal("213.09"), date(2022, 12, 1), date(2022, 10, 1),
                          date(2022, 11, 30), "effettiva", Bands(kwh, 0, 0))

    data = tables.invoice_table_data(tables.invoice_rows([row(42, 1636, 547), row(7, 6558, 1390)]),
                                     ("kwh", True))
    assert [r[0] for r in data["rows"]] == ["6558", "1636"]
    assert data["explain"] == ["/capire?fattura=7", "/capire?fattura=42"]   # in the same order
    assert len(data["columns"]) == len(tables.INVOICE_COLUMNS)   # no column added


# --- the page, through the router, for each kind of viewer -----------------------------------

def route(client, search: str = ""):
    """Open /capire through the router callback, as the browser does."""
    return post_callback(client, "header-account", {"url.pathname": "/capire"},
                         {"url.search": search})


def page_text(response) -> str:
    """Return the page the router answered, as text."""
    return json.dumps(outputs(response)["page.children"], ensure_ascii=False)


def mario_invoice(app, number: int = 1636) -> int:
    """Return the id of one of Mario Rossi's invoices."""
    with app.app_context():
        return db.session.scalars(select(Invoice.id).join(Contract).join(Customer).where(
            Customer.code == MARIO, Invoice.number == number)).one()


def test_the_owner_reads_the_walk_of_his_invoice(member, app):
    text = page_text(route(member, f"?fattura={mario_invoice(app)}"))
    for expected in ("Fattura n. 1636/2023 del 26/01/2023", "1. Le letture e i consumi",
                     "«Accisa (193 kWh esenti) 354 kWh»", "Totale fattura", "213,09 €",
                     "Via Roma 12", "Torna alle fatture", '"scope": "row"', "Caption"):
        assert expected in text, expected


def test_without_an_invoice_the_page_lists_the_latest_to_choose(member, app):
    with app.app_context():
        newest = db.session.scalars(select(Invoice).join(Contract).join(Customer).where(
            Customer.code == MARIO).order_by(Invoice.issue_date.desc())).first()
        link, label = f"/capire?fattura={newest.id}", f"Fattura n. {newest.number}/"
    text = page_text(route(member))
    assert "Scegli una fattura" in text
    assert link in text and label in text
    assert f"/capire?fattura={mario_invoice(app)}" not in text   # 2023: in the invoice table


def test_someone_elses_invoice_reads_like_one_that_does_not_exist(neighbour, member, app):
    mario_s = mario_invoice(app)
    with app.app_context():
        missing = db.session.scalar(select(db.func.max(Invoice.id))) + 1000
    answers = {page_text(route(neighbour, f"?fattura={raw}"))
               for raw in (mario_s, missing, "abc", "-1", "9" * 40)}
    assert len(answers) == 1
    (answer,) = answers
    assert "Fattura non trovata" in answer and "213,09" not in answer
    assert "213,09 €" in page_text(route(member, f"?fattura={mario_s}"))


def test_staff_read_the_walk_in_the_members_view_and_the_access_is_recorded(
        staff, mario_code, app):  # noqa: F811
    code, _ = mario_code
    invoice = mario_invoice(app)
    refused = page_text(route(staff, f"?fattura={invoice}"))
    assert "213,09" not in refused
    open_by_code(staff, code, reason="Ticket 77: bolletta alta")
    before = len(trail(app))
    text = page_text(route(staff, f"?fattura={invoice}"))
    assert "«Accisa (193 kWh esenti) 354 kWh»" in text and "213,09 €" in text
    assert trail(app)[before:] == [
        ("pagina", f"/capire?fattura={invoice}", "Ticket 77: bolletta alta", STAFF[0])]


def test_an_invoice_whose_data_do_not_add_up_gets_a_polite_answer(member, app):
    invoice = mario_invoice(app)
    with app.app_context():
        db.session.execute(update(Invoice).where(Invoice.id == invoice)
                           .values(total=Invoice.total + Decimal("0.01")))
        db.session.commit()
    response = route(member, f"?fattura={invoice}")
    assert response.status_code == 200
    text = page_text(response)
    assert "i suoi dati non tornano" in text and "Traceback" not in text


def test_a_shared_screen_hides_the_house_number_not_the_figures(member, app):
    url = f"?fattura={mario_invoice(app)}"
    switch(member, True, "/capire")
    try:
        text = page_text(route(member, url))
    finally:
        switch(member, False)
    assert "Via Roma 12" not in text and "Via Roma •" in text
    assert "213,09 €" in text and "IT125E00012345" in text
