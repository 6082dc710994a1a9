"""Gather from the database everything an invoice's two PDFs print, as plain data."""
from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, ScalarSelect, bindparam, func, select
from sqlalchemy.orm import Session, joinedload

from models import Contract, Customer, Invoice, MeterReading, MonthlyConsumption, Payment
from models.bands import Band, Bands
from models.enums import CustomerType, Market, PaymentMethod, TariffStructure
from models.statement import ZERO, standing_on

from .. import branding
from ..formatting import period
from ..i18n import _
from ..labels import CUSTOMER_TYPE_LABELS, PAYMENT_METHOD_LABELS, TARIFF_LABELS
from ..statement import short_status
from .data import (
    BandReading,
    HistoryBar,
    InvoiceDocument,
    Line,
    Party,
    PastPayment,
    Supply,
)
from .line_text import line_text

HISTORY_PERIODS = 6
PAST_PAYMENTS = 3
# Each offer's sheet (scheda sintetica) on the cooperative's website, linked and QR-coded on
# the 2025 bill.
OFFER_SHEET_PATH = "/offerte/{code}"
# The distributor whose network a supply is on, by the code in its POD (IT + code + E…),
# printed on the 2025 bill. SECAB distributes in its own area; its fault line comes from the
# branding file (contacts.faults), never from here: no made-up number on a real bill.
DISTRIBUTORS = {"125": "SECAB Società Cooperativa – distribuzione"}

# The statements are built once, with parameters: building one costs more than running it.
_INVOICE = (
    # The invoice, its lines, its contract and the holder in one round trip.
    select(Invoice).where(Invoice.id == bindparam("invoice_id"))
    .options(joinedload(Invoice.lines), joinedload(Invoice.contract).joinedload(Contract.customer))
)
_ANNUAL_KWH = (
    select(func.coalesce(func.sum(MonthlyConsumption.kwh), 0))
    .where(MonthlyConsumption.contract_id == bindparam("contract_id"),
           MonthlyConsumption.month >= bindparam("start"),
           MonthlyConsumption.month < bindparam("end"))
)
_READINGS = select(MeterReading).where(
    MeterReading.contract_id == bindparam("contract_id"),
    MeterReading.read_on.in_(bindparam("days", expanding=True)),
)


def _paid_by(column: ColumnElement) -> ScalarSelect:
    """Return what had been paid on the outer query's invoice by the issue date, as a column."""
    # Correlated, so that it reads a bill's few payments through their index; a grouped
    # subquery over all payments would read the whole table.
    return (select(column).where(Payment.invoice_id == Invoice.id,
                                 Payment.paid_on <= bindparam("issue_date"))
            .correlate(Invoice).scalar_subquery())


_PAST_PAYMENTS = (
    select(Invoice.number, Invoice.fiscal_year, Invoice.due_date, Invoice.total,
           _paid_by(func.sum(Payment.amount)).label("amount"),
           _paid_by(func.max(Payment.paid_on)).label("last"))
    .where(Invoice.contract_id == bindparam("contract_id"),
           Invoice.issue_date < bindparam("issue_date"))
    .order_by(Invoice.issue_date.desc()).limit(PAST_PAYMENTS)
)
_HISTORY = (
    select(Invoice.period_start, Invoice.period_end, Invoice.f1_kwh, Invoice.f2_kwh,
           Invoice.f3_kwh)
    .where(Invoice.contract_id == bindparam("contract_id"),
           Invoice.period_end <= bindparam("period_end"))
    .order_by(Invoice.period_end.desc()).limit(HISTORY_PERIODS)
)


def build_invoice_document(session: Session, invoice_id: int) -> InvoiceDocument:
    """Collect the invoice, its contract, readings, history and past payments."""
    invoice = session.scalars(_INVOICE, {"invoice_id": invoice_id}).unique().one()
    contract: Contract = invoice.contract
    customer: Customer = contract.customer
    return InvoiceDocument(
        number=f"{invoice.number}/{invoice.fiscal_year}",
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        reading_date=invoice.reading_date,
        reading_type=invoice.reading_type,
        generation=invoice.generation,
        is_adjustment=invoice.is_adjustment,
        holder=_party(customer),
        supply=_supply(contract),
        payment_method_label=_payment_method(contract),
        bands=invoice.bands,
        annual_kwh=_annual_kwh(session, contract.id, invoice.reading_date),
        total=invoice.total,
        lines=tuple(Line(li.group, li.side, line_text(li.description), li.quantity, li.unit,
                         li.unit_price, li.amount) for li in invoice.lines),
        readings=_readings(session, invoice),
        past_payments=_past_payments(session, invoice),
        history=_history(session, invoice),
    )


