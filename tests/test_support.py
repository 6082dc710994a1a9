"""The support console: a member's code opens their exact view, read-only, for staff only."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import delete, func, select

from models import AccessRecord, Account, Customer, Invoice, LoginFailure, db
from models import assistance as codes
from models.delivery import in_force
from models.entities import utcnow
from tests.helpers import form_token, login, outputs, post_callback
from tests.test_accounts import mails_to
from tests.test_consumi import SEED_ROWS, contract_ids
from tests.test_invio import decide, review

STAFF = ("assistenza@example.com", "Assistenza!2023")
ADVISOR = ("consulente@example.com", "Consulente!2023")


@pytest.fixture()
def staff(app):
    """Return a client logged in as support staff; forget its wrong codes afterwards."""
    yield login(app.test_client(), *STAFF)
    with app.app_context():
        db.session.execute(delete(codes.WrongAssistanceCode))
        db.session.commit()


@pytest.fixture()
def mario_code(app):
    """Give Mario Rossi a live code while he looks at his 2023 consumption; close it after."""
    main_home = contract_ids(app, "100234")[0]
    with app.app_context():
        mario = db.session.scalar(select(Customer.id).where(Customer.code == "100234"))
        code = codes.issue(db.session, mario, utcnow(), "/consumi",
                           f"?contratto={main_home}&anno=2023")
        db.session.commit()
    yield code, main_home
    with app.app_context():
        codes.end(db.session, mario)
        db.session.commit()


def open_by_code(client, code: str, reason: str = "Ticket 4711"):
    """Type the code and the reason into the console, as staff do."""
    page = client.get("/assistenza").get_data(as_text=True)
    return client.post("/assistenza", data={"code": code, "reason": reason,
                                            "csrf_token": form_token(page)})


def seed_numbers(response) -> list[str]:
    """Return the invoice numbers of the consumption table."""
    return [row[0] for row in outputs(response)["consumi-fatture-dati.data"]["rows"]]


def test_the_console_asks_for_the_code_and_the_reason(staff):
    page = staff.get("/assistenza").get_data(as_text=True)
    assert "Codice per l&#39;assistenza" in page or "Codice per l'assistenza" in page
    assert ">Motivo<" in page


def test_the_code_lands_staff_on_the_members_page_with_his_invoices(staff, mario_code):
    code, main_home = mario_code
    response = open_by_code(staff, code.lower())
    assert response.status_code == 303
    assert response.headers["Location"] == f"/consumi?contratto={main_home}&anno=2023"
    shown = post_callback(staff, "consumi-grafico",
                          {"url.search": f"?contratto={main_home}&anno=2023"})
    assert seed_numbers(shown) == [str(row[0]) for row in SEED_ROWS]


def test_staff_read_the_members_pdfs_while_the_view_is_open(staff, mario_code, app):
    code, _ = mario_code
    with app.app_context():
        invoice = db.session.scalar(select(Invoice.id).where(Invoice.number == 1636))
    assert staff.get(f"/fatture/{invoice}/fattura.pdf").status_code == 404
    open_by_code(staff, code)
    pdf = staff.get(f"/fatture/{invoice}/fattura.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    page = staff.get("/assistenza").get_data(as_text=True)
    token = form_token(page)
    assert staff.post("/assistenza/chiudi", data={"csrf_token": token}).status_code == 303
    assert staff.get(f"/fatture/{invoice}/fattura.pdf").status_code == 404


def test_the_staff_view_is_read_only_whatever_the_post_says(staff, mario_code, app):
    code, main_home = mario_code
    open_by_code(staff, code)
    with app.app_context():
        before = in_force(db.session, main_home)
    request = {"contract": main_home, "mode": "carta", "email": None,
               "version": before.version}
    response = decide(staff, request, search=f"?contratto={main_home}")
    assert "sola lettura" in json.dumps(outputs(response), ensure_ascii=False)
    reviewed = review(staff, main_home, "carta")
    assert "sola lettura" in json.dumps(outputs(reviewed), ensure_ascii=False)
    with app.app_context():
        after = in_force(db.session, main_home)
    assert (after.mode, after.version) == (before.mode, before.version)


def test_wrong_codes_are_refused_then_slowed_down(staff, mario_code):
    for _ in range(codes.FREE_WRONG_CODES):
        response = open_by_code(staff, "AAAAAA")
        assert response.status_code == 400
        assert "non corrisponde" in response.get_data(as_text=True)
    code, _ = mario_code
    slowed = open_by_code(staff, code)  # even the right code waits: guessing stays slow
    assert slowed.status_code == 429
    assert "Riprova tra" in slowed.get_data(as_text=True)


def test_a_code_needs_a_reason(staff, mario_code):
    code, _ = mario_code
    response = open_by_code(staff, code, reason="")
    assert response.status_code == 400
    assert "motivo" in response.get_data(as_text=True).lower()


def console_as_routed(client) -> str:
    """Return what the portal's router shows at the console's address."""
    response = post_callback(client, "header-account", {"url.pathname": "/assistenza"})
    return json.dumps(outputs(response)["page.children"], ensure_ascii=False)


def test_members_do_not_find_the_console(member):
    assert "Codice per l&#39;assistenza" not in member.get("/assistenza").get_data(as_text=True)
    assert "Pagina non trovata" in console_as_routed(member)
    assert member.post("/assistenza", data={"code": "AAAAAA"}).status_code in (400, 404)


def test_advisors_are_told_the_console_is_not_for_their_profile(app):
    advisor = login(app.test_client(), *ADVISOR)
    assert "non è disponibile per il profilo Consulente energetico" in console_as_routed(
        advisor)
    page = advisor.get("/account").get_data(as_text=True)   # its header's form has a token
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    refused = advisor.post("/assistenza", data={"csrf_token": token})
    assert refused.status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/assistenza")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- every staff access on the trail, before the data ------------------------------------

def trail(app, customer_code: str = "100234") -> list[tuple[str, str, str, str]]:
    """Return the trail's records about a member: kind, target, reason, staff email."""
    with app.app_context():
        member = db.session.scalar(select(Customer.id).where(Customer.code == customer_code))
        rows = db.session.scalars(select(AccessRecord).where(AccessRecord.customer_id == member)
                                  .order_by(AccessRecord.id))
        return [(r.kind.value, r.target, r.reason, r.staff_email) for r in rows]


