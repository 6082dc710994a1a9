"""Shared fixtures: one demo database per backend (SQLite always, PostgreSQL when configured)."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
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
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        load_demo(session, hash_password=fast_hash)
        session.commit()
    yield engine
    engine.dispose()
    if schema:
        with create_engine(url).begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture()
def demo_session(demo_engine) -> Iterator[Session]:
    """Open a session on the demo database; whatever a test writes is rolled back."""
    with Session(demo_engine) as session:
        yield session
        session.rollback()


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
    })
    prepare_database(server)
    server.test_client_class = BrowserClient
    yield server
    from models import db

    with server.app_context():
        db.engine.dispose()
    if schema:
        with create_engine(url).begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(autouse=True)
def fresh_mail_counts(request):
    """Empty the shared app's outbox after each test: the per-address mail cap starts at zero."""
    yield
    if "app" in request.fixturenames:
        from sqlalchemy import delete

        from models import OutboxMail, db

        with request.getfixturevalue("app").app_context():
            db.session.execute(delete(OutboxMail))
            db.session.commit()


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
    from sqlalchemy import delete, select

    from models import Account, Contract, Customer, Invoice, LoginFailure, db

    with app.app_context():
        taken = select(Account.customer_id).where(Account.customer_id.is_not(None))
        customer = db.session.scalars(
            select(Customer).where(Customer.id.not_in(taken)).order_by(Customer.code)).first()
        number = db.session.scalars(
            select(Invoice.number).join(Contract).where(Contract.customer_id == customer.id)
            .order_by(Invoice.issue_date)).first()
        lent = {"id": customer.id, "code": customer.code, "tax_code": customer.tax_code,
                "name": customer.name, "invoice": str(number)}
    yield lent
    with app.app_context():
        db.session.execute(delete(Account).where(Account.customer_id == lent["id"]))
        db.session.execute(delete(LoginFailure))
        db.session.commit()


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
