"""The rest of the area di gestione in a real browser, as the demo member walks it."""
from __future__ import annotations

import re
import urllib.request

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from dashboard import ids
from tests.browser import choose, log_in
from tests.conftest import DEMO_MEMBER
from tests.test_invio import LINK, mails_to, restore_delivery  # noqa: F401  (autouse fixture)

pytestmark = pytest.mark.browser
NEW_EMAIL = "mario.rossi.casa@example.com"



def fetch(duo, url: str) -> tuple[bytes, str]:
    """Download a link with the browser's own session cookie; return body and content type."""
    cookie = duo.driver.get_cookie("session")
    request = urllib.request.Request(url, headers={"Cookie": f"session={cookie['value']}"})
    with urllib.request.urlopen(request, timeout=15) as response:
        return response.read(), response.headers["Content-Type"]


def press_tab_until(duo, element, limit: int = 40) -> None:
    """Move the keyboard focus forward with Tab until it reaches the element."""
    for _ in range(limit):
        if duo.driver.switch_to.active_element == element:
            return
        ActionChains(duo.driver).send_keys(Keys.TAB).perform()
    raise AssertionError(f"Tab never reached {element.get_attribute('id') or element.text}")


def test_member_reads_the_contract_data(portal):
    duo = portal
    log_in(duo, *DEMO_MEMBER)
    services = [a.text.split("\n")[0] for a in duo.driver.find_elements(By.CSS_SELECTOR,
                                                                         "a.service")]
    assert services == ["Dati contrattuali", "Visualizzazione consumi", "Capire la bolletta",
                        "Situazione contabile",
                        "Modalità di invio della bolletta", "Chi ha consultato i miei dati",
                        "Consulenza energetica"]
    duo.find_element("a.service[href='/contratto']").click()
    duo.wait_for_contains_text("h1", "Dati contrattuali")
    duo.wait_for_contains_text(f"#{ids.CONTRATTO_BODY}", "IT125E00012345", timeout=10)
    body = duo.find_element(f"#{ids.CONTRATTO_BODY}").text
    for expected in ("RSSMRA52C12L195N", "Socio dal 15/04/1987", "Domestico residente",
                     "3,3 kW", "Bimestrale", "Storia del contratto"):
        assert expected in body
    choose(duo, ids.CONTRATTO_CONTRACT, "Via Monte Zoncolan 8")
    duo.wait_for_contains_text(f"#{ids.CONTRATTO_BODY}", "Bioraria", timeout=10)
    assert "contratto=" in duo.driver.current_url
    duo.driver.refresh()   # the choice lives in the URL
    duo.wait_for_contains_text(f"#{ids.CONTRATTO_BODY}", "Domestico non residente", timeout=10)
    assert duo.get_logs() == []


def test_member_reads_the_statement_and_downloads_it(portal):
    duo = portal
    log_in(duo, *DEMO_MEMBER)
    duo.find_element("a.service[href='/contabilita']").click()
    duo.wait_for_contains_text("h1", "Situazione contabile")
    duo.wait_for_contains_text(f"#{ids.CONTABILITA_BODY}", "Importo scaduto", timeout=10)
    summary = duo.find_element(".summary").text
    assert re.search(r"Importo scaduto: \d+,\d\d €", summary)
    late = duo.find_element(f"#{ids.CONTABILITA_BODY} tr.late").text
    assert "Pagata parzialmente" in late and "residuo scaduto" in late

    pdf_link = duo.find_element("a[href^='/contabilita/estratto.pdf']").get_attribute("href")
    pdf, kind = fetch(duo, pdf_link)
    assert pdf.startswith(b"%PDF") and kind == "application/pdf"
    csv_link = duo.find_element("a[href^='/contabilita/estratto.csv']").get_attribute("href")
    data, kind = fetch(duo, csv_link)
    assert data.startswith(b"\xef\xbb\xbfPOD;") and kind.startswith("text/csv")

    # A closed year opens from the keyboard.
    closed = duo.driver.find_elements(By.CSS_SELECTOR, "details.year:not([open]) > summary")[0]
    press_tab_until(duo, closed, limit=200)
    ActionChains(duo.driver).send_keys(Keys.ENTER).perform()
    assert closed.find_element(By.XPATH, "..").get_attribute("open") is not None

    choose(duo, ids.CONTABILITA_SCOPE, "Via Roma 12")
    duo.wait_for_contains_text(f"#{ids.CONTABILITA_BODY}", "Nessun pagamento in ritardo",
                               timeout=10)
    assert "Via Monte Zoncolan" not in duo.find_element(f"#{ids.CONTABILITA_BODY}").text
    assert duo.get_logs() == []


