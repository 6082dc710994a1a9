"""The advisor's list in SQL: only consenting members, searched, sorted, paged, with flags."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal as D

from sqlalchemy import func, select

from models import Contract, Customer, MonthlyConsumption
from models.advice import (
    CURVE_DAYS,
    PortfolioRow,
    UsageSummary,
    forget_usage,
    give_consent,
    months_before,
    portfolio,
    refresh_usage,
    revoke_consent,
    year_ending_before,
)
from models.curves import QuarterHourDay, pack
from models.enums import ContractStatus, ReadingType

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


def listed(session, *args):
    """Sum the years still missing, then read one page of the list, as the page does."""
    refresh_usage(session, TODAY)
    return portfolio(session, *args)


def all_codes(session) -> list[str]:
    """Return every demo customer's code."""
    return list(session.scalars(select(Customer.code).order_by(Customer.code)))


def test_only_consenting_members_are_listed(demo_session):
    assert listed(demo_session, TODAY, "", "nome", False, 1, 25).total == 0
    ids = consent_all(demo_session, ["100234", "100235"])
    found = listed(demo_session, TODAY, "", "nome", False, 1, 25)
    assert {r.code for r in found.rows} == {"100234", "100235"}
    revoke_consent(demo_session, ids["100235"], NOW)
    assert [r.code for r in listed(demo_session, TODAY, "", "nome", False, 1, 25).rows] == [
        "100234"]


def test_the_figures_are_the_monthly_totals_summed(demo_session):
    ids = consent_all(demo_session, ["100234"])
    found = listed(demo_session, TODAY, "", "nome", False, 1, 25)
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
    first = listed(demo_session, TODAY, "", "codice", False, 1, 5)
    assert first.total == len(codes) and first.pages == -(-len(codes) // 5)
    seen = [r.code for p in range(1, first.pages + 1)
            for r in listed(demo_session, TODAY, "", "codice", False, p, 5).rows]
    assert seen == codes
    by_kwh = [r.kwh for r in listed(demo_session, TODAY, "", "kwh", True, 1, 100).rows]
    assert by_kwh == sorted(by_kwh, reverse=True)
    beyond = listed(demo_session, TODAY, "", "nome", False, 999, 5)
    assert beyond.page == first.pages and beyond.rows
    assert [r.code for r in listed(demo_session, TODAY, "Rossi", "nome", False, 1, 25)
            .rows] == ["100234"]
    assert [r.code for r in listed(demo_session, TODAY, "100234", "nome", False, 1, 25)
            .rows] == ["100234"]
    # LIKE wildcards typed in the search box are letters, not patterns.
    assert listed(demo_session, TODAY, "%", "nome", False, 1, 25).total == 0
    assert listed(demo_session, TODAY, "_", "nome", False, 1, 25).total == 0


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


def test_the_sums_are_kept_until_the_months_change(demo_session):
    ids = consent_all(demo_session, ["100234", "100235"])
    assert refresh_usage(demo_session, TODAY) == 2
    assert refresh_usage(demo_session, TODAY) == 0      # kept: the next page reads them
    before = listed(demo_session, TODAY, "", "kwh", True, 1, 25)
    mario = next(r for r in before.rows if r.code == "100234")
    month = demo_session.scalars(select(MonthlyConsumption).join(Contract).where(
        Contract.customer_id == ids["100234"], MonthlyConsumption.month == before.last)).first()
    month.f1_kwh += 1000
    demo_session.flush()
    # A change the list was not told about is not seen: forgetting is the writers' duty.
    assert portfolio(demo_session, TODAY, "", "kwh", True, 1, 25).rows == before.rows
    forget_usage(demo_session)
    assert refresh_usage(demo_session, TODAY) == 2
    after = next(r for r in portfolio(demo_session, TODAY, "", "kwh", True, 1, 25).rows
                 if r.code == "100234")
    assert (after.kwh, after.f1_kwh) == (mario.kwh + 1000, mario.f1_kwh + 1000)


def test_a_new_month_of_data_sums_every_year_again(demo_session):
    consent_all(demo_session, ["100234", "100235"])
    first = listed(demo_session, TODAY, "", "nome", False, 1, 25)
    latest = demo_session.scalar(select(func.max(MonthlyConsumption.month)))
    later = date(latest.year + (latest.month == 12), latest.month % 12 + 1, 1)
    contract = demo_session.scalars(select(Contract).join(Customer).where(
        Customer.code == "100235")).first()
    demo_session.add(MonthlyConsumption(contract_id=contract.id, month=later, f1_kwh=50,
                                        f2_kwh=40, f3_kwh=30,
                                        reading_type=ReadingType.ACTUAL))
    demo_session.flush()
    moved = listed(demo_session, later + timedelta(days=40), "", "nome", False, 1, 25)
    assert (moved.first, moved.last) == year_ending_before(later) != (first.first, first.last)
    assert set(demo_session.scalars(select(UsageSummary.through))) == {moved.last}


def test_revoking_drops_the_members_sums(demo_session):
    ids = consent_all(demo_session, ["100234"])
    refresh_usage(demo_session, TODAY)
    revoke_consent(demo_session, ids["100234"], NOW)
    assert demo_session.get(UsageSummary, ids["100234"]) is None


def test_an_import_of_months_makes_the_list_sum_again(demo_session, tmp_path):
    import shutil
    from pathlib import Path

    from models.importing import import_folder

    consent_all(demo_session, ["100234"])
    refresh_usage(demo_session, TODAY)
    folder = tmp_path / "export"
    shutil.copytree(Path(__file__).resolve().parent.parent / "docs" / "import-example", folder)
    report = import_folder(demo_session, folder)
    assert report.ok, report.problems
    assert demo_session.scalar(select(UsageSummary.customer_id)) is None
