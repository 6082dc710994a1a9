"""«Codice per l'assistenza»: random short codes, one live per member, 30 minutes, throttled."""
from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from models import Account, Customer
from models import assistance as codes

NOW = datetime(2026, 12, 3, 9, 0)


def customer_id(session, code: str) -> int:
    """Return the id of a demo customer by code."""
    return session.scalar(select(Customer.id).where(Customer.code == code))


def staff_id(session) -> int:
    """Return the id of the demo support account."""
    return session.scalar(select(Account.id).where(Account.email == "assistenza@example.com"))


def test_a_code_is_six_characters_without_look_alikes(demo_session):
    code = codes.issue(demo_session, customer_id(demo_session, "100234"), NOW)
    assert len(code) == 6
    assert set(code) <= set(codes.ALPHABET)
    assert not set("0O1IL2Z5S8B6GUVQ") & set(codes.ALPHABET)


def test_staff_land_where_the_member_is(demo_session):
    mario = customer_id(demo_session, "100234")
    code = codes.issue(demo_session, mario, NOW, "/consumi", "?contratto=1&anno=2023")
    codes.note_location(demo_session, mario, NOW + timedelta(minutes=2), "/contabilita",
                        "?contratto=2&ordine=importo")
    found = codes.redeem(demo_session, staff_id(demo_session), code.lower(), NOW)
    assert found == codes.Redeemed(mario, codes.Location("/contabilita",
                                                         "?contratto=2&ordine=importo"), False)
    assert found.location.url == "/contabilita?contratto=2&ordine=importo"


def test_one_live_code_per_member(demo_session):
    mario = customer_id(demo_session, "100234")
    first = codes.issue(demo_session, mario, NOW)
    second = codes.issue(demo_session, mario, NOW + timedelta(minutes=1))
    staff = staff_id(demo_session)
    if first != second:
        assert codes.redeem(demo_session, staff, first, NOW) is None
    assert codes.redeem(demo_session, staff, second, NOW).customer_id == mario


def test_codes_expire_after_30_minutes(demo_session):
    mario = customer_id(demo_session, "100234")
    code = codes.issue(demo_session, mario, NOW)
    staff = staff_id(demo_session)
    assert codes.redeem(demo_session, staff, code, NOW + timedelta(minutes=29)) is not None
    assert codes.redeem(demo_session, staff, code, NOW + timedelta(minutes=30)) is None


def test_codes_are_random_not_derived_from_the_member(demo_session):
    mario = customer_id(demo_session, "100234")
    seen = {codes.issue(demo_session, mario, NOW) for _ in range(30)}
    assert len(seen) >= 29  # 20^6 possibilities: a repeat in 30 draws is a one-in-100,000 event


def test_wrong_codes_slow_down_the_staff_account_that_types_them(demo_session):
    staff = staff_id(demo_session)
    code = codes.issue(demo_session, customer_id(demo_session, "100234"), NOW)
    for attempt in range(codes.FREE_WRONG_CODES):
        assert codes.staff_wait(demo_session, staff, NOW) == timedelta(0), attempt
        assert codes.redeem(demo_session, staff, "AAAAAA", NOW) is None
    assert codes.staff_wait(demo_session, staff, NOW) > timedelta(0)
    later = NOW + codes.WRONG_CODE_WINDOW + timedelta(seconds=1)
    assert codes.staff_wait(demo_session, staff, later) == timedelta(0)
    assert codes.redeem(demo_session, staff, code, NOW + timedelta(minutes=1)) is not None


def test_following_lasts_until_closed_or_30_minutes(demo_session):
    mario = customer_id(demo_session, "100234")
    codes.issue(demo_session, mario, NOW, "/contratto")
    assert codes.followed_location(demo_session, mario, NOW) is None
    assert codes.set_following(demo_session, mario, NOW, True)
    codes.note_location(demo_session, mario, NOW, "/invio", "?contratto=1")
    assert codes.followed_location(demo_session, mario, NOW).url == "/invio?contratto=1"
    assert codes.followed_location(demo_session, mario, NOW + timedelta(minutes=31)) is None
    codes.set_following(demo_session, mario, NOW, False)
    assert codes.followed_location(demo_session, mario, NOW) is None
    codes.set_following(demo_session, mario, NOW, True)
    codes.end(demo_session, mario)
    assert codes.followed_location(demo_session, mario, NOW) is None


def test_a_location_from_the_client_stays_a_local_path(demo_session):
    mario = customer_id(demo_session, "100234")
    code = codes.issue(demo_session, mario, NOW, "https://evil.example/x", "nope")
    found = codes.redeem(demo_session, staff_id(demo_session), code, NOW)
    assert found.location == codes.Location("/", "")
    codes.note_location(demo_session, mario, NOW, "//evil.example", "?" + "x" * 600)
    assert codes.redeem(demo_session, staff_id(demo_session), code, NOW).location.url == "/"


@given(st.one_of(st.none(), st.integers(), st.text(max_size=60), st.lists(st.text())))
def test_any_typed_value_is_read_safely(raw):
    code = codes.normalise(raw)
    assert code is None or (len(code) == 6 and set(code) <= set(codes.ALPHABET))
