"""Shared fixtures: one demo database per backend (SQLite always, PostgreSQL when configured).

Every test starts from the same data, whatever ran before it (the suite runs in random order,
pytest-randomly):

- `demo_session` runs inside a transaction on the read-only demo database that is rolled back
  afterwards; the session's own commits only release savepoints.
- `app` is built once per backend, and its database is put back after each test that uses it
  (tests/snapshot.py): the engine logs what each statement writes, and after the test only the
  rows of those tables are brought back to a copy taken after the migrations and the demo data.
- Each test that uses `app` also gets its own mail outbox and an empty PDF cache.
- Fixtures wider than one test must not write to the app's database: the next test fails if
  one did. Write in function-scoped fixtures (they are undone with the test).

Why not the alternatives (measured here, on a loaded 2-core machine): tests write through the
app's own sessions, also from the browser test's server thread, so a transaction around the
test cannot hold their commits (Flask-SQLAlchemy picks the engine, not a given connection, and
one connection cannot serve two threads). A fresh database per test costs create_app (0.7 s)
plus migrations and demo data (3.9 s), or on PostgreSQL a reload of every table (0.7 s); even
TRUNCATE and reload of the four login tables took 0.1 s. Undoing only what was written takes
about 4 ms after a login, and nothing after a read-only test. The non-browser suite, run side
by side before and after this change: SQLite 62.7 s and 63.2 s of CPU (541 and 545 tests),
SQLite and PostgreSQL 101.0 s and 101.6 s.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def fast_hash(password: str) -> str:
    """Hash a password cheaply: the tests' stand-in for the production hasher."""
    from models.passwords import PasswordPolicy

    return PasswordPolicy.fast_for_tests().hash(password)


def _fresh_database_url(backend: str, tmp_dir) -> tuple[str, dict]:
    """Return a URL (and engine options) for an empty database on the backend."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_dir}/demo-{uuid.uuid4().hex[:8]}.db", {}
    # One schema per fixture in the configured PostgreSQL database keeps runs independent.
    base = os.environ["TEST_DATABASE_URL"]
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with create_engine(base).begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    return base, {"connect_args": {"options": f"-csearch_path={schema}"}, "_schema": schema}


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    """Name the database backend a test runs on."""
    return request.param


@pytest.fixture(scope="session")
def demo_engine(backend, tmp_path_factory) -> Iterator[Engine]:
    """Create the schema and load the demo data once per backend; tests only read it."""
    from models import Base
    from models.demo import load_demo

    url, options = _fresh_database_url(backend, tmp_path_factory.mktemp("db"))
    schema = options.pop("_schema", None)
    engine = create_engine(url, **options)
    if backend == "sqlite":
        _let_sqlite_nest_transactions(engine)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        load_demo(session, hash_password=fast_hash)
        session.commit()
    yield engine
    engine.dispose()
    if schema:
        with create_engine(url).begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def _let_sqlite_nest_transactions(engine: Engine) -> None:
    """Let SQLAlchemy, not the sqlite3 module, begin transactions, so savepoints nest."""
    @event.listens_for(engine, "connect")
    def _no_implicit_begin(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql("BEGIN")


@pytest.fixture()
def demo_session(demo_engine) -> Iterator[Session]:
    """Open a session on the demo database; whatever a test writes, even committed, is undone."""
    with demo_engine.connect() as connection, connection.begin() as outer:
        with Session(connection, join_transaction_mode="create_savepoint") as session:
            yield session
        outer.rollback()


# --- The web application on each backend -------------------------------------------------

DEMO_MEMBER = ("socio@example.com", "Paluzza!2023")
OTHER_MEMBER = ("vicino@example.com", "Cercivento!2023")


@pytest.fixture(scope="session")
def app(backend, tmp_path_factory):
    """Build the app on a fresh database, migrated and loaded with the demo data."""
    from dashboard import create_app
    from dashboard.bootstrap import prepare_database
    from models.passwords import PasswordPolicy
    from tests.helpers import BrowserClient

    url, options = _fresh_database_url(backend, tmp_path_factory.mktemp("app"))
    schema = options.get("_schema")
    server = create_app({
        "SQLALCHEMY_DATABASE_URI": url,
        "DATABASE_SCHEMA": schema,
        "SECRET_KEY": uuid.uuid4().hex,
        "PASSWORD_POLICY": PasswordPolicy.fast_for_tests(),
        "LOAD_DEMO": True,
        "MAIL_OUTBOX": str(tmp_path_factory.mktemp("outbox")),
        "BASE_URL": "http://portale.test",
        "SESSION_CHECK_SECONDS": 1,  # the browser tests see the timeout warning at once
    })
    prepare_database(server)
    server.test_client_class = BrowserClient
    from models import db
    from tests.snapshot import Snapshot

    with server.app_context():
        snapshot = Snapshot(db.engine, schema,
                            str(tmp_path_factory.mktemp("snapshot") / "demo.db"))
    server.extensions["test_snapshot"] = snapshot
    yield server
    snapshot.drop()
    with server.app_context():
        db.engine.dispose()
    if schema:
        with create_engine(url).begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(autouse=True)
def _fresh_app_data(request, tmp_path_factory) -> Iterator[None]:
    """Undo what a test wrote to the app's database; give it its own outbox and PDF cache."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    snapshot = app.extensions["test_snapshot"]
    if snapshot.dirty:
        written = sorted(snapshot.written)
        snapshot.restore()
        pytest.fail(f"a fixture wider than a test wrote to the app database ({written}): "
                    "write in function-scoped fixtures, which are undone with the test")
    monkeypatch = request.getfixturevalue("monkeypatch")
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path_factory.mktemp("outbox")))
    monkeypatch.setitem(app.config, "PDF_CACHE_DIR", str(tmp_path_factory.mktemp("pdf-cache")))
    app.extensions.pop("pdf_cache", None)  # PDFs built on data another test changed
    app.extensions.pop("pdf_disk", None)
    yield
    snapshot.restore()


