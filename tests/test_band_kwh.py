"""The Bands value object: energy by ARERA band, the one place F1 + F2 + F3 is added up."""
from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.bands import Band, Bands

kwh = st.integers(-10**9, 10**9)
bands = st.builds(Bands, kwh, kwh, kwh)


def test_total_and_the_bioraria_off_peak_band():
    seed = Bands(212, 100, 235)   # the announcement's first invoice
    assert seed.total == 547
    assert seed.f23 == 335


def test_add_and_subtract_band_by_band():
    assert Bands(10, 20, 30) + Bands(1, 2, 3) == Bands(11, 22, 33)
    assert Bands(10, 20, 30) - Bands(1, 2, 3) == Bands(9, 18, 27)
    assert Bands(1, 2, 3) - Bands(10, 20, 30) == Bands(-9, -18, -27)   # a conguaglio can be < 0


def test_iteration_items_and_dict_follow_band_order():
    value = Bands(7, 8, 9)
    assert list(value) == [7, 8, 9]
    f1, f2, f3 = value
    assert (f1, f2, f3) == (7, 8, 9)
    assert list(value.items()) == [(Band.F1, 7), (Band.F2, 8), (Band.F3, 9)]
    assert value.as_dict() == {Band.F1: 7, Band.F2: 8, Band.F3: 9}
    assert all(isinstance(band, Band) for band in value.as_dict())


def test_from_mapping_reads_band_or_plain_keys_and_refuses_a_missing_band():
    assert Bands.from_mapping({"F1": 1, "F2": 2, "F3": 3}) == Bands(1, 2, 3)
    assert Bands.from_mapping({Band.F3: 3, Band.F1: 1, Band.F2: 2}) == Bands(1, 2, 3)
    assert Bands.from_mapping(Bands(4, 5, 6).as_dict()) == Bands(4, 5, 6)
    with pytest.raises(KeyError):
        Bands.from_mapping({"F1": 1, "F2": 2})


def test_scaled_and_map_change_units():
    assert Bands(1, 2, 3).scaled(1000) == Bands(1000, 2000, 3000)   # kWh to Wh
    as_decimal = Bands(1, 2, 3).map(D)
    assert as_decimal == Bands(D(1), D(2), D(3))
    assert all(isinstance(v, D) for v in as_decimal)
    assert Bands(1500, 2499, 999).map(lambda wh: wh // 1000) == Bands(1, 2, 0)


def test_decimal_kwh_add_up_exactly():
    value = Bands(D("0.1"), D("0.2"), D("0.3"))
    assert value.total == D("0.6")
    assert value + Bands(D("0.001"), D(0), D(0)) == Bands(D("0.101"), D("0.2"), D("0.3"))


def test_sum_of_adds_band_by_band_and_nothing_is_zero():
    months = [Bands(100, 50, 60), Bands(110, 40, 70), Bands(90, 60, 50)]
    assert Bands.sum_of(months) == Bands(300, 150, 180)
    assert Bands.sum_of(m for m in months) == Bands(300, 150, 180)   # any iterable, once
    assert Bands.sum_of([]) == Bands(0, 0, 0)


def test_adds_up_to_checks_the_consumption_against_its_bands():
    assert Bands(212, 100, 235).adds_up_to(547)
    assert not Bands(212, 100, 235).adds_up_to(548)
    assert Bands(D("1.5"), D(0), D("0.5")).adds_up_to(D(2))


def test_it_is_immutable_and_has_no_instance_dict():
    value = Bands(1, 2, 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.f1 = 5   # type: ignore[misc]
    assert not hasattr(value, "__dict__")
    assert hash(value) == hash(Bands(1, 2, 3))   # usable as a key, equal by value


@given(st.lists(bands, max_size=30))
def test_the_total_of_the_sums_is_the_sum_of_the_totals(parts):
    assert Bands.sum_of(parts).total == sum(part.total for part in parts)


@given(bands, bands)
def test_subtraction_undoes_addition(a, b):
    assert (a + b) - b == a
    assert (a + b).total == a.total + b.total
    assert (a - b).total == a.total - b.total


@given(bands)
def test_the_parts_always_add_up_to_the_total(value):
    assert value.adds_up_to(sum(value))
    assert value.total == value.f1 + value.f23
    assert Bands.from_mapping(value.as_dict()) == value
