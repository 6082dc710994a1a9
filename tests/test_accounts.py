"""Registration, email confirmation, password reset and "Il mio account", end to end."""
import email
import email.policy
import re
from pathlib import Path

from sqlalchemy import select

from models import Account, LoginSession, db
from tests.helpers import form_token, login, post_login

STRONG = "Montagna!Carnia7"
OTHER_STRONG = "Fiume:Bût2024"


def outbox_link(app, to: str, path: str) -> str:
    """Return the path of the newest link sent to an address."""
    messages = sorted(Path(app.config["MAIL_OUTBOX"]).glob("*.eml"),
                      key=lambda p: p.stat().st_mtime_ns)
    for file in reversed(messages):
        message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
        text = message.get_content()
        if message["To"] == to:
            match = re.search(r"http://portale\.test(" + re.escape(path) + r"[\w\-]+)", text)
            assert match, text
            return match.group(1)
    raise AssertionError(f"no mail to {to}")


def register(client, spare, email: str, password: str = STRONG, **changes):
    """Fill in the registration form."""
    token = form_token(client.get("/registrazione").get_data(as_text=True))
    data = {"customer_code": spare["code"], "tax_code": spare["tax_code"],
            "invoice_number": spare["invoice"], "email": email, "password": password,
            "password_repeat": password, "csrf_token": token} | changes
    return client.post("/registrazione", data=data)


def test_registration_needs_the_confirmation_link(app, client, spare):
    email = f"nuovo.{spare['code']}@example.com"
    response = register(client, spare, email)
    assert response.status_code == 200
    assert "Controlla la tua email" in response.get_data(as_text=True)
    refused = post_login(app.test_client(), email, STRONG)
    assert refused.status_code == 403 and "conferma" in refused.get_data(as_text=True)

    link = outbox_link(app, email, "/registrazione/conferma/")
    assert "Accesso attivato" in client.get(link).get_data(as_text=True)
    assert client.get(link).status_code == 404  # single use
    for login_name in (email, spare["code"]):
        assert post_login(app.test_client(), login_name, STRONG).status_code == 302
    with app.app_context():
        stored = db.session.scalar(select(Account.password_hash).where(Account.email == email))
    assert STRONG not in stored and stored.startswith("$argon2id$")


def test_registration_answers_the_same_whatever_fact_is_wrong(client, spare):
    answers = [register(client, spare, "x@example.com", **change) for change in (
        {"customer_code": "999999"}, {"tax_code": "RSSMRA80A01H501U"},
        {"invoice_number": "1"}, {"invoice_number": "abc"},
        {"invoice_number": "999999999999"})]
    texts = {a.get_data(as_text=True).split('role="alert">')[1].split("<")[0] for a in answers}
    assert len(texts) == 1 and "non corrispondono" in texts.pop()
    assert {a.status_code for a in answers} == {400}


def test_registration_says_which_password_rule_is_broken(client, spare):
    response = register(client, spare, "y@example.com", password="paluzza2023")
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "maiuscola" in text and "speciale" in text
    assert "data-rule=\"upper\"" in text  # the live checklist is on the page


def test_registered_customer_is_told_to_log_in_or_reset(client, spare, app):
    email = f"doppio.{spare['code']}@example.com"
    register(client, spare, email)
    client.get(outbox_link(app, email, "/registrazione/conferma/"))
    again = register(app.test_client(), spare, "altro@example.com")
    assert "esiste già un accesso" in again.get_data(as_text=True)


def test_failed_mail_creates_nothing(app, client, spare, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", "/proc/no-such-place")
    response = register(client, spare, "fallita@example.com")
    assert response.status_code == 503 and "Riprova" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Account).where(Account.customer_id == spare["id"])) is None


def activated(app, client, spare, email=None, password=STRONG):
    """Register and confirm an account for the lent customer; return its email."""
    email = email or f"attivo.{spare['code']}@example.com"
    register(client, spare, email, password=password)
    client.get(outbox_link(app, email, "/registrazione/conferma/"))
    return email


