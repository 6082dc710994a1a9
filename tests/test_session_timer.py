"""The timeout warning's timing comes from the app's settings, on Dash and on form pages."""
import re


def timing(html: str) -> dict[str, str]:
    """Read the session timing meta tags of a page."""
    return dict(re.findall(r'<meta name="session-(\w+)-seconds" content="([^"]+)"', html))


def test_pages_hand_the_configured_timer_to_the_script(app, member, client, monkeypatch):
    expected = {"warning": "120", "check": "1"}  # the default lead; the tests' short check
    assert timing(member.get("/").get_data(as_text=True)) == expected     # a Dash page
    assert timing(client.get("/login").get_data(as_text=True)) == expected  # a form page
    monkeypatch.setitem(app.config, "SESSION_WARNING_SECONDS", 300)
    assert timing(member.get("/account").get_data(as_text=True))["warning"] == "300"
