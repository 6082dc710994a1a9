"""The cooperative's brand from a file: checked at start, shown by pages, mails and PDFs."""
from __future__ import annotations

import email
import email.policy
import io
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from pypdf import PdfReader

from dashboard import branding
from dashboard.branding import BrandingError, contrast, load, valid_vat_number
from dashboard.documents import render_invoice
from tests.conftest import DEMO_MEMBER, _free_port
from tests.helpers import form_token, login
from tests.test_documents import seed_first_invoice
from tests.test_invoice_routes import invoice_id

BRANDING = Path(__file__).resolve().parent.parent / "branding"
LARICI = BRANDING / "larici.toml"
VALID = """\
name = "Elettrica Larici"
legal_name = "Cooperativa Elettrica Val dei Larici"
address = "Piazza della Centrale 3, 33099 Larici (UD)"
website = "https://www.elettricalarici.example"
logo = "logo.svg"

[colors]
primary = "#2d6a4f"
primary_dark = "#1b4332"
"""


def pdf_text(data: bytes) -> str:
    """Read a PDF's text back."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def write(tmp_path: Path, text: str, logo: bytes | None = None) -> Path:
    """Write a branding file with a logo beside it; return the file's path."""
    shutil.copy(BRANDING / "larici.svg", tmp_path / "logo.svg")
    if logo is not None:
        (tmp_path / "logo.svg").write_bytes(logo)
    path = tmp_path / "brand.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str, logo: bytes | None = None) -> str:
    """Load a branding file that must be refused; return the reasons."""
    with pytest.raises(BrandingError) as refused:
        load(write(tmp_path, text, logo))
    return str(refused.value)


# --- What the file must hold -----------------------------------------------------------------

def test_a_complete_file_loads(tmp_path):
    brand = load(write(tmp_path, VALID))
    assert (brand.name, brand.primary, brand.logo_url) == (
        "Elettrica Larici", "#2d6a4f", "/branding/logo.svg")
    # primary_light left out: a tint of the primary colour, still readable under it.
    assert contrast(brand.primary, brand.primary_light) >= 4.5
    assert brand.contact_line == "www.elettricalarici.example"


def test_a_missing_field_is_named_with_the_file(tmp_path):
    reasons = problems(tmp_path, VALID.replace('legal_name = "Cooperativa Elettrica Val dei '
                                               'Larici"\n', ""))
    assert str(tmp_path / "brand.toml") in reasons
    assert "campo «legal_name»: manca" in reasons


def test_a_missing_colour_is_named(tmp_path):
    reasons = problems(tmp_path, VALID.replace('primary_dark = "#1b4332"\n', ""))
    assert "campo «colors.primary_dark»: manca" in reasons


def test_an_unknown_field_is_a_typo(tmp_path):
    reasons = problems(tmp_path, VALID.replace("[colors]", "[colours]"))
    assert "campo «colours»: campo sconosciuto" in reasons
    assert "campo «colors.primary»: manca" in reasons


@pytest.mark.parametrize("bad", ["blue", "#2d6a4", "2d6a4f", "#2d6a4g", "#2d6a4f80"])
def test_a_colour_must_be_hex_rrggbb(tmp_path, bad):
    reasons = problems(tmp_path, VALID.replace('"#2d6a4f"', f'"{bad}"'))
    assert f"campo «colors.primary»: «{bad}» non è un colore #rrggbb" in reasons


def test_a_pale_brand_colour_is_refused_for_white_text(tmp_path):
    # White on #5fa8d3 is 2.6:1: the header and the buttons would be unreadable.
    reasons = problems(tmp_path, VALID.replace('"#2d6a4f"', '"#5fa8d3"'))
    assert "campo «colors.primary»: contrasto 2.62:1 tra #5fa8d3 e #ffffff" in reasons
    assert "primary_light" not in reasons   # left out: its tint is not the user's mistake
    assert "WCAG AA chiede almeno 4.5:1" in reasons


def test_a_dark_light_colour_is_refused_under_brand_text(tmp_path):
    reasons = problems(tmp_path, VALID + 'primary_light = "#7fa08f"\n')
    assert "campo «colors.primary_light»: contrasto" in reasons


def test_focus_rings_default_to_the_dark_colour_and_amber_in_the_header(tmp_path):
    brand = load(write(tmp_path, VALID))
    assert (brand.focus, brand.focus_on_primary) == ("#1b4332", "#ffd866")
    assert "--focus: #1b4332; --focus-on-primary: #ffd866;" in brand.css()


