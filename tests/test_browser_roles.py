"""Staff in a real browser: their home, and a member page their profile may not open."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from models.enums import Role
from tests.browser import log_in
from tests.test_registry import STAFF

pytestmark = pytest.mark.browser


def test_support_staff_home_and_a_member_page(portal):
    duo = portal
    log_in(duo, *STAFF[Role.SUPPORT])
    duo.wait_for_contains_text(".page", "Profilo: Assistenza clienti")
    tools = [a.get_attribute("href") for a in
             duo.driver.find_elements(By.CSS_SELECTOR, ".page a.service")]
    assert tools == [duo.base + "/assistenza"]
    duo.driver.get(duo.base + "/consumi")
    duo.wait_for_contains_text(
        ".page", "Questa sezione non è disponibile per il profilo Assistenza clienti")
    assert "Visualizzazione consumi" not in duo.find_element(".page").text
    duo.find_element(".page a.button[href='/']").click()
    duo.wait_for_contains_text("h1", "Area di gestione")
    assert duo.get_logs() == []
