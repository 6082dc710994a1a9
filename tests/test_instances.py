"""Several instances on one PostgreSQL: shared sessions, /health and /ready, database outages.

Real gunicorn processes on real ports. Instance B reaches PostgreSQL through a TCP proxy the
test owns, so cutting the proxy is "the database is down" for B alone, and the shared
cluster at 5432 keeps serving everyone else.
"""
from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, make_url, text

from dashboard import ids
from tests.conftest import DEMO_MEMBER, OTHER_MEMBER

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = os.environ.get("TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not BASE_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")
UNAVAILABLE = "Servizio momentaneamente non disponibile"


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TcpProxy:
    """Relay a local port to PostgreSQL; cut() drops every connection and stops listening."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target, self.port = target, free_port()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        """Listen again, as a database that comes back."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Refuse new connections and reset the open ones, as a stopped database."""
        with self._lock:
            sockets, self._sockets = self._sockets, []
        # shutdown() first: close() alone does not wake a thread blocked on the socket.
        for s in [self._listener, *sockets]:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def _accept(self, listener: socket.socket) -> None:
        """Pair each client with a connection to the target."""
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        """Copy bytes one way until either side closes."""
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


@pytest.fixture(scope="module")
def schema() -> Iterator[str]:
    """Create a schema with the migrations and the demo data, as a deploy would."""
    from dashboard import create_app
    from dashboard.bootstrap import prepare_database
    from models import db
    from models.passwords import PasswordPolicy

    name = f"t_{uuid.uuid4().hex[:12]}"
    with create_engine(BASE_URL).begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    server = create_app({"SQLALCHEMY_DATABASE_URI": BASE_URL, "DATABASE_SCHEMA": name,
                         "SECRET_KEY": "x", "LOAD_DEMO": True,
                         "PASSWORD_POLICY": PasswordPolicy.fast_for_tests()})
    prepare_database(server)
    with server.app_context():
        db.engine.dispose()
    yield name
    with create_engine(BASE_URL).begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))


@pytest.fixture(scope="module")
def proxy() -> TcpProxy:
    """Put a proxy we can cut in front of the test PostgreSQL."""
    url = make_url(BASE_URL)
    return TcpProxy((url.host or "127.0.0.1", url.port or 5432))


def start_instance(database_url: str, schema_name: str,
                   secret: str) -> tuple[str, subprocess.Popen]:
    """Start gunicorn with two workers on a free port; return its URL once /health answers."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "DATABASE_SCHEMA": schema_name,
           "SECRET_KEY": secret, "LOAD_DEMO": "0", "APP_ENV": "development",
           "STATEMENT_TIMEOUT_MS": "5000"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--timeout", "30", "--graceful-timeout", "2", "run:server"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/health", timeout=5).status_code == 200:
                return url, process
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


@pytest.fixture(scope="module")
def instances(schema, proxy) -> Iterator[tuple[str, str, subprocess.Popen]]:
    """Run instance A on PostgreSQL directly and instance B through the proxy."""
    secret = uuid.uuid4().hex  # the same key on every instance, as production requires
    url = make_url(BASE_URL)
    via_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    a_url, a = start_instance(BASE_URL, schema, secret)
    b_url, b = start_instance(via_proxy, schema, secret)
    yield a_url, b_url, a
    for process in (a, b):
        process.terminate()
        process.wait(timeout=10)


def log_in(base: str, login: str, password: str) -> requests.Session:
    """Log in through the form on one instance; return the browser-like session."""
    browser = requests.Session()
    page = browser.get(base + "/login", timeout=10).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = browser.post(base + "/login", data={"login": login, "password": password,
                                                   "csrf_token": token},
                            allow_redirects=False, timeout=20)
    assert response.status_code == 302, response.text[:300]
    return browser


def page(browser: requests.Session, base: str, path: str = "/") -> requests.Response:
    """Load a page without following redirects (a redirect means: not logged in)."""
    return browser.get(base + path, allow_redirects=False, timeout=10)


def router_spec(browser: requests.Session, base: str) -> dict:
    """Load the page (it sets the CSRF cookie) and read the router callback's spec."""
    browser.get(base + "/", timeout=10)
    return next(d for d in browser.get(base + "/_dash-dependencies", timeout=10).json()
                if f"{ids.PAGE}.children" in d["output"])


