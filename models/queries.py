"""Query functions the pages call; each takes the session and returns plain rows or models."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import bindparam, extract, func, select
from sqlalchemy.orm import Session

from .bands import Bands
from .entities import (
    Account,
    BillDeliveryChange,
    Contract,
    Customer,
    DeliveryConfirmation,
    Invoice,
    MeterReading,
    MonthlyConsumption,
    Payment,
    Remittance,
)
from .enums import ReadingType
from .statement import BilledInvoice, ReceivedPayment


@dataclass(frozen=True)
class MonthRow:
    """One month's band totals."""

    month: date
    bands: Bands[int]
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
    bands: Bands[int]

    @property
    def kwh(self) -> int:
        """Return the total consumption; always F1 + F2 + F3."""
        return self.bands.total


def account_by_login(session: Session, login: str) -> Account | None:
    """Find an account by its email or by its customer's code (both resolve to one account)."""
    login = login.strip()
    if not login or len(login) > 254 or any(ord(c) < 32 for c in login):
        return None  # nothing valid looks like this; PostgreSQL refuses NUL outright
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


# Only the id: a cached PDF needs nothing more, a fresh one loads the rest in one go. Built once,
# with parameters: building the statement costs more than running it.
_INVOICE_OF_CUSTOMER = (
    select(Invoice.id).join(Contract, Invoice.contract_id == Contract.id)
    .where(Invoice.id == bindparam("invoice_id"), Contract.customer_id == bindparam("customer_id"))
)


def invoice_of_customer(session: Session, customer_id: int, invoice_id: int) -> int | None:
    """Return the invoice's id only if its contract belongs to the customer."""
    return session.scalar(_INVOICE_OF_CUSTOMER,
                          {"invoice_id": invoice_id, "customer_id": customer_id})


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
    return [MonthRow(m, Bands(f1, f2, f3), str(t)) for m, f1, f2, f3, t in rows]


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
    return [InvoiceRow(*row[:9], str(row[9]), Bands(*row[10:])) for row in rows]


def billed_invoices(session: Session, contract_ids: Sequence[int]) -> list[BilledInvoice]:
    """Return every invoice of the contracts, for the statement."""
    rows = session.execute(
        select(Invoice.id, Invoice.contract_id, Invoice.number, Invoice.fiscal_year,
               Invoice.issue_date, Invoice.due_date, Invoice.total)
        .where(Invoice.contract_id.in_(list(contract_ids)))
        .order_by(Invoice.issue_date, Invoice.id)
    )
    return [BilledInvoice(*row) for row in rows]


def received_payments(session: Session, contract_ids: Sequence[int]) -> list[ReceivedPayment]:
    """Return every payment received against the contracts' invoices, oldest first."""
    rows = session.execute(
        select(Payment.id, Payment.invoice_id, Payment.paid_on, Payment.amount, Payment.channel,
               Payment.remittance_id, Remittance.amount)
        .join(Invoice, Payment.invoice_id == Invoice.id)
        .outerjoin(Remittance, Payment.remittance_id == Remittance.id)
        .where(Invoice.contract_id.in_(list(contract_ids)))
        .order_by(Payment.paid_on, Payment.id)
    )
    return [ReceivedPayment(*row) for row in rows]


def delivery_changes(session: Session, contract_id: int) -> list[BillDeliveryChange]:
    """Return a contract's bill delivery changes, the one in force first."""
    return list(session.scalars(
        select(BillDeliveryChange).where(BillDeliveryChange.contract_id == contract_id)
        .order_by(BillDeliveryChange.version.desc())
    ))


def open_confirmation(session: Session, contract_id: int, base_version: int,
                      now: datetime) -> DeliveryConfirmation | None:
    """Return the latest unused, unexpired email link still valid for the contract."""
    return session.scalar(
        select(DeliveryConfirmation)
        .where(DeliveryConfirmation.contract_id == contract_id,
               DeliveryConfirmation.base_version == base_version,
               DeliveryConfirmation.used_at.is_(None),
               DeliveryConfirmation.expires_at > now)
        .order_by(DeliveryConfirmation.created_at.desc(), DeliveryConfirmation.id.desc())
        .limit(1)
    )


