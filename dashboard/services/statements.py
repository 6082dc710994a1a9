"""The account statement of some contracts: on the page, as CSV and as PDF."""
from __future__ import annotations

from dataclasses import dataclass

from models import Contract, Customer, db
from models.enums import PaymentMethod
from models.queries import billed_invoices, received_payments
from models.statement import Statement, build_statement

from .. import access, masking
from ..documents.statement import render_statement
from ..statement import (
    ContractRef,
    Holder,
    export_name,
    statement_csv,
    statement_document,
    today_in_italy,
)


@dataclass(frozen=True)
class Export:
    """A file to send: its name and its bytes."""

    name: str
    content: bytes


def contract_refs(contracts: list[Contract]) -> dict[int, ContractRef]:
    """Name each contract the way the statement shows it."""
    return {c.id: ContractRef(
        c.pod, c.supply_street, f"{c.supply_street}, {c.supply_city}",
        c.payment_method == PaymentMethod.SEPA)
        for c in contracts}


def statement_of(contracts: list[Contract]) -> Statement:
    """Compute the statement of some contracts, as of today in Italy."""
    contract_ids = [c.id for c in contracts]
    return build_statement(billed_invoices(db.session, contract_ids),
                           received_payments(db.session, contract_ids),
                           today_in_italy())


def default_scope(contracts: list[Contract]) -> object:
    """Cover all contracts by default; a single contract is chosen as itself."""
    return contracts[0].id if len(contracts) == 1 else access.ALL_CONTRACTS


def holder_of(customer: Customer) -> Holder:
    """Describe the holder as the statement's heading prints them."""
    return Holder(customer.name, customer.code, customer.tax_code, customer.billing_address)


def csv_export(customer: Customer, contracts: list[Contract]) -> Export:
    """Write the statement's invoices as CSV for Excel."""
    refs = contract_refs(contracts)
    statement = statement_of(contracts)
    name = export_name(customer.code, list(refs.values()), statement.as_of, "csv")
    return Export(name, statement_csv(statement, refs))


def pdf_export(customer: Customer, contracts: list[Contract], scope: str,
               masked: bool = False) -> Export:
    """Write the statement as a PDF document; scope names what it covers.

    masked hides the holder's personal data, for a screen being shared.
    """
    refs = contract_refs(contracts)
    statement = statement_of(contracts)
    holder = holder_of(customer)
    document = statement_document(statement, refs,
                                  masking.holder(holder) if masked else holder, scope)
    name = export_name(customer.code, list(refs.values()), statement.as_of, "pdf")
    return Export(name, render_statement(document))