def post_router(browser: requests.Session, base: str, pathname: str,
                spec: dict | None = None) -> requests.Response:
    """Post the router callback exactly as the browser's renderer does."""
    spec = spec or router_spec(browser, base)
    outputs = [{"id": part.split(".")[0], "property": part.split(".")[1]}
               for part in spec["output"].strip(".").split("...")]
    body = {"output": spec["output"], "outputs": outputs,
            "inputs": [{"id": i["id"], "property": i["property"], "value": pathname}
                       for i in spec["inputs"]],
            "state": [{"id": s["id"], "property": s["property"], "value": ""}
                      for s in spec["state"]],
            "changedPropIds": [f"{ids.URL}.pathname"]}
    headers = {"X-CSRFToken": browser.cookies.get("_csrf_token", "")}
    return browser.post(base + "/_dash-update-component", json=body, headers=headers,
                        timeout=10)


def test_health_and_ready_answer_without_login(instances):
    for base in instances[:2]:
        assert requests.get(base + "/health", timeout=5).json() == {"status": "ok"}
        assert requests.get(base + "/ready", timeout=5).status_code == 200


def test_a_session_started_on_one_instance_works_on_the_other(instances):
    a, b, _ = instances
    browser = log_in(a, *DEMO_MEMBER)
    assert page(browser, b).status_code == 200
    response = post_router(browser, b, "/consumi")
    assert response.status_code == 200
    assert "Visualizzazione consumi" in response.text


def test_logout_on_one_instance_ends_the_session_on_the_other(instances):
    a, b, _ = instances
    browser = log_in(b, *DEMO_MEMBER)
    copied = dict(browser.cookies)
    browser.get(a + "/", timeout=10)  # sets the CSRF cookie the logout form's token equals
    token = browser.cookies["_csrf_token"]
    assert browser.post(a + "/logout", data={"csrf_token": token},
                        allow_redirects=False, timeout=10).status_code == 302
    thief = requests.Session()
    thief.cookies.update(copied)
    assert page(thief, b).status_code == 302   # back to the login page


def test_failed_logins_count_across_instances(instances):
    a, b, _ = instances
    login, _ = OTHER_MEMBER
    for base in (a, b, a, b, a):
        browser = requests.Session()
        form = browser.get(base + "/login", timeout=10).text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        response = browser.post(base + "/login", data={"login": login, "password": "sbagliata1!",
                                                       "csrf_token": token}, timeout=20)
        assert response.status_code == 401
    browser = requests.Session()
    form = browser.get(b + "/login", timeout=10).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    response = browser.post(b + "/login", data={"login": OTHER_MEMBER[0],
                                                "password": OTHER_MEMBER[1],
                                                "csrf_token": token}, timeout=20)
    assert response.status_code == 429   # the sixth attempt waits, whichever instance


def test_database_down_is_polite_and_recovers_without_restart(instances, proxy):
    a, b, _ = instances
    browser = log_in(b, *DEMO_MEMBER)
    spec = router_spec(browser, b)   # the page was loaded before the outage
    proxy.cut()
    try:
        ready = requests.get(b + "/ready", timeout=10)
        assert ready.status_code == 503
        assert requests.get(b + "/health", timeout=5).status_code == 200
        down = page(browser, b)
        assert down.status_code == 503
        assert UNAVAILABLE in down.text
        assert down.headers["Retry-After"]
        callback = post_router(browser, b, "/consumi", spec)
        assert callback.status_code == 503
        assert UNAVAILABLE in callback.json()["error"]
        assert page(log_in(a, *DEMO_MEMBER), a).status_code == 200  # A is not affected
    finally:
        proxy.restore()
    deadline = time.monotonic() + 15
    while requests.get(b + "/ready", timeout=10).status_code != 200:
        assert time.monotonic() < deadline, "instance B did not recover"
        time.sleep(0.3)
    assert page(browser, b).status_code == 200  # same process, same session


def _worker_pids(master: subprocess.Popen) -> list[int]:
    """List the worker processes of a gunicorn master."""
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master.pid)],
                         capture_output=True, text=True, check=False).stdout
    return [int(pid) for pid in out.split()]


def test_a_worker_killed_under_load_loses_no_acknowledged_write(instances):
    a, b, master = instances

    def attempt(_: int) -> requests.Session | None:
        try:
            return log_in(a, *DEMO_MEMBER)
        except (requests.RequestException, AssertionError):
            return None  # the request died with the worker: nothing was acknowledged

    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(attempt, i) for i in range(16)]
        time.sleep(0.5)
        os.kill(_worker_pids(master)[0], signal.SIGKILL)
        sessions = [f.result() for f in futures]
    acknowledged = [s for s in sessions if s is not None]
    assert acknowledged, "no login got through"
    # Every login that answered 302 wrote its session row: the other instance accepts it.
    assert all(page(s, b).status_code == 200 for s in acknowledged)
    assert requests.get(a + "/health", timeout=5).status_code == 200  # the master respawned
