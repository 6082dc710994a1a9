"""Brute force and enumeration, simulated against the real login route and database."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from dashboard.auth import throttle
from models import Account, LoginFailure, db
from models.entities import utcnow
from models.enums import Role
from tests.helpers import form_token

PASSWORD = "Montagna!Carnia7"


class CountingPolicy:
    """Wrap the password policy to count hash verifications (the Django way: work, not time)."""

    def __init__(self, inner):
        self.inner = inner
        self.verifications = 0

    def verify(self, stored_hash: str, password: str) -> bool:
        self.verifications += 1
        return self.inner.verify(stored_hash, password)

    def hash(self, password: str) -> str:
        return self.inner.hash(password)

    def needs_rehash(self, stored_hash: str) -> bool:
        return self.inner.needs_rehash(stored_hash)


@pytest.fixture()
def victim(app, spare):
    """Give the lent customer an active login with a known password."""
    with app.app_context():
        account = Account(email=f"bersaglio.{spare['code']}@example.com", role=Role.MEMBER,
                          customer_id=spare["id"],
                          password_hash=app.config["PASSWORD_POLICY"].hash(PASSWORD))
        db.session.add(account)
        db.session.commit()
        return {"email": account.email, "code": spare["code"], "id": account.id}


@pytest.fixture()
def counting(app, monkeypatch):
    """Count the hash verifications the app does."""
    policy = CountingPolicy(app.config["PASSWORD_POLICY"])
    monkeypatch.setitem(app.config, "PASSWORD_POLICY", policy)
    return policy


def attempt(app, login_name: str, password: str, ip: str):
    """Submit the login form from a given client address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    token = form_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"login": login_name, "password": password,
                                       "csrf_token": token})


def age_failures(app, minutes: int) -> None:
    """Let time pass for the recorded failures."""
    with app.app_context():
        for failure in db.session.scalars(select(LoginFailure)):
            failure.at -= timedelta(minutes=minutes)
        db.session.commit()


def test_unknown_user_and_wrong_password_cost_one_hash_each(app, victim, counting):
    for login_name in (victim["email"], "nessuno@example.com", "000000"):
        before = counting.verifications
        response = attempt(app, login_name, "Sbagliata!1", "198.51.100.1")
        assert response.status_code == 401
        assert counting.verifications - before == 1


def test_guessing_one_account_is_slowed_down_and_the_member_gets_back_in(app, victim, counting):
    statuses = [attempt(app, victim["email"], f"Tentativo!{n}", "198.51.100.2").status_code
                for n in range(30)]
    checked = counting.verifications
    assert statuses[:throttle.FREE_FAILURES] == [401] * throttle.FREE_FAILURES
    assert set(statuses[throttle.FREE_FAILURES:]) == {429}
    assert checked == throttle.FREE_FAILURES  # throttled guesses never reach the hasher
    # Same account through its customer code, from another address: still throttled.
    blocked = attempt(app, victim["code"], PASSWORD, "203.0.113.9")
    assert blocked.status_code == 429 and "Riprova tra" in blocked.get_data(as_text=True)
    age_failures(app, 16)  # no permanent lockout: the window slides
    assert attempt(app, victim["code"], PASSWORD, "203.0.113.9").status_code == 302


def test_delays_grow_and_stay_capped():
    delays = [throttle._delay(n, throttle.FREE_FAILURES) for n in range(4, 14)]
    assert delays[0] == timedelta(0)
    assert delays[1:5] == [timedelta(seconds=30), timedelta(seconds=60),
                           timedelta(seconds=120), timedelta(seconds=240)]
    assert max(delays) == throttle.MAX_DELAY


def test_hundred_failures_an_hour_is_the_ceiling(app, victim):
    with app.app_context():
        subject = throttle.subject_for(victim["id"], victim["email"])
        start = utcnow() - timedelta(minutes=59)
        for n in range(throttle.MAX_PER_HOUR):
            db.session.add(LoginFailure(subject=subject, ip=f"192.0.2.{n % 250}",
                                        at=start + timedelta(seconds=n * 25)))
        db.session.commit()
        verdict = throttle.check(subject, "192.0.2.251", now=start + timedelta(minutes=58))
        assert not verdict.allowed
        assert timedelta(0) < verdict.wait <= timedelta(minutes=2)


def test_password_spraying_from_one_address_is_slowed(app, counting):
    statuses = [attempt(app, f"utente{n}@example.com", "Estate!2023", "198.51.100.3").status_code
                for n in range(30)]
    assert statuses[:throttle.FREE_FAILURES_PER_IP] == [401] * throttle.FREE_FAILURES_PER_IP
    assert set(statuses[throttle.FREE_FAILURES_PER_IP:]) == {429}
    assert counting.verifications == throttle.FREE_FAILURES_PER_IP
    with app.app_context():
        db.session.query(LoginFailure).delete()
        db.session.commit()


def test_unknown_and_known_accounts_are_throttled_alike(app, victim):
    known = [attempt(app, victim["email"], "No!1aaaaa", "198.51.100.4").status_code
             for _ in range(8)]
    unknown = [attempt(app, "fantasma@example.com", "No!1aaaaa", "198.51.100.5").status_code
               for _ in range(8)]
    assert known == unknown
