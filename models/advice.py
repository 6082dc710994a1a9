"""Energy advice: the member's consent, tariff what-ifs, and the comparison with similar homes.

Consent is explicit, narrow (consumption and the contract's technical data) and revocable at
once: each grant is a row, revoking stamps it, and the advisor's gate asks `consent_since`
on every request. The what-if is pure arithmetic on Decimal. Similar homes are anonymous
aggregates: nothing is shown for a group of fewer than MIN_PEERS supplies.
"""
from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Select,
    String,
    Text,
    UniqueConstraint,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from .bands import ROME, Bands
from .billing import CENT
from .curves import QuarterHourDay, slot_start, unpack
from .entities import Base, Contract, Customer, MonthlyConsumption
from .enums import ContractStatus, ReadingType, TariffStructure

MIN_PEERS = 10
WH = Decimal("0.001")             # kWh moved by the what-if, to the watt-hour


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
    session.execute(delete(UsageSummary).where(UsageSummary.customer_id == customer_id))
    return result.rowcount > 0


# --- tariff what-if -----------------------------------------------------------------------

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


def shift_from_f1(use: Bands[Decimal], share: Decimal) -> Bands[Decimal]:
    """Move a share (0–1) of F1 to F2 and F3, in proportion to how they are used now."""
    if not Decimal(0) <= share <= Decimal(1):
        raise ValueError("share")
    # Whole watt-hours, rounded down: a division's 28th digit would otherwise make the year
    # a hair bigger or smaller than it was, and the monoraria cost with it.
    moved = (use.f1 * share).quantize(WH, ROUND_DOWN)
    rest = use.f23
    to_f2 = (moved * use.f2 / rest if rest else moved / 2).quantize(WH, ROUND_DOWN)
    return use + Bands(-moved, to_f2, moved - to_f2)


