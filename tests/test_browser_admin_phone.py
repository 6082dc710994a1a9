"""The administrator's tables on a 320 px phone: labelled cards, nothing sideways, 44 px buttons."""
from __future__ import annotations

import pytest

from models import AccessKind, ImportRun, db
from models.audit import Access, append
from models.enums import Role
from tests.browser import log_in, sideways, small_targets
from tests.conftest import DEMO_MEMBER
from tests.test_audit import customer_id_of

pytestmark = pytest.mark.browser
ADMIN = ("admin@example.com", "Amministra!2023")
PAGES = (("/amministrazione/personale", "Account del personale"),
         ("/amministrazione/registro", "Registro degli accessi"),
         ("/amministrazione/importazioni", "Importazioni"),
         ("/amministrazione/posta", "Posta in uscita"))

# Tables whose content is wider than their box (they would scroll inside .table-wrap), rows
# that are not cards, and data cells that do not name their column.
NOT_CARDS = """
const found = [];
for (const wrap of document.querySelectorAll('.table-wrap')) {
  if (wrap.scrollWidth > wrap.clientWidth + 1) found.push(`table scrolls: ${wrap.scrollWidth} px`);
}
for (const row of document.querySelectorAll('table.admin-table tbody tr')) {
  if (getComputedStyle(row).display !== 'block') found.push('a row is not a card');
}
for (const cell of document.querySelectorAll('table.admin-table td[data-label]')) {
  const label = getComputedStyle(cell, '::before').content;
  if (!label || label === 'none' || label === '""') found.push(`unlabelled: ${cell.textContent}`);
}
return found;
"""


def test_the_admin_tables_read_as_cards_on_a_320_px_phone(portal, app):
    member = customer_id_of(app, DEMO_MEMBER[0])
    with app.app_context():
        append(db.engine, Access(account_id=3, role=Role.SUPPORT, staff_name="Laura Puntel",
                                 staff_email="assistenza@example.com", customer_id=member,
                                 kind=AccessKind.PAGE, target="/consumi", ip="192.0.2.7",
                                 reason="Ticket 4711: il cliente chiede perché la bolletta "
                                        "di marzo è più alta di quella di febbraio"))
        db.session.add(ImportRun(account_id=None, actor="admin@example.com", files="clienti.csv",
                                 outcome="errori", rows=1, problem_count=1,
                                 problems="clienti.csv:2: cap: formato non valido, atteso "
                                          "5 cifre", summary=""))
        db.session.commit()
    duo = portal
    duo.driver.set_window_size(320, 800)
    log_in(duo, *ADMIN)
    found, buttons = [], {}
    for path, title in PAGES:
        duo.driver.get(duo.base + path)
        duo.wait_for_contains_text("h1", title, timeout=15)
        found += [f"{path}: scrolls sideways: {e}" for e in sideways(duo)]
        found += [f"{path}: target smaller than 44 px: {t}" for t in small_targets(duo)]
        found += [f"{path}: {problem}" for problem in duo.driver.execute_script(NOT_CARDS)]
        buttons[path] = len(duo.driver.find_elements(
            "css selector", "table.admin-table td[data-label] .button"))
    assert buttons[PAGES[0][0]] >= 2   # «Cambia profilo» and «Disattiva» inside the cards
    assert not found, "the admin tables on a 320 px phone:\n" + "\n".join(found)
