"""Paper and phone in a real browser: registration from the bill, invoice cards, labels, print."""
import pytest

from tests.test_accounts import STRONG
from tests.test_paper_bill import _printed_number, _spaced_lower

pytestmark = pytest.mark.browser


def test_registration_with_the_invoice_number_as_printed(portal, app, spare):
    duo = portal
    duo.driver.set_window_size(375, 900)
    duo.driver.get(duo.base + "/registrazione")
    printed = _printed_number(app, spare)
    typed_tax_code = _spaced_lower(spare["tax_code"])  # 19 characters for a 16-character code
    duo.wait_for_element("#customer_code").send_keys(spare["code"])
    duo.find_element("#tax_code").send_keys(typed_tax_code)
    duo.find_element("#invoice_number").send_keys(printed.replace("/", " / "))
    # The browser keeps every character typed: nothing is cut at a fixed length.
    assert duo.find_element("#tax_code").get_attribute("value") == typed_tax_code
    duo.find_element("#email").send_keys(f"browser.{spare['code']}@example.com")
    duo.find_element("#password").send_keys(STRONG)
    duo.find_element("#password_repeat").send_keys(STRONG)
    duo.find_element("button[type=submit]").click()
    duo.wait_for_contains_text("h1", "Controlla la tua email")