def test_focus_rings_come_from_the_file(tmp_path):
    brand = load(write(tmp_path, VALID + 'focus = "#000000"\nfocus_on_primary = "#ffffff"\n'))
    assert (brand.focus, brand.focus_on_primary) == ("#000000", "#ffffff")
    assert "--focus: #000000; --focus-on-primary: #ffffff;" in brand.css()


def test_a_faint_focus_ring_is_refused(tmp_path):
    # #a0c4b4 on white is 1.9:1, #6aa589 on the green header 2.2:1: rings hardly seen.
    reasons = problems(tmp_path, VALID + 'focus = "#a0c4b4"\nfocus_on_primary = "#6aa589"\n')
    assert ("campo «colors.focus»: contrasto 1.90:1 tra #a0c4b4 e #ffffff (anello di focus "
            "sul bianco)") in reasons
    assert "tra #a0c4b4 e #f3f6f8 (anello di focus sullo sfondo della pagina)" in reasons
    assert ("campo «colors.focus_on_primary»: contrasto 2.24:1 tra #6aa589 e #2d6a4f "
            "(anello di focus nell'intestazione, sul colore primario)") in reasons
    assert "campo «colors.focus_on_primary»: contrasto" in reasons
    assert "WCAG chiede almeno 3:1" in reasons


def test_contrast_follows_wcag():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast("#0b5d7a", "#ffffff") == pytest.approx(7.34, abs=0.01)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)   # the AA edge


def test_a_missing_logo_file_is_named(tmp_path):
    reasons = problems(tmp_path, VALID.replace('"logo.svg"', '"manca.svg"'))
    assert f"campo «logo»: il file {tmp_path / 'manca.svg'} non esiste" in reasons


def test_a_broken_logo_is_refused(tmp_path):
    reasons = problems(tmp_path, VALID, logo=b"<svg><path")
    assert "campo «logo»:" in reasons and "non è leggibile" in reasons


def test_a_logo_must_be_svg_or_png(tmp_path):
    assert "usa un file .svg o .png" in problems(tmp_path, VALID.replace('"logo.svg"',
                                                                        '"logo.gif"'))


@pytest.mark.parametrize(("line", "field"), [
    ('vat_number = "12345678901"', "vat_number"),        # wrong check digit
    ('vat_number = "1234567890"', "vat_number"),         # ten digits
    ('website = "www.example.it"', "website"),           # no scheme
])
def test_legal_data_is_checked(tmp_path, line, field):
    key = line.split(" = ")[0]
    text = line + "\n" + re.sub(rf"^{key} = .*\n", "", VALID, flags=re.M)
    assert f"campo «{field}»" in problems(tmp_path, text)


@pytest.mark.parametrize(("line", "field"), [
    ('email = "sportello@"', "contacts.email"),
    ('phone = "chiamaci"', "contacts.phone"),
    ('hours = ""', "contacts.hours"),
    ('faults = "guasti"', "contacts.faults"),
])
def test_contacts_are_checked(tmp_path, line, field):
    assert f"campo «{field}»" in problems(tmp_path, VALID + f"\n[contacts]\n{line}\n")


def test_every_problem_is_listed_at_once(tmp_path):
    reasons = problems(tmp_path, VALID.replace('"#1b4332"', '"nero"')
                       .replace('"logo.svg"', '"manca.svg"').replace('name = "Elettrica Larici"\n',
                                                                    ""))
    assert all(field in reasons for field in ("«name»", "«colors.primary_dark»", "«logo»"))


def test_a_file_that_is_not_toml_or_not_there(tmp_path):
    with pytest.raises(BrandingError, match="non è un file TOML valido"):
        load(write(tmp_path, "name = SECAB"))
    with pytest.raises(BrandingError, match="file di branding non trovato"):
        load(tmp_path / "nessuno.toml")


def test_vat_number_check_digit():
    assert valid_vat_number("12345678903")
    assert not valid_vat_number("12345678904")
    assert not valid_vat_number("1234567890A")


