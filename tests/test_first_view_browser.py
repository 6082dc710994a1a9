"""The consumption page's first view in Chromium: complete before any script, and Dash takes
its place at the first interaction without moving anything or losing the member's choice."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from dashboard import ids
from tests.browser import log_in, wake
from tests.conftest import DEMO_MEMBER

pytestmark = pytest.mark.browser

CONSUMI = "/consumi?contratto=1&anno=2023"
MARKS = ["h1", ".chart-head h2", ".graph-box", ".totals"]
POSITIONS = """
return arguments[0].map(s => {
  const e = [...document.querySelectorAll(s)].find(e => e.getClientRects().length);
  const r = e.getBoundingClientRect();
  return [s, Math.round(r.top + scrollY), Math.round(r.left), Math.round(r.height)];
});
"""


def scripts_run(duo) -> list[str]:
    """List the scripts the page has fetched so far (Resource Timing)."""
    return duo.driver.execute_script(
        "return performance.getEntriesByType('resource')"
        ".filter(e => e.initiatorType === 'script').map(e => e.name)")


@pytest.mark.parametrize("width", [375, 1280])
def test_dash_takes_the_first_views_place_without_moving_it(portal, width):
    duo = portal
    log_in(duo, *DEMO_MEMBER)
    duo.driver.set_window_size(width, 900)
    duo.driver.get(duo.base + CONSUMI)
    duo.wait_for_element(".first-view svg.svg-chart")
    assert not [s for s in scripts_run(duo) if "react" in s or "plotly" in s]
    assert duo.find_element(".first-view .totals").text.startswith("Totale 2023")
    before = duo.driver.execute_script(POSITIONS, MARKS)
    wake(duo)
    duo.wait_for_element(f"#{ids.GRAPH} .main-svg")
    assert duo.driver.execute_script(POSITIONS, MARKS) == before
    assert any("react-dom" in s for s in scripts_run(duo))
    assert duo.get_logs() == []


def test_a_year_chosen_in_the_first_view_is_kept_by_dash(portal):
    duo = portal
    log_in(duo, *DEMO_MEMBER)
    duo.driver.get(duo.base + CONSUMI)
    first = Select(duo.find_element(f"#fv-{ids.YEAR}"))
    first.select_by_visible_text("2024")   # the click on the option is the first interaction
    WebDriverWait(duo.driver, 30).until(
        lambda d: not d.find_elements(By.CSS_SELECTOR, ".first-view"))
    WebDriverWait(duo.driver, 10).until(
        lambda d: Select(d.find_element(By.ID, ids.YEAR)).first_selected_option.text == "2024")
    duo.find_element(f"#{ids.CONFIRM}").click()
    duo.wait_for_contains_text(f"#{ids.CHART_TITLE}", "nel 2024", timeout=15)
    assert "anno=2024" in duo.driver.current_url
