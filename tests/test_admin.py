"""The administrator's tools: staff accounts, access trail, imports, outbox and health."""
from __future__ import annotations

import csv
import io
import json
import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from dashboard.admin import pages as tools
from dashboard.labels import ROLE_LABELS
from models import (
    AccessKind,
    Account,
    AccountToken,
    Customer,
    ImportRun,
    LoginSession,
    OutboxMail,
    db,
)
from models.audit import Access, append
from models.entities import AuditEvent, utcnow
from models.enums import Role
from tests.conftest import DEMO_MEMBER
from tests.helpers import login, outputs, post_callback, without_csrf
from tests.test_accounts import outbox_link

ADMIN = ("admin@example.com", "Amministra!2023")
SUPPORT = ("assistenza@example.com", "Assistenza!2023")
ADVISOR = ("consulente@example.com", "Consulente!2023")
PASSWORD = "Tolmezzo!Carnia2026"
EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "import-example"
PAGES = {tools.STAFF: "Account del personale", tools.TRAIL: "Registro degli accessi",
         tools.IMPORTS: "Importazioni dal gestionale", tools.OUTBOX: "Posta in uscita",
         tools.HEALTH: "Stato del servizio"}
HOSTILE = ["\x00", "' OR 1=1 --", "<script>alert(1)</script>", "x" * 5000, "../../etc/passwd",
           "%00", "\u202e\ufeff", "=HYPERLINK(\"http://x\")", "-1", "9" * 40, "2026-13-45"]


def token_of(html: str) -> str:
    """Read a CSRF token out of any form of a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def post_form(client, page: str, action: str, data: dict, **kwargs):
    """Open a page, then post one of its forms with the page's CSRF token."""
    html = client.get(page).get_data(as_text=True)
    return client.post(action, data={**data, "csrf_token": token_of(html)}, **kwargs)


@pytest.fixture()
def admin(app):
    """Return a client logged in as the demo administrator."""
    return login(app.test_client(), *ADMIN)


@pytest.fixture()
def colleague(app):
    """Create a support account with a known password; remove it and its traces after."""
    email = f"collega-{uuid.uuid4().hex[:8]}@example.com"
    with app.app_context():
        account = Account(email=email, role=Role.SUPPORT,
                          password_hash=app.config["PASSWORD_POLICY"].hash(PASSWORD))
        db.session.add(account)
        db.session.commit()
        account_id = account.id
    yield {"id": account_id, "email": email}
    with app.app_context():
        db.session.execute(delete(Account).where(Account.id == account_id))
        db.session.commit()


def account(app, account_id: int) -> Account:
    """Read an account afresh."""
    with app.app_context():
        found = db.session.get(Account, account_id)
        db.session.expunge(found)
        return found


def events(app, action: str, detail_part: str) -> list[AuditEvent]:
    """Return the admin events of a kind whose detail mentions something."""
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == action, AuditEvent.detail.contains(detail_part))))


def shell(response) -> str:
    """Return a page without what changes on every request (CSRF token, Dash's end id)."""
    return re.sub(r'"end_id":"[^"]+"', "", without_csrf(response.get_data(as_text=True)))


def page_text(response) -> str:
    """Return the page the Dash router answered, as text."""
    return json.dumps(outputs(response)["page.children"], ensure_ascii=False)


# --- Who may open the tools ----------------------------------------------------------------

@pytest.mark.parametrize("path", list(PAGES))
def test_anonymous_is_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("path", list(PAGES))
def test_members_find_nothing_and_staff_are_told_it_is_not_their_profile(app, member, path):
    answer = member.get(path)
    assert answer.status_code == 200 and PAGES[path] not in answer.get_data(as_text=True)
    # The same shell as for an address that does not exist: nothing tells the page exists.
    assert shell(answer) == shell(member.get("/non-esiste-affatto"))
    routed = page_text(post_callback(member, "header-account", {"url.pathname": path},
                                     {"url.search": ""}))
    assert "Pagina non trovata" in routed and "non è disponibile" not in routed
    assert member.post(path, data={}).status_code in (400, 404, 405)
    for credentials, role in ((SUPPORT, Role.SUPPORT), (ADVISOR, Role.ADVISOR)):
        staff = login(app.test_client(), *credentials)
        assert PAGES[path] not in staff.get(path).get_data(as_text=True)
        routed = page_text(post_callback(staff, "header-account", {"url.pathname": path},
                                         {"url.search": ""}))
        assert (f"Questa sezione non è disponibile per il profilo {ROLE_LABELS[role]}"
                in routed)