def energy_cost(use: Bands[Decimal], prices: Prices) -> dict[TariffStructure, Decimal]:
    """Price a year's band split under each tariff structure, in € to the cent."""
    costs = {
        TariffStructure.MONO: use.total * prices.mono,
        TariffStructure.BI: use.f1 * prices.bi_f1 + use.f23 * prices.bi_f23,
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
             last: date) -> dict[int, Bands[Decimal]]:
    """Sum the monthly band totals of supplies over months first..last (all supplies if None)."""
    query = (select(MonthlyConsumption.contract_id, func.sum(MonthlyConsumption.f1_kwh),
                    func.sum(MonthlyConsumption.f2_kwh), func.sum(MonthlyConsumption.f3_kwh),
                    func.count())
             .where(MonthlyConsumption.month >= first, MonthlyConsumption.month <= last)
             .group_by(MonthlyConsumption.contract_id))
    if contract_ids is not None:
        query = query.where(MonthlyConsumption.contract_id.in_(contract_ids))
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    return {cid: Bands(f1, f2, f3).map(Decimal)
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


def consent_history(session: Session, customer_id: int) -> list[AdvisorConsent]:
    """Return every grant of the member's consent, newest first, with its revocation if any."""
    return list(session.scalars(select(AdvisorConsent).where(
        AdvisorConsent.customer_id == customer_id)
        .order_by(AdvisorConsent.given_at.desc(), AdvisorConsent.id.desc())))


def twelve_months(today: date) -> tuple[date, date]:
    """Return the first days of the twelve complete months before today's month."""
    index = today.year * 12 + today.month - 1 - 1   # the month before today's, 0-based
    last = date(index // 12, index % 12 + 1, 1)
    first_index = index - 11
    return date(first_index // 12, first_index % 12 + 1, 1), last


def months_before(month: date, count: int) -> date:
    """Return the first day of the month `count` months before a month."""
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def year_ending_before(latest: date) -> tuple[date, date]:
    """Return the twelve months ending the month before the latest one with data.

    Bimonthly bills bring their months two at a time, in two phases: the month before the
    latest is complete for every supply, whichever phase it is billed in.
    """
    last = months_before(latest, 1)
    return months_before(last, 11), last


def supply_year(session: Session, contract_id: int, today: date) -> tuple[date, date]:
    """Return the twelve months a supply's year is read over, from its latest monthly data."""
    latest = session.scalar(select(func.max(MonthlyConsumption.month))
                            .where(MonthlyConsumption.contract_id == contract_id))
    return year_ending_before(latest) if latest else twelve_months(today)


def year_before(first: date, last: date) -> tuple[date, date]:
    """Return the same twelve months one year earlier."""
    return first.replace(year=first.year - 1), last.replace(year=last.year - 1)


# --- the advisor's portfolio --------------------------------------------------------------

HIGH_F1_SHARE = Decimal("0.45")     # above this, moving use to the evening is worth a talk
YEAR_JUMP = Decimal("1.25")         # a year 25 % above the one before
PEAK_MARGIN = Decimal(1)            # peaks are compared with the available power as it is
NIGHT_BASE_W = 250                  # a night base load above this is worth looking for
CURVE_DAYS = 28                     # the latest days of curve read for the curve flags
SORTS = ("nome", "codice", "kwh", "f1", "forniture")


@dataclass(frozen=True)
class PortfolioRow:
    """One consenting member on the advisor's list, with the figures the flags come from."""

    customer_id: int
    code: str
    name: str
    supplies: int
    kwh: int
    f1_kwh: int
    kwh_year_before: int
    estimated_months: int

    @property
    def f1_share(self) -> Decimal | None:
        """Return F1 over the year's total, None without consumption."""
        return Decimal(self.f1_kwh) / Decimal(self.kwh) if self.kwh else None

    @property
    def high_f1(self) -> bool:
        """Tell whether F1 weighs more than usual."""
        share = self.f1_share
        return share is not None and share > HIGH_F1_SHARE

    @property
    def year_jump(self) -> bool:
        """Tell whether the year used much more than the one before."""
        return self.kwh_year_before > 0 and Decimal(self.kwh) > self.kwh_year_before * YEAR_JUMP


@dataclass(frozen=True)
class PortfolioPage:
    """One page of the advisor's list and how many members match in all."""

    rows: list[PortfolioRow]
    total: int
    page: int
    per_page: int
    first: date
    last: date

    @property
    def pages(self) -> int:
        """Count the pages, at least one."""
        return max(1, -(-self.total // self.per_page))


def _order(sort: str, descending: bool, columns: dict) -> list:
    """Return the ORDER BY for a sort key the caller has already checked, ties by id."""
    column = columns[sort]
    return [column.desc() if descending else column.asc(), columns["id"].asc()]


# The advisor's list reads the latest month with data on every page: an index answers it at
# once instead of a scan of every supply's months.
Index("ix_monthly_consumption_month", MonthlyConsumption.month)


class UsageSummary(Base):
    """A consenting customer's year and the year before, summed once for the advisor's list.

    Sorting 100,000 members by a figure summed their 24 months on every page (2.7 s on
    PostgreSQL): the sums are kept here, for the year ending at `through`, and redone for
    whoever is missing or older than the latest month with data. Revoking consent deletes
    the member's row; the list still checks the consent itself.
    """

    __tablename__ = "usage_summary"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True)
    through: Mapped[date] = mapped_column(index=True)
    kwh: Mapped[int]
    f1_kwh: Mapped[int]
    kwh_year_before: Mapped[int]
    estimated_months: Mapped[int]
    supplies: Mapped[int]         # active contracts


def _consenting() -> Select:
    """Select the ids of the customers whose consent stands."""
    return (select(AdvisorConsent.customer_id)
            .where(AdvisorConsent.revoked_at.is_(None)).distinct())


def portfolio_year(session: Session, today: date) -> tuple[date, date]:
    """Return the twelve months the list sums: up to the latest month with data."""
    latest = session.scalar(select(func.max(MonthlyConsumption.month))
                            .where(MonthlyConsumption.month <= today))
    return year_ending_before(latest) if latest else twelve_months(today)


def refresh_usage(session: Session, today: date) -> int:
    """Sum the year again for consenting customers without a current summary; count them."""
    first, last = portfolio_year(session, today)
    # Two index ranges rather than `!=`, which reads the whole table on every page.
    old = or_(UsageSummary.through < last, UsageSummary.through > last)
    # Read before writing: a page that finds every sum current takes no write lock.
    if session.scalar(select(UsageSummary.customer_id).where(old).limit(1)) is not None:
        session.execute(delete(UsageSummary).where(old))
    missing = _consenting().where(~select(UsageSummary.customer_id).where(
        UsageSummary.customer_id == AdvisorConsent.customer_id).exists()).subquery()
    count = session.scalar(select(func.count()).select_from(missing)) or 0
    if not count:
        return 0
    before_first, _ = year_before(first, last)
    total = MonthlyConsumption.kwh
    in_year = MonthlyConsumption.month >= first
    sums = (select(
        missing.c.customer_id, literal(last, Date),
        func.coalesce(func.sum(case((in_year, total), else_=0)), 0),
        func.coalesce(func.sum(case((in_year, MonthlyConsumption.f1_kwh), else_=0)), 0),
        func.coalesce(func.sum(case((in_year, 0), else_=total)), 0),
        func.coalesce(func.sum(case(
            (in_year & (MonthlyConsumption.reading_type == ReadingType.ESTIMATED), 1),
            else_=0)), 0),
        func.count(func.distinct(case((Contract.status == ContractStatus.ACTIVE,
                                       Contract.id)))))
        .outerjoin(Contract, Contract.customer_id == missing.c.customer_id)
        .outerjoin(MonthlyConsumption, (MonthlyConsumption.contract_id == Contract.id)
                   & (MonthlyConsumption.month >= before_first)
                   & (MonthlyConsumption.month <= last))
        .group_by(missing.c.customer_id))
    session.execute(insert(UsageSummary).from_select(
        ["customer_id", "through", "kwh", "f1_kwh", "kwh_year_before", "estimated_months",
         "supplies"], sums))
    return count


def forget_usage(session: Session) -> None:
    """Drop every summary: months or holders have changed, the next list sums again."""
    session.execute(delete(UsageSummary))


def _searched(query: Select, search: str) -> Select:
    """Keep the customers whose name or code holds the text; LIKE characters are letters."""
    if not search:
        return query
    pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return query.where(or_(Customer.name.ilike(pattern, escape="\\"),
                           Customer.code.ilike(pattern, escape="\\")))


def portfolio(session: Session, today: date, search: str, sort: str, descending: bool,
              page: int, per_page: int) -> PortfolioPage:
    """Return one page of consenting members with their year's figures, sorted in SQL.

    The figures come from the usage summaries: call `refresh_usage` first (and commit).
    """
    first, last = portfolio_year(session, today)
    consenting = select(AdvisorConsent.id).where(
        AdvisorConsent.customer_id == UsageSummary.customer_id,
        AdvisorConsent.revoked_at.is_(None)).exists()
    listed = _searched(select(UsageSummary.customer_id)
                       .join(Customer, Customer.id == UsageSummary.customer_id)
                       .where(UsageSummary.through == last, consenting), search)
    total = session.scalar(select(func.count()).select_from(listed.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    kwh = UsageSummary.kwh
    columns = {
        "id": Customer.id, "nome": Customer.name, "codice": Customer.code, "kwh": kwh,
        "f1": case((kwh > 0, UsageSummary.f1_kwh * 1.0 / kwh), else_=0),
        "forniture": UsageSummary.supplies,
    }
    query = (listed.with_only_columns(
        Customer.id, Customer.code, Customer.name, UsageSummary.supplies, kwh,
        UsageSummary.f1_kwh, UsageSummary.kwh_year_before, UsageSummary.estimated_months)
        .order_by(*_order(sort, descending, columns))
        .limit(per_page).offset((page - 1) * per_page))
    rows = session.execute(query)
    return PortfolioPage([PortfolioRow(*(int(v) if i not in (1, 2) else v
                                         for i, v in enumerate(row))) for row in rows],
                         total, page, per_page, first, last)


# --- flags from the quarter-hour curves ---------------------------------------------------

@dataclass(frozen=True)
class CurveFlags:
    """What the latest days of a supply's curve say: peak power and night base load."""

    days: int
    peak_kw: Decimal
    night_base_w: int
    available_kw: Decimal

    @property
    def peak_above_available(self) -> bool:
        """Tell whether a quarter hour drew more than the available power."""
        return self.peak_kw > self.available_kw * PEAK_MARGIN

    @property
    def high_night_base(self) -> bool:
        """Tell whether the night's base load is high."""
        return self.night_base_w > NIGHT_BASE_W


def night_base_w(day: date, values: Sequence[int]) -> int | None:
    """Return the lowest mean power (W) of a quarter hour between midnight and 5, local time."""
    night = [wh for slot, wh in enumerate(values)
             if slot_start(day, slot).astimezone(ROME).hour < 5]
    return min(night) * 4 if night else None


def curve_flags(session: Session, contract: Contract) -> CurveFlags | None:
    """Read a supply's latest days of curve; None where it has no curve."""
    rows = session.execute(select(QuarterHourDay.day, QuarterHourDay.wh)
                           .where(QuarterHourDay.contract_id == contract.id)
                           .order_by(QuarterHourDay.day.desc()).limit(CURVE_DAYS)).all()
    if not rows:
        return None
    days = [(day, unpack(blob)) for day, blob in rows]
    peak_wh = max(max(values, default=0) for _day, values in days)
    nights = sorted(base for day, values in days
                    if (base := night_base_w(day, values)) is not None)
    night = nights[len(nights) // 2] if nights else 0   # the typical night, not the odd one
    return CurveFlags(len(days), Decimal(peak_wh * 4) / 1000, night,
                      contract.power_available_kw)


# --- the advisor's report -----------------------------------------------------------------

MAX_REPORT_CHARS = 8000


class AdvisorReport(Base):
    """One version of an advisor's recommendations to a member; every version is kept."""

    __tablename__ = "advisor_report"
    __table_args__ = (UniqueConstraint("customer_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("contract.id", ondelete="SET NULL"))
    version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    advisor_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL"))
    advisor_name: Mapped[str] = mapped_column(String(254))  # as it was when written
    created_at: Mapped[datetime]


def latest_report(session: Session, customer_id: int) -> AdvisorReport | None:
    """Return the newest version of the member's report, or None."""
    return session.scalar(select(AdvisorReport).where(AdvisorReport.customer_id == customer_id)
                          .order_by(AdvisorReport.version.desc()).limit(1))


def report_versions(session: Session, customer_id: int) -> list[AdvisorReport]:
    """Return every version of the member's report, newest first."""
    return list(session.scalars(select(AdvisorReport)
                                .where(AdvisorReport.customer_id == customer_id)
                                .order_by(AdvisorReport.version.desc())))


def save_report(session: Session, customer_id: int, contract_id: int | None, text: str,
                advisor_account_id: int, advisor_name: str, now: datetime) -> AdvisorReport:
    """Store a new version of the report; the earlier ones stay as they were."""
    version = (session.scalar(select(func.max(AdvisorReport.version))
                              .where(AdvisorReport.customer_id == customer_id)) or 0) + 1
    report = AdvisorReport(customer_id=customer_id, contract_id=contract_id, version=version,
                           text=text, advisor_account_id=advisor_account_id,
                           advisor_name=advisor_name, created_at=now)
    session.add(report)
    session.flush()
    return report