def test_the_app_does_not_start_with_a_bad_file(tmp_path):
    from dashboard import create_app

    path = write(tmp_path, VALID.replace('"#2d6a4f"', '"#5fa8d3"'))
    with pytest.raises(BrandingError, match=r"colors\.primary"):
        create_app({"BRANDING": str(path), "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_run_py_stops_with_the_reasons_and_no_traceback(tmp_path):
    path = write(tmp_path, VALID.replace('"logo.svg"', '"manca.svg"'))
    started = subprocess.run(
        [sys.executable, "run.py"], cwd=BRANDING.parent, capture_output=True, text=True,
        timeout=120, env={**os.environ, "BRANDING": str(path), "INSTANCE_PATH": str(tmp_path),
                          "PORT": str(_free_port())})
    assert started.returncode == 1
    assert f"{path}: campo «logo»: il file {tmp_path / 'manca.svg'} non esiste" in started.stderr
    assert "Traceback" not in started.stderr and "Running on" not in started.stdout


# --- SECAB, the default, looks as it did ------------------------------------------------------

def test_secab_is_the_default_with_its_colours():
    brand = branding.default()
    assert (brand.name, brand.legal_name, brand.website_label) == (
        "SECAB", "SECAB Società Cooperativa", "www.secab.it")
    # The colours assets/style.css has always had: the generated CSS changes nothing.
    assert (brand.primary, brand.primary_dark, brand.primary_light) == (
        "#0b5d7a", "#084559", "#e7f1f5")
    assert "--primary: #0b5d7a; --primary-dark: #084559;" in brand.css()
    style = (BRANDING.parent / "assets" / "style.css").read_text()
    assert "--primary: #0b5d7a;" in style and "--primary-dark: #084559;" in style
    # The focus rings too: the page's and the header's.
    assert (brand.focus, brand.focus_on_primary) == ("#084559", "#ffd866")
    assert "--focus: #084559;" in style and "--focus-on-primary: #ffd866;" in style
    assert ".topbar :focus-visible { outline-color: var(--focus-on-primary); }" in style


def test_secab_pages_and_mail_sender(app, client):
    page = client.get("/login").get_data(as_text=True)
    assert "<title>Accedi – SECAB</title>" in page
    assert '<img src="/branding/logo.svg"' in page
    assert ("<span>SECAB Società Cooperativa</span> · "
            "<span>Via Pal Piccolo 31, 33026 Paluzza (UD)</span><br>") in page
    assert app.config["MAIL_SENDER"] == "Area Riservata SECAB <noreply@secab.it>"
    logo = client.get("/branding/logo.svg")
    assert logo.mimetype == "image/svg+xml" and b'aria-label="SECAB"' in logo.data
    assert client.get("/branding/logo.png").status_code == 404


def test_secab_pdf_outside_an_app():
    text = pdf_text(render_invoice(seed_first_invoice()))
    assert "SECAB" in text and "SECAB Società Cooperativa – www.secab.it" in text
    assert "Via Pal Piccolo 31, 33026 Paluzza (UD)" in text


# --- A second cooperative on the same portal ---------------------------------------------------

@pytest.fixture(scope="module")
def larici(tmp_path_factory):
    """Build the portal for the fictional Cooperativa Elettrica Val dei Larici, on SQLite."""
    from dashboard import create_app
    from dashboard.bootstrap import prepare_database
    from models import db
    from models.passwords import PasswordPolicy
    from tests.helpers import BrowserClient

    folder = tmp_path_factory.mktemp("larici")
    server = create_app({
        "BRANDING": str(LARICI),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/demo-{uuid.uuid4().hex[:8]}.db",
        "SECRET_KEY": uuid.uuid4().hex,
        "PASSWORD_POLICY": PasswordPolicy.fast_for_tests(),
        "LOAD_DEMO": True,
        "MAIL_OUTBOX": str(folder / "outbox"),
        "BASE_URL": "http://portale.test",
    })
    prepare_database(server)
    server.test_client_class = BrowserClient
    yield server
    with server.app_context():
        db.engine.dispose()


def test_second_cooperative_login_page(larici):
    client = larici.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert "<title>Accedi – Elettrica Larici</title>" in page
    assert "Elettrica Larici <small>Area Riservata</small>" in page
    assert ("<span>Cooperativa Elettrica Val dei Larici</span> · "
            "<span>Piazza della Centrale 3, 33099 Larici (UD)</span> · "
            "<span>P.IVA 12345678903</span>") in page
    assert '<a href="tel:+390433000000">Tel. +39 0433 000 000</a>' in page
    assert '<a href="mailto:sportello@elettricalarici.example">' in page
    assert "SECAB" not in page
    css = client.get("/branding/brand.css")
    assert css.mimetype == "text/css" and "--primary: #2d6a4f;" in css.get_data(as_text=True)
    assert b'aria-label="Elettrica Larici"' in client.get("/branding/logo.svg").data


def test_second_cooperative_dash_shell(larici):
    client = larici.test_client()
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "Elettrica Larici" in layout and "P.IVA 12345678903" in layout
    assert "SECAB" not in layout
    index = login(client, *DEMO_MEMBER).get("/").get_data(as_text=True)
    assert "<title>Area Riservata – Elettrica Larici</title>" in index
    assert 'href="/branding/brand.css"' in index
    # The tab's icon is the cooperative's logo, not the portal's SECAB favicon.
    assert '<link rel="icon" href="/branding/logo.svg" type="image/svg+xml">' in index
    assert "favicon.ico" not in index


def test_second_cooperative_mail(larici):
    client = larici.test_client()
    page = client.get("/password/dimenticata").get_data(as_text=True)
    client.post("/password/dimenticata",
                data={"login": DEMO_MEMBER[0], "csrf_token": form_token(page)})
    [file] = Path(larici.config["MAIL_OUTBOX"]).glob("*.eml")
    message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "Nuova password per l'Area Riservata Elettrica Larici"
    assert message["From"] == "Area Riservata Elettrica Larici <noreply@elettricalarici.example>"
    assert message["Message-ID"].endswith("@elettricalarici.example>")
    body = message.get_content()
    assert "password dell'Area Riservata Elettrica Larici" in body
    assert body.rstrip().endswith(
        "Cooperativa Elettrica Val dei Larici · Piazza della Centrale 3, 33099 Larici (UD) · "
        "P.IVA 12345678903\nTel. +39 0433 000 000 · sportello@elettricalarici.example · "
        "lun–ven 8:30–12:30, gio anche 14:30–17:00 · www.elettricalarici.example")
    assert "SECAB" not in body


def test_second_cooperative_pdf(larici):
    member = login(larici.test_client(), *DEMO_MEMBER)
    response = member.get(f"/fatture/{invoice_id(larici, '100234', 1636)}/fattura.pdf")
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Elettrica Larici" in text
    assert "Cooperativa Elettrica Val dei Larici – www.elettricalarici.example" in text
    assert "P.IVA 12345678903" in text and "Tel. +39 0433 000 000" in text
    assert "SECAB" not in text.replace("Vantaggio soci: energia idroelettrica SECAB", "")
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.metadata.author == "Cooperativa Elettrica Val dei Larici"
    # The brand's dark and light colours (#1b4332, #eaf0ed: not in the logo) colour the page;
    # SECAB's blue (#0b5d7a) is nowhere.
    drawing = reader.pages[0].get_contents().get_data()
    assert b"0.1059 0.2627 0.1961 rg" in drawing and b"0.9176 0.9412 0.9294 rg" in drawing
    assert b"0.0431 0.3647 0.4784" not in drawing


@pytest.mark.browser
def test_second_cooperative_in_the_browser(dash_duo, larici):
    dash_duo.start_server(larici.extensions["dash_app"], navigate=False, port=_free_port())
    base = dash_duo.server.url.rstrip("/")
    driver = dash_duo.driver
    driver.get(base + "/login")
    dash_duo.wait_for_element("#login").send_keys(DEMO_MEMBER[0])
    dash_duo.find_element("#password").send_keys(DEMO_MEMBER[1])
    dash_duo.find_element("button[type=submit]").click()
    dash_duo.wait_for_contains_text("h1", "Area di gestione")
    assert driver.title == "Area Riservata – Elettrica Larici"
    topbar = dash_duo.find_element(".topbar")
    assert topbar.value_of_css_property("background-color") == "rgba(45, 106, 79, 1)"
    assert "Elettrica Larici" in topbar.text
    footer = dash_duo.find_element(".footer").text
    assert "P.IVA 12345678903" in footer and "www.elettricalarici.example" in footer
    logo = dash_duo.find_element(".brand img")
    assert driver.execute_script("return arguments[0].naturalWidth", logo) > 0


def test_the_fault_line_comes_from_the_branding_file_or_is_not_printed(app):
    """No made-up number on a 2025 bill: the pronto intervento line is the branding file's."""
    import dataclasses

    from sqlalchemy import select

    from dashboard import branding
    from dashboard.documents.source import _supply
    from models import Contract, db

    with app.app_context():
        shipped = app.extensions[branding.EXTENSION]
        contract = db.session.scalars(select(Contract).order_by(Contract.id)).first()
        assert _supply(contract).fault_phone == ""      # SECAB's file gives none yet
        app.extensions[branding.EXTENSION] = dataclasses.replace(
            branding.current(), faults="800 123 456")
        try:
            assert _supply(contract).fault_phone == "800 123 456"
            assert _supply(contract).offer_sheet_url.startswith("https://www.secab.it/offerte/")
        finally:
            app.extensions[branding.EXTENSION] = shipped
