"""The demo data: the seed's real invoices, and invariants every bill and reading must keep."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from models import (
    Account,
    Base,
    Contract,
    Customer,
    Invoice,
    InvoiceLine,
    MeterReading,
    MonthlyConsumption,
    Payment,
)
from models.billing import generation_for
from models.demo import SEED_INVOICES, check_letter, is_loaded, load_demo
from models.enums import (
    BillGeneration,
    ContractStatus,
    CostGroup,
    CostSide,
    CustomerType,
    PaymentMethod,
    ReadingType,
    Role,
)
from models.passwords import PasswordPolicy
from tests.conftest import fast_hash

# The invoice table of the cooperative's announcement, as printed there.
SEED_TABLE = """
1636	26/01/2023	15/03/2023	213,09	01/12/2022	547	212	100	235
6558	24/03/2023	15/05/2023	334,94	01/02/2023	1390	493	308	589
11606	30/05/2023	18/07/2023	261,41	01/04/2023	1087	389	202	496
16449	20/07/2023	15/09/2023	175,75	01/06/2023	803	359	173	271
21319	26/09/2023	06/11/2023	164,27	01/08/2023	747	331	178	238
26153	24/11/2023	27/12/2023	146,62	01/10/2023	681	285	153	243
"""
FIXED_TODAY = date(2026, 11, 28)
CENT = Decimal("0.01")


def parse_seed_table() -> list[tuple]:
    """Return the announcement's rows as (number, issue, due, total, reading, kWh, F1, F2, F3)."""
    def day(text: str) -> date:
        return datetime.strptime(text, "%d/%m/%Y").date()

    rows = []
    for line in SEED_TABLE.strip().splitlines():
        number, issue, due, total, reading, kwh, f1, f2, f3 = line.split("\t")
        rows.append((int(number), day(issue), day(due), Decimal(total.replace(",", ".")),
                     day(reading), int(kwh), int(f1), int(f2), int(f3)))
    return rows


def load_into_memory(today: date = FIXED_TODAY) -> Session:
    """Load the demo into a fresh in-memory SQLite database and return a session on it."""
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    session = Session(engine)
    load_demo(session, hash_password=fast_hash, today=today)
    session.commit()
    return session


@pytest.fixture(scope="module")
def fixed() -> Iterator[Session]:
    """Return a session on demo data loaded as of 28 November 2026."""
    session = load_into_memory()
    yield session
    session.close()


def main_home(session: Session) -> Contract:
    """Return Mario Rossi's home, the supply of the seed invoices."""
    return session.scalars(
        select(Contract).join(Customer)
        .where(Customer.code == "100234", Contract.customer_type == CustomerType.RESIDENT)
    ).one()


def invoices_of(session: Session, contract: Contract) -> list[Invoice]:
    """Return a supply's invoices in period order."""
    return list(session.scalars(select(Invoice).where(Invoice.contract_id == contract.id)
                                .order_by(Invoice.period_start)))


def all_invoices_by_contract(session: Session) -> dict[int, list[Invoice]]:
    """Return every invoice grouped by contract, in period order."""
    grouped = defaultdict(list)
    for invoice in session.scalars(select(Invoice).order_by(Invoice.period_start)):
        grouped[invoice.contract_id].append(invoice)
    return grouped


def count_rows(session: Session) -> dict[str, int]:
    """Count the rows of every table."""
    models = (Customer, Contract, Account, Invoice, InvoiceLine, MonthlyConsumption,
              MeterReading, Payment)
    return {m.__name__: session.scalar(select(func.count()).select_from(m)) for m in models}


# --- the seed ------------------------------------------------------------------------------

def test_the_seed_table_holds_kwh_as_the_sum_of_bands():
    for *_, kwh, f1, f2, f3 in parse_seed_table():
        assert kwh == f1 + f2 + f3


def test_seed_constant_matches_the_announcement():
    assert [(s.number, s.issue_date, s.due_date, s.total, s.reading_date, s.kwh,
             *s.bands) for s in SEED_INVOICES] == parse_seed_table()


