"""The email-change link in a real browser: opening it changes nothing, the button does."""
import pytest

from tests.helpers import login, post_login
from tests.test_accounts import STRONG, activated, change_email, outbox_link

pytestmark = pytest.mark.browser


def test_the_mailed_link_asks_for_a_click_before_the_email_changes(portal, app, spare):
    duo = portal
    email = activated(app, app.test_client(), spare)
    new = f"browser.{spare['code']}@example.com"
    change_email(login(app.test_client(), email, STRONG), new)
    duo.driver.get(duo.base + outbox_link(app, new, "/account/email/"))
    duo.wait_for_contains_text("h1", "Conferma la nuova email")
    assert new in duo.find_element(".lead").text
    assert post_login(app.test_client(), new, STRONG).status_code == 401  # opened, not changed
    duo.find_element("button[type=submit].primary").click()
    duo.wait_for_contains_text("h1", "Email cambiata")
    assert post_login(app.test_client(), new, STRONG).status_code == 302