def test_member_posts_to_admin_actions_are_refused(member, colleague, app):
    response = member.post(f"{tools.STAFF}/{colleague['id']}/disattiva", data={"conferma": "1"})
    assert response.status_code in (400, 404)
    assert account(app, colleague["id"]).is_active


@pytest.mark.parametrize("path", list(PAGES))
def test_admin_opens_every_tool(admin, path):
    response = admin.get(path)
    assert response.status_code == 200 and PAGES[path] in response.get_data(as_text=True)


def test_the_admin_home_lists_the_tools_as_plain_links(admin):
    page = outputs(post_callback(admin, "header-account", {"url.pathname": "/"},
                                 {"url.search": ""}))["page.children"]
    text = json.dumps(page, ensure_ascii=False)
    links = re.findall(r'"type": "A", "namespace": "dash_html_components"', text)
    assert len(links) >= len(PAGES)
    assert all(path in text for path in PAGES)


# --- Staff accounts ------------------------------------------------------------------------

def test_the_list_shows_staff_accounts_not_members(admin):
    page = admin.get(tools.STAFF).get_data(as_text=True)
    assert "assistenza@example.com" in page and "consulente@example.com" in page
    assert DEMO_MEMBER[0] not in page


def test_an_invitation_creates_an_inactive_account_and_its_link_sets_the_password(app, admin):
    email = f"nuovo-{uuid.uuid4().hex[:8]}@example.com"
    response = post_form(admin, tools.STAFF, f"{tools.STAFF}/invita",
                         {"email": email.upper(), "role": Role.ADVISOR.value,
                          "full_name": "  Anna   Maieron "})
    assert response.status_code == 303
    with app.app_context():
        invited = db.session.scalar(select(Account).where(Account.email == email))
        assert invited.role is Role.ADVISOR and not invited.is_active
        assert invited.full_name == "Anna Maieron"
        invited_id = invited.id
    assert events(app, "personale.invito", email)
    listing = admin.get(tools.STAFF).get_data(as_text=True)
    assert "Invito in attesa" in listing and "Anna Maieron" in listing
    # The invited colleague cannot log in yet, whatever they type.
    assert app.test_client().post("/login", data={"login": email, "password": "x"}
                                  ).status_code != 302
    link = outbox_link(app, email, "/personale/invito/")

    visitor = app.test_client()
    form = visitor.get(link)
    assert form.status_code == 200 and email in form.get_data(as_text=True)
    weak = visitor.post(link, data={"password": "corta", "password_repeat": "corta",
                                    "csrf_token": token_of(form.get_data(as_text=True))})
    assert weak.status_code == 400 and not account(app, invited_id).is_active
    done = visitor.post(link, data={"password": PASSWORD, "password_repeat": PASSWORD,
                                    "csrf_token": token_of(form.get_data(as_text=True))})
    assert done.status_code == 200 and "Accesso attivato" in done.get_data(as_text=True)
    assert account(app, invited_id).is_active
    assert events(app, "personale.invito_accettato", Role.ADVISOR.value)
    login(app.test_client(), email, PASSWORD)
    assert app.test_client().get(link).status_code == 404   # single use
    with app.app_context():
        db.session.execute(delete(Account).where(Account.id == invited_id))
        db.session.commit()


def test_an_invitation_needs_a_name(app, admin):
    email = f"nuovo-{uuid.uuid4().hex[:8]}@example.com"
    response = post_form(admin, tools.STAFF, f"{tools.STAFF}/invita",
                         {"email": email, "role": "assistenza", "full_name": "   "})
    assert response.status_code == 400
    assert "Controlla il nome, l&#39;email e il profilo." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Account).where(Account.email == email)) is None


