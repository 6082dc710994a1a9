"""Energy advice in a real browser: Mario Rossi consents, the demo advisor works, consent ends."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys
from sqlalchemy import delete, select

from dashboard import advice as adv
from models import Customer, db
from models.advice import AdvisorConsent, AdvisorReport, revoke_consent
from models.entities import utcnow
from tests.browser import log_in
from tests.conftest import DEMO_MEMBER

pytestmark = pytest.mark.browser
ADVISOR = ("consulente@example.com", "Consulente!2023")


@pytest.fixture()
def clean_consent(app):
    """Leave no consent or report behind for the other tests."""
    yield
    with app.app_context():
        db.session.execute(delete(AdvisorReport))
        db.session.execute(delete(AdvisorConsent))
        db.session.commit()


def test_mario_consents_the_advisor_analyses_and_revocation_stops_the_open_page(
        portal, app, clean_consent):
    duo = portal
    log_in(duo, *DEMO_MEMBER)
    duo.driver.get(duo.base + "/consulenza")
    duo.wait_for_contains_text("h1", "Consulenza energetica")
    duo.wait_for_contains_text(f"#{adv.CONSENT_STATUS}", "Non hai dato il consenso", timeout=10)
    duo.find_element(f"#{adv.CONSENT_GIVE}").click()
    duo.wait_for_contains_text(f"#{adv.CONSENT_STATUS}", "Consenso in vigore dal", timeout=10)
    assert "Famiglie simili alla tua" in duo.find_element("body").text

    duo.driver.delete_all_cookies()
    log_in(duo, *ADVISOR)
    duo.driver.get(duo.base + "/consulente")
    duo.wait_for_contains_text("h1", "Soci in consulenza")
    duo.wait_for_contains_text("table", "Mario Rossi", timeout=10)
    duo.driver.find_element("link text", "Mario Rossi").click()
    duo.wait_for_contains_text("h1", "Analisi del socio: Mario Rossi", timeout=10)
    duo.wait_for_contains_text(f"#{adv.WHATIF_RESULT}", "Bioraria", timeout=10)
    price = duo.find_element(f"#{adv.WHATIF_PRICE_PREFIX}mono")
    price.send_keys(Keys.CONTROL, "a")
    price.send_keys("abc", Keys.TAB)
    duo.wait_for_contains_text(f"#{adv.WHATIF_RESULT}", "Controlla i prezzi", timeout=10)
    body = duo.find_element("body").text
    assert "IBAN" not in body and "SEPA" not in body

    with app.app_context():   # Mario revokes from another device while the page is open
        mario = db.session.scalar(select(Customer.id).where(Customer.code == "100234"))
        revoke_consent(db.session, mario, utcnow())
        db.session.commit()
    price.send_keys(Keys.CONTROL, "a")
    price.send_keys("0,25", Keys.TAB)
    duo.wait_for_contains_text(f"#{adv.WHATIF_RESULT}", "Socio non trovato", timeout=10)
    assert duo.get_logs() == []
