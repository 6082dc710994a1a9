"""Paper and phone in a real browser: registration from the bill, invoice cards, labels, print."""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import ids
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


CONSUMI = "/consumi?contratto=1&anno=2023"


def _open_consumi(duo, width: int) -> None:
    """Log in as the demo member and open 2023's consumption by its address."""
    from tests.browser import log_in, open_page
    from tests.conftest import DEMO_MEMBER

    log_in(duo, *DEMO_MEMBER)
    duo.driver.set_window_size(width, 900)
    open_page(duo, CONSUMI)
    duo.wait_for_contains_text(f"#{ids.GRID}", "26153", timeout=15)


def test_on_a_phone_each_invoice_is_a_card_that_opens(portal):
    duo = portal
    _open_consumi(duo, 375)
    assert not duo.find_element(f"#{ids.GRID} table.invoices").is_displayed()
    summaries = duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.GRID} details > summary")
    assert len(summaries) == 6  # the six invoices of 2023
    assert summaries[0].text == "Fattura 1636 del 26/01/2023 — 213,09 €"
    first = summaries[0].find_element(By.XPATH, "..")
    assert first.get_attribute("open") is None
    assert not first.find_element(By.CSS_SELECTOR, "dl").is_displayed()
    # The keyboard opens it: Tab reaches the summary, Enter opens it.
    duo.driver.execute_script("arguments[0].focus()", summaries[0])
    assert duo.driver.switch_to.active_element == summaries[0]
    summaries[0].send_keys(Keys.ENTER)
    WebDriverWait(duo.driver, 5).until(lambda _: first.get_attribute("open") is not None)
    facts = first.find_element(By.CSS_SELECTOR, "dl").text
    assert "Scadenza" in facts and "15/03/2023" in facts and "547" in facts
    links = first.find_elements(By.CSS_SELECTOR, "a[href$='.pdf']")
    assert [a.get_attribute("aria-label") for a in links] == [
        "Fattura 1636 (PDF)", "Fattura Dettaglio 1636 (PDF)"]
    assert all(a.size["height"] >= 44 for a in links)  # touch targets
    assert summaries[0].size["height"] >= 44
    overflow = duo.driver.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert duo.get_logs() == []


def test_on_a_pc_the_invoices_stay_a_table(portal):
    duo = portal
    _open_consumi(duo, 1280)
    assert duo.find_element(f"#{ids.GRID} table.invoices").is_displayed()
    assert not duo.find_element(f"#{ids.GRID} .invoice-cards").is_displayed()


@pytest.mark.parametrize("width", [375, 1280])
def test_chart_text_is_at_least_12_px(portal, width):
    duo = portal
    _open_consumi(duo, width)
    sizes = duo.driver.execute_script("""
        return Array.from(document.querySelectorAll('.graph svg text'))
          .filter(t => t.textContent.trim() && t.getClientRects().length)
          .map(t => [t.textContent, parseFloat(getComputedStyle(t).fontSize)]);""")
    assert len(sizes) > 12, sizes  # the month ticks, the axis, the legend at least
    small = [(text, size) for text, size in sizes if size < 12]
    assert small == []


def test_printing_the_consumption_page_gives_an_a4_page_without_controls(portal, tmp_path):
    import base64

    from pypdf import PdfReader

    duo = portal
    _open_consumi(duo, 1280)
    # What the chart looks like while the browser prints (print.js draws it at page width).
    duo.driver.execute_script("""
        window.addEventListener('beforeprint', function () {
          var svg = document.querySelector('.graph .main-svg');
          window.printedChartWidth = svg && parseFloat(svg.getAttribute('width'));
        });""")
    pdf = duo.driver.execute_cdp_cmd("Page.printToPDF", {
        "paperWidth": 8.27, "paperHeight": 11.69, "preferCSSPageSize": True})
    target = tmp_path / "consumi.pdf"
    target.write_bytes(base64.b64decode(pdf["data"]))
    assert duo.driver.execute_script("return window.printedChartWidth") <= 703  # 186 mm
    reader = PdfReader(target)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    assert len(reader.pages) <= 3
    text = "\n".join(page.extract_text() for page in reader.pages)
    for shown in ("Visualizzazione consumi", "Via Roma 12", "2023", "Mario Rossi", "26153",
                  "213,09", "Gennaio 2023", "5.145"):
        assert shown in text, shown
    for hidden in ("Modalità condivisione schermo", "Esci", "Scarica la tabella",
                   "Il mio account", "Codice per l'assistenza"):
        assert hidden not in text, hidden
    # After printing the chart follows the window again.
    WebDriverWait(duo.driver, 5).until(lambda d: d.execute_script(
        "return parseFloat(document.querySelector('.graph .main-svg').getAttribute('width'))")
        > 703)
