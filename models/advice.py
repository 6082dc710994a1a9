"""Energy advice: the member's consent, tariff what-ifs, and the comparison with similar homes.

Consent is explicit, narrow (consumption and the contract's technical data) and revocable at
once: each grant is a row, revoking stamps it, and the advisor's gate asks `consent_since`
on every request. The what-if is pure arithmetic on Decimal. Similar homes are anonymous
aggregates: nothing is shown for a group of fewer than MIN_PEERS supplies.
"""
from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import ForeignKey, Index, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from .billing import CENT
from .entities import Base, Contract, MonthlyConsumption
from .enums import ContractStatus, TariffStructure

MIN_PEERS = 10


class AdvisorConsent(Base):
    """A member's consent to energy advice: from when, until revoked."""

    __tablename__ = "advisor_consent"
    __table_args__ = (Index("ix_advisor_consent_customer_revoked", "customer_id", "revoked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    given_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


# --- consent ------------------------------------------------------------------------------

def consent_since(session: Session, customer_id: int) -> datetime | None:
    """Return when the member's consent in force was given, or None without consent."""
    return session.scalar(select(AdvisorConsent.given_at).where(
        AdvisorConsent.customer_id == customer_id, AdvisorConsent.revoked_at.is_(None))
        .order_by(AdvisorConsent.given_at.desc()).limit(1))


def give_consent(session: Session, customer_id: int, now: datetime) -> bool:
    """Record the member's consent; tell whether it is new (a second click changes nothing)."""
    if consent_since(session, customer_id) is not None:
        return False
    session.add(AdvisorConsent(customer_id=customer_id, given_at=now))
    session.flush()
    return True


def revoke_consent(session: Session, customer_id: int, now: datetime) -> bool:
    """End the member's consent at once; tell whether there was one to end."""
    result = session.execute(update(AdvisorConsent).where(
        AdvisorConsent.customer_id == customer_id, AdvisorConsent.revoked_at.is_(None))
        .values(revoked_at=now))
    return result.rowcount > 0


# --- tariff what-if -----------------------------------------------------------------------

@dataclass(frozen=True)
class BandKwh:
    """A year's consumption by band."""

    f1: Decimal
    f2: Decimal
    f3: Decimal

    @property
    def total(self) -> Decimal:
        """Return the year's consumption."""
        return self.f1 + self.f2 + self.f3


@dataclass(frozen=True)
class Prices:
    """Energy unit prices (€/kWh) for the three tariff structures."""

    mono: Decimal
    bi_f1: Decimal
    bi_f23: Decimal
    multi_f1: Decimal
    multi_f2: Decimal
    multi_f3: Decimal

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> Prices:
        """Build prices from configuration or a form: each a non-negative number below 10 €."""
        read = {}
        for name in cls.__dataclass_fields__:
            value = Decimal(str(values[name]).replace(",", "."))
            if not value.is_finite() or not Decimal(0) <= value < Decimal(10):
                raise ValueError(name)
            read[name] = value
        return cls(**read)


def shift_from_f1(use: BandKwh, share: Decimal) -> BandKwh:
    """Move a share (0–1) of F1 to F2 and F3, in proportion to how they are used now."""
    if not Decimal(0) <= share <= Decimal(1):
        raise ValueError("share")
    moved = use.f1 * share
    rest = use.f2 + use.f3
    to_f2 = moved * use.f2 / rest if rest else moved / 2
    return BandKwh(use.f1 - moved, use.f2 + to_f2, use.f3 + moved - to_f2)


def energy_cost(use: BandKwh, prices: Prices) -> dict[TariffStructure, Decimal]:
    """Price a year's band split under each tariff structure, in € to the cent."""
    costs = {
        TariffStructure.MONO: use.total * prices.mono,
        TariffStructure.BI: use.f1 * prices.bi_f1 + (use.f2 + use.f3) * prices.bi_f23,
        TariffStructure.MULTI: (use.f1 * prices.multi_f1 + use.f2 * prices.multi_f2
                                + use.f3 * prices.multi_f3),
    }
    return {k: v.quantize(CENT, rounding=ROUND_HALF_UP) for k, v in costs.items()}


# --- similar homes ------------------------------------------------------------------------

@dataclass(frozen=True)
class Spread:
    """Quartiles of a measure over a group."""

    q1: float
    median: float
    q3: float


@dataclass(frozen=True)
class Peers:
    """How a group of similar supplies uses energy over twelve months, anonymously."""

    size: int
    kwh: Spread
    f1_share: Spread


def _spread(values: list[float]) -> Spread:
    """Return the quartiles of a list (at least two values)."""
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return Spread(q1, median, q3)


def year_use(session: Session, contract_ids: list[int] | None, first: date,
             last: date) -> dict[int, BandKwh]:
    """Sum the monthly band totals of supplies over months first..last (all supplies if None)."""
    query = (select(MonthlyConsumption.contract_id, func.sum(MonthlyConsumption.f1_kwh),
                    func.sum(MonthlyConsumption.f2_kwh), func.sum(MonthlyConsumption.f3_kwh),
                    func.count())
             .where(MonthlyConsumption.month >= first, MonthlyConsumption.month <= last)
             .group_by(MonthlyConsumption.contract_id))
    if contract_ids is not None:
        query = query.where(MonthlyConsumption.contract_id.in_(contract_ids))
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    return {cid: BandKwh(Decimal(f1), Decimal(f2), Decimal(f3))
            for cid, f1, f2, f3, count in session.execute(query) if count == months}


def similar_homes(session: Session, contract: Contract, first: date,
                  last: date) -> Peers | None:
    """Compare with active supplies of the same type and power; None below MIN_PEERS."""
    group = select(Contract.id).where(
        Contract.customer_type == contract.customer_type,
        Contract.power_committed_kw == contract.power_committed_kw,
        Contract.status == ContractStatus.ACTIVE)
    use = year_use(session, list(session.scalars(group)), first, last)
    totals = [u for u in use.values() if u.total > 0]
    if len(totals) < MIN_PEERS:
        return None
    return Peers(len(totals), _spread([float(u.total) for u in totals]),
                 _spread([float(u.f1 / u.total) for u in totals]))