def test_opening_each_page_and_pdf_is_recorded_with_the_reason(staff, mario_code, app):
    code, main_home = mario_code
    before = len(trail(app))
    open_by_code(staff, code, reason="Ticket 4711: bolletta alta")
    page = post_callback(staff, "header-account", {"url.pathname": "/consumi"},
                         {"url.search": f"?contratto={main_home}&anno=2023"})
    assert "Stai visualizzando l'area di Mario Rossi — sola lettura" in json.dumps(
        outputs(page), ensure_ascii=False)
    with app.app_context():
        invoice = db.session.scalar(select(Invoice.id).where(Invoice.number == 1636))
    assert staff.get(f"/fatture/{invoice}/dettaglio.pdf").status_code == 200
    added = trail(app)[before:]
    reason, who = "Ticket 4711: bolletta alta", STAFF[0]
    assert added == [
        ("ricerca", "area aperta: codice per l'assistenza", reason, who),
        ("pagina", f"/consumi?contratto={main_home}&anno=2023", reason, who),
        ("pdf", f"/fatture/{invoice}/dettaglio.pdf", reason, who),
    ]


def test_the_member_reads_the_access_in_chi_ha_consultato(staff, mario_code, member):
    code, _ = mario_code
    open_by_code(staff, code, reason="Ticket 9001")
    response = post_callback(member, "header-account", {"url.pathname": "/accessi"})
    text = json.dumps(outputs(response)["page.children"], ensure_ascii=False)
    assert "Ticket 9001" in text and "Assistenza clienti" in text


