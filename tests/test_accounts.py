"""Registration, email confirmation, password reset and "Il mio account", end to end."""
import email
import email.policy
import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from models import Account, LoginSession, OutboxMail, db
from tests.helpers import form_token, login, post_login, wait_for_mail

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
    again = client.get(link).get_data(as_text=True)  # single use: it only says so
    assert "già confermato" in again and "Accesso attivato" not in again
    for login_name in (email, spare["code"]):
        assert post_login(app.test_client(), login_name, STRONG).status_code == 302
    with app.app_context():
        stored = db.session.scalar(select(Account.password_hash).where(Account.email == email))
    assert STRONG not in stored and stored.startswith("$argon2id$")


def test_registration_answers_the_same_whatever_fact_is_wrong(client, spare):
    answers = [register(client, spare, "x@example.com", **change) for change in (
        {"customer_code": "999999"}, {"tax_code": "RSSMRA80A01H501U"},
        {"invoice_number": "1"}, {"invoice_number": "999999999/2023"},
        {"invoice_number": f"{spare['invoice']}/1999"})]
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


def test_a_mail_that_fails_is_kept_and_sent_by_the_command(app, client, spare, monkeypatch):
    outbox = app.config["MAIL_OUTBOX"]
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", "/proc/no-such-place")
    email = f"ritardo.{spare['code']}@example.com"
    response = register(client, spare, email)
    assert response.status_code == 200 and "Controlla la tua email" in response.get_data(
        as_text=True)
    with app.app_context():
        row = db.session.scalar(select(OutboxMail).where(OutboxMail.recipient == email))
        assert (row.attempts, row.sent_at) == (1, None) and "no-such-place" in row.last_error
        row.last_attempt_at -= timedelta(minutes=10)  # the command retries after a pause
        db.session.commit()
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", outbox)
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "inviati: 1" in result.output
    link = outbox_link(app, email, "/registrazione/conferma/")
    assert "Accesso attivato" in client.get(link).get_data(as_text=True)
    with app.app_context():
        row = db.session.scalar(select(OutboxMail).where(OutboxMail.recipient == email))
        assert row.attempts == 2 and row.sent_at is not None
        assert row.body == ""  # the link is stored nowhere in clear once sent


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


def change_email(member, new: str, password: str = STRONG):
    """Submit the change-email form of "Il mio account"."""
    page = member.get("/account").get_data(as_text=True)
    return member.post("/account", data={"action": "email", "em-email": new,
                                         "em-current": password,
                                         "em-csrf_token": form_token(page, "em-csrf_token")})


def forgot(client, login_name: str):
    """Ask for a reset link through «Password dimenticata»."""
    page = client.get("/password/dimenticata").get_data(as_text=True)
    return client.post("/password/dimenticata",
                       data={"login": login_name, "csrf_token": form_token(page)})


def mails_to(app, to: str) -> list[tuple[str, str]]:
    """Return the (subject, body) of every message written to the outbox for an address."""
    found = []
    for file in sorted(Path(app.config["MAIL_OUTBOX"]).glob("*.eml"),
                       key=lambda p: p.stat().st_mtime_ns):
        message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
        if message["To"] == to:
            found.append((str(message["Subject"]), message.get_content()))
    return found


def test_email_change_is_confirmed_by_a_post_not_by_opening_the_link(app, client, spare):
    email = activated(app, client, spare)
    member = login(app.test_client(), email, STRONG)
    new = f"nuova.{spare['code']}@example.com"
    change_email(member, new)
    assert post_login(app.test_client(), email, STRONG).status_code == 302  # old still works
    link = outbox_link(app, new, "/account/email/")
    scanner = app.test_client()  # a mail scanner opens the link, with no session
    page = scanner.get(link)
    assert page.status_code == 200 and "Conferma la nuova email" in page.get_data(as_text=True)
    assert member.get(link).status_code == 200
    forged = scanner.post(link, data={})  # no form token: refused
    assert forged.status_code == 400
    assert post_login(app.test_client(), new, STRONG).status_code == 401  # nothing changed
    done = scanner.post(link, data={"csrf_token": form_token(page.get_data(as_text=True))})
    assert "Email cambiata" in done.get_data(as_text=True)
    assert post_login(app.test_client(), new, STRONG).status_code == 302
    assert post_login(app.test_client(), email, STRONG).status_code == 401
    assert scanner.get(link).status_code == 404  # single use


