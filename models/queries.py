"""Query functions the pages call; each takes the session and returns plain rows or models."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from .entities import Account, Contract, Customer, Invoice, MonthlyConsumption


@dataclass(frozen=True)
class MonthRow:
    """One month's band totals."""

    month: date
    f1: int
    f2: int
    f3: int
    reading_type: str


@dataclass(frozen=True)
class InvoiceRow:
    """One invoice as the consumption page's table shows it."""

    id: int
    number: int
    fiscal_year: int
    issue_date: date
    due_date: date
    total: Decimal
    reading_date: date
    period_start: date
    period_end: date
    reading_type: str
    f1: int
    f2: int
    f3: int

    @property
    def kwh(self) -> int:
        """Return the total consumption; always F1 + F2 + F3."""
        return self.f1 + self.f2 + self.f3


def account_by_login(session: Session, login: str) -> Account | None:
    """Find an account by its email or by its customer's code (both resolve to one account)."""
    login = login.strip()
    if "@" in login:
        return session.scalar(select(Account).where(Account.email == login.lower()))
    return session.scalar(
        select(Account).join(Customer, Account.customer_id == Customer.id)
        .where(Customer.code == login)
    )


def contracts_of_customer(session: Session, customer_id: int) -> list[Contract]:
    """Return a customer's contracts, active ones first, then by start date."""
    return list(session.scalars(
        select(Contract).where(Contract.customer_id == customer_id)
        .order_by(Contract.status, Contract.start_date, Contract.id)
    ))


def contract_of_customer(session: Session, customer_id: int, contract_id: int) -> Contract | None:
    """Return the contract only if it belongs to the customer."""
    return session.scalar(
        select(Contract).where(Contract.id == contract_id, Contract.customer_id == customer_id)
    )


def invoice_of_customer(session: Session, customer_id: int, invoice_id: int) -> Invoice | None:
    """Return the invoice only if its contract belongs to the customer."""
    return session.scalar(
        select(Invoice).join(Contract, Invoice.contract_id == Contract.id)
        .where(Invoice.id == invoice_id, Contract.customer_id == customer_id)
    )


def years_with_data(session: Session, contract_id: int) -> list[int]:
    """Return, newest first, the years with monthly consumption or an invoice issued."""
    months = select(extract("year", MonthlyConsumption.month).label("y")).where(
        MonthlyConsumption.contract_id == contract_id
    )
    invoices = select(Invoice.fiscal_year.label("y")).where(Invoice.contract_id == contract_id)
    years = session.scalars(select(func.distinct(months.union(invoices).subquery().c.y)))
    return sorted((int(y) for y in years), reverse=True)


def monthly_consumption(session: Session, contract_id: int, year: int) -> list[MonthRow]:
    """Return the band totals of each month of the year that has data."""
    rows = session.execute(
        select(MonthlyConsumption.month, MonthlyConsumption.f1_kwh, MonthlyConsumption.f2_kwh,
               MonthlyConsumption.f3_kwh, MonthlyConsumption.reading_type)
        .where(MonthlyConsumption.contract_id == contract_id,
               MonthlyConsumption.month >= date(year, 1, 1),
               MonthlyConsumption.month < date(year + 1, 1, 1))
        .order_by(MonthlyConsumption.month)
    )
    return [MonthRow(m, f1, f2, f3, str(t)) for m, f1, f2, f3, t in rows]


def invoices_issued_in(session: Session, contract_id: int, year: int) -> list[InvoiceRow]:
    """Return the invoices issued in the year, oldest first (the seed's table)."""
    rows = session.execute(
        select(Invoice.id, Invoice.number, Invoice.fiscal_year, Invoice.issue_date,
               Invoice.due_date, Invoice.total, Invoice.reading_date, Invoice.period_start,
               Invoice.period_end, Invoice.reading_type, Invoice.f1_kwh, Invoice.f2_kwh,
               Invoice.f3_kwh)
        .where(Invoice.contract_id == contract_id,
               Invoice.issue_date >= date(year, 1, 1),
               Invoice.issue_date < date(year + 1, 1, 1))
        .order_by(Invoice.issue_date, Invoice.number)
    )
    return [InvoiceRow(*row[:9], str(row[9]), *row[10:]) for row in rows]
