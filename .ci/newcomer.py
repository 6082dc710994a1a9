"""Do what the README tells a newcomer: install requirements.txt alone, run run.py, log in.

A fresh virtualenv gets `pip install -r requirements.txt` and nothing else, so a package the
runtime imports but only the test extras bring in fails here, not on a newcomer's machine.
`python run.py` then serves on a free port with a throwaway instance folder (database, secret
key, outbox), so the clone keeps no demo database; /health and the demo member's login must
answer. The server is stopped whatever happens. Standard library only: it runs before any
install.
"""
from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEMBER = ("socio@example.com", "Paluzza!2023")
# Settings a developer or CI may have exported that a newcomer would not have.
FOREIGN = ("APP_ENV", "SECRET_KEY", "DATABASE_URL", "DATABASE_SCHEMA", "LOAD_DEMO", "PROXY_COUNT",
           "INSTANCE_PATH", "MAIL_SERVER", "MAIL_OUTBOX", "VIRTUAL_ENV", "PYTHONPATH")
START_SECONDS = 180   # migrations and the demo data (argon2 hashes) on a slow shared machine


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand 3xx answers back instead of following them: the test reads the Location."""

    def redirect_request(self, *args, **kwargs):
        """Follow nothing."""
        return None


def free_port() -> int:
    """Ask the kernel for a port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def install(venv: Path) -> Path:
    """Create the virtualenv and install requirements.txt alone; return its python."""
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    "-r", str(ROOT / "requirements.txt")], check=True)
    return python


def start(python: Path, instance: Path, port: int, log) -> subprocess.Popen:
    """Start `python run.py` as a newcomer would, on the given port and instance folder."""
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN}
    env.update(HOST="127.0.0.1", PORT=str(port), INSTANCE_PATH=str(instance),
               PYTHONDONTWRITEBYTECODE="1")
    return subprocess.Popen([str(python), "run.py"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)


def wait_for_health(base: str, server: subprocess.Popen) -> None:
    """Wait until /health answers 200; fail if the server dies or takes too long."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"run.py exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    raise SystemExit(f"/health did not answer within {START_SECONDS} s")


def log_in(base: str) -> None:
    """Log in as the demo member through the form, CSRF token included, and open the area."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())
    with opener.open(f"{base}/login", timeout=30) as response:
        page = response.read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    if token is None:
        raise SystemExit("no CSRF token in the login form")
    body = urllib.parse.urlencode({"csrf_token": token.group(1), "login": MEMBER[0],
                                   "password": MEMBER[1]}).encode()
    try:
        opener.open(f"{base}/login", data=body, timeout=30)
        raise SystemExit("POST /login did not redirect: the demo login failed")
    except urllib.error.HTTPError as answer:
        location = answer.headers.get("Location", "")
        if answer.code != 302 or urllib.parse.urlsplit(location).path != "/":
            raise SystemExit(f"POST /login answered {answer.code} to {location!r}") from None
    with opener.open(f"{base}/", timeout=30) as response:   # the session opens the area
        if response.status != 200:
            raise SystemExit(f"GET / after login answered {response.status}")


def stop(server: subprocess.Popen) -> None:
    """Stop the server and anything it started."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def main() -> None:
    """Install, start, probe, stop; print the server's output when something fails."""
    work = Path(tempfile.mkdtemp(prefix="newcomer-"))
    log_path = work / "run.log"
    try:
        python = install(work / "venv")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with open(log_path, "wb") as log:
            server = start(python, work / "instance", port, log)
            try:
                wait_for_health(base, server)
                log_in(base)
            except BaseException:
                sys.stderr.write(log_path.read_text(errors="replace")[-5000:])
                raise
            finally:
                stop(server)
        print(f"Newcomer: requirements.txt alone, run.py on {base}: /health and demo login OK")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