def test_member_switches_to_bolletta_web_through_the_emailed_link(portal, app):
    duo = portal
    log_in(duo, *DEMO_MEMBER)
    duo.find_element("a.service[href='/invio']").click()
    duo.wait_for_contains_text("h1", "Modalità di invio della bolletta")
    choose(duo, ids.INVIO_CONTRACT, "Via Monte Zoncolan 8")
    duo.wait_for_contains_text(f"#{ids.INVIO_STATUS}", "Carta (per posta)", timeout=10)
    duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.INVIO_MODE} input")[0].click()
    field = duo.find_element(f"#{ids.INVIO_EMAIL}")
    field.clear()
    field.send_keys(NEW_EMAIL)
    duo.find_element(f"#{ids.INVIO_CONTINUE}").click()
    duo.wait_for_contains_text(f"#{ids.INVIO_REVIEW}", "Cosa cambia", timeout=10)
    review = duo.find_element(f"#{ids.INVIO_REVIEW}").text
    assert "Da quale bolletta" in review and NEW_EMAIL in review
    duo.find_element(f"#{ids.INVIO_CONFIRM}").click()
    duo.wait_for_contains_text(f"#{ids.INVIO_RESULT}", "Ti abbiamo inviato un'email", timeout=10)
    duo.wait_for_contains_text(f"#{ids.INVIO_STATUS}", "In attesa di conferma", timeout=10)
    assert "Carta (per posta)" in duo.find_element(f"#{ids.INVIO_STATUS}").text

    path = LINK.search(mails_to(app, NEW_EMAIL)[-1]).group(1)
    duo.driver.get(duo.base + path)
    duo.wait_for_contains_text("h1", "Conferma la bolletta web")
    duo.find_element("main form button[type=submit]").click()
    duo.wait_for_contains_text("h1", "Bolletta web attiva")
    duo.find_element("main a.button").click()
    duo.wait_for_contains_text(f"#{ids.INVIO_STATUS}", "Bolletta web (email)", timeout=10)
    duo.wait_for_contains_text(f"#{ids.INVIO_HISTORY}", "Tu (socio@example.com)", timeout=10)
    assert NEW_EMAIL in duo.find_element(f"#{ids.INVIO_HISTORY}").text
    assert duo.get_logs() == []


def test_keyboard_alone_switches_the_home_to_paper(portal):
    duo = portal
    log_in(duo, *DEMO_MEMBER)
    duo.driver.get(duo.base + "/invio")
    duo.wait_for_contains_text(f"#{ids.INVIO_STATUS}", "Bolletta web (email)", timeout=10)
    paper = duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.INVIO_MODE} input")[1]
    press_tab_until(duo, duo.driver.find_elements(By.CSS_SELECTOR,
                                                  f"#{ids.INVIO_MODE} input")[0])
    ActionChains(duo.driver).send_keys(Keys.ARROW_DOWN).perform()   # radio group: arrows
    assert paper.is_selected()
    press_tab_until(duo, duo.find_element(f"#{ids.INVIO_CONTINUE}"))
    ActionChains(duo.driver).send_keys(Keys.ENTER).perform()
    duo.wait_for_contains_text(f"#{ids.INVIO_REVIEW}", "Da bolletta web", timeout=10)
    press_tab_until(duo, duo.find_element(f"#{ids.INVIO_CONFIRM}"))
    ActionChains(duo.driver).send_keys(Keys.ENTER).perform()
    duo.wait_for_contains_text(f"#{ids.INVIO_RESULT}", "Fatto: la bolletta arriverà per posta",
                               timeout=10)
    duo.wait_for_contains_text(f"#{ids.INVIO_STATUS}", "Carta (per posta)", timeout=10)
    assert duo.get_logs() == []


def test_every_page_fits_a_phone(portal):
    duo = portal
    log_in(duo, *DEMO_MEMBER)
    duo.driver.set_window_size(375, 900)
    for path, ready in (("/", "Area di gestione"), ("/contratto", "Storia del contratto"),
                        ("/contabilita", "Totali per anno"), ("/invio", "Storico delle modifiche")):
        duo.driver.get(duo.base + path)
        duo.wait_for_contains_text("main", ready, timeout=10)
        width = duo.driver.execute_script("return window.innerWidth")
        overflow = duo.driver.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth")
        assert width <= 400 and overflow <= 0, (path, width, overflow)
    assert duo.get_logs() == []
