"""A bill line's description: as issued for Italian viewers, in English for English ones."""
import pytest
from sqlalchemy import select

from dashboard import i18n
from dashboard.documents.line_text import line_text
from models import InvoiceLine, db


@pytest.fixture
def english(app):
    """Run inside a request whose viewer chose English."""
    with app.test_request_context(headers={"Cookie": f"{i18n.COOKIE}=en"}):
        yield


@pytest.mark.parametrize(("issued", "english_text"), [
    ("Energia fascia F1", "Energy, band F1"),
    ("Energia fasce F2+F3 (F23)", "Energy, bands F2+F3 (F23)"),
    ("Energia monoraria (F0)", "Energy, single rate (F0)"),
    ("Accisa (193 kWh esenti)", "Excise duty (193 kWh exempt)"),
    ("Accisa", "Excise duty"),
    ("IVA 10%", "VAT 10%"),
    ("Ricalcolo F2 01/10/2022–30/11/2022: energia",
     "Recalculation F2 01/10/2022–30/11/2022: energy"),
    ("Ricalcolo 01/10/2022–30/11/2022: trasporto e oneri",
     "Recalculation 01/10/2022–30/11/2022: transport and charges"),
    ("Canone TV 2023: rata di gennaio", "TV licence fee 2023: instalment of January"),
    ("Canone TV 2023: rate di febbraio e marzo",
     "TV licence fee 2023: instalments of February and March"),
    ("Canone TV 2024: rate di maggio, giugno e luglio",
     "TV licence fee 2024: instalments of May, June, and July"),
    ("Quota fissa vendita (PCV)", "Fixed sale charge (PCV)"),
])
def test_known_lines_are_said_in_english(english, issued, english_text):
    assert line_text(issued) == english_text


@pytest.mark.parametrize("issued", [
    "Contributo straordinario comunale", "Canone TV 2023: rate di brumaio e marzo", "",
])
def test_lines_of_unknown_shape_stay_as_issued(english, issued):
    assert line_text(issued) == issued


def test_italian_viewers_read_every_line_as_issued(app):
    with app.test_request_context():
        assert line_text("Energia fascia F1") == "Energia fascia F1"


def test_every_demo_line_has_english(english):
    untranslated = sorted({d for d in db.session.scalars(select(InvoiceLine.description))
                           if line_text(d) == d})
    assert not untranslated, untranslated[:10]
