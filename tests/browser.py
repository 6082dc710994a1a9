"""Browser helpers shared by the dash_duo tests."""
from __future__ import annotations

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait


def log_in(duo, login: str, password: str) -> None:
    """Fill in and submit the login form."""
    duo.driver.get(duo.base + "/login")
    duo.wait_for_element("#login").send_keys(login)
    duo.find_element("#password").send_keys(password)
    duo.find_element("button[type=submit]").click()
    duo.wait_for_contains_text("h1", "Area di gestione")


def choose(duo, dropdown_id: str, option_text: str) -> None:
    """Open a dropdown and pick the option whose label contains the text.

    The options may still be arriving from a callback (the years follow the contract):
    reopen the dropdown until the option is there, for up to ten seconds.
    """
    def pick(driver) -> bool:
        options = driver.find_elements(By.CSS_SELECTOR, "[role=option]")
        match = next((o for o in options if option_text in o.text), None)
        if match is not None:
            match.click()
            return True
        ActionChains(driver).send_keys(Keys.ESCAPE).perform()
        duo.find_element(f"#{dropdown_id}").click()
        return False

    duo.find_element(f"#{dropdown_id}").click()
    WebDriverWait(duo.driver, 10, poll_frequency=0.5).until(pick)


def open_seed_year(duo, login: str, password: str) -> None:
    """Log in, open the consumption page, choose the main home and 2023, and confirm."""
    from dashboard import ids

    log_in(duo, login, password)
    duo.driver.get(duo.base + "/consumi")
    duo.wait_for_contains_text("h1", "Visualizzazione consumi")
    choose(duo, ids.CONTRACT, "Via Roma 12")
    choose(duo, ids.YEAR, "2023")
    duo.find_element(f"#{ids.CONFIRM}").click()
    duo.wait_for_contains_text(f"#{ids.GRID}", "26153", timeout=10)
