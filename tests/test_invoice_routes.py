"""The PDF routes: served to the owner only, and saying the same numbers as the table."""
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, update

from dashboard.documents.source import build_invoice_document
from models import Contract, Customer, Invoice, Payment, db
from tests.helpers import without_csrf


def invoice_id(app, code: str, number: int | None = None, year: int = 2023) -> int:
    """Return the id of a customer's invoice (by number, or any)."""
    query = (select(Invoice.id).join(Contract).join(Customer)
             .where(Customer.code == code, Invoice.fiscal_year == year))
    if number is not None:
        query = query.where(Invoice.number == number)
    with app.app_context():
        return db.session.scalars(query.order_by(Invoice.id)).first()


def pdf_text(data: bytes) -> str:
    """Read a PDF's text back."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(("kind", "filename"), [
    ("fattura", "fattura-1636-2023.pdf"), ("dettaglio", "fattura-dettaglio-1636-2023.pdf")])
def test_owner_gets_both_pdfs_with_the_seed_numbers(member, app, kind, filename):
    response = member.get(f"/fatture/{invoice_id(app, '100234', 1636)}/{kind}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert filename in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    text = pdf_text(response.data)
    for expected in ("1636", "26/01/2023", "15/03/2023", "213,09", "€", "547", "212", "235"):
        assert expected in text, expected


def test_foreign_nonexistent_and_malformed_invoices_look_the_same(member, app):
    foreign = invoice_id(app, "100235")
    with app.app_context():
        missing = (db.session.scalar(select(db.func.max(Invoice.id))) or 0) + 1000
    answers = [member.get(f"/fatture/{raw}/fattura.pdf") for raw in (foreign, missing, "abc")]
    assert {a.status_code for a in answers} == {404}
    # The same page, but for the logout form's CSRF token, which is signed afresh each time.
    bodies = {without_csrf(a.get_data(as_text=True)) for a in answers}
    assert len(bodies) == 1
    assert b"%PDF" not in answers[0].data


@pytest.mark.parametrize("path", [
    "/fatture/1/altro.pdf", "/fatture/..%5Cetc/fattura.pdf", "/fatture/%00/fattura.pdf",
    "/fatture/1e3/fattura.pdf", "/fatture/-1/fattura.pdf", "/fatture/" + "9" * 40 + "/fattura.pdf",
])
def test_odd_pdf_paths_get_a_polite_404(member, path):
    response = member.get(path)
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/fatture/../../etc/passwd", "/fatture/..%2F..%2Fetc%2Fpasswd"])
def test_path_traversal_reaches_no_file(member, path):
    response = member.get(path)
    assert b"root:" not in response.data and b"%PDF" not in response.data
    assert response.status_code in (200, 404)  # the app shell, whose router says "not found"


def test_anonymous_is_sent_to_login(client, app):
    response = client.get(f"/fatture/{invoice_id(app, '100234', 1636)}/fattura.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_other_member_cannot_read_mario_s_invoice(neighbour, app):
    response = neighbour.get(f"/fatture/{invoice_id(app, '100234', 1636)}/dettaglio.pdf")
    assert response.status_code == 404


def test_the_bill_states_how_the_previous_bills_were_paid(member, app):
    text = pdf_text(member.get(f"/fatture/{invoice_id(app, '100234', 1636)}/fattura.pdf").data)
    # The three bills before 1636/2023, all paid by SEPA before its issue date.
    assert text.count("Pagata il") == 3


def test_past_bills_are_worded_as_they_stood_on_the_issue_date(app):
    bill_id = invoice_id(app, "100234", 1636)
    with app.app_context():
        bill = db.session.get(Invoice, bill_id)
        latest, middle, oldest = db.session.scalars(
            select(Invoice).where(Invoice.contract_id == bill.contract_id,
                                  Invoice.issue_date < bill.issue_date)
            .order_by(Invoice.issue_date.desc()).limit(3)).all()
        # Half of the latest paid by then; the middle one paid only after this bill was issued.
        db.session.execute(update(Payment).where(Payment.invoice_id == latest.id)
                           .values(amount=latest.total / 2))
        db.session.execute(update(Payment).where(Payment.invoice_id == middle.id)
                           .values(paid_on=bill.issue_date + timedelta(days=1)))
        db.session.commit()
        oldest_paid_on = db.session.scalar(select(func.max(Payment.paid_on))
                                           .where(Payment.invoice_id == oldest.id))
        statuses = [p.status_label for p in build_invoice_document(db.session, bill_id)
                    .past_payments]
        assert middle.due_date < bill.issue_date
    # The statement's words: the half-paid bill was also past its due date by then.
    assert statuses == ["In parte, scaduta", "Scaduta", f"Pagata il {oldest_paid_on:%d/%m/%Y}"]


def _icon(browser) -> bool:
    """Tell whether the browser's request for /favicon.ico ends with the icon."""
    response = browser.get("/favicon.ico", follow_redirects=True)
    return response.status_code == 200 and response.data[:4] == b"\x00\x00\x01\x00"


def test_the_browser_s_favicon_request_gets_the_icon(client, member):
    # A PDF opened in a tab names no icon: the browser asks for /favicon.ico, logged in or not.
    assert _icon(client) and _icon(member)
