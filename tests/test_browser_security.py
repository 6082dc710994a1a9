"""Account security as a member meets it in the browser: live rules, timeout warning, expiry."""
import time

import pytest
from selenium.webdriver.common.by import By

from tests.browser import log_in
from tests.conftest import DEMO_MEMBER

pytestmark = pytest.mark.browser



def rule_states(duo) -> dict[str, str]:
    """Read the live checklist: rule -> 'ok', 'ko' or ''."""
    items = duo.driver.find_elements(By.CSS_SELECTOR, "#register-rules li")
    return {i.get_attribute("data-rule"): (i.get_attribute("class") or "").strip() for i in items}


def test_password_checklist_ticks_while_typing(portal):
    duo = portal
    duo.driver.get(duo.base + "/registrazione")
    field = duo.wait_for_element("#password")
    field.send_keys("paluzza")
    states = rule_states(duo)
    assert states["length"] == "ko" and states["upper"] == "ko"
    field.send_keys("!2023X")
    states = rule_states(duo)
    assert {states[k] for k in ("length", "letter_digit", "upper", "special")} == {"ok"}
    assert states["common"] == ""  # checked by the server on submit


def set_expiry(duo, seconds_from_now: int) -> None:
    """Pretend the server said the session ends soon (what the expiry cookie carries)."""
    deadline = int(time.time()) + seconds_from_now
    duo.driver.execute_script(f"document.cookie = 'session_expires={deadline}; path=/';")


def test_timeout_warning_lets_the_member_stay(portal):
    duo = portal
    log_in(duo, *DEMO_MEMBER)
    set_expiry(duo, 60)
    duo.wait_for_element(".session-warning", timeout=5)  # the app checks every second
    assert "scade tra 1 minuto" in duo.find_element(".session-warning").text
    duo.find_element(".session-warning button").click()
    duo.wait_for_no_elements(".session-warning", timeout=5)
    deadline = int(duo.driver.get_cookie("session_expires")["value"])
    assert deadline - time.time() > 25 * 60  # the server moved the deadline


def test_expired_session_goes_to_login_and_back_to_the_same_view(portal, app):
    from datetime import timedelta

    from tests.test_sessions import age_sessions

    duo = portal
    log_in(duo, *DEMO_MEMBER)
    duo.driver.get(duo.base + "/consumi?anno=2023")
    duo.wait_for_contains_text("h1", "Visualizzazione consumi")
    assert duo.driver.find_elements(By.CSS_SELECTOR, ".alert") == []  # nothing asked yet
    age_sessions(app, DEMO_MEMBER[0], last_seen_at=timedelta(minutes=31))  # the member left
    set_expiry(duo, -1)
    duo.wait_for_contains_text("body", "sessione è scaduta", timeout=5)
    assert "next=%2Fconsumi%3Fanno%3D2023" in duo.driver.current_url
    duo.find_element("#login").send_keys(DEMO_MEMBER[0])
    duo.find_element("#password").send_keys(DEMO_MEMBER[1])
    duo.find_element("button[type=submit]").click()
    duo.wait_for_contains_text("h1", "Visualizzazione consumi")
    assert duo.driver.current_url.endswith("/consumi?anno=2023")
