"""The accounts area in English on request: pages, form messages, mails; Italian stays as it was."""
from datetime import timedelta

import pytest

from dashboard import i18n
from dashboard.auth.throttle import Verdict
from tests.conftest import DEMO_MEMBER
from tests.helpers import form_token, login, post_login
from tests.test_accounts import STRONG, mails_to, outbox_link, register


@pytest.fixture()
def english(client):
    """Return a client whose viewer chose English (the cookie the «English» link sets)."""
    client.set_cookie(i18n.COOKIE, "en")
    return client


def text_of(response) -> str:
    """Return a response's page as text."""
    return response.get_data(as_text=True)


def assert_english(page: str, english: tuple[str, ...], italian: tuple[str, ...]) -> None:
    """Check the English sentences are on the page and their Italian originals are not."""
    for sentence in english:
        assert sentence in page, sentence
    for sentence in italian:
        assert sentence not in page, sentence


def post_form(client, path: str, **data):
    """Submit a page's form with its CSRF token, as a browser would."""
    token = form_token(text_of(client.get(path)))
    return client.post(path, data={"csrf_token": token} | data)


def test_login_page_and_a_failed_login_speak_english(english):
    page = text_of(english.get("/login"))
    assert '<html lang="en">' in page
    assert_english(page, ("Log in to the members' area", "Email or customer code",
                          "Forgotten your password?", "No login yet? Register"),
                   ("Accedi all'area riservata", "Email o codice cliente",
                    "Password dimenticata?", "Registrati</a>"))
    failed = post_login(english, "socio@example.com", "Sbagliata!2024")
    assert failed.status_code == 401
    assert_english(text_of(failed), ("Incorrect email, customer code or password.",),
                   ("non corretti",))


def test_form_messages_wtforms_own_included_follow_the_language(english, client):
    empty = post_form(english, "/login", login="", password="")
    assert_english(text_of(empty), ("This field is required.",
                                    "Enter your email or customer code and your password."),
                   ("Campo obbligatorio.", "Inserisci email o codice cliente"))
    too_long = post_form(english, "/password/dimenticata", login="a" * 300)
    assert_english(text_of(too_long), ("Field cannot be longer than 254 characters.",),
                   ("più lungo",))
    client.set_cookie(i18n.COOKIE, "it")
    italian = text_of(post_form(client, "/password/dimenticata", login="a" * 300))
    assert "254 caratteri" in italian and "Field cannot be longer" not in italian


def test_registration_its_messages_and_its_mail_in_english(app, english, spare):
    page = text_of(english.get("/registrazione"))
    assert_english(page, ("Register for the members' area", "Customer code",
                          "Tax code or VAT number", "At least 8 characters",
                          "At least one capital letter"),
                   ("Registrati all'area riservata", "Codice cliente", "Almeno 8 caratteri"))
    weak = register(english, spare, "weak@example.com", password="paluzza2023")
    assert_english(text_of(weak), ("The password does not meet these rules: at least one "
                                   "capital letter; at least one special character",),
                   ("non rispetta",))
    typo = register(english, spare, "typo@example.com", customer_code="12-34")
    assert_english(text_of(typo), ("The customer code has only letters and digits",),
                   ("solo lettere e cifre",))

    email = f"english.{spare['code']}@example.com"
    sent = register(english, spare, email)
    assert_english(text_of(sent), ("Check your email", f"We have sent an email to {email}."),
                   ("Controlla la tua email",))
    subject, body = mails_to(app, email)[-1]
    assert subject == "Confirm your login to Area Riservata SECAB"
    assert_english(body, (f"Dear {spare['name']},", "to activate your login to Area Riservata "
                          "SECAB, open this link within 24 hours:", "If you did not register"),
                   ("Gentile", "per attivare", "ignora"))
    done = english.get(outbox_link(app, email, "/registrazione/conferma/"))
    assert_english(text_of(done), ("Login activated", "You can now log in"),
                   ("Accesso attivato",))


