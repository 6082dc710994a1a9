"""The portal's tables as typed SQLAlchemy 2 models."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    Enum,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    true,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .bands import Bands
from .enums import (
    BillGeneration,
    ContractStatus,
    CostGroup,
    CostSide,
    CustomerType,
    DeliveryMode,
    Market,
    PaymentMethod,
    ReadingType,
    Role,
    TariffStructure,
)
from .types import Money, Quantity, UnitPrice


def utcnow() -> datetime:
    """Return the current UTC time as a naive datetime, as every column stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


def _enum(cls: type) -> Enum:
    """Store an enum by value as VARCHAR with a CHECK, the same on SQLite and PostgreSQL."""
    return Enum(
        cls,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        name=f"ck_{cls.__name__.lower()}",
    )


def postal_address(street: str, zip_code: str, city: str, province: str | None = None) -> str:
    """Write an address on one line as bills print it: "Via Roma 12, 33026 Paluzza (UD)"."""
    place = " ".join(part.strip() for part in (zip_code, city) if part and part.strip())
    if province and province.strip():
        place = f"{place} ({province.strip().upper()})"
    return ", ".join(part for part in (street.strip(), place) if part)


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations name constraints stably."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Customer(Base):
    """A holder of one or more supplies: a member (socio) or a plain customer."""

    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    tax_code: Mapped[str] = mapped_column(String(16))
    # A firm's or a professional's partita IVA; for a company it equals its codice fiscale.
    vat_number: Mapped[str | None] = mapped_column(String(11))
    billing_street: Mapped[str] = mapped_column(String(200))
    billing_zip: Mapped[str] = mapped_column(String(5))
    billing_city: Mapped[str] = mapped_column(String(100))
    billing_province: Mapped[str] = mapped_column(String(2))
    email: Mapped[str | None] = mapped_column(String(254))
    member_since: Mapped[date | None]  # None: a customer who is not a member

    contracts: Mapped[list[Contract]] = relationship(
        back_populates="customer", order_by="Contract.start_date"
    )

    @property
    def is_member(self) -> bool:
        """Tell whether the customer is a member of the cooperative."""
        return self.member_since is not None

    @property
    def billing_address(self) -> str:
        """Return where paper bills go, on one line."""
        return postal_address(self.billing_street, self.billing_zip, self.billing_city,
                              self.billing_province)


class CustomerSearch(Base):
    """A customer's searchable text, normalized by models.search; one row per customer.

    models.search keeps it current. The substring index lives outside the models: a trigram
    GIN index on PostgreSQL, an FTS5 trigram table on SQLite (see models.search).
    """

    __tablename__ = "customer_search"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    sort_name: Mapped[str] = mapped_column(String(200))   # the normalized name: the order
    terms: Mapped[str] = mapped_column(Text)   # code, name, codes, emails, PODs, normalized


class Account(Base):
    """A login: a customer's own, or a staff member's (no customer)."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    # Staff only: the name members and reports show (a member's name is on their customer).
    full_name: Mapped[str | None] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role))
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), unique=True
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_login_at: Mapped[datetime | None]
    # True from self-registration until the owner opens the confirmation link.
    awaiting_confirmation: Mapped[bool] = mapped_column(default=False)
    password_changed_at: Mapped[datetime | None] = mapped_column(default=utcnow)

    customer: Mapped[Customer | None] = relationship()

    @property
    def display_name(self) -> str:
        """Return the name a staff member goes by: their email when they gave none."""
        return self.full_name or self.email


class Contract(Base):
    """A supply point (POD) and the terms it is supplied under."""

    __tablename__ = "contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    pod: Mapped[str] = mapped_column(String(15), unique=True)
    supply_street: Mapped[str] = mapped_column(String(200))
    supply_zip: Mapped[str] = mapped_column(String(5))
    supply_city: Mapped[str] = mapped_column(String(100))
    customer_type: Mapped[CustomerType] = mapped_column(_enum(CustomerType))
    tariff_structure: Mapped[TariffStructure] = mapped_column(_enum(TariffStructure))
    offer_name: Mapped[str] = mapped_column(String(100))
    offer_code: Mapped[str] = mapped_column(String(32))
    # The 2025 bill's «box dell'offerta» (Delibera 315/2024): the market the offer is sold on
    # and the last day its economic conditions hold (None: no expiry, as in the tutele).
    offer_market: Mapped[Market] = mapped_column(_enum(Market), default=Market.FREE,
                                                 server_default=Market.FREE.value)
    offer_conditions_until: Mapped[date | None]
    power_committed_kw: Mapped[Decimal] = mapped_column(Quantity)
    power_available_kw: Mapped[Decimal] = mapped_column(Quantity)
    voltage_v: Mapped[int] = mapped_column(default=230)
    phases: Mapped[int] = mapped_column(default=1)
    meter_type: Mapped[str] = mapped_column(String(64))
    # Telegestito: read remotely every month, so monthly band totals exist.
    meter_remote_read: Mapped[bool] = mapped_column(default=True, server_default=true())
    billing_months: Mapped[int] = mapped_column(default=2)
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    status: Mapped[ContractStatus] = mapped_column(_enum(ContractStatus))
    payment_method: Mapped[PaymentMethod] = mapped_column(_enum(PaymentMethod))
    iban: Mapped[str | None] = mapped_column(String(34))

    customer: Mapped[Customer] = relationship(back_populates="contracts")

    @property
    def supply_address(self) -> str:
        """Return the supply point's address on one line."""
        return postal_address(self.supply_street, self.supply_zip, self.supply_city)


