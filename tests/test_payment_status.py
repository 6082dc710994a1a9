"""One payment status: the statement page, the statement PDF and the next bill's PDF agree.

The bill before Mario's 1636/2023 is paid in each of four ways; its status is read back from
the «Situazione contabile» page (its table row), from the PDF statement and from the «stato
dei pagamenti precedenti» box of invoice 1636/2023.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, select

from dashboard import formatting as fmt
from models import Invoice, Payment, db
from tests.helpers import outputs
from tests.test_contabilita import show
from tests.test_invoice_routes import invoice_id, pdf_text


def _rows(component: object) -> list[str]:
    """Flatten every table row of a Dash component tree into its text."""
    found = []
    if isinstance(component, list):
        for child in component:
            found += _rows(child)
    elif isinstance(component, dict):
        props = component.get("props", {})
        if component.get("type") == "Tr":
            found.append(" ".join(_texts(props.get("children"))))
        found += _rows(props.get("children"))
    return found


def _texts(component: object) -> list[str]:
    """Collect the strings of a component tree, in order."""
    if isinstance(component, str):
        return [component]
    if isinstance(component, list):
        return [text for child in component for text in _texts(child)]
    if isinstance(component, dict):
        return _texts(component.get("props", {}).get("children"))
    return []


def _line_with(text: str, label: str) -> str:
    """Return the one line of a PDF's text that names a bill."""
    lines = [line for line in text.splitlines() if label in line]
    assert len(lines) == 1, (label, lines)
    return lines[0]


def _pay_previous_bill(app, received: str) -> tuple[Invoice, Invoice]:
    """Replace the payments of the bill before 1636/2023; return it and 1636/2023, as read."""
    with app.app_context():
        bill = db.session.get(Invoice, invoice_id(app, "100234", 1636))
        previous = db.session.scalars(
            select(Invoice).where(Invoice.contract_id == bill.contract_id,
                                  Invoice.issue_date < bill.issue_date)
            .order_by(Invoice.issue_date.desc())).first()
        db.session.execute(delete(Payment).where(Payment.invoice_id == previous.id))
        amount = {"sovrapagata": previous.total + 10, "pagata": previous.total,
                  "in_parte": (previous.total / 2).quantize(Decimal("0.01")),
                  "scaduta": Decimal(0)}[received]
        if amount:
            db.session.add(Payment(invoice_id=previous.id, amount=amount, channel="bonifico",
                                   paid_on=previous.issue_date + timedelta(days=1)))
        db.session.flush()
        db.session.expunge_all()   # keep the values as read: the commit would expire them
        db.session.commit()
        return previous, bill


@pytest.mark.parametrize(("received", "on_page", "in_statement"), [
    ("sovrapagata", "A credito", "A credito"),
    ("pagata", "Pagata", "Pagata"),
    ("in_parte", "Pagata parzialmente", "In parte, scaduta"),
    ("scaduta", "Scaduta", "Scaduta"),
])
def test_the_page_and_both_pdfs_say_the_same_status(member, app, received, on_page,
                                                     in_statement):
    previous, bill = _pay_previous_bill(app, received)
    label = f"{previous.number}/{previous.fiscal_year}"
    issued = f"{label} {fmt.day(previous.issue_date)}"   # the bill's row, not a receipt's
    # On the page: the bill's row of the table, as the callback draws it.
    rows = [row for row in _rows(list(outputs(show(member, "?contratto=tutti")).values()))
            if issued in row]
    assert len(rows) == 1 and on_page in rows[0], rows
    if received == "sovrapagata":
        assert "Pagata" not in rows[0]
    # In the PDF statement, as of today like the page.
    statement = pdf_text(member.get("/contabilita/estratto.pdf?contratto=tutti").data)
    assert _line_with(statement, issued).endswith(in_statement)
    # In the next bill's PDF, as the bill stood on that bill's issue date.
    late = previous.due_date < bill.issue_date
    on_bill = {"sovrapagata": "A credito",
               "pagata": f"Pagata il {fmt.day(previous.issue_date + timedelta(days=1))}",
               "in_parte": "In parte, scaduta" if late else "Pagata in parte",
               "scaduta": "Scaduta" if late else "Da pagare"}[received]
    text = pdf_text(member.get(f"/fatture/{bill.id}/fattura.pdf").data)
    assert _line_with(text, label).endswith(f"{fmt.euro(previous.total)} {on_bill}")

