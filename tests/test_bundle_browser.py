"""The partial plotly.js bundle in assets/: the chart draws, in Italian, without plotly.min.js."""
import pytest
from selenium.webdriver.common.by import By

from dashboard import ids
from tests.browser import open_seed_year
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
