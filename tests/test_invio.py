"""Modalità di invio: two-step change, email confirmation links, idempotency, history, audit."""
from __future__ import annotations

import email
import email.policy
import hashlib
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from dashboard import formatting as fmt
from dashboard.pages.invio import parse_email
from dashboard.security import CSRF_COOKIE
from dashboard.services.delivery import commit_with_retry
from models import Contract, OutboxMail, db
from models.delivery import Actor, Result, choose_paper, in_force, next_period
from models.entities import AuditEvent, BillDeliveryChange, DeliveryConfirmation, utcnow
from models.enums import ContractStatus, DeliveryMode
from models.queries import last_period_end
from tests.helpers import form_token, outputs, post_callback
from tests.test_consumi import contract_ids
from tests.test_contratto import moved_to, post_by_input

NEW_EMAIL = "mario.rossi@example.com"
LINK = re.compile(r"http://portale\.test(/invio/conferma/[A-Za-z0-9_-]+)")


@pytest.fixture(autouse=True)
def restore_delivery(app):
    """Undo every delivery change, link and audit event a test makes (the app is shared)."""
    tables = (AuditEvent, DeliveryConfirmation, BillDeliveryChange)
    with app.app_context():
        marks = {t: db.session.scalar(select(func.coalesce(func.max(t.id), 0))) for t in tables}
    yield
    with app.app_context():
        for table, mark in marks.items():
            db.session.execute(delete(table).where(table.id > mark))
        db.session.commit()


def home_and_holiday(app) -> tuple[int, int]:
    """Return Mario Rossi's contracts: his home (bolletta web) and holiday home (paper)."""
    home, holiday = contract_ids(app, "100234")
    return home, holiday


def review(client, contract_id: object, mode: object, address: object = None):
    """Press «Continua» with a contract, a mode and an address."""
    return post_by_input(client, {"invio-continua.n_clicks": 1}, {
        "url.search": f"?contratto={contract_id}", "invio-modalita.value": mode,
        "invio-email.value": address})


def decide(client, request: object, button: str = "invio-conferma", search: object = ""):
    """Press «Conferma la modifica» (or «Annulla») on a reviewed request."""
    # Its first output is shared with the review step: pick the callback by its inputs.
    return post_by_input(client, {f"{button}.n_clicks": 1},
                         {"invio-richiesta.data": request, "url.search": search})


def reviewed(client, contract_id: int, mode: str, address: str | None = None) -> dict:
    """Return the request the review step stores for the confirm step."""
    out = outputs(review(client, contract_id, mode, address))
    assert out["invio-riepilogo.hidden"] is False, out
    return out["invio-richiesta.data"]


def session_token(client) -> str:
    """Return the session's CSRF token, as the page's own forms carry it."""
    return client.get_cookie(CSRF_COOKIE).value


def answer(response) -> str:
    """Return a callback's outputs as text."""
    return json.dumps(outputs(response), ensure_ascii=False)


def mails_to(app, to: str) -> list[str]:
    """Return the bodies of the messages written to the outbox for an address."""
    bodies = []
    for file in sorted(Path(app.config["MAIL_OUTBOX"]).glob("*.eml"),
                       key=lambda p: p.stat().st_mtime_ns):
        message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
        if message["To"] == to:
            bodies.append(message.get_content())
    return bodies


def changes(app, contract_id: int) -> list[tuple[int, str, str | None]]:
    """Return a contract's delivery history as (version, mode, email)."""
    with app.app_context():
        return [(c.version, str(c.mode), c.email) for c in db.session.scalars(
            select(BillDeliveryChange).where(BillDeliveryChange.contract_id == contract_id)
            .order_by(BillDeliveryChange.version))]


def audit_actions(app, contract_id: int) -> list[str]:
    """Return the audit trail's actions on a contract, oldest first."""
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.contract_id == contract_id).order_by(AuditEvent.id)))