@pytest.fixture(autouse=True)
def no_advice_left(request):
    """Remove consents and reports after each test on the shared app: the demo has none.

    The fuzzing suites click every button as Mario, «Concedi il consenso» included.
    """
    yield
    if "app" in request.fixturenames:
        from sqlalchemy import delete

        from models import db
        from models.advice import AdvisorConsent, AdvisorReport

        with request.getfixturevalue("app").app_context():
            db.session.execute(delete(AdvisorReport))
            db.session.execute(delete(AdvisorConsent))
            db.session.commit()


@pytest.fixture()
def client(app):
    """Return a test client with no session."""
    return app.test_client()


@pytest.fixture()
def member(app):
    """Return a client logged in as the demo member Mario Rossi."""
    from tests.helpers import login

    return login(app.test_client(), *DEMO_MEMBER)


@pytest.fixture()
def spare(app):
    """Lend a demo customer that has no login; whatever the test creates for it goes away."""
    from sqlalchemy import select

    from models import Account, Contract, Customer, Invoice, db

    with app.app_context():
        taken = select(Account.customer_id).where(Account.customer_id.is_not(None))
        customer = db.session.scalars(
            select(Customer).where(Customer.id.not_in(taken)).order_by(Customer.code)).first()
        number = db.session.scalars(
            select(Invoice.number).join(Contract).where(Contract.customer_id == customer.id)
            .order_by(Invoice.issue_date)).first()
        return {"id": customer.id, "code": customer.code, "tax_code": customer.tax_code,
                "name": customer.name, "invoice": str(number)}


@pytest.fixture()
def neighbour(app):
    """Return a client logged in as the second demo member."""
    from tests.helpers import login

    return login(app.test_client(), *OTHER_MEMBER)


# --- The browser: Debian's Chromium and ChromeDriver through dash[testing] ---------------

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def pytest_setup_options():
    """Start Debian's Chromium headless, with no traffic to the outside."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--disable-gpu", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update",
                 "--window-size=1280,1000", "--lang=it-IT"):
        options.add_argument(flag)
    return options


def pytest_collection_modifyitems(config, items):
    """Skip browser tests where Chromium is missing, unless REQUIRE_BROWSER says it must run."""
    if os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER):
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError("REQUIRE_BROWSER=1 but chromium/chromium-driver are missing")
    skip = pytest.mark.skip(reason="Debian's chromium and chromium-driver are not installed")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def _free_port() -> int:
    """Return a TCP port on loopback that nothing listens on right now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture()
def portal(dash_duo, app, backend):
    """Serve the app in a thread for a browser test (once, on SQLite) and return the driver."""
    if backend != "sqlite":
        pytest.skip("the browser walk runs once, on the embedded default")
    # A free port, not Dash's fixed 8050: several suites may run on one machine at once.
    dash_duo.start_server(app.extensions["dash_app"], navigate=False, port=_free_port())
    dash_duo.base = dash_duo.server.url.rstrip("/")
    return dash_duo