def test_email_change_tells_the_old_address_and_voids_its_reset_links(app, client, spare):
    email = activated(app, client, spare)
    forgot(client, email)
    reset_link = outbox_link(app, email, "/password/reimposta/")
    member = login(app.test_client(), email, STRONG)
    new = f"cambiata.{spare['code']}@example.com"
    change_email(member, new)
    link = outbox_link(app, new, "/account/email/")
    page = member.get(link).get_data(as_text=True)
    member.post(link, data={"csrf_token": form_token(page)})
    subject, body = mails_to(app, email)[-1]
    assert "è cambiata" in subject and new not in body and "c***@example.com" in body
    assert "contatta subito" in body  # «tu», as every page
    assert client.get(reset_link).status_code == 404  # mailed to the old address: dead


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


# --- what the forms do not tell, and how often they mail -----------------------------------

def test_registration_does_not_tell_whether_the_email_is_in_use(app, client, spare):
    used = "vicino@example.com"  # the second demo member's login
    taken = register(client, spare, used)
    free_email = f"libera.{spare['code']}@example.com"
    free = register(app.test_client(), spare, free_email)
    assert taken.status_code == free.status_code == 200
    assert (taken.get_data(as_text=True).replace(used, "X")
            == free.get_data(as_text=True).replace(free_email, "X"))
    subject, body = mails_to(app, used)[-1]
    assert "Tentativo di registrazione" in subject
    assert "qualcuno ha provato a registrarsi" in body and "Password dimenticata" in body
    with app.app_context():  # the only login made is the one with the free address
        made = db.session.scalars(select(Account.email)
                                  .where(Account.customer_id == spare["id"])).all()
    assert made == [free_email]


def test_email_change_does_not_tell_whether_the_address_is_in_use(app, client, spare):
    email = activated(app, client, spare)
    member = login(app.test_client(), email, STRONG)
    used, free_email = "vicino@example.com", f"altra.{spare['code']}@example.com"
    taken, free = change_email(member, used), change_email(member, free_email)
    assert taken.status_code == free.status_code == 200

    def notice(response, address):
        return response.get_data(as_text=True).split('role="status">')[1].split("<")[0] \
            .replace(address, "X")

    assert notice(taken, used) == notice(free, free_email)
    _, body = mails_to(app, used)[-1]
    assert "qualcuno ha provato a usare questo indirizzo" in body and "/account/email/" not in body
    assert outbox_link(app, free_email, "/account/email/")


def test_no_address_gets_more_than_three_mails_an_hour(app, client, spare):
    email = f"inondata.{spare['code']}@example.com"
    answers = {register(app.test_client(), spare, email).get_data(as_text=True)
               for _ in range(5)}
    assert len(answers) == 1  # a refused mail changes nothing on the page
    assert len(mails_to(app, email)) == 3
    # Every flow counts against the same address: reset links are refused now, politely.
    client.get(outbox_link(app, email, "/registrazione/conferma/"))
    answer = forgot(client, email)
    assert answer.status_code == 200 and "Controlla la tua email" in answer.get_data(as_text=True)
    assert len(mails_to(app, email)) == 3


def test_forgot_password_answers_alike_even_when_mail_cannot_go(app, client, spare,
                                                                 monkeypatch):
    email = activated(app, client, spare)
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", "/proc/no-such-place")
    known, unknown = forgot(client, email), forgot(client, "nessuno@example.com")
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)


def test_forgot_password_does_the_same_database_writes_for_unknown_logins(app, client, spare):
    from sqlalchemy import event

    email = activated(app, client, spare)
    page = client.get("/password/dimenticata").get_data(as_text=True)

    def writes(login_name: str) -> list[str]:
        seen: list[str] = []

        def note(_conn, _cursor, statement, *_):
            if statement.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE"):
                seen.append(" ".join(statement.split()[:3]))

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", note)
        try:
            client.post("/password/dimenticata",
                        data={"login": login_name, "csrf_token": form_token(page)})
        finally:
            event.remove(engine, "before_cursor_execute", note)
        return seen

    known, unknown = writes(email), writes("nessuno@example.com")
    assert "INSERT INTO outbox_mail" in known and "INSERT INTO account_token" in known
    # The real message's delivery is recorded after the answer has gone: not part of its time.
    assert [w for w in known if not w.startswith("UPDATE outbox_mail")] == unknown
    assert len(mails_to(app, "nessuno@example.com")) == 0