# --- the email address -----------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("mario.rossi@example.com", "mario.rossi@example.com"),
    ("  Mario.Rossi@Example.COM ", "mario.rossi@example.com"),
    ("nome+bollette@posta.secab.it", "nome+bollette@posta.secab.it"),
])
def test_good_addresses_are_normalised(raw, expected):
    assert parse_email(raw) == (expected, None)


@pytest.mark.parametrize("raw", [
    "", "   ", None, 42, ["a@b.it"], "mario", "mario@", "@example.com", "mario@example",
    "mario rossi@example.com", "mario@example.com\r\nBcc: tutti@example.com",
    "mario@example.com\nSubject: x", "a@b.it, c@d.it", "a@b.it;c@d.it", "Mario <a@b.it>",
    '"mario"@example.com', "mario@[127.0.0.1]", "màrio@example.com", "a\x00@b.it",
    "x" * 65 + "@example.com", "a@" + "b" * 250 + ".it", "mario\u2028@example.com",
])
def test_bad_addresses_get_a_polite_reason(raw):
    address, error = parse_email(raw)
    assert address is None and error and error.endswith(".")


# --- step one: the review --------------------------------------------------------------------

def test_review_states_what_changes_and_from_which_bill(member, app):
    _, holiday = home_and_holiday(app)
    out = outputs(review(member, holiday, "web", NEW_EMAIL))
    text = json.dumps(out["invio-riepilogo-testo.children"], ensure_ascii=False)
    assert "Cosa cambia" in text and "Da quale bolletta" in text and "Come si conferma" in text
    assert (f"Da bolletta cartacea, per posta a Via Roma 12, 33026 Paluzza (UD) a bolletta "
            f"web, per email a {NEW_EMAIL}.") in text
    with app.app_context():
        contract = db.session.get(Contract, holiday)
        start, end = next_period(last_period_end(db.session, holiday), contract.start_date, 2)
    assert f"di norma quella del periodo {fmt.period(start, end)}" in text
    assert out["invio-richiesta.data"] == {"contract": holiday, "mode": "web",
                                           "email": NEW_EMAIL, "version": 1}
    assert changes(app, holiday) == [(1, "carta", None)]   # nothing saved yet


def test_review_of_the_choice_in_force_changes_nothing(member, app):
    home, _ = home_and_holiday(app)
    out = outputs(review(member, home, "web", "SOCIO@example.com"))
    assert out["invio-riepilogo.hidden"] is True
    assert "È già la modalità attiva" in json.dumps(out, ensure_ascii=False)


@pytest.mark.parametrize(("mode", "address", "message"), [
    (None, None, "Scegli come vuoi ricevere la bolletta."),
    ("posta", None, "Scegli come vuoi ricevere la bolletta."),
    ("web", "", "Scrivi l'indirizzo email"),
    ("web", "a@b.it\r\nBcc: c@d.it", "caratteri non ammessi"),
])
def test_review_refuses_bad_choices_politely(member, app, mode, address, message):
    _, holiday = home_and_holiday(app)
    out = outputs(review(member, holiday, mode, address))
    assert out["invio-riepilogo.hidden"] is True and out["invio-richiesta.data"] is None
    assert message in json.dumps(out, ensure_ascii=False)


# --- step two: paper -------------------------------------------------------------------------

def test_switch_to_paper_at_once_and_a_double_click_makes_one_change(member, app):
    home, _ = home_and_holiday(app)
    request = reviewed(member, home, "carta")
    first = answer(decide(member, request, search=f"?contratto={home}"))
    assert "Fatto: la bolletta arriverà per posta a Via Roma 12" in first
    assert "Tu (socio@example.com)" in first and "Carta (per posta)" in first
    second = answer(decide(member, request, search=f"?contratto={home}"))
    assert "La bolletta cartacea è già attiva: non abbiamo cambiato nulla." in second
    assert changes(app, home)[-2:] == [(2, "web", "socio@example.com"), (3, "carta", None)]
    assert audit_actions(app, home) == ["invio.carta"]
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.contract_id == home)).one()
        assert event.actor == "socio@example.com" and event.account_id is not None
        assert event.detail == "da bolletta web (socio@example.com) a carta"


