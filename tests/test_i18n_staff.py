"""The staff pages in English on request, Italian by default; the staff header names the person."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from dashboard import i18n
from dashboard.admin import pages as tools
from dashboard.pages import accessi, consulente
from models import AccessKind, Account, Customer, db, wording
from models.advice import AdvisorConsent, give_consent
from models.audit import Access, append
from models.entities import utcnow
from models.enums import Role
from tests.conftest import DEMO_MEMBER
from tests.helpers import form_token, login, outputs, post_callback

SUPPORT = ("assistenza@example.com", "Assistenza!2023")
ADVISOR = ("consulente@example.com", "Consulente!2023")
ADMIN = ("admin@example.com", "Amministra!2023")
MARIO = "100234"
EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "import-example"


def english(client):
    """Choose English for this client, as the header's «English» link does."""
    client.set_cookie(i18n.COOKIE, "en")
    return client


def route(client, path: str, search: str = "") -> tuple[str, str]:
    """Post the router callback for a path; return the header and the page as text."""
    answer = outputs(post_callback(client, "header-account", {"url.pathname": path},
                                   {"url.search": search}))
    return (json.dumps(answer["header-account.children"], ensure_ascii=False),
            json.dumps(answer["page.children"], ensure_ascii=False))


def mario_id(app) -> int:
    """Return Mario Rossi's customer id."""
    with app.app_context():
        return db.session.scalar(select(Customer.id).where(Customer.code == MARIO))


@pytest.fixture()
def consenting(app):
    """Let Mario consent to energy advice for the test; take it back afterwards."""
    with app.app_context():
        give_consent(db.session, mario_id(app), utcnow())
        db.session.commit()
    yield
    with app.app_context():
        db.session.execute(delete(AdvisorConsent))
        db.session.commit()


@pytest.fixture()
def accessed(app):
    """Record a support operator opening Mario's consumption page."""
    with app.app_context():
        append(db.engine, Access(1, Role.SUPPORT, "assistenza@example.com",
                                 "assistenza@example.com", mario_id(app), AccessKind.PAGE,
                                 "/consumi", "127.0.0.1", "Ticket 4711"))


def test_the_support_console_in_english(app):
    client = english(login(app.test_client(), *SUPPORT))
    page = client.get("/assistenza?q=Rossi").get_data(as_text=True)
    for text in ("Customer support", "Profile: Customer support",
                 "Open the area with the customer's code", "Assistance code", "Reason",
                 "Search for a member or customer", "1 result, page 1 of 1.",
                 "Open Mario Rossi's area", f"customer code {MARIO}"):
        assert text in page, text
    for text in ("Assistenza clienti", "Apri l'area con il codice", "Motivo",
                 "Cerca socio o cliente", "risultato", "codice cliente"):
        assert text not in page, text
    wrong = client.post("/assistenza", data={"code": "", "reason": "",
                                             "csrf_token": form_token(page)})
    assert "Enter the code the customer reads out" in wrong.get_data(as_text=True)


def test_the_support_console_stays_italian_by_default(app):
    page = login(app.test_client(), *SUPPORT).get("/assistenza?q=Rossi").get_data(as_text=True)
    for text in ("Assistenza clienti", "Profilo: Assistenza clienti", "Motivo",
                 "Cerca socio o cliente", "1 risultato, pagina 1 di 1.",
                 "Apri l'area di Mario Rossi"):
        assert text in page, text
    assert "Customer support" not in page and "Reason" not in page


def test_the_advisors_list_in_english(app, consenting):
    client = english(login(app.test_client(), *ADVISOR))
    _header, page = route(client, consulente.PATH)
    for text in ("Members in advice", "Search by name or customer code", "Members found: 1.",
                 "Customer code", "kWh in the last 12 months", "F1 share", "Flags",
                 "Download this page as CSV", "Mario Rossi"):
        assert text in page, text
    for text in ("Soci in consulenza", "Cerca per nome", "Soci trovati", "Codice cliente",
                 "Segnalazioni", "Scarica questa pagina"):
        assert text not in page, text
    csv = client.get(consulente.CSV_PATH).get_data(as_text=True)
    assert csv.lstrip("\ufeff").startswith("Member;Customer code;Supplies;")
    _header, italian = route(login(app.test_client(), *ADVISOR), consulente.PATH)
    assert "Soci in consulenza" in italian and "Members in advice" not in italian


