"""The accounting situation as plain arithmetic: what was billed, what came in, what is owed.

Pure functions on plain rows, so the page, the CSV and the PDF statement all agree and tests
reach every rule without a database. Money is Decimal throughout.

Status rules, as of a day:
- an invoice is *pagata* when what was received against it covers its total;
- *pagata parzialmente* when something was received but not all;
- *scaduta* when nothing was received and its due date has passed (the due date itself is
  still in time);
- *da pagare* when nothing was received and it is not yet due;
- *a credito* when more was received than billed (or the bill itself is a credit): the
  difference is owed to the customer and is deducted from what is due.
Payments dated after the day do not count yet.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

ZERO = Decimal("0.00")


class Standing(StrEnum):
    """Where an invoice stands on a day."""

    PAID = "pagata"
    PARTIAL = "pagata_parzialmente"
    DUE = "da_pagare"
    OVERDUE = "scaduta"
    CREDIT = "a_credito"


@dataclass(frozen=True)
class BilledInvoice:
    """An invoice as the statement needs it."""

    id: int
    contract_id: int
    number: int
    fiscal_year: int
    issue_date: date
    due_date: date
    total: Decimal

    @property
    def label(self) -> str:
        """Return the invoice's number as printed on it: 1636/2023."""
        return f"{self.number}/{self.fiscal_year}"


@dataclass(frozen=True)
class ReceivedPayment:
    """Money received against one invoice; remittance_id groups the shares of one transfer."""

    id: int
    invoice_id: int
    paid_on: date
    amount: Decimal
    channel: str
    remittance_id: int | None = None
    remittance_amount: Decimal | None = None   # the whole transfer, over every contract


@dataclass(frozen=True)
class InvoiceStanding:
    """One invoice with what was received against it and what is left."""

    invoice: BilledInvoice
    paid: Decimal
    last_paid_on: date | None
    standing: Standing
    overdue: bool          # something is left and the due date has passed

    @property
    def left(self) -> Decimal:
        """Return what is still owed on the invoice; negative when it is a credit."""
        return self.invoice.total - self.paid


@dataclass(frozen=True)
class Share:
    """The part of a receipt that went to one invoice."""

    invoice: BilledInvoice
    amount: Decimal


@dataclass(frozen=True)
class Receipt:
    """Money received in one go: a payment for one bill, or a remittance split over several."""

    received_on: date
    channel: str
    shares: tuple[Share, ...]   # the invoices in view that it paid
    sent: Decimal               # the whole amount, including shares for contracts not in view

    @property
    def amount(self) -> Decimal:
        """Return the money that went to the invoices in view."""
        return sum((share.amount for share in self.shares), ZERO)


@dataclass(frozen=True)
class YearTotals:
    """Billed, received and still owed for the invoices issued in one year."""

    year: int
    invoiced: Decimal
    paid: Decimal
    count: int

    @property
    def left(self) -> Decimal:
        """Return what is still owed on the year's invoices (negative: a credit)."""
        return self.invoiced - self.paid


@dataclass(frozen=True)
class Statement:
    """The accounting situation of some contracts on a day."""

    as_of: date
    invoices: tuple[InvoiceStanding, ...]   # newest first
    receipts: tuple[Receipt, ...]           # newest first
    years: tuple[YearTotals, ...]           # newest first

    @property
    def outstanding(self) -> Decimal:
        """Return the sum still owed on the invoices not fully paid."""
        return sum((i.left for i in self.invoices if i.left > 0), ZERO)

    @property
    def overdue(self) -> Decimal:
        """Return the part of what is owed whose due date has passed."""
        return sum((i.left for i in self.invoices if i.overdue), ZERO)

    @property
    def credit(self) -> Decimal:
        """Return what the cooperative owes back: overpayments and credit bills."""
        return sum((-i.left for i in self.invoices if i.left < 0), ZERO)

    @property
    def balance(self) -> Decimal:
        """Return the balance due now: what is owed less any credit (negative: in credit)."""
        return self.outstanding - self.credit

    @property
    def next_due(self) -> tuple[date, Decimal] | None:
        """Return the earliest due date still ahead with an amount to pay, and that amount."""
        ahead = [i for i in self.invoices if i.left > 0 and not i.overdue]
        if not ahead:
            return None
        first = min(i.invoice.due_date for i in ahead)
        return first, sum((i.left for i in ahead if i.invoice.due_date == first), ZERO)

    @property
    def overdue_since(self) -> date | None:
        """Return the oldest due date that has passed with money still owed."""
        dates = [i.invoice.due_date for i in self.invoices if i.overdue]
        return min(dates) if dates else None