def test_cancel_saves_nothing(member, app):
    home, _ = home_and_holiday(app)
    request = reviewed(member, home, "carta")
    out = outputs(decide(member, request, button="invio-annulla"))
    assert out["invio-riepilogo.hidden"] is True and out["invio-richiesta.data"] is None
    assert changes(app, home)[-1] == (2, "web", "socio@example.com")


def test_a_change_made_elsewhere_meanwhile_makes_the_request_stale(member, app):
    home, _ = home_and_holiday(app)
    request = reviewed(member, home, "carta")
    with app.app_context():
        db.session.add(BillDeliveryChange(contract_id=home, version=3, mode=DeliveryMode.WEB,
                                          email="altro@example.com", actor="SECAB"))
        db.session.commit()
    text = answer(decide(member, request))
    assert "è cambiata nel frattempo" in text
    assert changes(app, home)[-1] == (3, "web", "altro@example.com")


# --- step two: bolletta web and its link -----------------------------------------------------

def ask_web(member, app, contract_id: int, address: str = NEW_EMAIL) -> str:
    """Ask for bolletta web and return the link's path from the email."""
    request = reviewed(member, contract_id, "web", address)
    text = answer(decide(member, request, search=f"?contratto={contract_id}"))
    assert f"Ti abbiamo inviato un'email a {address}" in text, text
    (body,) = mails_to(app, address)[-1:]
    return LINK.search(body).group(1)


def test_web_waits_for_the_link_then_takes_effect_once(member, app):
    _, holiday = home_and_holiday(app)
    mails = len(mails_to(app, NEW_EMAIL))
    request = reviewed(member, holiday, "web", NEW_EMAIL)
    sent = answer(decide(member, request, search=f"?contratto={holiday}"))
    assert "In attesa di conferma: bolletta web a mario.rossi@example.com" in sent
    again = answer(decide(member, request, search=f"?contratto={holiday}"))   # double click
    assert "Ti abbiamo appena inviato il link" in again
    bodies = mails_to(app, NEW_EMAIL)[mails:]
    assert len(bodies) == 1
    assert "Mario" not in bodies[0] and "Via Roma" not in bodies[0]   # a typo leaks nothing
    path = LINK.search(bodies[0]).group(1)
    raw = path.rsplit("/", 1)[1]
    assert len(raw) >= 43                                              # 256 random bits
    with app.app_context():
        (pending,) = db.session.scalars(select(DeliveryConfirmation).where(
            DeliveryConfirmation.contract_id == holiday)).all()
        assert pending.token_hash == hashlib.sha256(raw.encode()).hexdigest()
        assert raw not in json.dumps([pending.token_hash, pending.email])
        assert in_force(db.session, holiday).mode is DeliveryMode.PAPER   # not yet
    assert audit_actions(app, holiday) == ["invio.web_richiesta"]

    page = member.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Conferma la bolletta web" in html and NEW_EMAIL in html and "Da quale bolletta" in html
    token = form_token(html)
    done = member.post(path, data={"csrf_token": token}).get_data(as_text=True)
    assert "Bolletta web attiva" in done
    assert f"la bolletta ti arriverà per email a {NEW_EMAIL}" in done
    assert "Dalla prossima bolletta emessa: di norma quella del periodo" in done
    assert changes(app, holiday)[-1] == (2, "web", NEW_EMAIL)
    twice = member.post(path, data={"csrf_token": token})
    assert "Bolletta web già attiva" in twice.get_data(as_text=True)
    assert len(changes(app, holiday)) == 2
    assert audit_actions(app, holiday) == ["invio.web_richiesta", "invio.web_confermata"]
    assert "Tu (socio@example.com)" in answer(post_callback(
        member, "invio-stato", {"url.search": f"?contratto={holiday}"}))


