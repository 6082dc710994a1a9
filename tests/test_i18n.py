"""Italian by default, English on request: the switch, its cookie and the formats per language."""
from datetime import date
from decimal import Decimal

import pytest

from dashboard import formatting as fmt
from dashboard import i18n
from tests.conftest import DEMO_MEMBER
from tests.helpers import login


@pytest.fixture
def english(app):
    """Run the test inside a request whose viewer chose English."""
    with app.test_request_context(headers={"Cookie": f"{i18n.COOKIE}=en"}):
        yield


def test_italian_is_the_default_and_the_link_offers_english(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="it">' in page
    assert 'href="/lingua/en" lang="en" hreflang="en">English</a>' in page
    assert "Accedi" in page


def test_the_switch_sticks_and_comes_back_to_the_page(client):
    answer = client.get("/lingua/en?next=/registrazione")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/registrazione")
    cookie = answer.headers["Set-Cookie"]
    assert "lingua=en" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert 'href="/lingua/it" lang="it" hreflang="it">Italiano</a>' in page
    client.get("/lingua/it")
    assert '<html lang="it">' in client.get("/login").get_data(as_text=True)


def test_the_switch_comes_back_by_the_referrer_and_never_leaves_the_site(client):
    back = client.get("/lingua/en", headers={"Referer": "http://localhost/consumi?anno=2023"})
    assert back.headers["Location"].endswith("/consumi?anno=2023")
    away = client.get("/lingua/en?next=//evil.example/x")
    assert "evil.example" not in away.headers["Location"]


def test_an_unknown_language_changes_nothing(client):
    answer = client.get("/lingua/xx")
    assert answer.status_code == 303
    assert "Set-Cookie" not in answer.headers
    client.set_cookie(i18n.COOKIE, "xx")
    assert '<html lang="it">' in client.get("/login").get_data(as_text=True)


def test_dash_pages_name_their_language(client):
    login(client, *DEMO_MEMBER)
    client.get("/lingua/en")
    page = client.get("/consumi").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert ">Italiano</a>" in page


def test_formats_follow_the_language(english):
    assert fmt.euro(Decimal("-1213.09")) == "-€1,213.09"
    assert fmt.number(Decimal("1390.5"), 2) == "1,390.50"
    assert fmt.month_name(date(2023, 1, 1)) == "January 2023"
    assert fmt.period(date(2022, 12, 1), date(2023, 1, 31)) == "Dec 2022–Jan 2023"
    assert fmt.date_range(date(2022, 12, 1), date(2023, 1, 31)) == "from 01/12/2022 to 31/01/2023"
    assert fmt.plotly_separators() == ".,"
    assert fmt.wh_as_kwh(1234) == "1.234"


def test_italian_formats_without_a_request():
    assert fmt.euro(Decimal("-1213.09")) == "-1.213,09 €"
    assert fmt.plotly_separators() == ",."
    assert fmt.month_names("abbreviated")[0] == "gen"


def test_catalog_fragments_compile_into_one(tmp_path):
    compiled = i18n.compile_catalogs(i18n.SOURCES, tmp_path)
    assert (compiled / "en" / "LC_MESSAGES" / "messages.mo").stat().st_size > 0