def test_invoices_issued_in_2023_are_exactly_the_seed_rows(demo_session):
    home = main_home(demo_session)
    issued = demo_session.scalars(
        select(Invoice).where(Invoice.contract_id == home.id,
                              Invoice.issue_date.between(date(2023, 1, 1), date(2023, 12, 31)))
        .order_by(Invoice.issue_date)).all()
    assert [(i.number, i.issue_date, i.due_date, i.total, i.reading_date, i.kwh, i.f1_kwh,
             i.f2_kwh, i.f3_kwh) for i in issued] == parse_seed_table()
    for invoice in issued:
        assert isinstance(invoice.total, Decimal)
        assert invoice.fiscal_year == 2023
        assert invoice.period_end == invoice.reading_date - timedelta(days=1)
        assert invoice.generation is BillGeneration.BOLLETTA_2_0
        assert sum(line.amount for line in invoice.lines) == invoice.total


def test_seed_invoices_carry_oneri_only_from_april_2023(demo_session):
    home = main_home(demo_session)
    for invoice in invoices_of(demo_session, home):
        groups = {line.group for line in invoice.lines}
        if date(2021, 10, 1) <= invoice.period_start < date(2023, 4, 1):
            assert CostGroup.SYSTEM_CHARGES not in groups, invoice.number
        elif invoice.generation is BillGeneration.BOLLETTA_2_0:
            assert CostGroup.SYSTEM_CHARGES in groups, invoice.number
    by_number = {i.number: i for i in invoices_of(demo_session, home) if i.fiscal_year == 2023}
    for number in (1636, 6558, 11606):
        assert CostGroup.SYSTEM_CHARGES not in {line.group for line in by_number[number].lines}
    assert CostGroup.SYSTEM_CHARGES in {line.group for line in by_number[16449].lines}


def monthly_kwh(session: Session, contract_id: int) -> dict[date, int]:
    """Return a supply's consumption by month."""
    rows = session.scalars(select(MonthlyConsumption)
                           .where(MonthlyConsumption.contract_id == contract_id))
    return {row.month: row.f1_kwh + row.f2_kwh + row.f3_kwh for row in rows}


def test_seed_invoice_1636_claws_back_the_excise_exemption(demo_session):
    by_number = {i.number: i for i in invoices_of(demo_session, main_home(demo_session))
                 if i.fiscal_year == 2023}
    excise = [(line.description, int(line.quantity)) for line in by_number[1636].lines
              if line.description.startswith("Accisa")]
    assert excise == [("Accisa (193 kWh esenti)", 354)]


def test_every_resident_bill_applies_the_law_to_its_months(demo_session):
    """Each month's exemption follows art. 52: 150 kWh, clawed back above 220 (150 at 1,5 kW)."""
    checked = 0
    for contract_id, invoices in all_invoices_by_contract(demo_session).items():
        contract = demo_session.get(Contract, contract_id)
        if contract.customer_type is not CustomerType.RESIDENT or contract.power_committed_kw > 3:
            continue
        months = monthly_kwh(demo_session, contract_id)
        for invoice in invoices:
            used = [kwh for month, kwh in months.items()
                    if invoice.period_start <= month <= invoice.period_end]
            free = sum(max(0, min(kwh, 150) - max(0, kwh - (
                150 if contract.power_committed_kw <= Decimal("1.5") else 220))) for kwh in used)
            taxed = sum(int(line.quantity) for line in invoice.lines
                        if line.description.startswith("Accisa (") or line.description == "Accisa")
            assert taxed == sum(used) - free, invoice.number
            checked += 1
    assert checked > 20


# --- invariants of every bill --------------------------------------------------------------

def test_monthly_totals_add_up_to_every_invoice(demo_session):
    months = defaultdict(dict)
    for row in demo_session.scalars(select(MonthlyConsumption)):
        months[row.contract_id][row.month] = row
    invoices = demo_session.scalars(select(Invoice)).all()
    assert len(invoices) > 500
    for invoice in invoices:
        rows = [r for m, r in months[invoice.contract_id].items()
                if invoice.period_start <= m <= invoice.period_end]
        assert len(rows) in (1, 2)
        assert (sum(r.f1_kwh for r in rows), sum(r.f2_kwh for r in rows),
                sum(r.f3_kwh for r in rows)) == (invoice.f1_kwh, invoice.f2_kwh,
                                                 invoice.f3_kwh), invoice.number
        assert {r.reading_type for r in rows} == {invoice.reading_type}


