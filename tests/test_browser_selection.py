"""What is shown is what is selected: the pickers follow the URL after Back, Forward, a reload
and a direct link; the chart names its year; a member with one contract sees it at once; the
closed contract picker shows the whole POD on a phone."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy import select

from dashboard import ids
from models import Contract, Customer, db
from tests.browser import choose, log_in, open_page, wake
from tests.conftest import DEMO_MEMBER, OTHER_MEMBER

pytestmark = pytest.mark.browser


def contracts_of(app, code: str) -> list[Contract]:
    """Return a customer's contracts, oldest first."""
    with app.app_context():
        customer = db.session.scalar(select(Customer).where(Customer.code == code))
        found = db.session.scalars(select(Contract).where(Contract.customer_id == customer.id)
                                   .order_by(Contract.start_date)).all()
        db.session.expunge_all()
        return found


def selected(duo, select_id: str) -> str:
    """Return the text of the option a native select shows."""
    return Select(duo.driver.find_element(By.ID, select_id)).first_selected_option.text


def face(duo, select_id: str) -> str:
    """Return the text the closed picker shows."""
    return duo.driver.find_element(By.ID, select_id).find_element(
        By.XPATH, "preceding-sibling::span[contains(@class, 'select-face')]").text


def wait_year(duo, year: int) -> None:
    """Wait for the chart to name the year and for the year's total to be shown."""
    duo.wait_for_contains_text(f"#{ids.CHART_TITLE}", f"nel {year}", timeout=15)
    duo.wait_for_contains_text(f"#{ids.TOTALS}", f"Totale {year}", timeout=15)


def test_back_forward_and_reload_keep_the_year_shown_and_selected(portal, app):
    duo = portal
    home = contracts_of(app, "100234")[0]
    log_in(duo, *DEMO_MEMBER)
    open_page(duo, f"/consumi?contratto={home.id}&anno=2023")
    wait_year(duo, 2023)
    choose(duo, ids.YEAR, "2024")
    duo.find_element(f"#{ids.CONFIRM}").click()
    wait_year(duo, 2024)
    assert "anno=2024" in duo.driver.current_url

    duo.driver.back()
    wait_year(duo, 2023)
    duo.wait_for_text_to_equal(f"#{ids.CHART_TITLE}",
                               "Energia prelevata per fasce F1 – F2 – F3 nel 2023")
    assert selected(duo, ids.YEAR) == "2023" and face(duo, ids.YEAR) == "2023"
    assert "Via Roma 12" in selected(duo, ids.CONTRACT)

    duo.driver.forward()
    wait_year(duo, 2024)
    assert selected(duo, ids.YEAR) == "2024"

    duo.driver.refresh()
    wake(duo)
    wait_year(duo, 2024)
    assert selected(duo, ids.YEAR) == "2024" and "anno=2024" in duo.driver.current_url
    assert duo.get_logs() == []


@pytest.mark.parametrize("path", ["/contabilita", "/contratto", "/invio"])
def test_a_direct_link_a_reload_and_back_show_the_contract_in_the_picker(portal, app, path):
    duo = portal
    home, holiday = contracts_of(app, "100234")
    picker_id = {"/contabilita": ids.CONTABILITA_SCOPE, "/contratto": ids.CONTRATTO_CONTRACT,
                 "/invio": ids.INVIO_CONTRACT}[path]
    log_in(duo, *DEMO_MEMBER)
    duo.driver.get(f"{duo.base}{path}?contratto={holiday.id}")
    duo.wait_for_contains_text(f"#{picker_id}", "Via Monte Zoncolan 8")
    assert "Via Monte Zoncolan 8" in selected(duo, picker_id)
    assert "Via Monte Zoncolan 8" in face(duo, picker_id)
    duo.driver.refresh()
    duo.wait_for_element(f"#{picker_id}")
    assert "Via Monte Zoncolan 8" in selected(duo, picker_id)

    choose(duo, picker_id, "Via Roma 12")
    WebDriverWait(duo.driver, 10).until(lambda d: f"contratto={home.id}" in d.current_url)
    duo.driver.back()
    WebDriverWait(duo.driver, 10).until(lambda d: f"contratto={holiday.id}" in d.current_url)
    WebDriverWait(duo.driver, 10).until(
        lambda _d: "Via Monte Zoncolan 8" in selected(duo, picker_id))
    assert "Via Monte Zoncolan 8" in face(duo, picker_id)
    assert duo.get_logs() == []


def test_a_member_with_one_contract_sees_the_last_year_at_once(portal, app):
    duo = portal
    (only,) = contracts_of(app, "100235")
    log_in(duo, *OTHER_MEMBER)
    open_page(duo, "/consumi")
    duo.wait_for_contains_text(f"#{ids.TOTALS}", "Totale", timeout=15)
    title = duo.find_element(f"#{ids.CHART_TITLE}").text
    year = title.rsplit(" ", 1)[-1]
    assert year.isdigit() and selected(duo, ids.YEAR) == year
    assert only.pod in selected(duo, ids.CONTRACT)
    assert duo.get_logs() == []


def test_the_closed_contract_picker_shows_the_whole_pod_on_a_phone(portal, app):
    duo = portal
    home = contracts_of(app, "100234")[0]
    duo.driver.set_window_size(375, 800)
    log_in(duo, *DEMO_MEMBER)
    open_page(duo, f"/consumi?contratto={home.id}&anno=2023")
    wait_year(duo, 2023)
    shown = duo.driver.find_element(By.ID, ids.CONTRACT).find_element(
        By.XPATH, "preceding-sibling::span[contains(@class, 'select-face')]")
    assert home.pod in shown.text and "Via Roma 12" in shown.text
    fits = duo.driver.execute_script(
        "const e = arguments[0], r = e.getBoundingClientRect();"
        "return e.scrollWidth <= e.clientWidth && r.right <= window.innerWidth;", shown)
    assert fits
    assert duo.driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth")
