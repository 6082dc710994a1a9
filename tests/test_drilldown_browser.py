"""The consumption drill-down in a real browser: by mouse, by keyboard, back and reload."""
from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import ids
from tests.browser import log_in, open_page, open_seed_year, wake
from tests.conftest import DEMO_MEMBER
from tests.test_browser_area import fetch, press_tab_until
from tests.test_consumi import contract_ids

pytestmark = pytest.mark.browser


def wait_url(duo, fragment: str) -> None:
    """Wait until the address bar holds a fragment of query string."""
    WebDriverWait(duo.driver, 20).until(lambda d: fragment in d.current_url)


def table_rows(duo) -> int:
    """Count the body rows of the data table under the chart."""
    return len(duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.DRILL_TABLE} tbody tr"))


def wait_rows(duo, count: int) -> None:
    """Wait until the data table shows a number of rows."""
    WebDriverWait(duo.driver, 20).until(lambda _: table_rows(duo) == count)


def click_bar(duo, index: int) -> None:
    """Move the mouse onto the first trace's bar number `index`, once it stays put, and click."""
    def bar():
        return duo.driver.find_elements(
            By.CSS_SELECTOR, f"#{ids.GRAPH} .trace.bars .point path")[index]

    # Plotly may redraw the chart a moment after the first drawing (its width settles): a
    # click aimed at a bar before that lands on its neighbour (seen: February for March).
    def settled(_) -> bool:
        before = bar().rect
        time.sleep(0.25)
        return bar().rect == before
    WebDriverWait(duo.driver, 10, ignored_exceptions=(IndexError,)).until(settled)
    ActionChains(duo.driver).move_to_element(bar()).pause(0.3).click().perform()


def test_mouse_drills_from_year_to_day_and_back(portal):
    duo = portal
    open_seed_year(duo, *DEMO_MEMBER)
    duo.wait_for_contains_text(f"#{ids.RECONCILE}", "5.255 kWh", timeout=10)
    wait_rows(duo, 12)
    click_bar(duo, 2)                                  # March
    wait_url(duo, "mese=3")
    duo.wait_for_contains_text(f"#{ids.BREADCRUMBS}", "marzo", timeout=10)
    wait_rows(duo, 31)
    WebDriverWait(duo.driver, 10).until(lambda d: len(d.find_elements(
        By.CSS_SELECTOR, f"#{ids.GRAPH} .trace.bars:first-child .point path")) == 31)
    click_bar(duo, 13)                                 # the 14th
    wait_url(duo, "giorno=14")
    duo.wait_for_contains_text(f"#{ids.BREADCRUMBS}", "14 marzo", timeout=10)
    wait_rows(duo, 96)
    assert "Potenza disponibile 3,3 kW" in duo.find_element(f"#{ids.GRAPH}").text

    duo.driver.back()                                  # the browser's history keeps the levels
    wait_rows(duo, 31)
    duo.driver.forward()
    wait_rows(duo, 96)
    duo.driver.refresh()                               # and so does a reload
    wake(duo)
    duo.wait_for_contains_text(f"#{ids.BREADCRUMBS}", "14 marzo", timeout=15)
    wait_rows(duo, 96)
    duo.find_element(f"#{ids.BREADCRUMBS} a[href*='mese=3']").click()
    wait_rows(duo, 31)
    duo.find_element(f"#{ids.BREADCRUMBS} a").click()  # «2023»
    wait_rows(duo, 12)
    assert "mese=" not in duo.driver.current_url
    assert duo.get_logs() == []


def test_keyboard_drills_down_through_the_table(portal, app):
    duo = portal
    home = contract_ids(app, "100234")[0]
    log_in(duo, *DEMO_MEMBER)
    open_page(duo, f"/consumi?contratto={home}&anno=2023")
    wait_rows(duo, 12)
    march = duo.find_element(f"#{ids.DRILL_TABLE} a[href*='mese=3']")
    press_tab_until(duo, march, limit=250)
    ActionChains(duo.driver).send_keys(Keys.ENTER).perform()
    wait_url(duo, "mese=3")
    wait_rows(duo, 31)
    day = duo.find_element(f"#{ids.DRILL_TABLE} a[href*='giorno=14']")
    press_tab_until(duo, day, limit=250)
    ActionChains(duo.driver).send_keys(Keys.ENTER).perform()
    wait_url(duo, "giorno=14")
    wait_rows(duo, 96)
    duo.wait_for_contains_text(f"#{ids.SUMMARY}", "Il 14/03/2023 hai prelevato", timeout=10)
    assert duo.get_logs() == []


