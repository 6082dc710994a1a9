"""The advisor's list in SQL: only consenting members, searched, sorted, paged, with flags."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal as D

from sqlalchemy import select

from models import Contract, Customer, MonthlyConsumption
from models.advice import (
    CURVE_DAYS,
    PortfolioRow,
    give_consent,
    months_before,
    portfolio,
    revoke_consent,
    year_ending_before,
)
from models.curves import QuarterHourDay, pack
from models.enums import ContractStatus

NOW = datetime(2026, 12, 3, 9, 0)
TODAY = NOW.date()


def consent_all(session, codes: list[str]) -> dict[str, int]:
    """Give consent for some demo customers; return their ids by code."""
    ids = dict(session.execute(select(Customer.code, Customer.id)
                               .where(Customer.code.in_(codes))).all())
    for customer_id in ids.values():
        give_consent(session, customer_id, NOW)
    session.flush()
    return ids


def all_codes(session) -> list[str]:
    """Return every demo customer's code."""
    return list(session.scalars(select(Customer.code).order_by(Customer.code)))


def test_only_consenting_members_are_listed(demo_session):
    assert portfolio(demo_session, TODAY, "", "nome", False, 1, 25).total == 0
    ids = consent_all(demo_session, ["100234", "100235"])
    found = portfolio(demo_session, TODAY, "", "nome", False, 1, 25)
    assert {r.code for r in found.rows} == {"100234", "100235"}
    revoke_consent(demo_session, ids["100235"], NOW)
    assert [r.code for r in portfolio(demo_session, TODAY, "", "nome", False, 1, 25).rows] == [
        "100234"]


def test_the_figures_are_the_monthly_totals_summed(demo_session):
    ids = consent_all(demo_session, ["100234"])
    found = portfolio(demo_session, TODAY, "", "nome", False, 1, 25)
    row = found.rows[0]
    contracts = select(Contract.id).where(Contract.customer_id == ids["100234"])
    months = list(demo_session.scalars(select(MonthlyConsumption).where(
        MonthlyConsumption.contract_id.in_(contracts),
        MonthlyConsumption.month >= found.first, MonthlyConsumption.month <= found.last)))
    assert row.kwh == sum(m.f1_kwh + m.f2_kwh + m.f3_kwh for m in months) > 0
    assert row.f1_kwh == sum(m.f1_kwh for m in months)
    assert (found.last - found.first).days > 300
    active = demo_session.scalars(select(Contract).where(
        Contract.customer_id == ids["100234"], Contract.status == ContractStatus.ACTIVE)).all()
    assert row.supplies == len(active) >= 1


def test_search_sort_and_pages_happen_in_the_query(demo_session):
    codes = all_codes(demo_session)
    consent_all(demo_session, codes)
    first = portfolio(demo_session, TODAY, "", "codice", False, 1, 5)
    assert first.total == len(codes) and first.pages == -(-len(codes) // 5)
    seen = [r.code for p in range(1, first.pages + 1)
            for r in portfolio(demo_session, TODAY, "", "codice", False, p, 5).rows]
    assert seen == codes
    by_kwh = [r.kwh for r in portfolio(demo_session, TODAY, "", "kwh", True, 1, 100).rows]
    assert by_kwh == sorted(by_kwh, reverse=True)
    beyond = portfolio(demo_session, TODAY, "", "nome", False, 999, 5)
    assert beyond.page == first.pages and beyond.rows
    assert [r.code for r in portfolio(demo_session, TODAY, "Rossi", "nome", False, 1, 25)
            .rows] == ["100234"]
    assert [r.code for r in portfolio(demo_session, TODAY, "100234", "nome", False, 1, 25)
            .rows] == ["100234"]
    # LIKE wildcards typed in the search box are letters, not patterns.
    assert portfolio(demo_session, TODAY, "%", "nome", False, 1, 25).total == 0
    assert portfolio(demo_session, TODAY, "_", "nome", False, 1, 25).total == 0


def test_flags_from_the_year(demo_session):
    row = PortfolioRow(1, "1", "A", 1, 1000, 500, 700, 1)
    assert row.high_f1 and row.year_jump
    calm = PortfolioRow(1, "1", "A", 1, 1000, 300, 900, 0)
    assert not calm.high_f1 and not calm.year_jump and calm.f1_share == D("0.3")
    assert PortfolioRow(1, "1", "A", 0, 0, 0, 0, 0).f1_share is None


def test_curve_flags_see_peaks_and_night_load(demo_session):
    from models.advice import curve_flags

    contract = demo_session.scalars(select(Contract).join(Customer).where(
        Customer.code == "100234").order_by(Contract.id)).first()
    values = [200] * 96        # 800 W all night long
    values[60] = 2_000         # 8 kW in one quarter hour
    for offset in range(CURVE_DAYS):   # after any demo curve: these are the latest days read
        day = date(2030, 1, 1) + timedelta(days=offset)
        demo_session.add(QuarterHourDay(contract_id=contract.id, day=day, wh=pack(values)))
    demo_session.flush()
    flags = curve_flags(demo_session, contract)
    assert flags is not None and flags.peak_kw == D(8)
    assert flags.peak_above_available and flags.high_night_base


def test_the_year_ends_where_every_billing_phase_is_complete():
    assert year_ending_before(date(2026, 9, 1)) == (date(2025, 9, 1), date(2026, 8, 1))
    assert months_before(date(2026, 1, 1), 1) == date(2025, 12, 1)