def test_no_record_no_data(staff, mario_code, app):
    from tests.test_audit import inserts_failing

    code, main_home = mario_code
    open_by_code(staff, code)
    with app.app_context():
        invoice = db.session.scalar(select(Invoice.id).where(Invoice.number == 1636))
        tax_code = db.session.scalar(select(Customer.tax_code).where(Customer.code == "100234"))
    with inserts_failing(app):
        pdf = staff.get(f"/fatture/{invoice}/fattura.pdf")
        page = post_callback(staff, "header-account", {"url.pathname": "/contratto"},
                             {"url.search": f"?contratto={main_home}"})
        closed = staff.post("/assistenza", data={
            "code": code, "reason": "x",
            "csrf_token": form_token(staff.get("/assistenza").get_data(as_text=True))})
    assert pdf.status_code == 503 and pdf.mimetype == "text/html"
    text = json.dumps(outputs(page), ensure_ascii=False)
    assert "Dati non disponibili" in text and tax_code not in text
    assert closed.status_code in (429, 503)  # the area is not opened without its record


# --- the member's code, by the page's own controls ----------------------------------------

def moved_to(response) -> str | None:
    """Return where the follow timer's answer sends the staff view, if anywhere."""
    if response.status_code == 204:
        return None
    return response.get_json()["response"].get("url", {}).get("href")


def test_the_member_asks_for_a_code_and_staff_follow_him(app, member, staff):
    main_home = contract_ids(app, "100234")[0]
    search = f"?contratto={main_home}&anno=2023"
    asked = outputs(post_callback(member, "assistenza-codice", {
        "assistenza-chiedi.n_clicks": 1}, {"url.pathname": "/consumi", "url.search": search}))
    code = asked["assistenza-codice.data"]["code"]
    try:
        shown = outputs(post_callback(member, "assistenza-riquadro", {
            "url.pathname": "/consumi", "url.search": search,
            "assistenza-codice.data": {"code": code}}))
        assert code in json.dumps(shown["assistenza-riquadro.children"])
        assert open_by_code(staff, code).headers["Location"] == f"/consumi{search}"
        timer = outputs(post_callback(staff, "assistenza-riquadro", {
            "url.pathname": "/consumi", "url.search": search, "assistenza-codice.data": None}))
        assert timer["assistenza-segui-timer.disabled"] is False
        # Not followed until the member says so; then the staff view goes where he goes.
        tick = {"assistenza-segui-timer.n_intervals": 1}
        here = {"url.pathname": "/consumi", "url.search": search}
        assert moved_to(post_callback(staff, "url.href", tick, here)) is None
        post_callback(member, "assistenza-codice.data", {"assistenza-segui.n_clicks": 1},
                      {"assistenza-codice.data": {"code": code}})
        post_callback(member, "assistenza-riquadro", {
            "url.pathname": "/contabilita", "url.search": f"?contratto={main_home}",
            "assistenza-codice.data": {"code": code, "follow": True}})
        moved = post_callback(staff, "url.href", tick, here)
        assert moved_to(moved) == f"/contabilita?contratto={main_home}"
        post_callback(member, "assistenza-codice.data", {"assistenza-chiudi.n_clicks": 1},
                      {"assistenza-codice.data": {"code": code}})
        assert moved_to(post_callback(staff, "url.href", tick, here)) is None
    finally:
        with app.app_context():
            mario = db.session.scalar(select(Customer.id).where(Customer.code == "100234"))
            codes.end(db.session, mario)
            db.session.commit()


def test_only_members_get_a_code(staff):
    answer = post_callback(staff, "assistenza-codice", {"assistenza-chiedi.n_clicks": 1},
                           {"url.pathname": "/", "url.search": ""})
    assert answer.status_code == 204 or "assistenza-codice" not in answer.get_json()["response"]


# --- «Cerca socio o cliente» ---------------------------------------------------------------

@pytest.mark.parametrize("query", ["rossi", "100234", "IT125E00012345", "RSSMRA52", "ROSSI mario"])
def test_staff_find_mario_by_name_code_pod_and_tax_code(staff, query):
    page = staff.get(f"/assistenza?q={query}").get_data(as_text=True)
    assert "Mario Rossi" in page and "codice cliente 100234" in page


