"""The staff access trail: chained, append-only, verified, pruned, fail closed, shown to members."""
from __future__ import annotations

import hashlib
import json
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from flask import g
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

import models.audit as trail
from dashboard.audit import REFUSED, Planned, audited, record, refused_page, refused_response
from dashboard.auth.identity import Viewer
from dashboard.pages import accessi
from models import AccessChain, AccessKind, AccessRecord, Account, Customer, db
from models.audit import Access, AppendOnlyError, accesses_of_customer, append, digest, verify
from models.entities import utcnow
from models.enums import Role
from models.passwords import PasswordPolicy
from tests.helpers import outputs, post_callback

STAFF = "assistenza@example.com"


def staff_access(customer_id: int, reason: str = "Ticket 4711", target: str = "/consumi",
                 kind: AccessKind = AccessKind.PAGE) -> Access:
    """Describe an access by the demo support account."""
    return Access(account_id=3, role=Role.SUPPORT, staff_name="Giulia Bianchi",
                  staff_email=STAFF, customer_id=customer_id, kind=kind, target=target,
                  ip="192.0.2.7", reason=reason)


def customer_id_of(app, email: str) -> int:
    """Return the customer behind a demo member's login."""
    with app.app_context():
        return db.session.scalar(select(Account.customer_id).where(Account.email == email))


def staff_viewer(app) -> Viewer:
    """Return the demo support account as the request's viewer."""
    with app.app_context():
        account = db.session.scalars(select(Account).where(Account.email == STAFF)).one()
        return Viewer(account.id, account.email, account.role, None, 0, utcnow())


@contextmanager
def raw(app):
    """Open a raw connection to the app's database in a transaction, as an operator would."""
    with app.app_context(), db.engine.begin() as connection:
        yield connection


@contextmanager
def triggers_off(app):
    """Act as an attacker with database access: switch the append-only triggers off."""
    with raw(app) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE access_record DISABLE TRIGGER USER"))
            yield connection
            connection.execute(text("ALTER TABLE access_record ENABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER access_record_no_update"))
            connection.execute(text("DROP TRIGGER access_record_no_delete"))
            yield connection
            from importlib import import_module
            migration = import_module("migrations.versions.c751a5a1aa59_staff_access_trail")
            for statement in migration.SQLITE_GUARD:
                connection.execute(text(statement))