class MonthlyConsumption(Base):
    """Energy withdrawn in one calendar month, by ARERA band, from the remote meter reading."""

    __tablename__ = "monthly_consumption"
    __table_args__ = (UniqueConstraint("contract_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    month: Mapped[date]  # first day of the month
    f1_kwh: Mapped[int]
    f2_kwh: Mapped[int]
    f3_kwh: Mapped[int]
    reading_type: Mapped[ReadingType] = mapped_column(_enum(ReadingType))

    @property
    def bands(self) -> Bands[int]:
        """Return the month's kWh by band."""
        return Bands(self.f1_kwh, self.f2_kwh, self.f3_kwh)

    @hybrid_property
    def kwh(self) -> int:
        """Return the month's consumption; in a query, the same F1 + F2 + F3 in SQL."""
        # On the class the columns add up to an SQL expression: one sum for both.
        return Bands(self.f1_kwh, self.f2_kwh, self.f3_kwh).total


class MeterReading(Base):
    """The meter's cumulative band registers on a reading date."""

    __tablename__ = "meter_reading"
    __table_args__ = (UniqueConstraint("contract_id", "read_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    read_on: Mapped[date]
    f1: Mapped[int]
    f2: Mapped[int]
    f3: Mapped[int]
    reading_type: Mapped[ReadingType] = mapped_column(_enum(ReadingType))

    @property
    def bands(self) -> Bands[int]:
        """Return the registers by band, in kWh since the meter was installed."""
        return Bands(self.f1, self.f2, self.f3)


class Invoice(Base):
    """One bill: a billing period that ends at a reading date, with its cost lines."""

    __tablename__ = "invoice"
    # Italian invoices are numbered afresh each year: the natural key is (year, number).
    __table_args__ = (
        UniqueConstraint("fiscal_year", "number"),
        Index("ix_invoice_contract_issue", "contract_id", "issue_date"),
        # The invoice PDF's history box reads a contract's latest periods up to a period end.
        Index("ix_invoice_contract_period_end", "contract_id", "period_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    fiscal_year: Mapped[int]
    number: Mapped[int]
    issue_date: Mapped[date]
    due_date: Mapped[date]
    period_start: Mapped[date]
    period_end: Mapped[date]
    reading_date: Mapped[date]  # the first day after the period (the seed's "Data lettura")
    reading_type: Mapped[ReadingType] = mapped_column(_enum(ReadingType))
    f1_kwh: Mapped[int]
    f2_kwh: Mapped[int]
    f3_kwh: Mapped[int]
    total: Mapped[Decimal] = mapped_column(Money)
    generation: Mapped[BillGeneration] = mapped_column(_enum(BillGeneration))
    is_adjustment: Mapped[bool] = mapped_column(default=False)  # conguaglio after estimates

    contract: Mapped[Contract] = relationship()
    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.position", cascade="all, delete-orphan"
    )

    @property
    def bands(self) -> Bands[int]:
        """Return the billed kWh by band."""
        return Bands(self.f1_kwh, self.f2_kwh, self.f3_kwh)

    @property
    def kwh(self) -> int:
        """Return the total consumption; always F1 + F2 + F3."""
        return self.bands.total


class InvoiceLine(Base):
    """One line of the detail document: quantity × unit price = amount."""

    __tablename__ = "invoice_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoice.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    group: Mapped[CostGroup] = mapped_column(_enum(CostGroup))
    side: Mapped[CostSide] = mapped_column(_enum(CostSide))
    description: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit: Mapped[str] = mapped_column(String(16))
    unit_price: Mapped[Decimal] = mapped_column(UnitPrice)
    amount: Mapped[Decimal] = mapped_column(Money)

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class Remittance(Base):
    """Money a customer sent in one go (a transfer, a pagoPA cart) that settles several bills."""

    __tablename__ = "remittance"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), index=True
    )
    received_on: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(Money)   # the sum of its payments
    channel: Mapped[str] = mapped_column(String(32))
    reference: Mapped[str] = mapped_column(String(64))  # CRO of the transfer, pagoPA IUV, …

    payments: Mapped[list[Payment]] = relationship(back_populates="remittance")


class Payment(Base):
    """Money received against one invoice: a payment of its own, or a remittance's share."""

    __tablename__ = "payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoice.id", ondelete="CASCADE"), index=True
    )
    paid_on: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(Money)
    channel: Mapped[str] = mapped_column(String(32))
    # Set when the money came with others in one remittance (same day and channel as it).
    remittance_id: Mapped[int | None] = mapped_column(
        ForeignKey("remittance.id", ondelete="CASCADE"), index=True
    )

    remittance: Mapped[Remittance | None] = relationship(back_populates="payments")


class BillDeliveryChange(Base):
    """A change of how a contract's bills are sent; the highest version is the one in force."""

    __tablename__ = "bill_delivery_change"
    # Two saves made from the same version cannot both land: a double click makes one change.
    __table_args__ = (UniqueConstraint("contract_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    version: Mapped[int]
    mode: Mapped[DeliveryMode] = mapped_column(_enum(DeliveryMode))
    email: Mapped[str | None] = mapped_column(String(254))   # for bolletta web only
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Who made the change, as the history shows it; kept even if the account goes.
    actor: Mapped[str] = mapped_column(String(254))
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL"), index=True
    )


class DeliveryConfirmation(Base):
    """A request for bolletta web waiting for its emailed link to be opened."""

    __tablename__ = "delivery_confirmation"
    # One link per address and starting version: a double click sends one email.
    __table_args__ = (UniqueConstraint("contract_id", "base_version", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    # SHA-256 of the link's random token: a database leak does not hand out valid links.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The delivery version the request was made against: any change since voids the link.
    base_version: Mapped[int]
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class AuditEvent(Base):
    """Who did what to which contract, and when: the audit trail, never updated."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_contract_at", "contract_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL"), index=True
    )
    actor: Mapped[str] = mapped_column(String(254))   # the account's email at the time
    action: Mapped[str] = mapped_column(String(64))   # "invio.carta", "invio.web_richiesta", …
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id", ondelete="SET NULL"))
    detail: Mapped[str] = mapped_column(String(1000), default="")
    ip: Mapped[str] = mapped_column(String(45), default="")


class DataGeneration(Base):
    """One row counting the writes that change what documents print (imports, corrections).

    Cached invoice PDFs are keyed by it: every worker and instance reads the same counter,
    so one import invalidates them all without any message between processes.
    """

    __tablename__ = "data_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


class AccessKind(StrEnum):
    """What a staff member opened of a member's data."""

    SEARCH = "ricerca"      # a search result opened
    PAGE = "pagina"
    PDF = "pdf"
    EXPORT = "esportazione"
    ACTION = "azione"


class AccessRecord(Base):
    """One staff access to a member's data: append-only, hash-chained to the record before.

    Staff and member are plain integers, not foreign keys: a cascade from a deleted account
    or customer would have to rewrite rows that are never rewritten. The staff details are a
    snapshot of who they were at the time. Ids are assigned by models.audit under the chain
    lock, consecutive, so the hash can cover them.
    """

    __tablename__ = "access_record"
    __table_args__ = (Index("ix_access_record_customer_at", "customer_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(index=True)   # UTC
    account_id: Mapped[int]
    role: Mapped[Role] = mapped_column(_enum(Role))
    staff_name: Mapped[str] = mapped_column(String(200))
    staff_email: Mapped[str] = mapped_column(String(254))
    customer_id: Mapped[int]
    kind: Mapped[AccessKind] = mapped_column(_enum(AccessKind))
    target: Mapped[str] = mapped_column(String(300))   # page path, invoice id, action name
    ip: Mapped[str] = mapped_column(String(45))
    reason: Mapped[str] = mapped_column(String(500))   # the «Motivo» the staff member gave
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AccessChain(Base):
    """The one head row of the access trail: serializes appends and anchors the verifier.

    Every append updates it in the same transaction as the insert, which takes the write lock
    on SQLite and a row lock on PostgreSQL before the last hash is read. The anchor is the
    hash of the newest pruned record, so the oldest remaining one must link to it.
    """

    __tablename__ = "access_chain"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)   # always 1
    last_id: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
    anchor_id: Mapped[int] = mapped_column(default=0)   # newest pruned record, 0: none yet
    anchor_hash: Mapped[str] = mapped_column(String(64))