def test_opening_a_result_asks_a_reason_and_is_recorded(staff, app):
    page = staff.get("/assistenza?q=100234").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    customer = re.search(r'name="customer" value="(\d+)"', page).group(1)
    refused = staff.post("/assistenza/apri", data={"customer": customer, "reason": "",
                                                   "csrf_token": token})
    assert refused.status_code == 400
    before = len(trail(app))
    opened = staff.post("/assistenza/apri", data={"customer": customer, "reason": "Ticket 77",
                                                  "csrf_token": token})
    assert opened.status_code == 303
    assert trail(app)[before:] == [
        ("ricerca", "area aperta: risultato di ricerca", "Ticket 77", STAFF[0])]
    home = post_callback(staff, "header-account", {"url.pathname": "/"})
    assert "Stai visualizzando l'area di Mario Rossi" in json.dumps(outputs(home),
                                                                    ensure_ascii=False)


def test_results_are_masked_while_the_screen_is_shared(staff, app):
    with app.app_context():
        tax_code = db.session.scalar(select(Customer.tax_code).where(Customer.code == "100234"))
    assert tax_code in staff.get("/assistenza?q=100234").get_data(as_text=True)
    page = staff.get("/assistenza").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    staff.post("/condivisione-schermo", data={"attiva": "1", "next": "/assistenza",
                                              "csrf_token": token})
    masked = staff.get("/assistenza?q=100234").get_data(as_text=True)
    assert tax_code not in masked and "socio@example.com" not in masked


@pytest.mark.parametrize("query", ["", "a", "%", "x" * 500, "\x00", "'; drop table customer"])
def test_odd_searches_get_a_polite_answer(staff, query):
    response = staff.get("/assistenza", query_string={"q": query, "pagina": "-3"})
    assert response.status_code == 200


# --- account help -------------------------------------------------------------------------

def help_with(client, action: str, reason: str = "Ticket 55: non riesce ad accedere"):
    """Press an account-help button on the console, with its reason."""
    page = client.get("/assistenza").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/assistenza/aiuto", data={"action": action, "reason": reason,
                                                   "csrf_token": token})


def test_staff_send_a_reset_link_and_clear_the_slowdown_with_a_reason(staff, mario_code, app):
    from dashboard.auth import throttle

    code, _ = mario_code
    open_by_code(staff, code)
    console = staff.get("/assistenza").get_data(as_text=True)
    assert "Aiuto sull&#39;account" in console or "Aiuto sull'account" in console
    assert "Ultimi accessi" in console
    assert help_with(staff, "password", reason="").status_code == 400
    before = len(trail(app))
    assert help_with(staff, "password").status_code == 303
    with app.app_context():
        mario = db.session.scalar(select(Account.id).where(Account.email == "socio@example.com"))
        for address in ("192.0.2.1", "192.0.2.2"):
            throttle.record_failure(throttle.subject_for(mario, "100234"), address)
        db.session.commit()
    assert help_with(staff, "rallentamento").status_code == 303
    with app.app_context():
        left = db.session.scalar(select(func.count()).select_from(LoginFailure).where(
            LoginFailure.subject == throttle.subject_for(mario, "100234")))
    assert left == 0
    assert [row[:3] for row in trail(app)[before:]] == [
        ("azione", "Invia un link per scegliere una nuova password",
         "Ticket 55: non riesce ad accedere"),
        ("azione", "Togli il rallentamento dell'accesso", "Ticket 55: non riesce ad accedere")]
    mails = [body for _subject, body in mails_to(app, "socio@example.com")]
    assert any("/password/reimposta/" in body and "Ticket 55" in body for body in mails)
    assert any("rallentamento" in body for body in mails)


def test_account_help_needs_an_open_area_and_a_known_action(staff, mario_code):
    assert help_with(staff, "password").status_code == 400   # no area open
    code, _ = mario_code
    open_by_code(staff, code)
    assert help_with(staff, "conferma").status_code == 400   # Mario's login is confirmed
    assert help_with(staff, "rm -rf").status_code == 400
