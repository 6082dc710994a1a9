"""Energy advice data: consent, the tariff what-if arithmetic, anonymous similar homes."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select

from models import Contract, Customer
from models.advice import (
    MIN_PEERS,
    Prices,
    consent_since,
    energy_cost,
    give_consent,
    revoke_consent,
    shift_from_f1,
    similar_homes,
    year_use,
)
from models.bands import Bands
from models.enums import TariffStructure

MONO, BI, MULTI = TariffStructure.MONO, TariffStructure.BI, TariffStructure.MULTI
PRICES = Prices(D("0.20"), D("0.22"), D("0.19"), D("0.23"), D("0.20"), D("0.18"))
NOW = datetime(2026, 12, 3, 9, 0)
LAST_YEAR = (date(2025, 1, 1), date(2025, 12, 1))  # a full year every demo supply has

kwh = st.decimals(min_value=0, max_value=20_000, places=0)
price = st.decimals(min_value=0, max_value=1, places=6)
share = st.decimals(min_value=0, max_value=1, places=2)


def customer_id(session, code: str) -> int:
    """Return a demo customer's id."""
    return session.scalar(select(Customer.id).where(Customer.code == code))


def test_consent_is_given_once_and_revoked_at_once(demo_session):
    mario = customer_id(demo_session, "100234")
    assert consent_since(demo_session, mario) is None
    assert give_consent(demo_session, mario, NOW)
    assert not give_consent(demo_session, mario, NOW + timedelta(minutes=1))
    assert consent_since(demo_session, mario) == NOW
    assert revoke_consent(demo_session, mario, NOW + timedelta(hours=1))
    assert consent_since(demo_session, mario) is None
    assert not revoke_consent(demo_session, mario, NOW + timedelta(hours=2))
    later = NOW + timedelta(days=1)
    assert give_consent(demo_session, mario, later)
    assert consent_since(demo_session, mario) == later
    assert consent_since(demo_session, customer_id(demo_session, "100235")) is None


def test_the_three_structures_priced_by_hand():
    use = Bands(D(1000), D(500), D(1500))
    assert energy_cost(use, PRICES) == {
        MONO: D("600.00"), BI: D("600.00"), MULTI: D("600.00")}
    evening = Bands(D(500), D(1000), D(1500))
    assert energy_cost(evening, PRICES) == {
        MONO: D("600.00"), BI: D("585.00"), MULTI: D("585.00")}


def test_shifting_keeps_the_kwh_and_follows_the_current_split():
    use = Bands(D(1000), D(500), D(1500))
    shifted = shift_from_f1(use, D("0.2"))
    assert shifted == Bands(D(800), D(550), D(1650))
    assert shift_from_f1(Bands(D(100), D(0), D(0)), D(1)) == Bands(D(0), D(50), D(50))
    with pytest.raises(ValueError):
        shift_from_f1(use, D("1.5"))


@given(kwh, kwh, kwh, share)
@example(D(997), D(119), D(53), D("0.10"))   # the division's last digit once made 1169.0…01
def test_shifting_never_changes_the_total_nor_the_monoraria(f1, f2, f3, moved):
    use = Bands(f1, f2, f3)
    shifted = shift_from_f1(use, moved)
    assert shifted.total == use.total
    assert min(shifted.f1, shifted.f2, shifted.f3) >= 0
    assert energy_cost(shifted, PRICES)[MONO] == energy_cost(use, PRICES)[MONO]


@given(kwh, kwh, kwh, share)
def test_with_f1_dearest_moving_load_off_peak_never_costs_more(f1, f2, f3, moved):
    use = Bands(f1, f2, f3)
    before, after = energy_cost(use, PRICES), energy_cost(shift_from_f1(use, moved), PRICES)
    assert after[BI] <= before[BI] and after[MULTI] <= before[MULTI]


@given(kwh, kwh, kwh, price, price, price)
def test_cost_is_linear_in_consumption(f1, f2, f3, p1, p2, p3):
    prices = Prices(p1, p1, p2, p1, p2, p3)
    use, double = Bands(f1, f2, f3), Bands(f1, f2, f3).scaled(D(2))
    for structure, cost in energy_cost(use, prices).items():
        assert abs(energy_cost(double, prices)[structure] - 2 * cost) <= D("0.01")


def test_prices_from_a_form_refuse_nonsense():
    values = {"mono": "0,2", "bi_f1": "0.22", "bi_f23": "0.19", "multi_f1": "0.23",
              "multi_f2": "0.2", "multi_f3": "0.18"}
    assert Prices.from_mapping(values) == PRICES
    for bad in ("-1", "NaN", "Infinity", "12", "abc"):
        with pytest.raises((ValueError, ArithmeticError)):
            Prices.from_mapping({**values, "mono": bad})


def test_similar_homes_are_anonymous_quartiles_of_a_big_enough_group(demo_session):
    home = demo_session.scalars(select(Contract).join(Customer)
                                .where(Customer.code == "100234")
                                .order_by(Contract.start_date)).first()
    peers = similar_homes(demo_session, home, *LAST_YEAR)
    assert peers is not None and peers.size >= MIN_PEERS
    assert peers.kwh.q1 <= peers.kwh.median <= peers.kwh.q3
    assert 0 < peers.f1_share.q1 <= peers.f1_share.median <= peers.f1_share.q3 < 1
    own = year_use(demo_session, [home.id], *LAST_YEAR)[home.id]
    assert own.total > 0


def test_no_comparison_for_a_group_under_ten(demo_session):
    shop = demo_session.scalars(select(Contract).where(
        Contract.power_committed_kw == D("15"))).first()
    assert similar_homes(demo_session, shop, *LAST_YEAR) is None