def test_resending_an_invitation_voids_the_old_link(app, admin):
    email = f"nuovo-{uuid.uuid4().hex[:8]}@example.com"
    post_form(admin, tools.STAFF, f"{tools.STAFF}/invita", {"email": email, "role": "assistenza",
                                                        "full_name": "Ivo Cescutti"})
    with app.app_context():
        invited_id = db.session.scalar(select(Account.id).where(Account.email == email))
    response = post_form(admin, tools.STAFF, f"{tools.STAFF}/{invited_id}/reinvia", {})
    assert response.status_code == 303
    with app.app_context():
        tokens = db.session.scalars(select(AccountToken).where(
            AccountToken.account_id == invited_id)).all()
        assert len(tokens) == 2 and sum(t.used_at is None for t in tokens) == 1
        assert all(t.expires_at > utcnow() + timedelta(hours=71) for t in tokens)
        db.session.execute(delete(Account).where(Account.id == invited_id))
        db.session.commit()
    assert events(app, "personale.invito_reinviato", email)


def test_an_address_already_in_use_is_not_invited_again(app, admin):
    response = post_form(admin, tools.STAFF, f"{tools.STAFF}/invita",
                         {"email": SUPPORT[0], "role": "admin", "full_name": "Doppio"})
    assert response.status_code == 400
    assert "Esiste già un account con questa email" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Account.role).where(
            Account.email == SUPPORT[0])) is Role.SUPPORT


def test_a_role_change_asks_for_confirmation_then_ends_the_sessions(app, admin, colleague):
    theirs = login(app.test_client(), colleague["email"], PASSWORD)
    action = f"{tools.STAFF}/{colleague['id']}/profilo"
    asked = post_form(admin, tools.STAFF, action, {"role": "consulente"})
    assert asked.status_code == 200 and "Sì, conferma" in asked.get_data(as_text=True)
    assert account(app, colleague["id"]).role is Role.SUPPORT
    done = admin.post(action, data={"role": "consulente", "conferma": "1",
                                    "csrf_token": token_of(asked.get_data(as_text=True))})
    assert done.status_code == 303
    assert account(app, colleague["id"]).role is Role.ADVISOR
    assert theirs.get("/").status_code == 302   # logged out: log in again with the new profile
    assert events(app, "personale.profilo", colleague["email"])


def test_disabling_asks_for_confirmation_ends_the_sessions_and_enabling_restores(
        app, admin, colleague):
    theirs = login(app.test_client(), colleague["email"], PASSWORD)
    action = f"{tools.STAFF}/{colleague['id']}/disattiva"
    asked = post_form(admin, tools.STAFF, action, {})
    assert "Vuoi disattivare questo account?" in asked.get_data(as_text=True)
    assert account(app, colleague["id"]).is_active
    done = admin.post(action, data={"conferma": "1",
                                    "csrf_token": token_of(asked.get_data(as_text=True))})
    assert done.status_code == 303 and not account(app, colleague["id"]).is_active
    with app.app_context():
        assert not db.session.scalar(select(func.count(LoginSession.id)).where(
            LoginSession.account_id == colleague["id"], LoginSession.revoked_at.is_(None)))
    assert theirs.get("/").status_code == 302
    assert app.test_client().post("/login", data={}).status_code != 302
    assert events(app, "personale.disattivato", colleague["email"])
    enabled = post_form(admin, tools.STAFF, f"{tools.STAFF}/{colleague['id']}/attiva", {})
    assert enabled.status_code == 303 and account(app, colleague["id"]).is_active
    assert events(app, "personale.attivato", colleague["email"])
    login(app.test_client(), colleague["email"], PASSWORD)


def test_an_admin_cannot_lock_themselves_out(app, admin):
    with app.app_context():
        me = db.session.scalar(select(Account.id).where(Account.email == ADMIN[0]))
    for action, data in ((f"{tools.STAFF}/{me}/disattiva", {"conferma": "1"}),
                         (f"{tools.STAFF}/{me}/disattiva", {}),
                         (f"{tools.STAFF}/{me}/profilo", {"role": "assistenza", "conferma": "1"})):
        response = post_form(admin, tools.STAFF, action, data)
        assert response.status_code == 400, action
        assert "Non puoi cambiare il profilo né disattivare il tuo account" in response.get_data(
            as_text=True) and "Sì, conferma" not in response.get_data(as_text=True)
    found = account(app, me)
    assert found.is_active and found.role is Role.ADMIN
    assert admin.get(tools.STAFF).status_code == 200


