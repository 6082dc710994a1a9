"""The seed's scenario in a real browser: log in, choose contract and year, read the results."""
import urllib.request

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import ids
from tests.browser import choose, log_in, open_seed_year, wake
from tests.conftest import DEMO_MEMBER
from tests.test_consumi import SEED_ROWS

pytestmark = pytest.mark.browser



def test_member_walks_the_seed_scenario(portal):
    duo = portal
    log_in(duo, *DEMO_MEMBER)
    assert "Mario Rossi" in duo.find_element(f"#{ids.HEADER}").text

    duo.find_element("a.service[href='/consumi']").click()
    duo.wait_for_contains_text("h1", "Visualizzazione consumi")
    choose(duo, ids.CONTRACT, "Via Roma 12")
    choose(duo, ids.YEAR, "2023")
    duo.find_element(f"#{ids.CONFIRM}").click()

    duo.wait_for_contains_text(f"#{ids.GRID}", "26153", timeout=10)
    grid_text = duo.find_element(f"#{ids.GRID}").text
    for number, issued, due, amount, read, *_ in SEED_ROWS:
        for value in (str(number), issued, due, amount, read):
            assert value in grid_text
    assert "1.390" in grid_text
    assert len(duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.GRAPH} .bars .point")) >= 36
    assert "contratto=" in duo.driver.current_url and "anno=2023" in duo.driver.current_url
    buttons = duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.GRAPH} .modebar-btn")
    titles = {b.get_attribute("data-title") for b in buttons}
    assert any(t and t.startswith("Scarica il grafico") for t in titles), titles  # Italian locale

    link = duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.GRID} a[href$='fattura.pdf']")[0]
    pdf = fetch_with_browser_session(duo, link.get_attribute("href"))
    assert pdf.startswith(b"%PDF")

    # A reload shows the same view: the selection lives in the URL (first in the first view).
    duo.driver.refresh()
    assert "26153" in duo.find_element(".first-view").get_attribute("textContent")
    wake(duo)
    duo.wait_for_contains_text(f"#{ids.GRID}", "26153", timeout=10)

    duo.find_element(".logout button").click()
    duo.wait_for_contains_text("body", "Sei uscito")
    duo.driver.back()
    assert "26153" not in duo.driver.find_element(By.TAG_NAME, "body").text
    assert duo.get_logs() == []


def fetch_with_browser_session(duo, url: str) -> bytes:
    """Download a link with the browser's own session cookie."""
    cookie = duo.driver.get_cookie("session")
    request = urllib.request.Request(url, headers={"Cookie": f"session={cookie['value']}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


def test_period_switch_lines_up_with_the_table(portal):
    duo = portal
    open_seed_year(duo, *DEMO_MEMBER)
    # React may draw the radios once more after the table: then find them again and click.
    WebDriverWait(duo.driver, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, f"#{ids.VIEW} input")[1].click() or True)
    duo.wait_for_contains_text(f"#{ids.GRAPH}", "ott–nov", timeout=10)
    assert "vista=periodi" in duo.driver.current_url


def first_invoice(duo) -> str:
    """Return the number in the invoice table's first row."""
    return duo.driver.find_element(By.CSS_SELECTOR, f"#{ids.GRID} tbody tr td").text


def test_headers_sort_the_invoice_table(portal):
    duo = portal
    open_seed_year(duo, *DEMO_MEMBER)
    assert first_invoice(duo) == "1636"
    # The keyboard, as a member without a mouse would (a click can land on the chart while
    # it redraws and the page shifts).
    duo.find_element(f"#{ids.SORT_PREFIX}importo").send_keys(Keys.ENTER)
    duo.wait_for_text_to_equal(f"#{ids.GRID} tbody tr td", "26153", timeout=10)  # 146,62 €
    duo.find_element(f"#{ids.SORT_PREFIX}importo").send_keys(Keys.SPACE)
    duo.wait_for_text_to_equal(f"#{ids.GRID} tbody tr td", "6558", timeout=10)   # 334,94 €
    assert "ordina=-importo" in duo.driver.current_url
    header = duo.find_element(f"#{ids.GRID} th[aria-sort='descending']")
    assert "Importo" in header.text
