"""axe-core on every page, for every role, on a phone (375 px) and a desktop (1280 px).

Each page is opened, left to fill itself, then checked with axe-core's default rules (WCAG 2.1
A and AA and the best practices); any violation fails the test with its rule and its nodes.
"""
from __future__ import annotations

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from sqlalchemy import select

from dashboard import advice as adv
from dashboard import ids
from models import Contract, Customer, Invoice, db
from models.advice import give_consent
from models.entities import utcnow
from tests.browser import (
    axe_violations,
    log_in,
    open_page,
    sideways,
    small_targets,
    wake,
    weak_focus_rings,
)
from tests.conftest import DEMO_MEMBER, OTHER_MEMBER

pytestmark = pytest.mark.browser
WIDTHS = (375, 1280)
SUPPORT = ("assistenza@example.com", "Assistenza!2023")
ADVISOR = ("consulente@example.com", "Consulente!2023")
ADMIN = ("admin@example.com", "Amministra!2023")


def mario(app) -> tuple[int, int]:
    """Return Mario Rossi's customer id and his home's contract id."""
    with app.app_context():
        customer = db.session.scalar(select(Customer).where(Customer.code == "100234"))
        home = db.session.scalars(select(Contract).where(Contract.customer_id == customer.id)
                                  .order_by(Contract.start_date)).first()
        return customer.id, home.id


def invoice_id(app, number: int) -> int:
    """Return the id of the invoice with the printed number."""
    with app.app_context():
        return db.session.scalar(select(Invoice.id).where(Invoice.number == number))


def area_pages(home: int) -> list[tuple[str, str, str]]:
    """List a member's area: address, element to wait for, text it shows when filled."""
    return [
        ("/", "h1", "Area di gestione"),
        (f"/contratto?contratto={home}", f"#{ids.CONTRATTO_BODY}", "POD"),
        (f"/consumi?contratto={home}&anno=2023", f"#{ids.TOTALS}", "Totale"),
        (f"/contabilita?contratto={home}", f"#{ids.CONTABILITA_BODY}", "Totali per anno"),
        (f"/invio?contratto={home}", f"#{ids.INVIO_STATUS}", "Modalità attuale"),
        ("/accessi", "h1", "Chi ha consultato"),
    ]


def audit(duo, where: str) -> list[str]:
    """List the page's axe violations, small targets and sideways scrolling."""
    return ([f"{where}: {v}" for v in axe_violations(duo)]
            + [f"{where}: target smaller than 44 px: {t}" for t in small_targets(duo)]
            + [f"{where}: scrolls sideways: {e}" for e in sideways(duo)])


def check(duo, width: int, pages: list[tuple[str, str, str]]) -> None:
    """Open each page at the width, wait for its content, and fail on any axe violation.

    A page served with a first view is checked twice: as it opens, and once Dash has it.
    """
    duo.driver.set_window_size(width, 900)
    found = []
    for path, selector, text in pages:
        duo.driver.get(duo.base + path)
        if duo.driver.find_elements(By.CSS_SELECTOR, ".first-view"):
            found += audit(duo, f"{path} @ {width} px, first view")
            wake(duo)
        try:
            duo.wait_for_contains_text(selector, text, timeout=15)
        except TimeoutException:
            found.append(f"{path} @ {width} px: «{text}» never appeared in {selector}")
        found += audit(duo, f"{path} @ {width} px")
    assert not found, "axe-core violations:\n" + "\n".join(found)


@pytest.mark.parametrize("width", WIDTHS)
def test_plain_pages_before_login(portal, width):
    check(portal, width, [
        ("/login", "h1", "Accedi"),
        ("/registrazione", "h1", "Registrati"),
        ("/password/dimenticata", "h1", "Password dimenticata"),
    ])


@pytest.mark.parametrize("width", WIDTHS)
def test_the_members_area(portal, app, width):
    _customer, home = mario(app)
    log_in(portal, *DEMO_MEMBER)
    consumi = f"/consumi?contratto={home}&anno=2023"
    check(portal, width, area_pages(home) + [
        (consumi + "&vista=periodi", f"#{ids.TOTALS}", "Totale"),
        (consumi + "&mese=3", f"#{ids.BREADCRUMBS}", "marzo"),
        (consumi + "&mese=3&giorno=14", f"#{ids.BREADCRUMBS}", "14 marzo"),
        (consumi + "&vista=mappa", f"#{ids.TOTALS}", "Totale"),
        (consumi + "&vista=tipo&mese=3", f"#{ids.TOTALS}", "Totale"),
        (consumi + "&vista=anni&anni=2023-2022", f"#{ids.TOTALS}", "Totale"),
        (consumi + "&vista=giornaliero", f"#{ids.TOTALS}", "Totale"),
        ("/capire", "h1", "Capire la bolletta"),
        (f"/capire?fattura={invoice_id(app, 1636)}", "table.capire", "Totale"),
        ("/contabilita?contratto=tutti", f"#{ids.CONTABILITA_BODY}", "Totali per anno"),
        ("/consulenza", f"#{adv.CONSENT_STATUS}", "consenso"),
        ("/account", "h1", "Il mio account"),
    ])


