"""Odd situations in a real browser: a database outage, a session ended elsewhere, odd URLs."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from dashboard import ids
from models import db
from tests.browser import log_in
from tests.conftest import OTHER_MEMBER
from tests.test_hostile import NINE_FIELDS, end_sessions_of

pytestmark = pytest.mark.browser
NOTICE = "#avviso-servizio"


@contextmanager
def database_gone(app):
    """Make the SQLite file unreachable for real: moved away, a directory in its place."""
    path = Path(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)
    aside = path.with_suffix(".aside")
    with app.app_context():
        db.engine.dispose()   # pooled connections would keep the moved file open
    os.rename(path, aside)
    path.mkdir()              # SQLite cannot open a directory: "unable to open database file"
    try:
        yield
    finally:
        path.rmdir()
        os.rename(aside, path)
        with app.app_context():
            db.engine.dispose()


def test_a_database_outage_is_told_in_the_page(portal, app):
    duo = portal
    log_in(duo, *OTHER_MEMBER)
    with database_gone(app):
        duo.find_element("a.service[href='/contratto']").click()   # a callback, which fails
        duo.wait_for_contains_text(NOTICE, "Servizio momentaneamente non disponibile",
                                   timeout=10)
        notice = duo.find_element(NOTICE)
        assert notice.get_attribute("aria-live") == "polite" and notice.is_displayed()
    duo.find_element("a.brand").click()                      # the database is back
    duo.wait_for_contains_text("h1", "Area di gestione", timeout=10)
    duo.wait_for_style_to_equal(NOTICE, "display", "none", timeout=10)


def test_nine_query_fields_show_every_area_page(portal):
    duo = portal
    log_in(duo, *OTHER_MEMBER)
    for path, title in [("/", "Area di gestione"), ("/contratto", "Dati contrattuali"),
                        ("/consumi", "Visualizzazione consumi"),
                        ("/contabilita", "Situazione contabile"),
                        ("/invio", "Modalità di invio")]:
        duo.driver.get(duo.base + path + NINE_FIELDS)
        duo.wait_for_contains_text("h1", title, timeout=10)
    duo.wait_for_element(f"#{ids.PAGE}")
    assert duo.get_logs() == []


def test_logging_out_of_a_session_ended_elsewhere_lands_on_the_login_page(portal, app):
    duo = portal
    log_in(duo, *OTHER_MEMBER)
    end_sessions_of(app, OTHER_MEMBER[0])
    duo.find_element(".logout button").click()
    duo.wait_for_contains_text("main", "Sei uscito", timeout=10)
    assert duo.driver.current_url.startswith(duo.base + "/login")