def standing_of(invoice: BilledInvoice, paid: Decimal, as_of: date) -> tuple[Standing, bool]:
    """Return an invoice's status and whether an amount on it is overdue, on a day."""
    return standing_on(invoice.total, invoice.due_date, paid, as_of)


def standing_on(total: Decimal, due_date: date, paid: Decimal,
                as_of: date) -> tuple[Standing, bool]:
    """Return where a bill of a total, due on a day, stands on a day with `paid` received.

    The one rule for every view of a bill: the pages, the statement and the invoice PDFs.
    """
    left = total - paid
    late = due_date < as_of
    if left == 0:
        return Standing.PAID, False
    if left < 0:
        return Standing.CREDIT, False
    if paid > 0:
        return Standing.PARTIAL, late
    return (Standing.OVERDUE if late else Standing.DUE), late


def _standings(invoices: Sequence[BilledInvoice], counted: Sequence[ReceivedPayment],
               as_of: date) -> list[InvoiceStanding]:
    """Pair every invoice with the money counted against it, newest invoice first."""
    paid: dict[int, Decimal] = defaultdict(lambda: ZERO)
    last: dict[int, date] = {}
    for payment in counted:
        paid[payment.invoice_id] += payment.amount
        last[payment.invoice_id] = max(last.get(payment.invoice_id, payment.paid_on),
                                       payment.paid_on)
    result = []
    for invoice in sorted(invoices, key=lambda i: (i.issue_date, i.id), reverse=True):
        standing, overdue = standing_of(invoice, paid[invoice.id], as_of)
        result.append(InvoiceStanding(invoice, paid[invoice.id], last.get(invoice.id),
                                      standing, overdue))
    return result


def _receipts(counted: Iterable[ReceivedPayment],
              by_id: dict[int, BilledInvoice]) -> list[Receipt]:
    """Group the payments into receipts: a remittance's shares together, the others alone."""
    groups: dict[tuple[str, int], list[ReceivedPayment]] = defaultdict(list)
    for payment in counted:
        key = (("r", payment.remittance_id) if payment.remittance_id is not None
               else ("p", payment.id))
        groups[key].append(payment)
    receipts = []
    for payments in groups.values():
        first = payments[0]
        shares = tuple(Share(by_id[p.invoice_id], p.amount)
                       for p in sorted(payments, key=lambda p: by_id[p.invoice_id].issue_date))
        amount = sum((share.amount for share in shares), ZERO)
        receipts.append(Receipt(first.paid_on, first.channel, shares,
                                first.remittance_amount or amount))
    return sorted(receipts, key=lambda r: (r.received_on, r.shares[-1].invoice.issue_date),
                  reverse=True)


def _years(standings: Iterable[InvoiceStanding]) -> list[YearTotals]:
    """Add up each issue year's invoices, newest year first."""
    sums: dict[int, list] = {}
    for s in standings:
        entry = sums.setdefault(s.invoice.issue_date.year, [ZERO, ZERO, 0])
        entry[0] += s.invoice.total
        entry[1] += s.paid
        entry[2] += 1
    return [YearTotals(year, invoiced, paid, count)
            for year, (invoiced, paid, count) in sorted(sums.items(), reverse=True)]


def build_statement(invoices: Sequence[BilledInvoice], payments: Sequence[ReceivedPayment],
                    as_of: date) -> Statement:
    """Build the statement of some invoices and the payments received against them."""
    by_id = {invoice.id: invoice for invoice in invoices}
    # Only money already received, and only against the invoices in view.
    counted = [p for p in payments if p.paid_on <= as_of and p.invoice_id in by_id]
    standings = _standings(invoices, counted, as_of)
    return Statement(as_of, tuple(standings), tuple(_receipts(counted, by_id)),
                     tuple(_years(standings)))