def _party(customer: Customer) -> Party:
    """Describe the holder."""
    return Party(customer.name, customer.tax_code, customer.code, customer.billing_address,
                 customer.is_member, customer.member_since)


def _supply(contract: Contract) -> Supply:
    """Describe the supply point."""
    brand = branding.current()
    return Supply(
        pod=contract.pod,
        address=contract.supply_address,
        customer_type_label=_(CUSTOMER_TYPE_LABELS[CustomerType(contract.customer_type)]),
        tariff_label=_(TARIFF_LABELS[TariffStructure(contract.tariff_structure)]),
        offer=f"{contract.offer_name} ({contract.offer_code})",
        power_committed_kw=contract.power_committed_kw,
        power_available_kw=contract.power_available_kw,
        offer_name=contract.offer_name,
        offer_code=contract.offer_code,
        market=Market(contract.offer_market),
        conditions_until=contract.offer_conditions_until,
        offer_sheet_url=brand.website.rstrip("/") + OFFER_SHEET_PATH.format(
            code=contract.offer_code),
        distributor=DISTRIBUTORS.get(_distributor_code(contract.pod), ""),
        fault_phone=brand.faults or "",
    )


def _distributor_code(pod: str) -> str:
    """Return the distributor's code in a POD: IT125E00012345 gives 125."""
    return pod[2:pod.find("E", 2)] if pod.startswith("IT") and "E" in pod[2:] else ""


def _payment_method(contract: Contract) -> str:
    """Name the payment method, showing only the IBAN's last four characters."""
    if contract.payment_method == PaymentMethod.SEPA and contract.iban:
        return _("Addebito diretto SEPA su IBAN terminante in …%(last)s",
                 last=contract.iban[-4:])
    return _(PAYMENT_METHOD_LABELS[PaymentMethod.NOTICE])


def _annual_kwh(session: Session, contract_id: int, reading_date: date) -> int:
    """Add up the twelve months before the reading date."""
    start = date(reading_date.year - 1, reading_date.month, 1)
    total = session.scalar(_ANNUAL_KWH, {"contract_id": contract_id, "start": start,
                                         "end": reading_date})
    return int(total or 0)


def _readings(session: Session, invoice: Invoice) -> tuple[BandReading, ...]:
    """Pair the meter registers at the start and at the end of the period."""
    rows = {r.read_on: r for r in session.scalars(_READINGS, {
        "contract_id": invoice.contract_id, "days": [invoice.period_start, invoice.reading_date]})}
    before, after = rows.get(invoice.period_start), rows.get(invoice.reading_date)
    if before is None or after is None:
        return ()
    moved = after.bands - before.bands
    return tuple(BandReading(band, start, end, kwh) for band, start, end, kwh
                 in zip(Band, before.bands, after.bands, moved, strict=True))


def _past_payments(session: Session, invoice: Invoice) -> tuple[PastPayment, ...]:
    """Say how the previous bills stood on this bill's issue date."""
    previous = session.execute(_PAST_PAYMENTS, {"contract_id": invoice.contract_id,
                                                "issue_date": invoice.issue_date}).all()
    return tuple(
        PastPayment(f"{row.number}/{row.fiscal_year}", row.due_date, row.total,
                    short_status(*standing_on(row.total, row.due_date, row.amount or ZERO,
                                              invoice.issue_date), paid_on=row.last))
        for row in previous)


def _history(session: Session, invoice: Invoice) -> tuple[HistoryBar, ...]:
    """Return the consumption of the last periods up to this one, oldest first."""
    recent = session.execute(_HISTORY, {"contract_id": invoice.contract_id,
                                         "period_end": invoice.period_end}).all()
    return tuple(HistoryBar(period(i.period_start, i.period_end),
                            Bands(i.f1_kwh, i.f2_kwh, i.f3_kwh)) for i in reversed(recent))
