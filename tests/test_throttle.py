"""Brute force and enumeration, simulated against the real login route and database."""
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from dashboard.auth import throttle
from models import Account, LoginFailure, db
from models.entities import utcnow
from models.enums import Role
from tests.helpers import csrf_header, form_token

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


def attempt(app, login_name: str, password: str, ip: str, client=None):
    """Submit the login form from a given client address (a fresh browser unless given)."""
    client = client or app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    token = form_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"login": login_name, "password": password,
                                       "csrf_token": token})


def trusted_browser(app, victim):
    """Return a browser that logged in to the account once and logged out again."""
    browser = app.test_client()
    assert attempt(app, victim["email"], PASSWORD, "192.0.2.200", browser).status_code == 302
    logout(browser)
    return browser


def logout(client) -> None:
    """Log out as the page's button does, with the CSRF cookie as header."""
    client.get("/")
    client.post("/logout", headers=csrf_header(client))


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


def test_guessing_one_account_is_slowed_down_and_the_guesser_gets_back_later(app, victim,
                                                                             counting):
    statuses = [attempt(app, victim["email"], f"Tentativo!{n}", "198.51.100.2").status_code
                for n in range(30)]
    assert statuses[:throttle.FREE_FAILURES] == [401] * throttle.FREE_FAILURES
    assert set(statuses[throttle.FREE_FAILURES:]) == {429}
    assert counting.verifications == throttle.FREE_FAILURES  # throttled: never hashed
    age_failures(app, 16)  # no permanent lockout: the window slides
    assert attempt(app, victim["code"], PASSWORD, "198.51.100.2").status_code == 302


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
        verdict = throttle.check_login(subject, "192.0.2.251",
                                       now=start + timedelta(minutes=58))
        assert not verdict.allowed
        assert timedelta(0) < verdict.wait <= timedelta(minutes=2)
        trusted = throttle.check_login(subject, "192.0.2.251", device="un-dispositivo",
                                       now=start + timedelta(minutes=58))
        assert trusted.allowed  # the ceiling binds untrusted clients only


def test_password_spraying_from_one_address_is_slowed(app, counting):
    statuses = [attempt(app, f"utente{n}@example.com", "Estate!2023", "198.51.100.3").status_code
                for n in range(throttle.FREE_FAILURES_PER_IP + 10)]
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


# --- Strangers cannot turn the throttle against the member ---------------------------------

def test_guesses_from_one_address_do_not_keep_the_member_out(app, victim, counting):
    guesses = [attempt(app, victim["code"], f"Tentativo!{n}", "203.0.113.10").status_code
               for n in range(10)]
    assert guesses == [401] * throttle.FREE_FAILURES + [429] * (10 - throttle.FREE_FAILURES)
    # The member, from home, with no device cookie: in at once.
    assert attempt(app, victim["email"], PASSWORD, "198.51.100.20").status_code == 302
    # The guesser is still slowed down, even with the right password.
    refused = attempt(app, victim["code"], PASSWORD, "203.0.113.10")
    assert refused.status_code == 429
    assert "Riprova tra" in refused.get_data(as_text=True)
    assert counting.verifications == throttle.FREE_FAILURES + 1  # refusals never hashed


def test_many_addresses_cannot_keep_out_the_members_trusted_browser(app, victim, counting):
    browser = trusted_browser(app, victim)
    before = counting.verifications
    statuses = [attempt(app, victim["code"], f"Tentativo!{n}", f"203.0.113.{n % 75}").status_code
                for n in range(150)]  # 150 guesses from 75 addresses within the hour
    assert statuses.count(401) == throttle.MAX_PER_HOUR
    assert statuses.count(429) == 150 - throttle.MAX_PER_HOUR
    assert counting.verifications - before == throttle.MAX_PER_HOUR
    # An untrusted client gets the account-wide wait, before any hashing…
    stranger = attempt(app, victim["email"], PASSWORD, "198.51.100.21")
    assert stranger.status_code == 429 and "Riprova tra" in stranger.get_data(as_text=True)
    assert counting.verifications - before == throttle.MAX_PER_HOUR
    # …the member's browser, with its device cookie, is not kept out.
    assert attempt(app, victim["email"], PASSWORD, "198.51.100.22", browser).status_code == 302


