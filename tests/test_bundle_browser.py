"""The partial plotly.js bundle in assets/: the chart draws, in Italian, without plotly.min.js."""
import pytest
from selenium.webdriver.common.by import By

from dashboard import ids
from tests.browser import choose, log_in, open_seed_year
from tests.conftest import DEMO_MEMBER

pytestmark = pytest.mark.browser


def test_the_chart_uses_the_basic_bundle_and_the_italian_locale(portal):
    duo = portal
    open_seed_year(duo, *DEMO_MEMBER)
    assert len(duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.GRAPH} .bars .point")) >= 36
    scripts = duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert any("/assets/plotly-basic-4.1.1.min.js" in s for s in scripts)
    assert not any("plotly.min.js" in s for s in scripts), "dcc.Graph fetched its own plotly.js"
    assert duo.driver.execute_script("return window.Plotly.version") == "4.1.1"
    buttons = duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.GRAPH} .modebar-btn")
    titles = {b.get_attribute("data-title") for b in buttons}
    assert any(t and t.startswith("Scarica il grafico") for t in titles), titles
    assert duo.get_logs() == []


def loaded_scripts(duo) -> list[str]:
    """List the plotly.js bundles the page has fetched so far."""
    names = duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    return [n for n in names if "plotly-basic" in n or "plotly.min" in n]


def test_the_home_loads_no_plotly_and_the_chart_fetches_it_on_the_way(portal):
    duo = portal
    log_in(duo, *DEMO_MEMBER)
    assert loaded_scripts(duo) == []
    assert duo.driver.execute_script("return typeof window.Plotly") == "undefined"
    duo.find_element('a[href="/consumi"]').click()   # the router's link: no page load
    duo.wait_for_contains_text("h1", "Visualizzazione consumi")
    choose(duo, ids.CONTRACT, "Via Roma 12")
    choose(duo, ids.YEAR, "2023")
    duo.find_element(f"#{ids.CONFIRM}").click()
    duo.wait_for_contains_text(f"#{ids.GRID}", "26153", timeout=10)
    duo.wait_for_element(f"#{ids.GRAPH} .bars .point", timeout=10)
    assert [n.split("?")[0].rsplit("/", 1)[1] for n in loaded_scripts(duo)] == [
        "plotly-basic-4.1.1.min.js"]
    assert duo.driver.execute_script("return window.Plotly.version") == "4.1.1"
    button = duo.find_element(f"#{ids.CONFIRM}")   # done: no longer busy
    assert button.get_attribute("class") == "button primary"
    assert button.get_attribute("aria-busy") == "false"
    assert duo.get_logs() == []