@pytest.mark.parametrize("width", WIDTHS)
def test_a_member_with_one_contract(portal, width):
    log_in(portal, *OTHER_MEMBER)
    check(portal, width, [
        ("/consumi", f"#{ids.TOTALS}", "Totale"),
        ("/contabilita", f"#{ids.CONTABILITA_BODY}", "Totali per anno"),
        ("/contratto", f"#{ids.CONTRATTO_BODY}", "POD"),
        ("/invio", f"#{ids.INVIO_STATUS}", "Modalità attuale"),
    ])


@pytest.mark.parametrize("width", WIDTHS)
def test_support_staff_and_the_members_area_they_open(portal, app, width):
    _customer, home = mario(app)
    duo = portal
    log_in(duo, *SUPPORT)
    check(duo, width, [("/", "h1", "Area di gestione"),
                       ("/assistenza?q=rossi", ".results", "Mario Rossi")])
    duo.find_element(".open-result input[name=reason]").send_keys("Verifica accessibilità")
    duo.find_element(".open-result button[type=submit]").click()
    duo.wait_for_contains_text(".staff-banner", "sola lettura")
    check(duo, width, area_pages(home) + [("/account", "h1", "Il mio account")])


@pytest.mark.parametrize("width", WIDTHS)
def test_the_advisor(portal, app, width):
    customer, home = mario(app)
    with app.app_context():
        give_consent(db.session, customer, utcnow())
        db.session.commit()
    log_in(portal, *ADVISOR)
    check(portal, width, [
        ("/", "h1", "Area di gestione"),
        ("/consulente", "table", "Mario Rossi"),
        (f"/consulente/socio?id={customer}&contratto={home}", f"#{adv.WHATIF_RESULT}",
         "Bioraria"),
    ])


@pytest.mark.parametrize("width", WIDTHS)
def test_the_administrator(portal, width):
    log_in(portal, *ADMIN)
    check(portal, width, [
        ("/", "h1", "Area di gestione"),
        ("/amministrazione/personale", "h1", "Account del personale"),
        ("/amministrazione/registro", "h1", "Registro degli accessi"),
        ("/amministrazione/importazioni", "h1", "Importazioni"),
        ("/amministrazione/posta", "h1", "Posta in uscita"),
        ("/amministrazione/stato", "h1", "Stato del servizio"),
        ("/account", "h1", "Il mio account"),
    ])


@pytest.mark.parametrize("width", WIDTHS)
def test_every_focused_control_shows_a_ring_of_2_px_at_3_to_1(portal, app, width):
    _customer, home = mario(app)
    duo = portal
    duo.driver.set_window_size(width, 900)
    duo.driver.get(duo.base + "/login")
    duo.wait_for_element("#login")
    weak = weak_focus_rings(duo, 8)
    log_in(duo, *DEMO_MEMBER)
    for path, selector, text in area_pages(home)[1:5]:
        open_page(duo, path)
        duo.wait_for_contains_text(selector, text, timeout=15)
        weak += [f"{path}: {w}" for w in weak_focus_rings(duo, 30)]
    assert not weak, "weak focus rings:\n" + "\n".join(weak)


def test_no_page_scrolls_sideways_on_a_320_px_phone(portal, app):
    _customer, home = mario(app)
    duo = portal
    duo.driver.set_window_size(320, 800)
    log_in(duo, *DEMO_MEMBER)
    wide = []
    for path, selector, text in area_pages(home) + [("/account", "h1", "Il mio account")]:
        duo.driver.get(duo.base + path)
        wide += [f"{path}, first view: {e}" for e in sideways(duo)]
        wake(duo)
        duo.wait_for_contains_text(selector, text, timeout=15)
        wide += [f"{path}: {e}" for e in sideways(duo)]
    assert not wide, "wider than a 320 px phone:\n" + "\n".join(wide)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_trails_page_links_are_touch_targets(portal, app, width):
    """More than a page of trail shows «Pagina successiva»: it must reach 44 px too."""
    from models import AccessKind
    from models.audit import Access, append
    from models.enums import Role
    from tests.test_audit import customer_id_of

    member = customer_id_of(app, DEMO_MEMBER[0])
    with app.app_context():
        for n in range(51):   # one more than a page (dashboard/admin/trail.py PER_PAGE)
            append(db.engine, Access(account_id=3, role=Role.SUPPORT, staff_name="Laura Puntel",
                                     staff_email="assistenza@example.com", customer_id=member,
                                     kind=AccessKind.PAGE, target="/consumi", ip="192.0.2.7",
                                     reason=f"Ticket {n}"))
    duo = portal
    log_in(duo, *ADMIN)
    duo.driver.set_window_size(width, 900)
    duo.driver.get(duo.base + "/amministrazione/registro")
    duo.wait_for_contains_text("nav.pager", "Pagina successiva")
    assert small_targets(duo) == []