def test_device_cookie_is_signed_long_lived_and_hidden_from_scripts(app, victim):
    browser = app.test_client()
    response = attempt(app, victim["email"], PASSWORD, "192.0.2.201", browser)
    header = next(h for h in response.headers.getlist("Set-Cookie")
                  if h.startswith("dispositivo="))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Max-Age=31536000" in header
    value = browser.get_cookie("dispositivo").value
    logout(browser)
    age_failures(app, 0)
    # A forged or altered cookie earns no trust: with the account at its ceiling it is refused.
    fill_the_hour(app, victim)
    browser.set_cookie("dispositivo", value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert attempt(app, victim["email"], PASSWORD, "192.0.2.201", browser).status_code == 429
    for junk in ("%%%", "a.b", "x" * 2000, "W10.bad", "\u00e8\u00e8"):
        browser.set_cookie("dispositivo", junk)
        assert attempt(app, victim["email"], PASSWORD, "192.0.2.201", browser).status_code == 429
    browser.set_cookie("dispositivo", value)
    assert attempt(app, victim["email"], PASSWORD, "192.0.2.201", browser).status_code == 302


def test_device_cookie_is_secure_in_production(app, victim, monkeypatch):
    monkeypatch.setitem(app.config, "PRODUCTION", True)
    response = attempt(app, victim["email"], PASSWORD, "192.0.2.204")
    header = next(h for h in response.headers.getlist("Set-Cookie")
                  if h.startswith("__Host-dispositivo="))
    assert "Secure" in header and "Path=/" in header and "Domain" not in header


def fill_the_hour(app, victim) -> None:
    """Record the hourly ceiling of failures against the account from many addresses."""
    with app.app_context():
        subject = throttle.subject_for(victim["id"], victim["email"])
        start = utcnow() - timedelta(minutes=30)
        db.session.add_all(LoginFailure(subject=subject, ip=f"203.0.113.{n % 200}",
                                        at=start + timedelta(seconds=n))
                           for n in range(throttle.MAX_PER_HOUR))
        db.session.commit()


def test_a_trusted_browser_is_slowed_by_its_own_failures_and_loses_trust(app, victim):
    browser = trusted_browser(app, victim)
    fill_the_hour(app, victim)
    own = [attempt(app, victim["email"], f"Dimenticata!{n}", "192.0.2.202", browser).status_code
           for n in range(throttle.FREE_FAILURES + 1)]
    assert own == [401] * throttle.FREE_FAILURES + [429]
    age_failures(app, 16)
    assert attempt(app, victim["email"], PASSWORD, "192.0.2.202", browser).status_code == 302
    logout(browser)
    # Ten failures in a day and the device cookie no longer earns trust (OWASP).
    for round_ in range(2):
        for n in range(throttle.FREE_FAILURES):
            attempt(app, victim["email"], f"Dimenticata!{round_}{n}", "192.0.2.202", browser)
        age_failures(app, 16)
    fill_the_hour(app, victim)
    refused = attempt(app, victim["email"], PASSWORD, "192.0.2.203", browser)
    assert refused.status_code == 429


def reset_password(app, victim, new_password: str) -> None:
    """Ask for a reset link and choose a new password through it."""
    from tests.test_accounts import outbox_link

    client = app.test_client()
    page = client.get("/password/dimenticata").get_data(as_text=True)
    client.post("/password/dimenticata",
                data={"login": victim["email"], "csrf_token": form_token(page)})
    link = outbox_link(app, victim["email"], "/password/reimposta/")
    page = client.get(link).get_data(as_text=True)
    done = client.post(link, data={"password": new_password, "password_repeat": new_password,
                                   "csrf_token": form_token(page)})
    assert "Password cambiata" in done.get_data(as_text=True)


def test_a_password_reset_clears_the_slow_down(app, victim):
    for n in range(10):
        attempt(app, victim["email"], f"Tentativo!{n}", "198.51.100.30")
    fill_the_hour(app, victim)
    assert attempt(app, victim["email"], PASSWORD, "198.51.100.30").status_code == 429
    reset_password(app, victim, "Fiume:Bût2024")
    assert attempt(app, victim["email"], "Fiume:Bût2024", "198.51.100.30").status_code == 302


def test_clear_account_forgets_only_that_accounts_failures(app, victim):
    with app.app_context():
        mine = throttle.subject_for(victim["id"], victim["email"])
        theirs = throttle.subject_for(None, "qualcuno@example.com")
        for subject in (mine, theirs):
            throttle.record_failure(subject, "198.51.100.31")
        throttle.clear_account(victim["id"])
        db.session.commit()
        left = db.session.scalars(select(LoginFailure.subject)).all()
    assert left == [theirs]


def test_old_rows_are_cleaned(app, victim):
    with app.app_context():
        db.session.add(LoginFailure(subject="login:vecchio", ip="198.51.100.32",
                                    at=utcnow() - throttle.KEEP - timedelta(minutes=1)))
        db.session.commit()
    attempt(app, victim["email"], "Sbagliata!1", "198.51.100.33")
    with app.app_context():
        assert db.session.scalars(select(LoginFailure.subject)).all() == [
            throttle.subject_for(victim["id"], victim["email"])]


# --- Registration and «Il mio account» -----------------------------------------------------

def post_registration(app, spare, ip: str, **changes):
    """Fill in the registration form from a client address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    token = form_token(client.get("/registrazione").get_data(as_text=True))
    data = {"customer_code": spare["code"], "tax_code": spare["tax_code"],
            "invoice_number": spare["invoice"], "email": f"nuovo.{spare['code']}@example.com",
            "password": PASSWORD, "password_repeat": PASSWORD, "csrf_token": token} | changes
    return client.post("/registrazione", data=data)


def test_strangers_cannot_block_a_customers_registration(app, spare):
    strangers = [post_registration(app, spare, f"203.0.113.{n}", tax_code="XXXXXX00X00X000X")
                 for n in range(30)]
    assert {r.status_code for r in strangers} == {400}
    # One address trying again and again is slowed down…
    same = [post_registration(app, spare, "203.0.113.99", invoice_number="1").status_code
            for _ in range(throttle.FREE_PER_ADDRESS[throttle.REGISTER] + 1)]
    assert same[-1] == 429
    # …but the customer, from their own address, registers at once.
    done = post_registration(app, spare, "198.51.100.40")
    assert done.status_code == 200 and "Controlla la tua email" in done.get_data(as_text=True)


def test_the_current_password_check_is_throttled_like_the_login(app, victim, counting):
    member = app.test_client()
    member.environ_base["REMOTE_ADDR"] = "198.51.100.50"
    assert attempt(app, victim["email"], PASSWORD, "198.51.100.50", member).status_code == 302
    before = counting.verifications

    def change(action: str, n: int) -> str:
        page = member.get("/account").get_data(as_text=True)
        prefix = "pw" if action == "password" else "em"
        data = {"action": action, f"{prefix}-current": f"Tentativo!{n}",
                f"{prefix}-csrf_token": form_token(page, f"{prefix}-csrf_token"),
                "pw-password": "Fiume:Bût2024", "pw-password_repeat": "Fiume:Bût2024",
                "em-email": f"altra{n}@example.com"}
        return member.post("/account", data=data).get_data(as_text=True)

    answers = [change("password", n) for n in range(4)] + [change("email", n) for n in range(6)]
    assert ["non è corretta" in a for a in answers] == [True] * throttle.FREE_FAILURES + [False] * 5
    assert all("Riprova tra" in a for a in answers[throttle.FREE_FAILURES:])
    assert counting.verifications - before == throttle.FREE_FAILURES


def test_the_email_change_form_is_throttled_per_address(app, victim):
    member = app.test_client()
    assert attempt(app, victim["email"], PASSWORD, "198.51.100.51", member).status_code == 302

    def change(n: int) -> str:
        page = member.get("/account").get_data(as_text=True)
        return member.post("/account", data={
            "action": "email", "em-current": PASSWORD, "em-email": f"cambio{n}@example.com",
            "em-csrf_token": form_token(page, "em-csrf_token")}).get_data(as_text=True)

    answers = [change(n) for n in range(throttle.FREE_PER_ADDRESS[throttle.EMAIL_CHANGE] + 1)]
    assert "Riprova tra" not in answers[0]
    assert "Riprova tra" in answers[-1]


# --- The figure for docs/SECURITY.md -------------------------------------------------------

def test_no_guess_from_elsewhere_keeps_the_member_out(app, victim):
    """Count the guesses from other addresses after which the member could not log in."""
    browser = trusted_browser(app, victim)
    kept_out = {"trusted browser": 0, "new device, after 10 guesses from one address": 0}
    for n in range(200):  # 200 guesses from 40 addresses; the member tries after each tenth
        attempt(app, victim["code"], f"Tentativo!{n}", f"203.0.113.{n % 40}")
        if n % 10 == 9:
            response = attempt(app, victim["email"], PASSWORD, "198.51.100.60", browser)
            kept_out["trusted browser"] += response.status_code != 302
            logout(browser)
    with app.app_context():
        db.session.execute(delete(LoginFailure))
        db.session.commit()
    for n in range(10):
        attempt(app, victim["code"], f"Tentativo!{n}", "203.0.113.200")
    elsewhere = attempt(app, victim["email"], PASSWORD, "198.51.100.61")
    kept_out["new device, after 10 guesses from one address"] += elsewhere.status_code != 302
    print(f"\nwrong guesses from elsewhere that keep the member out: {kept_out}")
    assert kept_out == dict.fromkeys(kept_out, 0)