def test_every_month_belongs_to_exactly_one_invoice(demo_session):
    grouped = all_invoices_by_contract(demo_session)
    for row in demo_session.scalars(select(MonthlyConsumption)):
        owners = [i for i in grouped[row.contract_id]
                  if i.period_start <= row.month <= i.period_end]
        assert len(owners) == 1


def test_cost_lines_add_up_to_every_total(demo_session):
    sums = dict(demo_session.execute(
        select(InvoiceLine.invoice_id, func.sum(InvoiceLine.amount))
        .group_by(InvoiceLine.invoice_id)).all())
    totals = dict(demo_session.execute(select(Invoice.id, Invoice.total)).all())
    assert sums.keys() == totals.keys()
    for invoice_id, total in totals.items():
        assert sums[invoice_id] == total


def test_every_line_is_quantity_times_price(demo_session):
    lines = demo_session.scalars(select(InvoiceLine)).all()
    assert len(lines) > 5000
    for line in lines:
        expected = (line.quantity * line.unit_price).quantize(CENT, rounding=ROUND_HALF_UP)
        assert line.amount == expected, line.description


def test_iva_is_on_everything_but_itself_the_canone_and_rounding(demo_session):
    for invoice in demo_session.scalars(select(Invoice).limit(200)):
        vat = [line for line in invoice.lines if line.description.startswith("IVA")]
        base = sum(line.amount for line in invoice.lines
                   if line.group not in (CostGroup.OTHER, CostGroup.TV_LICENCE)
                   and line not in vat)
        assert len(vat) == 1 and vat[0].quantity == base
        assert vat[0].unit_price == (Decimal("0.22")
                                     if invoice.contract.customer_type is CustomerType.OTHER
                                     else Decimal("0.10"))


def test_periods_follow_each_other_without_overlap(demo_session):
    for invoices in all_invoices_by_contract(demo_session).values():
        for before, after in pairwise(invoices):
            assert after.period_start == before.period_end + timedelta(days=1)
        for invoice in invoices:
            assert invoice.period_start <= invoice.period_end
            assert invoice.reading_date == invoice.period_end + timedelta(days=1)
            assert invoice.issue_date > invoice.period_end
            assert invoice.due_date > invoice.issue_date
            assert invoice.fiscal_year == invoice.issue_date.year


def test_meter_registers_advance_by_what_is_billed(demo_session):
    readings = defaultdict(dict)
    for r in demo_session.scalars(select(MeterReading)):
        readings[r.contract_id][r.read_on] = r
    for contract_id, invoices in all_invoices_by_contract(demo_session).items():
        for invoice in invoices:
            before = readings[contract_id][invoice.period_start]
            after = readings[contract_id][invoice.reading_date]
            assert after.reading_type is invoice.reading_type
            recalculated = sum(line.quantity for line in invoice.lines
                               if line.group is CostGroup.RECALCULATIONS
                               and line.side is CostSide.NETWORK)
            assert after.bands.total - before.bands.total == invoice.kwh + recalculated


def test_generations_by_issue_date(demo_session):
    invoices = demo_session.scalars(select(Invoice)).all()
    assert {i.generation for i in invoices} == set(BillGeneration)
    for invoice in invoices:
        assert invoice.generation is generation_for(invoice.issue_date)
        groups = {line.group for line in invoice.lines}
        if invoice.generation is BillGeneration.ARERA_2025:
            assert {CostGroup.CONSUMPTION_SHARE, CostGroup.FIXED_SHARE,
                    CostGroup.POWER_SHARE} <= groups
            assert not groups & {CostGroup.ENERGY, CostGroup.TRANSPORT}
        else:
            assert {CostGroup.ENERGY, CostGroup.TRANSPORT, CostGroup.TAXES} <= groups


def test_numbers_restart_each_year_and_follow_the_dates(demo_session):
    by_year = defaultdict(list)
    for invoice in demo_session.scalars(select(Invoice)):
        by_year[invoice.fiscal_year].append((invoice.issue_date, invoice.number))
    assert len(by_year) >= 4
    for year, issued in by_year.items():
        assert len({number for _, number in issued}) == len(issued)
        issued.sort()
        for (d1, n1), (d2, n2) in pairwise(issued):
            assert n1 < n2 or d1 == d2
        if year > 2021:  # the demo's first bills are issued in March 2021
            assert min(number for _, number in issued) < 3000


