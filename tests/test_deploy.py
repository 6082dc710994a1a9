"""Deployment as documented: docs/DEPLOY.md's nginx block in front of its gunicorn command.

The nginx configuration and the gunicorn command are read from docs/DEPLOY.md; only
addresses, ports and certificate paths are replaced, so the documented setup is the tested
one. The app runs with APP_ENV=production and PROXY_COUNT=1 on a SQLite database prepared by
its own commands (`flask db upgrade heads`, `flask demo`).
"""
from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from tests.conftest import DEMO_MEMBER

ROOT = Path(__file__).resolve().parent.parent
DEPLOY_DOC = ROOT / "docs" / "DEPLOY.md"
HOST = "area.secab.it"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
START_SECONDS = 60


# --- Pure pieces: the tests' own checks of the app, no proxy needed -----------------------

def production_app(tmp_path, monkeypatch, proxy_count: int):
    """Build the app as production builds it, on an empty SQLite database."""
    from dashboard import create_app

    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-production-like-secret-key-for-the-test")
    monkeypatch.setenv("PROXY_COUNT", str(proxy_count))
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})


@pytest.mark.parametrize("path", ["/health", "/ready"])
def test_health_checks_answer_over_plain_http_in_production(tmp_path, monkeypatch, path):
    client = production_app(tmp_path, monkeypatch, 0).test_client()
    response = client.get(path, base_url=f"http://{HOST}")
    assert response.status_code == 200
    assert "Location" not in response.headers