@contextmanager
def inserts_failing(app):
    """Make every insert into the trail fail in the database, for real, then undo it."""
    with raw(app) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(
                "CREATE FUNCTION refuse_insert() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'disk full'; END $$"))
            connection.execute(text(
                "CREATE TRIGGER refuse_insert BEFORE INSERT ON access_record "
                "FOR EACH ROW EXECUTE FUNCTION refuse_insert()"))
        else:
            connection.execute(text(
                "CREATE TRIGGER refuse_insert BEFORE INSERT ON access_record "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END"))
    try:
        yield
    finally:
        with raw(app) as connection:
            connection.execute(text("DROP TRIGGER refuse_insert" + (
                " ON access_record" if connection.dialect.name == "postgresql" else "")))
            if connection.dialect.name == "postgresql":
                connection.execute(text("DROP FUNCTION refuse_insert()"))


def count(app) -> int:
    """Count the records in the trail."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AccessRecord))


# --- the chain ---------------------------------------------------------------------------

def test_the_hash_is_sha256_over_the_documented_serialization():
    at = datetime(2026, 12, 3, 9, 30, 0, 123456)
    access = staff_access(42, reason="Ticket «4711» è urgente")
    expected = ('{"account_id":3,"at":"2026-12-03T09:30:00.123456","customer_id":42,'
                '"id":7,"ip":"192.0.2.7","kind":"pagina","prev_hash":"' + "a" * 64 + '",'
                '"reason":"Ticket «4711» è urgente","role":"assistenza",'
                '"staff_email":"assistenza@example.com","staff_name":"Giulia Bianchi",'
                '"target":"/consumi","v":1}')
    assert json.loads(expected)  # the documented form is plain JSON
    assert digest(7, at, access, "a" * 64) == hashlib.sha256(expected.encode()).hexdigest()
    # Every field counts: change any one and the hash changes.
    assert digest(7, at, staff_access(42, reason="altro"), "a" * 64) != digest(
        7, at, access, "a" * 64)
    assert digest(8, at, access, "a" * 64) != digest(7, at, access, "a" * 64)


def test_appends_link_each_record_to_the_one_before(app):
    member = customer_id_of(app, "socio@example.com")
    with app.app_context():
        made = [append(db.engine, staff_access(member, reason=f"Ticket {n}")) for n in range(3)]
        head = db.session.get(AccessChain, 1)
        assert [r.id for r in made] == [made[0].id, made[0].id + 1, made[0].id + 2]
        assert made[1].prev_hash == made[0].hash and made[2].prev_hash == made[1].hash
        assert (head.last_id, head.last_hash) == (made[2].id, made[2].hash)
        stored = db.session.get(AccessRecord, made[2].id)
        assert trail.record_hash({c: getattr(stored, c) for c in trail.HASHED}) == stored.hash
        assert stored.staff_name == "Giulia Bianchi" and stored.reason == "Ticket 2"
        assert verify(db.session).intact
        # Control characters (PostgreSQL refuses NUL) are dropped before hashing.
        odd = append(db.engine, staff_access(member, reason="Ticket\x00 77\n" + "x" * 600))
        assert db.session.get(AccessRecord, odd.id).reason == ("Ticket 77" + "x" * 600)[:500]
        assert verify(db.session).intact


def test_concurrent_writers_do_not_fork_the_chain(app):
    member = customer_id_of(app, "socio@example.com")
    before = count(app)
    errors: list[Exception] = []

    def writer(n: int) -> None:
        try:
            with app.app_context():
                for i in range(8):
                    append(db.engine, staff_access(member, reason=f"Concorrenza {n}.{i}"))
        except Exception as error:  # reported below, in the test thread
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert count(app) == before + 32
    with app.app_context():
        links = db.session.scalars(select(AccessRecord.prev_hash)).all()
        assert len(links) == len(set(links)), "two records link to the same predecessor"
        assert verify(db.session).intact


# --- append-only ---------------------------------------------------------------------------

def test_the_orm_refuses_to_change_or_remove_records(app):
    member = customer_id_of(app, "socio@example.com")
    with app.app_context():
        made = append(db.engine, staff_access(member))
        stored = db.session.get(AccessRecord, made.id)
        stored.reason = "nessuno"
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.get(AccessRecord, made.id))
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()
        with pytest.raises(AppendOnlyError):
            db.session.execute(update(AccessRecord).values(reason="nessuno"))
        db.session.rollback()
        assert db.session.get(AccessRecord, made.id).reason == "Ticket 4711"


@pytest.mark.parametrize("statement", [
    "UPDATE access_record SET reason = 'nessuno' WHERE id = :id",
    "DELETE FROM access_record WHERE id = :id",
])
def test_the_database_refuses_to_change_or_remove_records(app, statement):
    member = customer_id_of(app, "socio@example.com")
    with app.app_context():
        made = append(db.engine, staff_access(member))
    with pytest.raises(DBAPIError, match="append-only"), raw(app) as connection:
        connection.execute(text(statement), {"id": made.id})
    with app.app_context():
        assert db.session.get(AccessRecord, made.id).reason == "Ticket 4711"


# --- the verifier --------------------------------------------------------------------------

def test_verify_counts_the_records_and_finds_one_altered_in_the_database(app):
    member = customer_id_of(app, "socio@example.com")
    with app.app_context():
        made = [append(db.engine, staff_access(member)) for _ in range(2)]
    runner = app.test_cli_runner()
    intact = runner.invoke(args=["audit", "verify"])
    assert intact.exit_code == 0, intact.output
    assert f"Record verificati: {count(app)}." in intact.output
    target = made[0].id
    with triggers_off(app) as connection:
        connection.execute(text("UPDATE access_record SET reason = 'Curiosità' WHERE id = :id"),
                           {"id": target})
    try:
        broken = runner.invoke(args=["audit", "verify"])
        assert broken.exit_code == 1
        assert f"Catena interrotta al record {target}:" in broken.output
        assert "il contenuto non corrisponde al suo hash" in broken.output
    finally:
        with triggers_off(app) as connection:
            connection.execute(text("UPDATE access_record SET reason = :r WHERE id = :id"),
                               {"r": made[0].reason, "id": target})
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_verify_finds_a_removed_record(app):
    member = customer_id_of(app, "socio@example.com")
    with app.app_context():
        made = [append(db.engine, staff_access(member)) for _ in range(3)]
        kept = {c.key: getattr(made[1], c.key) for c in AccessRecord.__table__.columns}
    with triggers_off(app) as connection:
        connection.execute(text("DELETE FROM access_record WHERE id = :id"), {"id": made[1].id})
    try:
        with app.app_context():
            verdict = verify(db.session)
        assert (verdict.broken_id, verdict.problem) == (made[2].id, "manca il record precedente")
    finally:
        with triggers_off(app) as connection:
            connection.execute(AccessRecord.__table__.insert().values(**kept))
    with app.app_context():
        assert verify(db.session).intact


# --- retention -----------------------------------------------------------------------------

@pytest.fixture()
def empty_app(backend, tmp_path_factory):
    """Build the app on a fresh, migrated database with no data: its trail starts empty."""
    from dashboard import create_app
    from dashboard.bootstrap import prepare_database
    from tests.conftest import _fresh_database_url

    url, options = _fresh_database_url(backend, tmp_path_factory.mktemp("trail"))
    schema = options.get("_schema")
    server = create_app({"SQLALCHEMY_DATABASE_URI": url, "DATABASE_SCHEMA": schema,
                         "SECRET_KEY": "x" * 32, "LOAD_DEMO": False,
                         "PASSWORD_POLICY": PasswordPolicy.fast_for_tests()})
    prepare_database(server)
    yield server
    with server.app_context():
        db.engine.dispose()
    if schema:
        from sqlalchemy import create_engine

        with create_engine(url).begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def test_prune_removes_old_records_and_the_chain_still_verifies(empty_app, monkeypatch):
    app = empty_app
    with app.app_context():
        monkeypatch.setattr(trail, "utcnow", lambda: utcnow() - timedelta(days=400))
        aged = [append(db.engine, staff_access(5, reason="Vecchio")) for _ in range(3)]
        monkeypatch.undo()
        recent = [append(db.engine, staff_access(5, reason="Recente")) for _ in range(2)]
        postgres = db.engine.dialect.name == "postgresql"
    if postgres:  # on PostgreSQL even an old record is refused outside the prune
        with pytest.raises(DBAPIError, match="append-only"), raw(app) as connection:
            connection.execute(text("DELETE FROM access_record WHERE id = :id"),
                               {"id": aged[0].id})
    runner = app.test_cli_runner()
    app.config["AUDIT_RETENTION_DAYS"] = 30
    refused = runner.invoke(args=["audit", "prune"])
    app.config["AUDIT_RETENTION_DAYS"] = 183
    assert refused.exit_code != 0
    assert "almeno 183 giorni" in refused.output and "Traceback" not in refused.output
    assert count(app) == 5

    pruned = runner.invoke(args=["audit", "prune"])
    assert pruned.exit_code == 0, pruned.output
    assert "Record eliminati: 3 (più vecchi di 183 giorni)." in pruned.output
    with app.app_context():
        assert [r.reason for r in db.session.scalars(select(AccessRecord))] == ["Recente"] * 2
        head = db.session.get(AccessChain, 1)
        assert (head.anchor_id, head.anchor_hash) == (aged[-1].id, aged[-1].hash)
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "Record verificati: 2. La catena è integra." in verified.output
    # New records keep numbering and linking after the prune.
    with app.app_context():
        after = append(db.engine, staff_access(5))
        assert (after.id, after.prev_hash) == (recent[-1].id + 1, recent[-1].hash)
    assert "Record verificati: 3." in runner.invoke(args=["audit", "verify"]).output


def test_removing_the_oldest_records_outside_the_prune_is_found(empty_app):
    app = empty_app
    with app.app_context():
        made = [append(db.engine, staff_access(5)) for _ in range(3)]
    with triggers_off(app) as connection:
        connection.execute(text("DELETE FROM access_record WHERE id = :id"), {"id": made[0].id})
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"Catena interrotta al record {made[1].id}: manca il record precedente" in result.output


def test_removing_the_newest_record_is_found(empty_app):
    app = empty_app
    with app.app_context():
        made = [append(db.engine, staff_access(5)) for _ in range(3)]
    with triggers_off(app) as connection:
        connection.execute(text("DELETE FROM access_record WHERE id = :id"), {"id": made[2].id})
    with app.app_context():
        verdict = verify(db.session)
    assert (verdict.checked, verdict.broken_id) == (2, made[2].id)
    assert verdict.problem == "mancano i record più recenti"


# --- fail closed ---------------------------------------------------------------------------

def tax_code_of(customer_id: int) -> str:
    """Read a member's codice fiscale: the data an audited view must not show unaccounted."""
    return db.session.get(Customer, customer_id).tax_code


def test_a_failing_record_shows_no_data(app):
    member = customer_id_of(app, "socio@example.com")
    planned = Planned(member, AccessKind.PDF, "fattura 1", "Ticket 4711")
    ran: list[str] = []

    @audited(lambda: planned, refused=refused_response)
    def pdf_route():
        ran.append("pdf")
        return tax_code_of(member), 200

    @audited(lambda: planned, refused=refused_page)
    def page_layout():
        ran.append("page")
        return [tax_code_of(member)]

    with app.app_context():
        secret = tax_code_of(member)
    before = count(app)
    with inserts_failing(app), app.test_request_context("/fattura/1.pdf"):
        g.viewer = staff_viewer(app)
        body, status = pdf_route()
        page = page_layout()
    assert status == 503 and REFUSED in body and secret not in body
    assert secret not in json.dumps(page, default=str) and REFUSED in str(page)
    assert ran == [] and count(app) == before

    with app.test_request_context("/fattura/1.pdf", environ_base={"REMOTE_ADDR": "198.51.100.4"}):
        g.viewer = staff_viewer(app)
        assert pdf_route() == (secret, 200)
    assert ran == ["pdf"] and count(app) == before + 1
    with app.app_context():
        newest = db.session.scalars(select(AccessRecord).order_by(AccessRecord.id.desc())).first()
        assert (newest.account_id, newest.role, newest.customer_id, newest.kind,
                newest.target, newest.ip, newest.reason) == (
            g_viewer_id(app), Role.SUPPORT, member, AccessKind.PDF, "fattura 1",
            "198.51.100.4", "Ticket 4711")


def g_viewer_id(app) -> int:
    """Return the demo support account's id."""
    return staff_viewer(app).account_id


def test_a_route_whose_record_fails_answers_503_without_the_data(empty_app):
    from dashboard.auth.commands import create_staff
    from tests.helpers import login

    app = empty_app
    with app.app_context():
        holder = Customer(code="900001", name="Ada Prova", tax_code="PRVDAA80A41H501U",
                          billing_street="Via Roma 1", billing_zip="33026",
                          billing_city="Paluzza", billing_province="UD")
        db.session.add(holder)
        db.session.commit()
        holder_id = holder.id
        staff_id = create_staff("operatore@example.com", Role.SUPPORT, "Sportello!Carnia9").id

    @audited(lambda customer_id: Planned(customer_id, AccessKind.PDF, "scheda", "Ticket 9"),
             refused=refused_response)
    def card(customer_id: int) -> str:
        return db.session.get(Customer, customer_id).tax_code

    app.add_url_rule("/prova/<int:customer_id>", "prova", card)
    staff = login(app.test_client(), "operatore@example.com", "Sportello!Carnia9")
    with inserts_failing(app):
        refused = staff.get(f"/prova/{holder_id}")
    assert refused.status_code == 503
    assert "Dati non disponibili" in refused.get_data(as_text=True)
    assert "PRVDAA80A41H501U" not in refused.get_data(as_text=True)
    assert count(app) == 0

    shown = staff.get(f"/prova/{holder_id}")
    assert (shown.status_code, shown.get_data(as_text=True)) == (200, "PRVDAA80A41H501U")
    with app.app_context():
        only = db.session.scalars(select(AccessRecord)).one()
        assert (only.account_id, only.staff_email, only.customer_id, only.kind, only.ip,
                only.reason) == (staff_id, "operatore@example.com", holder_id, AccessKind.PDF,
                                 "127.0.0.1", "Ticket 9")


def test_no_reason_no_data(app):
    member = customer_id_of(app, "socio@example.com")
    from dashboard.audit import AccessNotRecorded

    with app.test_request_context("/"), pytest.raises(AccessNotRecorded):
        record(staff_viewer(app), Planned(member, AccessKind.PAGE, "/consumi", "   "))


# --- «Chi ha consultato i miei dati» -------------------------------------------------------

def page_text(client, search: str = "") -> str:
    """Render the access page through the router as the browser asks for it."""
    response = post_callback(client, "header-account", {"url.pathname": accessi.PATH},
                             {"url.search": search})
    return json.dumps(outputs(response)["page.children"], ensure_ascii=False)


def test_members_see_who_opened_their_data_and_only_theirs(app, member, neighbour):
    mario = customer_id_of(app, "socio@example.com")
    other = customer_id_of(app, "vicino@example.com")
    with app.app_context():
        append(db.engine, staff_access(mario, reason="Ticket MARIO-1", target="/contabilita"))
        append(db.engine, staff_access(other, reason="Ticket VICINO-1"))
        append(db.engine, staff_access(mario, reason="Ticket MARIO-2", kind=AccessKind.PDF,
                                       target="fattura 2023/0001"))
    mine = page_text(member)
    assert "Chi ha consultato i miei dati" in mine
    assert "Ticket MARIO-2" in mine and "Ticket MARIO-1" in mine
    assert mine.index("Ticket MARIO-2") < mine.index("Ticket MARIO-1")  # newest first
    assert "Assistenza clienti – Giulia Bianchi" in mine
    assert "Pagina: Situazione contabile" in mine and "Documento PDF: fattura 2023/0001" in mine
    assert "VICINO" not in mine and "192.0.2.7" not in mine
    theirs = page_text(neighbour)
    assert "Ticket VICINO-1" in theirs and "MARIO" not in theirs
    # The page number is only a selector: hostile values give a page of one's own records.
    for search in ("?pagina=-1", "?pagina=abc", "?pagina=99999999999", "?customer=" + str(mario)):
        assert "MARIO" not in page_text(neighbour, search)


def test_the_member_home_links_the_access_page(member):
    response = post_callback(member, "header-account", {"url.pathname": "/"})
    home = json.dumps(outputs(response)["page.children"], ensure_ascii=False)
    assert '"href": "/accessi"' in home and "Chi ha consultato i miei dati" in home


def test_staff_have_no_access_page_of_their_own(app):
    from tests.helpers import login

    staff = login(app.test_client(), STAFF, "Assistenza!2023")
    assert "non è disponibile per il profilo" in page_text(staff)


def test_the_list_is_paged_newest_first(app):
    mario = customer_id_of(app, "socio@example.com")
    with app.app_context():
        for n in range(5):
            append(db.engine, staff_access(mario, reason=f"Pagine {n}"))
        first = accesses_of_customer(db.session, mario, page=1, per_page=2)
        second = accesses_of_customer(db.session, mario, page=2, per_page=2)
        beyond = accesses_of_customer(db.session, mario, page=10**6, per_page=2)
    assert [r.reason for r in first.rows] == ["Pagine 4", "Pagine 3"]
    assert [r.reason for r in second.rows] == ["Pagine 2", "Pagine 1"]
    assert beyond.page == beyond.pages and len(beyond.rows) >= 1
    nav = accessi.pager(second)
    links = [c.href for c in nav.children if hasattr(c, "href")]
    assert links == ["/accessi?pagina=1", "/accessi?pagina=3"]


def test_the_table_builder_writes_italian_local_times():
    row = accessi.AccessRow(datetime(2026, 7, 1, 22, 5), Role.ADMIN, "Ada", AccessKind.EXPORT,
                            "estratto conto", "Richiesta del socio")
    table = json.dumps(accessi.access_table([row]).to_plotly_json(), default=str,
                       ensure_ascii=False)
    assert "02/07/2026 00:05" in table   # 22:05 UTC is past midnight in Rome in summer
    assert "Amministratore – Ada" in table and "Esportazione: estratto conto" in table


@pytest.mark.browser
def test_the_member_finds_the_access_in_the_browser(portal, app):

    from tests.browser import log_in
    from tests.conftest import DEMO_MEMBER

    with app.app_context():
        append(db.engine, staff_access(customer_id_of(app, "socio@example.com"),
                                       reason="Ticket BROWSER-1", target="/consumi"))
    duo = portal
    log_in(duo, *DEMO_MEMBER)
    duo.find_element("a.service[href='/accessi']").click()
    duo.wait_for_contains_text("h1", "Chi ha consultato i miei dati")
    duo.wait_for_contains_text("table", "Ticket BROWSER-1", timeout=10)
    first = duo.find_element("tbody tr").text
    assert "Assistenza clienti – Giulia Bianchi" in first
    assert "Pagina: Visualizzazione consumi" in first
    assert duo.get_logs() == []
