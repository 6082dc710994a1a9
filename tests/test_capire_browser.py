"""«Capire la bolletta» in a real browser: from an invoice number to the walk of invoice 1636."""
import pytest
from selenium.webdriver.common.by import By

from dashboard import ids
from tests.browser import open_seed_year
from tests.conftest import DEMO_MEMBER

pytestmark = pytest.mark.browser


def test_the_invoice_table_leads_to_the_walk_of_the_bill(portal):
    duo = portal
    open_seed_year(duo, *DEMO_MEMBER)
    rows = duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.GRID} tbody tr")
    row = next(r for r in rows if r.find_element(By.CSS_SELECTOR, "td").text == "1636")
    link = row.find_element(By.CSS_SELECTOR, "td:first-child a[href^='/capire?fattura=']")
    # The number is the link; its title (a tooltip, a screen reader's description) says where.
    assert link.text == "1636"
    assert link.get_attribute("title") == "Capire la bolletta: fattura 1636"
    hint = duo.find_element(f"#{ids.GRID}").find_element(By.XPATH, "preceding-sibling::p")
    assert "«Capire la bolletta»" in hint.text
    table = duo.find_element(f"#{ids.GRID} table")
    assert duo.driver.execute_script(   # the link added no column: the table still fits
        "return arguments[0].scrollWidth <= arguments[0].parentElement.clientWidth", table)
    link.click()

    duo.wait_for_contains_text("h1", "Capire la bolletta", timeout=10)
    duo.wait_for_contains_text(f"#{ids.PAGE}", "Fattura n. 1636/2023 del 26/01/2023")
    assert "/capire?fattura=" in duo.driver.current_url
    page = duo.find_element(f"#{ids.PAGE}")
    headings = [h.text for h in page.find_elements(By.CSS_SELECTOR, "section h2")]
    assert headings[0] == "1. Le letture e i consumi" and headings[-1] == "7. Il totale"
    assert "«Accisa (193 kWh esenti) 354 kWh»" in page.text
    tables = page.find_elements(By.CSS_SELECTOR, "table.capire")
    assert all(t.find_elements(By.TAG_NAME, "caption") for t in tables)
    total = page.find_elements(By.CSS_SELECTOR, "table.capire tfoot tr")[-1].text
    assert "Totale fattura" in total and "213,09 €" in total

    # Back to the table the member came from, with the same contract and year.
    page.find_element(By.LINK_TEXT, "Torna alle fatture").click()
    duo.wait_for_contains_text(f"#{ids.GRID}", "26153", timeout=10)
    assert duo.get_logs() == []