def test_the_last_active_admin_keeps_the_profile(app, colleague):
    """A second admin may not demote the only other active one once they are alone."""
    from dashboard.admin import staff
    from dashboard.auth.identity import Viewer

    with app.test_request_context():
        db.session.get(Account, colleague["id"]).role = Role.ADMIN
        db.session.commit()
        demo_admin = db.session.scalar(select(Account).where(Account.email == ADMIN[0]))
        demo_admin.is_active = False   # only the colleague stays active, in this transaction
        db.session.flush()
        viewer = Viewer(demo_admin.id, demo_admin.email, Role.ADMIN, None, 0, utcnow())
        with pytest.raises(staff.StaffError, match="ultimo amministratore"):
            staff.set_active(viewer, colleague["id"], False)
        db.session.rollback()


# --- The access trail ----------------------------------------------------------------------

@pytest.fixture()
def trail(app):
    """Append two access records about Mario Rossi with a recognisable reason."""
    marker = f"Ticket {uuid.uuid4().hex[:8]}"
    with app.app_context():
        mario = db.session.scalar(select(Customer.id).where(Customer.code == "100234"))
        for kind, target in ((AccessKind.PAGE, "/consumi"), (AccessKind.PDF, "fattura 1")):
            append(db.engine, Access(1, Role.SUPPORT, "assistenza@example.com",
                                     "assistenza@example.com", mario, kind, target,
                                     "127.0.0.1", f"=SUM(A1) {marker}"))
    return marker


def test_the_trail_filters_by_customer_kind_and_dates(admin, trail):
    everything = admin.get(tools.TRAIL).get_data(as_text=True)
    assert trail in everything
    pdfs = admin.get(f"{tools.TRAIL}?cliente=100234&tipo=pdf&personale=ASSISTENZA"
                     ).get_data(as_text=True)
    assert "fattura 1" in pdfs and "/consumi</td>" not in pdfs
    nobody = admin.get(f"{tools.TRAIL}?cliente=999999").get_data(as_text=True)
    assert trail not in nobody and "Nessun accesso" in nobody
    past = admin.get(f"{tools.TRAIL}?dal=2001-01-01&al=2001-01-31").get_data(as_text=True)
    assert trail not in past
    today = utcnow().date().isoformat()
    assert trail in admin.get(f"{tools.TRAIL}?dal={today}&al={today}").get_data(as_text=True)


def test_the_trail_exports_the_filtered_view_as_csv(app, admin, trail):
    response = admin.get(f"{tools.TRAIL}.csv?cliente=100234&tipo=pagina")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    assert rows[0][0] == "data e ora"
    ours = [row for row in rows[1:] if trail in row[7]]
    assert len(ours) == 1 and ours[0][3] == "100234" and ours[0][4] == "pagina"
    assert ours[0][7].startswith("'=")   # no formula reaches the spreadsheet
    assert all(row[4] == "pagina" and row[3] == "100234" for row in rows[1:])
    assert events(app, "registro.esportazione", "100234")


def test_the_trail_shows_the_chain_verification(app, admin, trail):
    response = post_form(admin, tools.TRAIL, f"{tools.TRAIL}/verifica", {})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "La catena è integra" in text
    assert events(app, "registro.verifica", "integra")


# --- Imports -------------------------------------------------------------------------------

def upload(admin, files: dict[str, bytes], check_only: bool = False):
    """Post CSV files to the import page as a browser's multiple file input does."""
    html = admin.get(tools.IMPORTS).get_data(as_text=True)
    data = {"csrf_token": token_of(html),
            "files": [(io.BytesIO(content), name) for name, content in files.items()]}
    if check_only:
        data["solo_controllo"] = "y"
    return admin.post(tools.IMPORTS, data=data, content_type="multipart/form-data")


def test_a_bad_file_shows_file_line_column_and_writes_nothing(app, admin):
    good = (EXAMPLE / "clienti.csv").read_text(encoding="utf-8")
    bad = good.replace("33026", "3X026", 1)
    with app.app_context():
        customers = db.session.scalar(select(func.count(Customer.id)))
    response = upload(admin, {"clienti.csv": bad.encode(), "lista.exe": b"MZ"})
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r"clienti\.csv:2: cap: ", text), text[-3000:]
    assert "lista.exe: file non riconosciuto" in text and "nessun dato scritto" in text
    assert "/tmp" not in text
    with app.app_context():
        assert db.session.scalar(select(func.count(Customer.id))) == customers
        assert not db.session.scalar(select(Customer.id).where(Customer.code == "200001"))
        run = db.session.scalars(select(ImportRun).order_by(ImportRun.id.desc())).first()
        assert run.outcome == "errori" and "clienti.csv:2: cap" in run.problems
    assert "clienti.csv:2: cap" in admin.get(tools.IMPORTS).get_data(as_text=True)