def test_password_reset_by_email(app, client, spare):
    email = activated(app, client, spare)
    forgot_page = client.get("/password/dimenticata").get_data(as_text=True)
    sent = client.post("/password/dimenticata",
                       data={"login": spare["code"], "csrf_token": form_token(forgot_page)})
    unknown = client.post("/password/dimenticata",
                          data={"login": "nessuno@example.com",
                                "csrf_token": form_token(forgot_page)})
    assert sent.get_data(as_text=True) == unknown.get_data(as_text=True)

    link = outbox_link(app, email, "/password/reimposta/")
    assert len(link.rsplit("/", 1)[1]) >= 22  # at least 128 bits
    page = client.get(link).get_data(as_text=True)
    done = client.post(link, data={"password": OTHER_STRONG, "password_repeat": OTHER_STRONG,
                                   "csrf_token": form_token(page)})
    assert "Password cambiata" in done.get_data(as_text=True)
    assert client.get(link).status_code == 404  # single use
    assert post_login(app.test_client(), email, STRONG).status_code == 401
    assert post_login(app.test_client(), email, OTHER_STRONG).status_code == 302


def test_reset_link_expires_and_is_voided_by_a_password_change(app, client, spare):
    from models import AccountToken

    email = activated(app, client, spare)
    page = client.get("/password/dimenticata").get_data(as_text=True)
    client.post("/password/dimenticata", data={"login": email, "csrf_token": form_token(page)})
    link = outbox_link(app, email, "/password/reimposta/")
    member = login(app.test_client(), email, STRONG)
    change_password(member, STRONG, OTHER_STRONG)
    assert member.get(link).status_code == 404  # voided by the change
    with app.app_context():
        for token in db.session.scalars(select(AccountToken)):
            token.expires_at = token.created_at  # and an expired one is refused too
        db.session.commit()
    assert client.get(link).status_code == 404


def change_password(client, current: str, new: str, end_others: bool = True):
    """Submit the change-password form of "Il mio account"."""
    page = client.get("/account").get_data(as_text=True)
    data = {"action": "password", "pw-current": current, "pw-password": new,
            "pw-password_repeat": new, "pw-csrf_token": form_token(page, "pw-csrf_token")}
    if end_others:
        data["pw-end_others"] = "y"
    return client.post("/account", data=data)


def test_password_change_can_end_the_other_sessions(app, client, spare):
    email = activated(app, client, spare)
    phone = login(app.test_client(), email, STRONG)
    laptop = login(app.test_client(), email, STRONG)
    wrong = change_password(laptop, "Sbagliata!1", OTHER_STRONG)
    assert "attuale non è corretta" in wrong.get_data(as_text=True)
    done = change_password(laptop, STRONG, OTHER_STRONG)
    assert "Password cambiata" in done.get_data(as_text=True)
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302


def test_email_change_waits_for_the_new_address(app, client, spare):
    email = activated(app, client, spare)
    member = login(app.test_client(), email, STRONG)
    page = member.get("/account").get_data(as_text=True)
    new = f"nuova.{spare['code']}@example.com"
    member.post("/account", data={"action": "email", "em-email": new, "em-current": STRONG,
                                  "em-csrf_token": form_token(page, "em-csrf_token")})
    assert post_login(app.test_client(), email, STRONG).status_code == 302  # old still works
    member.get(outbox_link(app, new, "/account/email/"))
    assert post_login(app.test_client(), new, STRONG).status_code == 302
    assert post_login(app.test_client(), email, STRONG).status_code == 401


def test_account_page_lists_the_last_logins(app, client, spare):
    email = activated(app, client, spare)
    member = login(app.test_client(), email, STRONG)
    login(app.test_client(), email, STRONG)
    text = member.get("/account").get_data(as_text=True)
    assert "Ultimi accessi" in text and "Questa sessione" in text and "Attiva" in text
    with app.app_context():
        count = db.session.scalar(select(db.func.count(LoginSession.id)).join(Account)
                                  .where(Account.email == email))
    assert count == 2


def test_old_hash_parameters_are_upgraded_at_login(app, spare):
    from argon2 import PasswordHasher

    from models.enums import Role

    old_hash = PasswordHasher(time_cost=1, memory_cost=16, parallelism=1).hash(STRONG)
    with app.app_context():
        db.session.add(Account(email=f"vecchio.{spare['code']}@example.com", role=Role.MEMBER,
                               customer_id=spare["id"], password_hash=old_hash))
        db.session.commit()
    assert post_login(app.test_client(), spare["code"], STRONG).status_code == 302
    with app.app_context():
        stored = db.session.scalar(select(Account.password_hash)
                                   .where(Account.customer_id == spare["id"]))
    assert stored != old_hash and "m=16," not in stored
    assert app.config["PASSWORD_POLICY"].verify(stored, STRONG)
