"""Issue 10's walk in Chromium: the member's code opens his exact view for support staff,
read-only under the banner; screen-share mode keeps his personal data off the screen and out
of the PDF; the member then reads the access in «Chi ha consultato i miei dati»."""
from __future__ import annotations

import io

import pytest
import requests
from pypdf import PdfReader
from selenium.webdriver.common.by import By

from models import Contract, Customer, db
from tests.browser import log_in
from tests.conftest import DEMO_MEMBER
from tests.test_consumi import SEED_ROWS

pytestmark = pytest.mark.browser
STAFF = ("assistenza@example.com", "Assistenza!2023")


def log_out(duo) -> None:
    """Press «Esci» in the header."""
    duo.find_element(".logout button").click()
    duo.wait_for_contains_text("h1", "Accedi")


def pdf_text_as(duo, path: str) -> str:
    """Fetch a PDF with the browser's session cookie and read its text back."""
    cookies = {c["name"]: c["value"] for c in duo.driver.get_cookies()}
    data = requests.get(duo.base + path, cookies=cookies, timeout=20).content
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_members_code_opens_his_view_and_screen_sharing_masks_it(portal, app):
    duo = portal
    with app.app_context():
        mario = db.session.query(Customer).filter_by(code="100234").one()
        home = db.session.query(Contract).filter_by(customer_id=mario.id).order_by(
            Contract.start_date).first()
        tax_code, home_id = mario.tax_code, home.id
    view = f"/consumi?contratto={home_id}&anno=2023"

    log_in(duo, *DEMO_MEMBER)
    duo.driver.get(duo.base + view)
    # The first view offers the button before Dash is there: the press is not lost.
    duo.wait_for_element(".assist button").click()
    code = duo.wait_for_element(".assist-code", timeout=30).text
    assert len(code) == 6
    log_out(duo)

    log_in(duo, *STAFF)
    for query in ("rossi", "100234", "IT125E00012345", tax_code[:6]):
        duo.driver.get(f"{duo.base}/assistenza?q={query}")
        duo.wait_for_contains_text(".results", "Mario Rossi")
    duo.driver.get(duo.base + "/assistenza")
    duo.find_element("#code").send_keys(code)
    duo.find_element("#reason").send_keys("Ticket 4711")
    duo.find_element("form[action='/assistenza'] button[type=submit]").click()
    duo.wait_for_contains_text(".staff-banner",
                               "Stai visualizzando l'area di Mario Rossi — sola lettura")
    assert duo.driver.current_url.endswith(view)
    duo.wait_for_contains_text("#consumi-fatture", str(SEED_ROWS[-1][0]), timeout=15)
    numbers = [row[0] for row in SEED_ROWS]
    table = duo.find_element("#consumi-fatture").text
    assert all(str(n) in table for n in numbers)

    duo.find_element("[role=switch]").click()   # «Modalità condivisione schermo»
    duo.wait_for_element("#cornice.condivisione")
    duo.driver.get(f"{duo.base}/contratto?contratto={home_id}")
    duo.wait_for_contains_text("#contratto-dati", "IT125E00012345", timeout=15)
    page = duo.driver.page_source
    assert tax_code not in page and "socio@example.com" not in page
    links = [a.get_attribute("href") for a in duo.driver.find_elements(By.CSS_SELECTOR, "a")]
    assert not [href for href in links if href and tax_code in href]
    log_out(duo)

    log_in(duo, *DEMO_MEMBER)
    duo.find_element("a.service[href='/accessi']").click()
    duo.wait_for_contains_text("table", "Ticket 4711", timeout=10)
    assert duo.get_logs() == []


def test_the_pdf_opened_while_sharing_has_no_tax_code(portal, app):
    duo = portal
    with app.app_context():
        from sqlalchemy import select

        from models import Invoice

        invoice = db.session.scalar(select(Invoice.id).where(Invoice.number == 1636))
        tax_code = db.session.scalar(select(Customer.tax_code).where(Customer.code == "100234"))
    log_in(duo, *DEMO_MEMBER)
    path = f"/fatture/{invoice}/fattura.pdf"
    assert tax_code in pdf_text_as(duo, path)
    duo.find_element("[role=switch]").click()
    duo.wait_for_element("#cornice.condivisione")
    assert tax_code not in pdf_text_as(duo, path)
    duo.find_element("[role=switch]").click()
    duo.wait_for_element("[role=switch][aria-checked=false]")
