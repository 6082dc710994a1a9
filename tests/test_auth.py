"""Login and logout through the real forms, on every backend."""
import pytest

from dashboard.auth.routes import GENERIC_FAILURE, safe_next
from tests.conftest import DEMO_MEMBER
from tests.helpers import form_token, login, post_callback, post_login


def test_login_page_is_italian_and_clean(client):
    page = client.get("/login")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for text in ("Email o codice cliente", "Password", "Accedi", 'lang="it"'):
        assert text in html


def test_anonymous_page_goes_to_login_and_comes_back(client):
    response = client.get("/consumi?contratto=1&anno=2023")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    token = form_token(client.get(response.headers["Location"]).get_data(as_text=True))
    back = client.post(response.headers["Location"], data={
        "login": DEMO_MEMBER[0], "password": DEMO_MEMBER[1], "csrf_token": token})
    assert back.headers["Location"] == "/consumi?contratto=1&anno=2023"


@pytest.mark.parametrize("login_name", ["socio@example.com", "SOCIO@example.com ", "100234"])
def test_login_by_email_or_customer_code(client, login_name):
    response = post_login(client, login_name, DEMO_MEMBER[1])
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_wrong_password_and_unknown_user_get_the_same_answer(client, app):
    wrong = post_login(client, DEMO_MEMBER[0], "Sbagliata!2023")
    unknown = post_login(app.test_client(), "nessuno@example.com", "Sbagliata!2023")
    unknown_code = post_login(app.test_client(), "999999", "Sbagliata!2023")
    for response in (wrong, unknown, unknown_code):
        assert response.status_code == 401
        assert GENERIC_FAILURE in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still logged out


def test_login_without_csrf_token_is_refused_politely(client):
    response = client.post("/login", data={"login": DEMO_MEMBER[0], "password": DEMO_MEMBER[1]})
    assert response.status_code in (400, 401)
    assert "Traceback" not in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_logout_ends_the_session_on_the_server(app):
    client = login(app.test_client(), *DEMO_MEMBER)
    stolen = client.get_cookie("session").value
    assert client.get("/").status_code == 200
    page = client.get("/login?next=/")  # logged in: redirected, so read a token from a form
    assert page.status_code == 302
    token = client.get_cookie("_csrf_token").value
    assert client.post("/logout", headers={"X-CSRFToken": token}).status_code == 302
    assert client.get("/").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/").status_code == 302
    assert post_callback(replay, "header-account", {"url.pathname": "/"}).status_code == 401


def test_member_pages_are_never_cached(member):
    response = member.get("/")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert member.get_cookie("_csrf_token") is not None


def test_security_headers(member):
    headers = member.get("/").headers
    csp = headers["Content-Security-Policy"]
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "'sha256-" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("target", "expected"), [
    ("/consumi?anno=2023", "/consumi?anno=2023"), (None, "/"), ("", "/"),
    ("https://evil.example/", "/"), ("//evil.example/", "/"), ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"), ("/ok\r\nSet-Cookie: x", "/"), ("/" + "a" * 3000, "/"),
])
def test_next_redirects_stay_on_the_site(target, expected):
    assert safe_next(target) == expected