# --- estimates and adjustments -------------------------------------------------------------

def test_estimates_are_followed_by_an_adjustment(demo_session):
    estimated_then_adjusted = 0
    for invoices in all_invoices_by_contract(demo_session).values():
        for before, after in pairwise(invoices):
            if before.reading_type is ReadingType.ESTIMATED:
                assert after.is_adjustment
                assert after.reading_type is not ReadingType.ESTIMATED
                assert any(line.group is CostGroup.RECALCULATIONS for line in after.lines)
                estimated_then_adjusted += 1
            else:
                assert not after.is_adjustment
    assert estimated_then_adjusted >= 3


def test_the_main_home_has_an_estimate_and_conguaglio_outside_2023(demo_session):
    invoices = invoices_of(demo_session, main_home(demo_session))
    pairs = [(b, a) for b, a in pairwise(invoices)
             if b.reading_type is ReadingType.ESTIMATED]
    assert pairs
    for estimate, adjustment in pairs:
        assert estimate.issue_date.year != 2023 and adjustment.issue_date.year != 2023
        recalc = [line for line in adjustment.lines if line.group is CostGroup.RECALCULATIONS]
        span = f"{estimate.period_start:%d/%m/%Y}–{estimate.period_end:%d/%m/%Y}"
        assert all(span in line.description for line in recalc)
        # The estimates fall short: the conguaglio is more to pay.
        assert sum(line.amount for line in recalc) > 0


# --- customers, contracts, accounts --------------------------------------------------------

def test_customers_and_members(demo_session):
    customers = demo_session.scalars(select(Customer).order_by(Customer.code)).all()
    assert len(customers) >= 22
    codes = [c.code for c in customers]
    assert codes[:3] == ["100234", "100235", "100236"]
    members = [c for c in customers if c.member_since is not None]
    assert 5 < len(members) < len(customers)
    assert {c.billing_province for c in customers} == {"UD"}
    mario = customers[0]
    assert mario.name == "Mario Rossi" and mario.billing_city == "Paluzza"
    assert mario.billing_zip == "33026" and mario.member_since is not None
    assert re.fullmatch(r"RSSMRA\d\d[A-EHLMPRST]\d\d[A-Z]\d{3}[A-Z]", mario.tax_code)
    assert check_letter(mario.tax_code[:15]) == mario.tax_code[15]


def test_contract_mix(demo_session):
    contracts = demo_session.scalars(select(Contract)).all()
    for contract in contracts:
        assert re.fullmatch(r"IT\d{3}E\d{8,9}", contract.pod)
    assert {c.customer_type for c in contracts} == set(CustomerType)
    assert {c.supply_city for c in contracts} == {
        "Paluzza", "Cercivento", "Ravascletto", "Sutrio", "Treppo Ligosullo"}
    ceased = [c for c in contracts if c.status is ContractStatus.CEASED]
    assert ceased and all(c.end_date is not None for c in ceased)
    per_customer = defaultdict(int)
    for contract in contracts:
        per_customer[contract.customer_id] += 1
    assert sum(1 for n in per_customer.values() if n == 2) >= 3
    for contract in contracts:
        assert (contract.iban is not None) == (contract.payment_method is PaymentMethod.SEPA)


def test_mario_has_a_home_and_a_holiday_home(demo_session):
    mario = demo_session.scalars(select(Customer).where(Customer.code == "100234")).one()
    home, holiday = sorted(mario.contracts, key=lambda c: c.customer_type != CustomerType.RESIDENT)
    assert home.customer_type is CustomerType.RESIDENT and home.supply_city == "Paluzza"
    assert (home.power_committed_kw, home.power_available_kw) == (Decimal("3.000"),
                                                                 Decimal("3.300"))
    assert holiday.customer_type is CustomerType.NON_RESIDENT
    assert holiday.supply_city in ("Ravascletto", "Sutrio")


def test_ceased_contract_stops_billing(demo_session):
    ceased = demo_session.scalars(
        select(Contract).where(Contract.status == ContractStatus.CEASED)).all()
    for contract in ceased:
        invoices = invoices_of(demo_session, contract)
        assert invoices and invoices[-1].period_end == contract.end_date