def confirmation_of_customer(session: Session, customer_id: int,
                             token_hash: str) -> DeliveryConfirmation | None:
    """Return the email link with this token hash only if its contract is the customer's."""
    return session.scalar(
        select(DeliveryConfirmation).join(Contract, DeliveryConfirmation.contract_id == Contract.id)
        .where(DeliveryConfirmation.token_hash == token_hash, Contract.customer_id == customer_id)
    )


def last_period_end(session: Session, contract_id: int) -> date | None:
    """Return the last day billed on the contract, if it has any invoice."""
    return session.scalar(select(func.max(Invoice.period_end))
                          .where(Invoice.contract_id == contract_id))


def invoice_span(session: Session, contract_id: int) -> tuple[int, date | None, date | None]:
    """Return how many invoices the contract has and the first and last issue dates."""
    count, first, last = session.execute(
        select(func.count(Invoice.id), func.min(Invoice.issue_date), func.max(Invoice.issue_date))
        .where(Invoice.contract_id == contract_id)
    ).one()
    return int(count), first, last


@dataclass(frozen=True)
class Adjustment:
    """A conguaglio: the kWh a bill recalculates of earlier estimated periods, by band."""

    number: int
    issue_date: date
    estimated_from: date | None   # the estimated periods it corrects, None if not found
    estimated_to: date | None
    bands: Bands[int] | None      # actual minus estimated kWh; None without the readings

    @property
    def kwh(self) -> int | None:
        """Return the recalculated kWh in all, negative when the estimate was too high."""
        return None if self.bands is None else self.bands.total


def adjustments_issued_in(session: Session, contract_id: int, year: int) -> list[Adjustment]:
    """Return the year's conguagli with the kWh they recalculate, read from the registers.

    Between the readings that open and close an adjustment's period the registers moved by
    the period's own kWh plus what the earlier estimates missed (or overcounted): the
    difference is the recalculated energy, which no monthly row or chart holds.
    """
    bills = session.execute(
        select(Invoice.number, Invoice.issue_date, Invoice.period_start, Invoice.reading_date,
               Invoice.f1_kwh, Invoice.f2_kwh, Invoice.f3_kwh)
        .where(Invoice.contract_id == contract_id, Invoice.is_adjustment.is_(True),
               Invoice.issue_date >= date(year, 1, 1), Invoice.issue_date < date(year + 1, 1, 1))
        .order_by(Invoice.issue_date, Invoice.number)).all()
    if not bills:
        return []
    days = {b.period_start for b in bills} | {b.reading_date for b in bills}
    registers = {r.read_on: r.bands for r in session.scalars(
        select(MeterReading).where(MeterReading.contract_id == contract_id,
                                   MeterReading.read_on.in_(days)))}
    found = []
    for bill in bills:
        start, end = registers.get(bill.period_start), registers.get(bill.reading_date)
        billed = Bands(bill.f1_kwh, bill.f2_kwh, bill.f3_kwh)
        # The registers moved by the period's own kWh plus the recalculated ones.
        bands = end - start - billed if start is not None and end is not None else None
        first, last = _estimated_span(session, contract_id, bill.period_start)
        found.append(Adjustment(bill.number, bill.issue_date, first, last, bands))
    return found


def _estimated_span(session: Session, contract_id: int,
                    before: date) -> tuple[date | None, date | None]:
    """Return the span of the estimated periods that end just before a date."""
    earlier = session.execute(
        select(Invoice.period_start, Invoice.period_end, Invoice.reading_type)
        .where(Invoice.contract_id == contract_id, Invoice.period_end < before)
        .order_by(Invoice.period_end.desc()).limit(12)).all()
    estimated = []
    for row in earlier:
        if row.reading_type != ReadingType.ESTIMATED:
            break
        estimated.append(row)
    if not estimated:
        return None, None
    return estimated[-1].period_start, estimated[0].period_end
