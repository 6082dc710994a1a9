"""Addresses are written by one function, wherever a page, a PDF or a statement prints them."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from dashboard.documents.source import build_invoice_document
from dashboard.pages.contratto import facts_of
from dashboard.pages.invio import billing_address
from dashboard.services.statements import holder_of
from models import Contract, Customer, Invoice, db
from models.entities import postal_address


@pytest.mark.parametrize(("parts", "expected"), [
    (("Via Roma 12", "33026", "Paluzza", "UD"), "Via Roma 12, 33026 Paluzza (UD)"),
    ((" Via Roma 12 ", " 33026", "Paluzza  ", "ud"), "Via Roma 12, 33026 Paluzza (UD)"),
    (("Via Roma 12", "33026", "Paluzza", None), "Via Roma 12, 33026 Paluzza"),
    (("Via Roma 12", "33026", "Paluzza", ""), "Via Roma 12, 33026 Paluzza"),
    (("Località Cleulis 3", "", "Paluzza", "UD"), "Località Cleulis 3, Paluzza (UD)"),
])
def test_an_address_is_written_on_one_line(parts, expected):
    assert postal_address(*parts) == expected


def test_every_place_prints_the_billing_address_the_same_way(app):
    with app.app_context():
        invoice = db.session.scalars(select(Invoice).order_by(Invoice.id)).first()
        contract = db.session.get(Contract, invoice.contract_id)
        customer: Customer = contract.customer
        # Untidy data as an import could bring it: every place must tidy it alike.
        customer.billing_street, customer.billing_city = " Via Roma  12 ", "paluzza "
        customer.billing_province = "ud"
        contract.supply_street = "Via Roma 12 "
        db.session.flush()
        try:
            printed = {
                "fattura": build_invoice_document(db.session, invoice.id).holder.billing_address,
                "estratto conto": holder_of(customer).billing_address,
                "invio": billing_address(contract),
                "dati contrattuali": facts_of(contract).billing_address,
            }
            supply = {build_invoice_document(db.session, invoice.id).supply.address,
                      facts_of(contract).supply_address}
            zip_code, supply_zip, town = (customer.billing_zip, contract.supply_zip,
                                          contract.supply_city)
        finally:
            db.session.rollback()
    assert set(printed.values()) == {f"Via Roma  12, {zip_code} paluzza (UD)"}
    assert supply == {f"Via Roma 12, {supply_zip} {town}"}