def test_other_uses_pay_22_percent(demo_session):
    shop = demo_session.scalars(select(Contract).where(
        Contract.customer_type == CustomerType.OTHER)).first()
    invoice = invoices_of(demo_session, shop)[-1]
    vat = [line for line in invoice.lines if line.description.startswith("IVA")]
    assert vat[0].unit_price == Decimal("0.22")
    assert not [line for line in invoice.lines if line.description.startswith("Canone")]


def test_accounts_and_passwords(demo_session):
    policy = PasswordPolicy.fast_for_tests()
    expected = {
        "socio@example.com": ("Paluzza!2023", Role.MEMBER, "100234"),
        "vicino@example.com": ("Cercivento!2023", Role.MEMBER, "100235"),
        "assistenza@example.com": ("Assistenza!2023", Role.SUPPORT, None),
        "consulente@example.com": ("Consulente!2023", Role.ADVISOR, None),
        "admin@example.com": ("Amministra!2023", Role.ADMIN, None),
    }
    accounts = {a.email: a for a in demo_session.scalars(select(Account))}
    assert accounts.keys() == expected.keys()
    for email, (password, role, code) in expected.items():
        account = accounts[email]
        assert account.role is role
        assert (account.customer.code if account.customer else None) == code
        assert password not in account.password_hash
        assert account.password_hash.startswith("$argon2id$")
        assert policy.verify(account.password_hash, password)


def test_neighbour_has_one_supply_in_cercivento_with_history(demo_session):
    neighbour = demo_session.scalars(select(Customer).where(Customer.code == "100235")).one()
    (contract,) = neighbour.contracts
    assert contract.supply_city == "Cercivento" and contract.supply_zip == "33020"
    assert len(invoices_of(demo_session, contract)) > 20


# --- loading -------------------------------------------------------------------------------

def test_loading_twice_changes_nothing(demo_session):
    assert is_loaded(demo_session)
    before = count_rows(demo_session)
    load_demo(demo_session, hash_password=fast_hash)
    demo_session.flush()
    assert count_rows(demo_session) == before


def test_is_loaded_on_an_empty_database():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        assert not is_loaded(session)


def test_loading_is_deterministic(fixed):
    other = load_into_memory()
    query = (select(Invoice.fiscal_year, Invoice.number, Invoice.total, Invoice.f1_kwh,
                    Invoice.f2_kwh, Invoice.f3_kwh).order_by(Invoice.fiscal_year, Invoice.number))
    assert fixed.execute(query).all() == other.execute(query).all()
    lines = select(InvoiceLine.invoice_id, InvoiceLine.position, InvoiceLine.amount).order_by(
        InvoiceLine.invoice_id, InvoiceLine.position)
    assert fixed.execute(lines).all() == other.execute(lines).all()
    other.close()


# --- history as of a fixed day -------------------------------------------------------------

def test_last_bill_before_today(fixed):
    invoices = invoices_of(fixed, main_home(fixed))
    last = invoices[-1]
    assert (last.period_start, last.period_end) == (date(2026, 8, 1), date(2026, 9, 30))
    assert last.issue_date <= FIXED_TODAY < last.due_date
    assert invoices[0].period_start <= date(2021, 1, 1) <= invoices[0].period_end
    assert max(i.issue_date for i in fixed.scalars(select(Invoice))) <= FIXED_TODAY
    latest_month = fixed.scalar(select(func.max(MonthlyConsumption.month)).where(
        MonthlyConsumption.contract_id == main_home(fixed).id))
    assert latest_month == date(2026, 9, 1)


def test_payments(fixed):
    paid = defaultdict(list)
    for payment in fixed.scalars(select(Payment)):
        paid[payment.invoice_id].append(payment)
    home = invoices_of(fixed, main_home(fixed))
    assert home[-1].id not in paid                     # the latest: not yet due
    for invoice in home[:-1]:
        (payment,) = paid[invoice.id]
        assert (payment.channel, payment.paid_on, payment.amount) == (
            "SEPA", invoice.due_date, invoice.total)
    channels = {p.channel for payments in paid.values() for p in payments}
    assert {"SEPA", "PagoPA", "bollettino"} <= channels
    overdue_unpaid = [i for i in fixed.scalars(select(Invoice))
                      if i.due_date < FIXED_TODAY and i.id not in paid]
    assert len(overdue_unpaid) == 1                    # one customer owes a bill
    all_invoices = fixed.scalar(select(func.count()).select_from(Invoice))
    assert len(paid) > 0.9 * all_invoices