def test_the_mail_leaves_after_the_answer(app, spare):
    from flask.testing import FlaskClient

    email = activated(app, app.test_client(), spare)
    before = len(mails_to(app, email))
    raw = FlaskClient(app)  # keeps the response open, as a server does while it sends it
    page = raw.get("/password/dimenticata", buffered=True).get_data(as_text=True)
    response = raw.post("/password/dimenticata",
                        data={"login": email, "csrf_token": form_token(page)})
    assert response.status_code == 200
    assert len(mails_to(app, email)) == before  # not while the answer is still going out
    response.close()
    wait_for_mail()  # on a thread of its own: the connection is free at once
    assert len(mails_to(app, email)) == before + 1


# --- unconfirmed registrations and double clicks -------------------------------------------

def _other_customer(app, spare) -> dict:
    """Return a second customer with no login, and the number of one of its invoices."""
    from models import Contract, Customer, Invoice

    with app.app_context():
        taken = select(Account.customer_id).where(Account.customer_id.is_not(None))
        customer = db.session.scalars(select(Customer).where(
            Customer.id.not_in(taken), Customer.id != spare["id"]).order_by(Customer.code)).first()
        number = db.session.scalars(select(Invoice.number).join(Contract).where(
            Contract.customer_id == customer.id).order_by(Invoice.issue_date)).first()
        return {"id": customer.id, "code": customer.code, "tax_code": customer.tax_code,
                "invoice": str(number)}


def _age_registrations(app, days: int) -> None:
    """Date every unconfirmed registration some days back."""
    with app.app_context():
        for account in db.session.scalars(select(Account).where(
                Account.awaiting_confirmation.is_(True))):
            account.password_changed_at -= timedelta(days=days)
        db.session.commit()


def _logins_of(app, customer_id: int) -> list[tuple[str, bool]]:
    """Return a customer's logins as (email, awaiting confirmation)."""
    with app.app_context():
        return [(a.email, a.awaiting_confirmation) for a in db.session.scalars(
            select(Account).where(Account.customer_id == customer_id))]


def test_unconfirmed_registrations_expire_after_seven_days(app, client, spare):
    other = _other_customer(app, spare)
    email = f"dimenticata.{spare['code']}@example.com"
    try:
        register(client, spare, email)
        _age_registrations(app, 6)
        register(app.test_client(), other, email)  # still held: nothing made for the other
        assert _logins_of(app, other["id"]) == []
        _age_registrations(app, 2)
        answer = register(app.test_client(), other, email)
        assert "Controlla la tua email" in answer.get_data(as_text=True)
        assert _logins_of(app, other["id"]) == [(email, True)]
        assert _logins_of(app, spare["id"]) == []  # the expired row is gone
        assert "Accesso attivato" in client.get(
            outbox_link(app, email, "/registrazione/conferma/")).get_data(as_text=True)
        register(app.test_client(), spare, f"seconda.{spare['code']}@example.com")
        assert _logins_of(app, spare["id"]) == [(f"seconda.{spare['code']}@example.com", True)]
    finally:
        with app.app_context():
            db.session.execute(db.delete(Account).where(Account.customer_id == other["id"]))
            db.session.commit()


def test_a_double_click_on_registrati_makes_one_login_and_two_polite_answers(app, spare):
    import threading

    for attempt in range(3):
        email = f"doppio{attempt}.{spare['code']}@example.com"
        clients = [app.test_client(), app.test_client()]
        pages = [c.get("/registrazione").get_data(as_text=True) for c in clients]
        start, answers = threading.Barrier(2), [None, None]

        def click(i: int) -> None:
            data = {"customer_code": spare["code"], "tax_code": spare["tax_code"],
                    "invoice_number": spare["invoice"], "email": email,  # noqa: B023
                    "password": STRONG, "password_repeat": STRONG,
                    "csrf_token": form_token(pages[i])}  # noqa: B023
            start.wait()  # noqa: B023
            answers[i] = clients[i].post("/registrazione", data=data)  # noqa: B023

        threads = [threading.Thread(target=click, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [a.status_code for a in answers] == [200, 200]
        assert all("Controlla la tua email" in a.get_data(as_text=True) for a in answers)
        assert _logins_of(app, spare["id"]) == [(email, True)]
        with app.app_context():
            db.session.execute(db.delete(Account).where(Account.customer_id == spare["id"]))
            db.session.commit()