def test_forgotten_password_reset_and_their_mail_in_english(app, english, spare):
    email = f"reset.{spare['code']}@example.com"
    register(english, spare, email)
    english.get(outbox_link(app, email, "/registrazione/conferma/"))
    page = text_of(english.get("/password/dimenticata"))
    assert_english(page, ("Forgotten password", "we will send you a link", "Back to login"),
                   ("Password dimenticata", "Torna all'accesso"))
    sent = post_form(english, "/password/dimenticata", login=email)
    assert_english(text_of(sent), ("Check your email", "valid for 30 minutes"),
                   ("Controlla la tua email",))
    subject, body = mails_to(app, email)[-1]
    assert subject == "New password for Area Riservata SECAB"
    assert_english(body, ("Dear customer,", "open this link within 30 minutes:",
                          "your current password stays valid"),
                   ("Gentile", "apri questo link", "resta valida"))

    link = outbox_link(app, email, "/password/reimposta/")
    form = text_of(english.get(link))
    assert_english(form, ("Choose a new password", "Repeat the new password",
                          "Save the new password"),
                   ("Scegli una nuova password", "Ripeti la nuova password"))
    mismatch = english.post(link, data={"csrf_token": form_token(form), "password": STRONG,
                                        "password_repeat": STRONG + "x"})
    assert_english(text_of(mismatch), ("The two passwords do not match.",),
                   ("non coincidono",))
    done = english.post(link, data={"csrf_token": form_token(form), "password": STRONG + "!",
                                    "password_repeat": STRONG + "!"})
    assert_english(text_of(done), ("Password changed", "Your new password is active."),
                   ("Password cambiata",))


def test_account_page_and_its_answers_in_english(app):
    member = login(app.test_client(), *DEMO_MEMBER)
    member.set_cookie(i18n.COOKIE, "en")
    page = text_of(member.get("/account"))
    assert_english(page, ("My account", "You log in with", "Change your password",
                          "Current password", "Also log out of all other devices",
                          "Change your login email", "Recent logins", 'data-label="Date and time"',
                          "This session"),
                   ("Il mio account", "Cambia la password", "Ultimi accessi", "Questa sessione"))
    refused = member.post("/account", data={
        "pw-csrf_token": form_token(page, "pw-csrf_token"), "action": "password",
        "pw-current": "Sbagliata!2024",
        "pw-password": STRONG, "pw-password_repeat": STRONG})
    assert_english(text_of(refused), ("The current password is not correct.",),
                   ("non è corretta",))


def test_error_pages_and_the_slow_down_speak_english(app, english):
    dead = english.get("/password/reimposta/nessuno")
    assert dead.status_code == 404
    assert_english(text_of(dead), ("Invalid link", "has expired"), ("Link non valido",))
    stale = english.post("/login", data={"login": "x", "password": "y"})  # no form token
    assert_english(text_of(stale), ("Page expired", "Reload it and try again."),
                   ("Pagina scaduta",))
    with app.test_request_context(headers={"Cookie": f"{i18n.COOKIE}=en"}):
        assert Verdict(timedelta(seconds=1)).message() == (
            "Too many failed attempts. Try again in 1 second.")
        assert Verdict(timedelta(minutes=5)).message() == (
            "Too many failed attempts. Try again in 5 minutes.")


def test_italian_stays_as_it_was(app, client, spare):
    page = text_of(client.get("/login"))
    assert '<html lang="it">' in page
    assert_english(page, ("Accedi all'area riservata", "Email o codice cliente",
                          "Password dimenticata?", "Non hai ancora un accesso? Registrati"),
                   ("Log in", "Forgotten"))
    register_page = text_of(client.get("/registrazione"))
    assert "Almeno 8 caratteri" in register_page and "At least" not in register_page
    failed = post_login(client, "socio@example.com", "Sbagliata!2024")
    assert "Email, codice cliente o password non corretti." in text_of(failed)
    email = f"italiano.{spare['code']}@example.com"
    register(client, spare, email)
    subject, body = mails_to(app, email)[-1]
    assert subject == "Conferma il tuo accesso all'Area Riservata SECAB"
    assert f"Gentile {spare['name']},\n\nper attivare il tuo accesso" in body
    assert "apra" not in body and "ha chiesto lei" not in body   # «tu», never «Lei»
    with app.test_request_context():
        assert Verdict(timedelta(seconds=30)).message() == (
            "Troppi tentativi non riusciti. Riprova tra 30 secondi.")