def test_a_clean_export_is_checked_without_writing(app, admin):
    files = {path.name: path.read_bytes() for path in EXAMPLE.glob("*.csv")}
    response = upload(admin, files, check_only=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Nessun problema in" in text, text[-2000:]
    with app.app_context():
        assert not db.session.scalar(select(Customer.id).where(Customer.code == "200001"))
        run = db.session.scalars(select(ImportRun).order_by(ImportRun.id.desc())).first()
        assert run.outcome == "controllato" and run.rows > 0


def test_an_empty_upload_is_a_polite_problem(admin):
    response = upload(admin, {})
    assert response.status_code == 400 and "scegli almeno un file CSV" in response.get_data(
        as_text=True)


# --- Outbox and health ---------------------------------------------------------------------

def test_the_outbox_lists_failed_sends_first_masked_and_retries_them(app, admin):
    with app.app_context():
        old = utcnow() - timedelta(minutes=10)
        db.session.add_all([
            OutboxMail(recipient="riuscito@example.com", subject="Messaggio riuscito", body="",
                       created_at=old, attempts=1, sent_at=old),
            OutboxMail(recipient="fallito@example.com", subject="Da riprovare", body="Ciao",
                       created_at=old, attempts=1, last_attempt_at=old,
                       last_error="Connection refused")])
        db.session.commit()
    text = admin.get(tools.OUTBOX).get_data(as_text=True)
    assert "fallito@example.com" not in text and "Connection refused" in text
    assert text.index("Da riprovare") < text.index("Messaggio riuscito")
    response = post_form(admin, tools.OUTBOX, f"{tools.OUTBOX}/riprova", {})
    assert response.status_code == 200 and "Messaggi inviati: 1" in response.get_data(
        as_text=True)
    with app.app_context():
        row = db.session.scalar(select(OutboxMail).where(OutboxMail.subject == "Da riprovare"))
        assert row.sent_at is not None and row.attempts == 2
    assert events(app, "posta.riprova", "inviati 1")


def test_health_shows_both_checks_the_backend_and_the_revision(app, admin):
    text = admin.get(tools.HEALTH).get_data(as_text=True)
    with app.app_context():
        backend = db.engine.dialect.name
    assert "/health</dt><dd>200 · ok" in text and "/ready</dt><dd>200 · ok" in text
    assert backend in text and "(aggiornato)" in text


# --- Odd input -----------------------------------------------------------------------------

@pytest.mark.parametrize("value", HOSTILE)
def test_no_hostile_value_makes_a_server_error(app, admin, colleague, value):
    html = admin.get(tools.STAFF).get_data(as_text=True)
    token = token_of(html)
    posts = [
        (f"{tools.STAFF}/invita", {"email": value, "role": value, "full_name": value}),
        (f"{tools.STAFF}/{colleague['id']}/profilo", {"role": value, "conferma": value}),
        (f"{tools.STAFF}/{colleague['id']}/disattiva", {"conferma": value}),
        (f"{tools.STAFF}/{colleague['id']}/reinvia", {"conferma": value}),
        (f"{tools.OUTBOX}/riprova", {"conferma": value}),
        (f"{tools.TRAIL}/verifica", {"conferma": value}),
        (tools.IMPORTS, {"solo_controllo": value, "files": value}),
    ]
    for action, data in posts:
        for with_token in (True, False):
            sent = {**data, "csrf_token": token} if with_token else data
            response = admin.post(action, data=sent)
            assert response.status_code < 500, (action, value, response.status_code)
    for field in ("personale", "cliente", "tipo", "dal", "al", "pagina"):
        for path in (tools.TRAIL, f"{tools.TRAIL}.csv"):
            response = admin.get(path, query_string={field: value})
            assert response.status_code < 500, (path, field, value)
    assert admin.get(f"{staff_invite_path()}{value}").status_code < 500
    assert account(app, colleague["id"]).is_active   # nothing unconfirmed went through


def staff_invite_path() -> str:
    """Return the public path of invitation links."""
    from dashboard.admin.staff import INVITE_PATH

    return INVITE_PATH


def test_a_clean_export_is_written_and_counted(app, admin):
    files = {path.name: path.read_bytes() for path in EXAMPLE.glob("*.csv")}
    try:
        response = upload(admin, files)
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and "Importazione completata" in text, text[-2000:]
        assert "clienti.csv: 2 nuovi, 0 modificati" in text
        with app.app_context():
            assert db.session.scalar(select(Customer.name).where(Customer.code == "200001")
                                     ) == "Maria Del Fabbro"
            run = db.session.scalars(select(ImportRun).order_by(ImportRun.id.desc())).first()
            assert run.outcome == "scritto" and "clienti.csv: 2 nuovi" in run.summary
        assert events(app, "importazione.scritto", "clienti.csv")
    finally:
        with app.app_context():
            db.session.execute(delete(Customer).where(Customer.code.in_(["200001", "200002"])))
            db.session.commit()


def test_other_staff_cannot_act_as_admin(app, colleague):
    support = login(app.test_client(), *SUPPORT)
    home = support.get("/assistenza").get_data(as_text=True)
    for action in (f"{tools.STAFF}/{colleague['id']}/disattiva", f"{tools.STAFF}/invita",
                   f"{tools.OUTBOX}/riprova", tools.IMPORTS):
        response = support.post(action, data={"conferma": "1", "email": "x@example.com",
                                              "role": "admin", "csrf_token": token_of(home)})
        assert response.status_code == 403, action
        assert "non è disponibile per il profilo" in response.get_data(as_text=True)
    assert account(app, colleague["id"]).is_active


def test_the_invitation_shows_its_expiry_and_an_expired_link_is_refused(app, admin):
    email = f"nuovo-{uuid.uuid4().hex[:8]}@example.com"
    post_form(admin, tools.STAFF, f"{tools.STAFF}/invita",
              {"email": email, "role": "admin", "full_name": "Pia Unfer"})
    assert "il link scade il" in admin.get(tools.STAFF).get_data(as_text=True)
    link = outbox_link(app, email, "/personale/invito/")
    with app.app_context():
        invited_id = db.session.scalar(select(Account.id).where(Account.email == email))
        db.session.execute(AccountToken.__table__.update().where(
            AccountToken.account_id == invited_id).values(expires_at=utcnow()))
        db.session.commit()
    assert app.test_client().get(link).status_code == 404
    assert "link scaduto" in admin.get(tools.STAFF).get_data(as_text=True)
    with app.app_context():
        db.session.execute(delete(Account).where(Account.id == invited_id))
        db.session.commit()


def test_an_upload_over_the_limit_is_refused_politely(app, admin):
    big = b"codice_cliente\n" + b"1" * (app.config["MAX_CONTENT_LENGTH"] + 1024)
    response = upload(admin, {"clienti.csv": big})
    assert response.status_code == 413 and "Richiesta troppo grande" in response.get_data(
        as_text=True)


def test_the_trail_is_paged_keeping_the_filters(admin, trail, monkeypatch):
    from dashboard.admin import trail as service

    monkeypatch.setattr(service, "PER_PAGE", 1)
    first = admin.get(f"{tools.TRAIL}?cliente=100234").get_data(as_text=True)
    assert "pagina 1 di" in first and "fattura 1" in first   # newest first
    assert "cliente=100234&amp;pagina=2" in first
    second = admin.get(f"{tools.TRAIL}?cliente=100234&pagina=2").get_data(as_text=True)
    assert "pagina 2 di" in second and "/consumi</td>" in second
    beyond = admin.get(f"{tools.TRAIL}?cliente=100234&pagina=999999").get_data(as_text=True)
    assert "Nessun accesso" not in beyond   # past the end: the last page


def test_the_trail_opened_plainly_shows_no_filter_error(admin):
    page = admin.get(tools.TRAIL).get_data(as_text=True)
    assert "Not a valid choice" not in page and "Alcuni filtri non sono validi" not in page