def yearly_kwh(session: Session, contract: Contract, year: int) -> int:
    """Return a supply's monthly consumption summed over a calendar year."""
    return session.scalar(select(func.sum(MonthlyConsumption.f1_kwh + MonthlyConsumption.f2_kwh
                                          + MonthlyConsumption.f3_kwh)).where(
        MonthlyConsumption.contract_id == contract.id,
        MonthlyConsumption.month.between(date(year, 1, 1), date(year, 12, 1))))


def test_consumption_looks_like_the_valley(fixed):
    home = main_home(fixed)
    holiday = fixed.scalars(select(Contract).join(Customer).where(
        Customer.code == "100234", Contract.customer_type == CustomerType.NON_RESIDENT)).one()
    for year in (2021, 2022, 2024, 2025):
        assert 4000 <= yearly_kwh(fixed, home, year) <= 6000
        assert 600 <= yearly_kwh(fixed, holiday, year) <= 900
    months = {r.month: r.f1_kwh + r.f2_kwh + r.f3_kwh for r in fixed.scalars(
        select(MonthlyConsumption).where(MonthlyConsumption.contract_id == holiday.id))}
    assert months[date(2024, 8, 1)] > 3 * months[date(2024, 4, 1)]
    home_months = {r.month: r.f1_kwh + r.f2_kwh + r.f3_kwh for r in fixed.scalars(
        select(MonthlyConsumption).where(MonthlyConsumption.contract_id == home.id))}
    assert home_months[date(2024, 1, 1)] > 1.5 * home_months[date(2024, 9, 1)]


def test_the_2022_price_spike(fixed):
    def average_f1_price(year: int) -> Decimal:
        prices = [line.unit_price for invoice in invoices_of(fixed, main_home(fixed))
                  if invoice.period_start.year == year
                  for line in invoice.lines if line.description == "Energia fascia F1"]
        return sum(prices) / len(prices)

    assert average_f1_price(2022) > 2 * average_f1_price(2024)
    assert average_f1_price(2022) > 2 * average_f1_price(2021)


def test_the_canone_is_charged_by_month_of_charge_each_instalment_once(demo_session):
    home = main_home(demo_session)
    invoices = invoices_of(demo_session, home)
    per_year: dict[int, Decimal] = defaultdict(Decimal)
    for previous, invoice in pairwise(invoices):
        # Instalments fall due on the 1st of January to October; a bill charges those fallen
        # due since the previous bill's due date and before its own.
        due = [date(year, month, 1) for year in range(2021, 2027) for month in range(1, 11)
               if previous.due_date <= date(year, month, 1) < invoice.due_date]
        canone = [line for line in invoice.lines if line.group is CostGroup.TV_LICENCE]
        assert sum(line.quantity for line in canone) == len(due), invoice.number
        for line in canone:
            per_year[int(re.search(r"Canone TV (\d{4})", line.description).group(1))] += (
                line.quantity)
    for year in (2022, 2023, 2024, 2025):
        assert per_year[year] == 10, year


def test_seed_bills_name_the_instalments_they_charge(demo_session):
    home = main_home(demo_session)
    charged = {invoice.number: [line.description for line in invoice.lines
                                if line.group is CostGroup.TV_LICENCE]
               for invoice in invoices_of(demo_session, home)
               if invoice.issue_date.year == 2023}
    # Due 15/03, 15/05, 18/07, 15/09, 06/11 and 27/12/2023: the instalments due before each.
    assert charged[1636] == ["Canone TV 2023: rate di febbraio e marzo"]
    assert charged[6558] == ["Canone TV 2023: rate di aprile e maggio"]
    assert charged[11606] == ["Canone TV 2023: rate di giugno e luglio"]
    assert charged[16449] == ["Canone TV 2023: rate di agosto e settembre"]
    assert charged[21319] == ["Canone TV 2023: rata di ottobre"]
    assert charged[26153] == []
