"""The session warning, written by assets/session.js, speaks the page's language."""
import pytest

from tests.browser import log_in
from tests.conftest import DEMO_MEMBER
from tests.test_browser_security import set_expiry

pytestmark = pytest.mark.browser


def test_timeout_warning_in_english(portal):
    duo = portal
    log_in(duo, *DEMO_MEMBER)
    duo.driver.get(duo.base + "/lingua/en?next=/account")
    duo.wait_for_text_to_equal("h1", "My account")
    set_expiry(duo, 60)
    duo.wait_for_element(".session-warning", timeout=5)
    warning = duo.find_element(".session-warning").text
    assert "the session ends in 1 minute if you do not use it" in warning
    assert "Stay logged in" in warning and "scade" not in warning