def test_the_admin_staff_page_in_english(app):
    client = english(login(app.test_client(), *ADMIN))
    page = client.get(tools.STAFF).get_data(as_text=True)
    for text in ("Staff accounts", "Access trail", "Service status", 'data-label="Last login"',
                 "Your account", "Change profile", ">Disable<", "Invite a colleague",
                 "Full name", "Send the invitation", ">Administrator<", ">Customer support<"):
        assert text in page, text
    for text in ("Account del personale", "Ultimo accesso", "Il tuo account", "Cambia profilo",
                 "Disattiva", "Invita un collega", "Nome e cognome", "Amministratore"):
        assert text not in page, text
    italian = login(app.test_client(), *ADMIN).get(tools.STAFF).get_data(as_text=True)
    assert 'data-label="Ultimo accesso"' in italian and ">Disattiva<" in italian


def test_the_access_trail_in_english(app, accessed):
    client = english(login(app.test_client(), *ADMIN))
    page = client.get(tools.TRAIL).get_data(as_text=True)
    # The trail is append-only and outlives each test: other tests may have filled more pages.
    for text in ("Access trail", "Integrity of the chain", "Verify the chain", "Staff (email)",
                 "Customer code", ">All<", "Filter", "records · page 1 of ", "Download as CSV",
                 'data-label="Reason"', ">Page<", "Ticket 4711"):
        assert text in page, text
    for text in ("Registro degli accessi", "Verifica la catena", "Codice cliente", ">Tutti<",
                 "Filtra", "pagina 1 di 1", 'data-label="Motivo"', ">Pagina<"):
        assert text not in page, text
    csv = client.get(f"{tools.TRAIL}.csv").get_data(as_text=True)
    assert csv.lstrip("\ufeff").startswith("date and time;staff;profile;customer code;")


def test_the_members_access_list_in_english(app, accessed):
    client = english(login(app.test_client(), *DEMO_MEMBER))
    _header, page = route(client, accessi.PATH)
    for text in ("Staff accesses to your data.", "When", "Who", "Customer support – ",
                 "Page: Consumption", "Ticket 4711"):
        assert text in page, text
    for text in ("Quando", "Assistenza clienti", "Pagina: ", "Visualizzazione consumi"):
        assert text not in page, text
    _header, italian = route(login(app.test_client(), *DEMO_MEMBER), accessi.PATH)
    assert "Pagina: Visualizzazione consumi" in italian and "Assistenza clienti – " in italian


def test_the_staff_header_names_the_person_not_the_login(app):
    client = login(app.test_client(), *SUPPORT)
    header, _page = route(client, "/")
    assert "Laura Puntel" in header and "assistenza@example.com" not in header
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.email == SUPPORT[0]))
        account.full_name = None
        db.session.commit()
    try:
        header, _page = route(client, "/")
        assert "assistenza@example.com" in header   # no name given: the login stands in
    finally:
        with app.app_context():
            account = db.session.scalar(select(Account).where(Account.email == SUPPORT[0]))
            account.full_name = "Laura Puntel"
            db.session.commit()


def test_import_refusals_follow_the_admin_page_and_stay_italian_on_the_command_line(app):
    client = english(login(app.test_client(), *ADMIN))
    form = client.get(tools.IMPORTS).get_data(as_text=True)
    bad = (EXAMPLE / "clienti.csv").read_text(encoding="utf-8").replace("33026", "3X026", 1)
    answer = client.post(tools.IMPORTS, content_type="multipart/form-data", data={
        "csrf_token": form_token(form),
        "files": [(io.BytesIO(bad.encode()), "clienti.csv"), (io.BytesIO(b"MZ"), "lista.exe")]})
    page = answer.get_data(as_text=True)
    for text in ("Import cancelled: 2 problems, no data written.",
                 "clienti.csv:2: cap: invalid format, expected 5 digits",
                 "lista.exe: file not recognised; the allowed names are: ", "Recent imports"):
        assert text in page, text
    for text in ("formato non valido", "5 cifre", "non riconosciuto", "Importazione annullata"):
        assert text not in page, text
    refusal = "formato non valido, atteso %(hint)s"
    assert wording._(refusal, hint=wording._("5 cifre")) == "formato non valido, atteso 5 cifre"
    with app.test_request_context(headers={"Cookie": f"{i18n.COOKIE}=en"}):
        assert wording._(refusal, hint=wording._("5 cifre")) == "invalid format, expected 5 digits"
