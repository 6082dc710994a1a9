"""Sessions: renewed at login, idle and absolute timeouts, warnings, cookie attributes."""
from datetime import timedelta

from sqlalchemy import select

from models import Account, LoginSession, db
from tests.conftest import DEMO_MEMBER
from tests.helpers import login, post_callback


def age_sessions(app, email: str, **shift: timedelta) -> None:
    """Move an account's live sessions back in time, as if the member had been away."""
    with app.app_context():
        account_id = db.session.scalar(select(Account.id).where(Account.email == email))
        for row in db.session.scalars(select(LoginSession).where(
                LoginSession.account_id == account_id, LoginSession.revoked_at.is_(None))):
            for column, delta in shift.items():
                setattr(row, column, getattr(row, column) - delta)
        db.session.commit()


def test_login_issues_a_new_session_cookie(app):
    client = app.test_client()
    client.get("/login")
    before = client.get_cookie("session")
    login(client, *DEMO_MEMBER)
    after = client.get_cookie("session")
    assert after is not None and (before is None or before.value != after.value)


def test_idle_session_expires_politely_and_keeps_the_view(app):
    client = login(app.test_client(), *DEMO_MEMBER)
    assert client.get("/consumi?anno=2023").status_code == 200
    age_sessions(app, DEMO_MEMBER[0], last_seen_at=timedelta(minutes=31))
    page = client.get("/consumi?anno=2023")
    assert page.status_code == 302
    location = page.headers["Location"]
    assert "scaduta=1" in location and "next=%2Fconsumi%3Fanno%3D2023" in location
    assert "sessione è scaduta" in client.get(location).get_data(as_text=True)
    assert post_callback(client, "header-account", {"url.pathname": "/"}).status_code == 401


def test_absolute_limit_ends_even_a_busy_session(app):
    client = login(app.test_client(), *DEMO_MEMBER)
    age_sessions(app, DEMO_MEMBER[0], created_at=timedelta(hours=12, minutes=1))
    assert client.get("/").status_code == 302


def test_expiry_cookie_tells_the_page_when_to_warn(app):
    from models.entities import utcnow

    client = login(app.test_client(), *DEMO_MEMBER)
    client.get("/")
    deadline = int(client.get_cookie("session_expires").value)
    now = utcnow().timestamp()
    assert 29 * 60 < deadline - now <= 30 * 60 + 5


def test_stay_logged_in_renews_the_idle_deadline(app):
    client = login(app.test_client(), *DEMO_MEMBER)
    age_sessions(app, DEMO_MEMBER[0], last_seen_at=timedelta(minutes=29))
    token = client.get_cookie("_csrf_token").value
    assert client.post("/sessione/rinnova", headers={"X-CSRFToken": token}).status_code == 200
    age_sessions(app, DEMO_MEMBER[0], last_seen_at=timedelta(minutes=5))
    assert client.get("/").status_code == 200


def test_session_cookie_attributes(app):
    client = app.test_client()
    response = login_response(client)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def login_response(client):
    """Return the raw response of a successful login."""
    from tests.helpers import post_login

    return post_login(client, *DEMO_MEMBER)


def test_production_cookies_are_secure_and_host_prefixed(monkeypatch, tmp_path):
    from dashboard import create_app

    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-production-like-secret-key-for-the-test")
    server = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})
    assert server.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert server.config["SESSION_COOKIE_SECURE"] is True
    response = server.test_client().get("/login")
    assert response.status_code == 302 and response.headers["Location"].startswith("https://")


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    import pytest

    from dashboard import config

    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        config.from_environment()


def test_logged_out_pages_drop_the_expiry_cookie(app):
    client = login(app.test_client(), *DEMO_MEMBER)
    client.get("/")
    token = client.get_cookie("_csrf_token").value
    client.post("/logout", headers={"X-CSRFToken": token})
    client.get("/login")
    assert client.get_cookie("session_expires") is None