def test_a_link_cannot_be_posted_without_the_form_token(member, app):
    _, holiday = home_and_holiday(app)
    path = ask_web(member, app, holiday)
    assert member.post(path).status_code == 400
    assert len(changes(app, holiday)) == 1


def test_someone_elses_link_unknown_and_malformed_links_get_one_answer(member, neighbour, app):
    _, holiday = home_and_holiday(app)
    path = ask_web(member, app, holiday)
    bodies = []
    for client, url in ((neighbour, path), (member, "/invio/conferma/" + "A" * 43),
                        (member, "/invio/conferma/short"), (member, "/invio/conferma/%00%27--"),
                        (member, "/invio/conferma/" + "x" * 500)):
        token = session_token(client)
        for response in (client.get(url), client.post(url, data={"csrf_token": token})):
            assert response.status_code == 404, url
            bodies.append(response.get_data(as_text=True))
    assert all("Link non valido" in body for body in bodies)
    assert NEW_EMAIL not in "".join(bodies) and "Monte Zoncolan" not in "".join(bodies)
    assert len(changes(app, holiday)) == 1


def test_an_expired_link_changes_nothing(member, app):
    _, holiday = home_and_holiday(app)
    path = ask_web(member, app, holiday)
    with app.app_context():
        db.session.execute(update(DeliveryConfirmation).values(
            expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    page = member.get(path).get_data(as_text=True)
    assert "Link scaduto" in page and "csrf_token" not in page.split("<main")[1]
    token = session_token(member)
    assert "Link scaduto" in member.post(path, data={"csrf_token": token}).get_data(as_text=True)
    assert len(changes(app, holiday)) == 1


def test_a_later_change_voids_a_pending_link(member, app):
    home, _ = home_and_holiday(app)
    path = ask_web(member, app, home, "nuovo.indirizzo@example.com")
    decide(member, reviewed(member, home, "carta"))
    page = member.get(path).get_data(as_text=True)
    assert "Link non più valido" in page
    token = session_token(member)
    member.post(path, data={"csrf_token": token})
    assert changes(app, home)[-1] == (3, "carta", None)


def test_the_link_asks_to_log_in_first(app, client, member):
    _, holiday = home_and_holiday(app)
    path = ask_web(member, app, holiday)
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=%2Finvio%2Fconferma%2F")


def test_when_the_email_cannot_go_it_is_kept_and_sent_later(member, app, tmp_path,
                                                            monkeypatch):
    _, holiday = home_and_holiday(app)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    outbox = app.config["MAIL_OUTBOX"]
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(blocker / "outbox"))
    request = reviewed(member, holiday, "web", NEW_EMAIL)
    assert "Ti abbiamo inviato un'email" in answer(decide(member, request))
    with app.app_context():
        assert db.session.scalar(select(func.count(DeliveryConfirmation.id)).where(
            DeliveryConfirmation.contract_id == holiday)) == 1
        waiting = db.session.scalar(select(OutboxMail).where(OutboxMail.recipient == NEW_EMAIL))
        assert waiting.sent_at is None and "Not a directory" in waiting.last_error
        waiting.last_attempt_at -= timedelta(minutes=10)
        db.session.commit()
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", outbox)
    assert app.test_cli_runner().invoke(args=["mail", "send"]).exit_code == 0
    assert LINK.search(mails_to(app, NEW_EMAIL)[-1])


# --- the gate and hostile input --------------------------------------------------------------

def test_a_foreign_contract_in_any_input_changes_nothing(member, app):
    foreign = contract_ids(app, "100235")[0]
    _, holiday = home_and_holiday(app)
    with app.app_context():
        markers = [db.session.get(Contract, foreign).pod, "Plozner", "Via di Sot"]
    before, mails = changes(app, foreign), len(mails_to(app, NEW_EMAIL))
    responses = [
        post_callback(member, "invio-stato", {"url.search": f"?contratto={foreign}"}),
        review(member, foreign, "carta"),
        decide(member, {"contract": foreign, "mode": "carta", "email": None, "version": 1}),
        decide(member, {"contract": foreign, "mode": "web", "email": NEW_EMAIL, "version": 1}),
        post_by_input(member, {"invio-scelta.value": foreign}, {"url.search": ""}),
    ]
    for response in responses:
        assert response.status_code in (200, 204)
        assert not [m for m in markers if m in response.get_data(as_text=True)]
    assert "Contratto non trovato" in answer(responses[0])
    assert "La richiesta non è più valida" in answer(responses[2])
    assert moved_to(responses[4]) is None
    assert changes(app, foreign) == before and len(mails_to(app, NEW_EMAIL)) == mails
    assert changes(app, holiday) == [(1, "carta", None)]


@pytest.mark.parametrize("value", [None, "", [], {}, True, 3.5, -7, "?contratto=abc", "web",
                                   "carta", {"$ne": 1}, "x" * 100_000, "\u202e1",
                                   {"contract": True, "mode": "carta", "version": True},
                                   {"contract": "1", "mode": ["web"], "version": "1"},
                                   {"contract": 1, "mode": "carta", "version": 10**30}])
def test_hostile_values_on_every_callback_never_fail(member, value):
    for response in (
        post_callback(member, "invio-stato", {"url.search": value}),
        post_callback(member, "invio-email-campo", {"invio-modalita.value": value}),
        post_by_input(member, {"invio-continua.n_clicks": value}, {
            "url.search": value, "invio-modalita.value": value, "invio-email.value": value}),
        decide(member, value, search=value),
        post_by_input(member, {"invio-scelta.value": value}, {"url.search": value}),
    ):
        assert response.status_code in (200, 204), response.get_data(as_text=True)[:300]
        assert "Traceback" not in response.get_data(as_text=True)


# --- the rules underneath --------------------------------------------------------------------

def test_versions_are_unique_per_contract(demo_session):
    contract = demo_session.scalars(select(Contract)).first()
    demo_session.add_all([
        BillDeliveryChange(contract_id=contract.id, version=9, mode=DeliveryMode.PAPER,
                           actor="a"),
        BillDeliveryChange(contract_id=contract.id, version=9, mode=DeliveryMode.WEB,
                           email="x@example.com", actor="b"),
    ])
    with pytest.raises(IntegrityError):
        demo_session.flush()


def test_a_ceased_contract_takes_no_change(demo_session):
    ceased = demo_session.scalars(select(Contract).where(
        Contract.status == ContractStatus.CEASED)).first()
    assert choose_paper(demo_session, ceased, 1, Actor(None, "test"), utcnow()) is Result.CEASED


def test_commit_with_retry_answers_as_the_winner_left_it(app):
    calls = []

    def operation():
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError("insert", {}, Exception("duplicate"))
        return Result.UNCHANGED

    with app.app_context():
        assert commit_with_retry(operation, Result.STALE) is Result.UNCHANGED
        assert commit_with_retry(lambda: (_ for _ in ()).throw(
            IntegrityError("insert", {}, Exception("again"))), Result.STALE) is Result.STALE
    assert len(calls) == 2


def test_next_period_follows_the_last_bill():
    from datetime import date

    assert next_period(date(2026, 9, 30), date(1987, 5, 1), 2) == (date(2026, 10, 1),
                                                                  date(2026, 11, 30))
    assert next_period(date(2026, 11, 30), date(1987, 5, 1), 2) == (date(2026, 12, 1),
                                                                   date(2027, 1, 31))
    assert next_period(None, date(2026, 11, 15), 2) == (date(2026, 11, 1), date(2026, 12, 31))