def test_heatmap_and_quarter_hour_download(portal, app):
    duo = portal
    home = contract_ids(app, "100234")[0]
    log_in(duo, *DEMO_MEMBER)
    open_page(duo, f"/consumi?contratto={home}&anno=2023&vista=mappa")
    WebDriverWait(duo.driver, 30).until(lambda d: len(d.find_elements(
        By.CSS_SELECTOR, f"#{ids.GRAPH} .trace.bars")) == 24)
    duo.wait_for_contains_text(f"#{ids.SUMMARY}", "365 giorni del 2023", timeout=10)
    link = duo.find_element(f"#{ids.DOWNLOADS} a[href*='quarti-d-ora.csv']")
    assert link.text == "Scarica i quarti d'ora (CSV)"
    data, kind = fetch(duo, link.get_attribute("href"))
    assert kind.startswith("text/csv")
    assert data.decode("utf-8-sig").count("\r\n") == 35_041   # header + 35.040 quarter hours

    duo.driver.set_window_size(375, 900)                       # a phone: nothing spills over
    open_page(duo, f"/consumi?contratto={home}&anno=2023&mese=3&giorno=14")
    wait_rows(duo, 96)
    overflow = duo.driver.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert duo.get_logs() == []


def choose_view(duo, label: str) -> None:
    """Click the view choice with a visible label, whatever control carries it."""
    duo.driver.find_element(
        By.XPATH, f"//*[@id='{ids.VIEW}']//*[normalize-space(text())='{label}']").click()


def line_count(duo) -> int:
    """Count the line traces the chart draws."""
    return len(duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.GRAPH} .trace.scatter"))


def test_mouse_compares_years_then_periods_per_day(portal, app):
    duo = portal
    home = contract_ids(app, "100234")[0]
    log_in(duo, *DEMO_MEMBER)
    open_page(duo, f"/consumi?contratto={home}&anno=2024")
    wait_rows(duo, 12)
    choose_view(duo, "Anni a confronto")
    wait_url(duo, "vista=anni")
    WebDriverWait(duo.driver, 20).until(lambda _: line_count(duo) == 5)
    duo.wait_for_contains_text(f"#{ids.SUMMARY}", "Anni a confronto: il 2024", timeout=10)
    duo.find_element(f"#{ids.BREADCRUMBS} a[href$='anni=2024-2023-2022-2021']").click()
    wait_url(duo, "anni=2024-2023-2022-2021")           # 2020 taken out
    WebDriverWait(duo.driver, 20).until(lambda _: line_count(duo) == 4)
    headers = [th.text for th in duo.driver.find_elements(
        By.CSS_SELECTOR, f"#{ids.DRILL_TABLE} thead th")]
    assert headers == ["Mese", "2024 (kWh)", "2023 (kWh)", "2022 (kWh)", "2021 (kWh)"]
    link = duo.find_element(f"#{ids.DOWNLOADS} a[href*='tabella.csv']")
    data, kind = fetch(duo, link.get_attribute("href"))
    assert kind.startswith("text/csv")
    assert data.decode("utf-8-sig").count("\r\n") == 14    # header, 12 months, total

    choose_view(duo, "kWh al giorno per periodo")
    wait_url(duo, "vista=giornaliero")
    wait_rows(duo, 6)
    assert "stimata" in duo.find_element(f"#{ids.DRILL_TABLE}").text
    duo.wait_for_contains_text(f"#{ids.RECONCILE}", "+295 kWh", timeout=10)
    ticks = duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.GRAPH} .xtick text")
    assert any("stimata" in t.text for t in ticks)       # the reading type in the chart
    duo.driver.back()
    WebDriverWait(duo.driver, 20).until(lambda _: line_count(duo) == 4)
    assert duo.get_logs() == []


def test_keyboard_adds_a_year_to_the_comparison(portal, app):
    duo = portal
    home = contract_ids(app, "100234")[0]
    log_in(duo, *DEMO_MEMBER)
    open_page(duo, f"/consumi?contratto={home}&anno=2024&vista=anni&anni=2024")
    WebDriverWait(duo.driver, 20).until(lambda _: line_count(duo) == 1)
    add = duo.find_element(f"#{ids.BREADCRUMBS} a[href$='anni=2024-2022']")
    assert "aggiungi al confronto" in add.get_attribute("textContent")  # read out, not shown
    press_tab_until(duo, add, limit=250)
    ActionChains(duo.driver).send_keys(Keys.ENTER).perform()
    wait_url(duo, "anni=2024-2022")
    WebDriverWait(duo.driver, 20).until(lambda _: line_count(duo) == 2)
    wait_rows(duo, 12)
    assert duo.get_logs() == []