def test_forwarded_proto_is_ignored_without_a_trusted_proxy(tmp_path, monkeypatch):
    client = production_app(tmp_path, monkeypatch, 0).test_client()
    response = client.get("/login", base_url=f"http://{HOST}",
                          headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"https://{HOST}/login"


def test_forwarded_proto_from_the_trusted_proxy_is_believed(tmp_path, monkeypatch):
    client = production_app(tmp_path, monkeypatch, 1).test_client()
    response = client.get("/login", base_url="http://area",
                          headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": HOST})
    assert response.status_code == 200


# --- The documented configuration, extracted --------------------------------------------

def fenced_block(language: str, first_word: str) -> str:
    """Return the first ```language block of docs/DEPLOY.md that starts with first_word."""
    for block in re.findall(rf"```{language}\n(.*?)```", DEPLOY_DOC.read_text(), re.S):
        if block.lstrip().startswith(first_word):
            return block
    raise AssertionError(f"docs/DEPLOY.md has no {language} block starting with {first_word}")


def substitute(text: str, pattern: str, replacement: str) -> str:
    """Replace exactly one occurrence of pattern: the doc must still say what we replace."""
    result, count = re.subn(pattern, lambda _m: replacement, text)
    assert count == 1, f"docs/DEPLOY.md: expected one match for {pattern!r}, found {count}"
    return result


def nginx_config(work: Path, app_port: int, tls_port: int, http_port: int) -> str:
    """Wrap the documented block in a main configuration that runs in a temp folder."""
    block = fenced_block("nginx", "upstream")
    block = substitute(block, r"upstream area \{[^}]*\}",
                       f"upstream area {{ server 127.0.0.1:{app_port}; keepalive 32; }}")
    block = substitute(block, r"listen 443 ", f"listen 127.0.0.1:{tls_port} ")
    block = substitute(block, r"listen 80;", f"listen 127.0.0.1:{http_port};")
    block = substitute(block, r"ssl_certificate +\S+;", f"ssl_certificate {work}/cert.pem;")
    block = substitute(block, r"ssl_certificate_key +\S+;",
                       f"ssl_certificate_key {work}/key.pem;")
    temp_paths = "\n".join(f"    {kind}_temp_path {work}/{kind};"
                           for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # As root nginx's workers would run as nobody, who cannot enter the test's temp folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (f"{user}worker_processes 1;\npid {work}/nginx.pid;\nerror_log {work}/error.log;\n"
            f"events {{ worker_connections 64; }}\n"
            f"http {{\n    access_log off;\n{temp_paths}\n{block}\n}}\n")


def gunicorn_command(app_port: int) -> list[str]:
    """Return the documented gunicorn command, on a free port with one worker."""
    words = shlex.split(fenced_block("bash", "gunicorn").replace("\\\n", " "))
    assert words[0] == "gunicorn"
    words[words.index("--bind") + 1] = f"127.0.0.1:{app_port}"
    words[words.index("--workers") + 1] = "1"   # two cores shared by the whole suite
    words[words.index("--access-logfile") + 1] = "/dev/null"
    return [sys.executable, "-m", "gunicorn", *words[1:]]


# --- Processes -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Stack:
    """Where nginx answers, and where gunicorn does behind it."""

    https: str
    http: str
    app: str
    cert: Path
    database_url: str


def free_port() -> int:
    """Return a loopback port that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require_tools() -> None:
    """Skip without nginx, openssl or gunicorn, unless REQUIRE_BROWSER=1 (CI) says fail."""
    missing = [name for name, present in (
        ("nginx", os.path.exists(NGINX)), ("openssl", shutil.which("openssl") is not None),
        ("gunicorn", importlib.util.find_spec("gunicorn") is not None)) if not present]
    if not missing:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {', '.join(missing)} missing (Debian's nginx)")
    pytest.skip(f"{', '.join(missing)} not installed")


def app_environment(work: Path, database_url: str) -> dict[str, str]:
    """Return the production environment the documented deployment sets."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "MAIL_"))}
    env.update(APP_ENV="production", SECRET_KEY="deploy-test-" + "0" * 52, PROXY_COUNT="1",
               DATABASE_URL=database_url, INSTANCE_PATH=str(work / "instance"),
               BASE_URL=f"https://{HOST}", PYTHONDONTWRITEBYTECODE="1")
    env.pop("DATABASE_SCHEMA", None)
    env.pop("LOAD_DEMO", None)
    return env


def flask(env: dict[str, str], *args: str) -> None:
    """Run one of the app's own commands, as an operator would on deploy."""
    subprocess.run([sys.executable, "-m", "flask", "--app", "run", *args], cwd=ROOT, env=env,
                   check=True, capture_output=True, timeout=300)


def make_certificate(work: Path) -> Path:
    """Write a self-signed certificate for the documented host and loopback."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1",
         "-keyout", str(work / "key.pem"), "-out", str(work / "cert.pem")],
        check=True, capture_output=True)
    return work / "cert.pem"


def wait_until_listening(port: int, process: subprocess.Popen, log: Path) -> None:
    """Wait until the port accepts connections; fail with the log if the process died."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    pytest.fail(f"nothing listened on {port} within {START_SECONDS} s")


def stop(process: subprocess.Popen) -> None:
    """Stop a server and its workers."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def deployed(work: Path, database_url: str) -> Iterator[Stack]:
    """Run gunicorn and nginx as documented, on free loopback ports; stop both afterwards."""
    env = app_environment(work, database_url)
    app_port, tls_port, http_port = free_port(), free_port(), free_port()
    cert = make_certificate(work)
    (work / "nginx.conf").write_text(nginx_config(work, app_port, tls_port, http_port))
    started: list[subprocess.Popen] = []
    try:
        with open(work / "gunicorn.log", "wb") as log:
            started.append(subprocess.Popen(gunicorn_command(app_port), cwd=ROOT, env=env,
                                            stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True))
        wait_until_listening(app_port, started[-1], work / "gunicorn.log")
        with open(work / "nginx.out", "wb") as log:
            started.append(subprocess.Popen(
                [NGINX, "-p", str(work), "-c", str(work / "nginx.conf"), "-e",
                 str(work / "error.log"), "-g", "daemon off;"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        wait_until_listening(tls_port, started[-1], work / "error.log")
        yield Stack(https=f"https://127.0.0.1:{tls_port}", http=f"http://127.0.0.1:{http_port}",
                    app=f"http://127.0.0.1:{app_port}", cert=cert, database_url=database_url)
    finally:
        for process in reversed(started):
            stop(process)


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    """Deploy on a database migrated and loaded with the demo data by the app's commands."""
    require_tools()
    work = tmp_path_factory.mktemp("deploy")
    database_url = f"sqlite:///{work}/data/area.db"
    (work / "data").mkdir()
    env = app_environment(work, database_url)
    flask(env, "db", "upgrade", "heads")
    flask(env, "demo")
    with deployed(work, database_url) as running:
        yield running


def get(stack: Stack, url: str, **headers: str) -> requests.Response:
    """Send a GET for the documented host, trusting the test certificate, following nothing."""
    return requests.get(url, headers={"Host": HOST, **headers}, verify=str(stack.cert),
                        allow_redirects=False, timeout=30)


# --- Through nginx ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/health", "/ready"])
def test_health_checks_answer_over_plain_http_through_nginx(stack, path):
    response = get(stack, stack.http + path)
    assert response.status_code == 200, response.headers.get("Location")
    assert response.json() == {"status": "ok"}


def test_ready_answers_503_when_the_database_is_unreachable(tmp_path):
    require_tools()
    # The database's folder does not exist: SQLite cannot open the file, as after a lost disk.
    with deployed(tmp_path, f"sqlite:///{tmp_path}/lost/area.db") as stack:
        ready = get(stack, stack.http + "/ready")
        assert ready.status_code == 503
        assert ready.json() == {"status": "database non raggiungibile"}
        assert get(stack, stack.http + "/health").status_code == 200
        assert get(stack, stack.https + "/ready").status_code == 503


@pytest.mark.parametrize("path", [
    "/assets/style.css",
    "/assets/session.js",
    "/_dash-component-suites/dash/dash-renderer/build/dash_renderer.v4_4_1m1.min.js",
])
def test_scripts_and_styles_are_served_over_https_not_redirected(stack, path):
    response = get(stack, stack.https + path)
    assert response.status_code == 200, response.headers.get("Location")
    assert response.headers["Content-Type"].startswith(("text/css", "text/javascript",
                                                        "application/javascript"))
    assert len(response.content) > 100


def test_https_through_nginx_is_not_redirected_and_the_member_logs_in(stack):
    browser = requests.Session()
    agent = "deploy-test-browser"
    browser.headers.update({"Host": HOST, "User-Agent": agent})
    # Per request: a REQUESTS_CA_BUNDLE in the environment would override Session.verify.
    tls = {"verify": str(stack.cert), "allow_redirects": False, "timeout": 30}
    page = browser.get(stack.https + "/login", **tls)
    assert page.status_code == 200, page.headers.get("Location")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    login, password = DEMO_MEMBER
    # A browser sends the Referer; over HTTPS Flask-WTF requires it on the app's own host.
    # The forged X-Forwarded-For is one hop further than PROXY_COUNT=1 trusts.
    answer = browser.post(stack.https + "/login", **tls,
                          headers={"Referer": f"https://{HOST}/login",
                                   "X-Forwarded-For": "203.0.113.9"},
                          data={"login": login, "password": password, "csrf_token": token})
    assert (answer.status_code, answer.headers.get("Location")) == (302, "/"), answer.text[:500]
    assert "__Host-session" in browser.cookies
    area = browser.get(stack.https + "/", **tls)
    assert area.status_code == 200, area.headers.get("Location")
    assert session_addresses(stack, agent) == ["127.0.0.1"]   # the address nginx saw


def session_addresses(stack: Stack, agent: str) -> list[str]:
    """Read the client addresses the app recorded for the login sessions of one browser."""
    from models.security import LoginSession

    engine = create_engine(stack.database_url)
    try:
        with Session(engine) as session:
            return list(session.scalars(
                select(LoginSession.ip).where(LoginSession.user_agent == agent)))
    finally:
        engine.dispose()


def test_a_forged_forwarded_proto_over_plain_http_is_redirected(stack):
    response = get(stack, stack.http + "/consumi?anno=2024", **{"X-Forwarded-Proto": "https"})
    assert response.status_code == 301
    assert response.headers["Location"] == f"https://{HOST}/consumi?anno=2024"


def test_a_page_over_plain_http_goes_to_https_on_the_same_host(stack):
    # Straight to gunicorn, as a request that skipped the proxy's own redirect.
    response = get(stack, stack.app + "/consumi?anno=2024")
    assert response.status_code == 302
    assert response.headers["Location"] == f"https://{HOST}/consumi?anno=2024"
