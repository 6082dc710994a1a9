"""Energy advice pages: consent, the advisor's gate over every route and callback, the report."""
from __future__ import annotations

import io
import json
import re
import zipfile
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError

import models.audit as trail
from dashboard import advice as adv
from dashboard.pages import consulente, consulente_socio, consulenza
from models import AccessRecord, Contract, Customer, Invoice, db
from models.advice import (
    AdvisorConsent,
    AdvisorReport,
    consent_since,
    give_consent,
    revoke_consent,
)
from models.entities import utcnow
from tests.helpers import login, outputs, post_callback

ADVISOR = ("consulente@example.com", "Consulente!2023")
MARIO = "100234"
STATES = ["nessuno", "concesso", "revocato"]


def mario_secrets(app) -> dict:
    """Return Mario's id, a supply, and the data an advisor must never see."""
    with app.app_context():
        customer = db.session.scalars(select(Customer).where(Customer.code == MARIO)).one()
        contracts = list(db.session.scalars(select(Contract).where(
            Contract.customer_id == customer.id)))
        numbers = list(db.session.scalars(select(Invoice.number).join(Contract).where(
            Contract.customer_id == customer.id).limit(5)))
        return {"id": customer.id, "name": customer.name, "tax_code": customer.tax_code,
                "contract": contracts[0].id, "pod": contracts[0].pod,
                "ibans": [c.iban for c in contracts if c.iban],
                "invoices": [str(n) for n in numbers]}


@pytest.fixture()
def mario(app):
    """Lend Mario's data; consents and reports the test leaves are removed."""
    secrets = mario_secrets(app)
    yield secrets
    with app.app_context():
        db.session.execute(delete(AdvisorReport))
        db.session.execute(delete(AdvisorConsent))
        db.session.commit()


def set_consent(app, customer_id: int, state: str) -> None:
    """Put a member's consent in one of the matrix's states."""
    with app.app_context():
        if state in ("concesso", "revocato"):
            give_consent(db.session, customer_id, utcnow())
        if state == "revocato":
            revoke_consent(db.session, customer_id, utcnow())
        db.session.commit()


@pytest.fixture()
def advisor(app):
    """Return a client logged in as the demo advisor."""
    return login(app.test_client(), *ADVISOR)


def route(client, path: str, search: str = "") -> str:
    """Post the router callback for a path and return the page as text."""
    response = post_callback(client, "header-account", {"url.pathname": path},
                             {"url.search": search})
    return json.dumps(outputs(response)["page.children"], ensure_ascii=False)


def consent_page(client) -> str:
    """Load «Consulenza energetica» as the browser does: the frame, then its callback."""
    frame = route(client, consulenza.PATH)
    filled = outputs(post_callback(client, adv.CONSENT_STATUS, {"url.search": ""}))
    return frame + json.dumps(filled, ensure_ascii=False)


def simulate(client, search: str, share: object = 20, prices: dict | None = None):
    """Post the what-if callback as the page would."""
    values = {f"{adv.WHATIF_PRICE_PREFIX}{k}.value": v
              for k, v in (prices or adv.FALLBACK_PRICES).items()}
    return post_callback(client, adv.WHATIF_RESULT,
                         {f"{adv.WHATIF_SHARE}.value": share, **values, "url.search": search})


def save_report(client, search: str, text: object):
    """Post the report form's «Salva» as the page would."""
    return post_callback(client, adv.REPORT_RESULT, {f"{adv.REPORT_SAVE}.n_clicks": 1},
                         {f"{adv.REPORT_TEXT}.value": text, "url.search": search})


def records_about(app, customer_id: int) -> list[AccessRecord]:
    """Return the access records about a member, oldest first."""
    with app.app_context():
        return list(db.session.scalars(select(AccessRecord).where(
            AccessRecord.customer_id == customer_id).order_by(AccessRecord.id)))


def advisor_answers(client, secrets: dict) -> dict[str, str]:
    """Ask every advisor route and callback about Mario; return what each answered."""
    search = f"?id={secrets['id']}&contratto={secrets['contract']}"
    answers = {
        "pagina": route(client, consulente_socio.PATH, search),
        "elenco": route(client, consulente.PATH),
        "simulazione": json.dumps(outputs(simulate(client, search)), ensure_ascii=False),
        "relazione": json.dumps(outputs(save_report(client, search, "Usa la lavatrice di sera.")),
                                ensure_ascii=False),
    }
    for name, path in (("csv", consulente_socio.CSV_PATH), ("pdf", consulente_socio.PDF_PATH),
                       ("elenco.csv", consulente.CSV_PATH), ("xlsx", consulente_socio.XLSX_PATH),
                       ("elenco.xlsx", consulente.XLSX_PATH)):
        response = client.get(f"{path}{search}")
        answers[name] = f"{response.status_code} " + readable(response)
    return answers


def readable(response) -> str:
    """Return a response's text: a PDF's read back, a workbook's strings, or the body."""
    if response.mimetype == "application/pdf":
        return pdf_text(response.data)
    if response.mimetype.endswith("spreadsheetml.sheet"):
        with zipfile.ZipFile(io.BytesIO(response.data)) as book:
            return book.read("xl/sharedStrings.xml").decode()
    return response.get_data(as_text=True)


def pdf_text(data: bytes) -> str:
    """Read a PDF's text back."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("state", STATES)
def test_consent_matrix_over_every_advisor_route_and_callback(app, advisor, mario, state):
    set_consent(app, mario["id"], state)
    before = len(records_about(app, mario["id"]))
    answers = advisor_answers(advisor, mario)
    everything = "".join(answers.values())
    never = [mario["tax_code"], *mario["ibans"], "IBAN", "SEPA", *(
        f"Fattura {n}" for n in mario["invoices"])]
    assert not [m for m in never if m in everything], state
    if state != "concesso":
        assert mario["name"] not in everything and mario["pod"] not in everything
        assert adv.UNKNOWN in answers["pagina"] and adv.UNKNOWN in answers["simulazione"]
        assert adv.UNKNOWN in answers["relazione"]
        assert answers["csv"].startswith("404") and answers["pdf"].startswith("404")
        assert answers["xlsx"].startswith("404")
        assert consulente.EMPTY in answers["elenco"]
        assert len(records_about(app, mario["id"])) == before
        return
    assert mario["name"] in answers["pagina"] and mario["pod"] in answers["pagina"]
    assert "Bioraria (F1 / F23)" in answers["simulazione"] and "€" in answers["simulazione"]
    assert "Relazione salvata: versione 1" in answers["relazione"]
    assert answers["csv"].startswith("200") and mario["pod"] in answers["csv"]
    assert answers["pdf"].startswith("200") and "Usa la lavatrice di sera." in answers["pdf"]
    assert mario["name"] in answers["elenco"] and MARIO in answers["elenco.csv"]
    assert answers["xlsx"].startswith("200") and mario["pod"] in answers["xlsx"]
    assert MARIO in answers["elenco.xlsx"]
    made = records_about(app, mario["id"])[before:]
    assert len(made) == 9 and {r.reason for r in made} == {adv.REASON}


@pytest.mark.parametrize("raw", ["999999", "abc", "-1", "", "1e3", "0", "99999999999"])
def test_unknown_and_malformed_ids_answer_like_a_member_without_consent(app, advisor, mario,
                                                                        raw):
    no_consent = route(advisor, consulente_socio.PATH, f"?id={mario['id']}")
    assert route(advisor, consulente_socio.PATH, f"?id={raw}") == no_consent
    assert advisor.get(f"{consulente_socio.PDF_PATH}?id={raw}").status_code == 404


def test_revocation_stops_a_page_already_open(app, advisor, member, mario):
    search = f"?id={mario['id']}"
    post_callback(member, adv.CONSENT_STATUS, {f"{adv.CONSENT_GIVE}.n_clicks": 1})
    assert mario["name"] in route(advisor, consulente_socio.PATH, search)
    assert "Multioraria" in json.dumps(outputs(simulate(advisor, search)))
    answer = outputs(post_callback(member, adv.CONSENT_STATUS,
                                   {f"{adv.CONSENT_REVOKE}.n_clicks": 1}))
    assert consulenza.REVOKED in json.dumps(answer, ensure_ascii=False)
    # The advisor's page is still open: its next callback and export get nothing.
    assert adv.UNKNOWN in json.dumps(outputs(simulate(advisor, search)), ensure_ascii=False)
    assert advisor.get(f"{consulente_socio.CSV_PATH}{search}").status_code == 404


def test_the_member_gives_and_revokes_consent_and_sees_both(app, member, mario):
    page = consent_page(member)
    assert "Concedi il consenso" in page and "IBAN" in page   # the coverage names what it excludes
    answer = json.dumps(outputs(post_callback(member, adv.CONSENT_STATUS,
                                              {f"{adv.CONSENT_GIVE}.n_clicks": 1})),
                        ensure_ascii=False)
    assert consulenza.GIVEN in answer and "Consenso in vigore dal" in answer
    with app.app_context():
        assert consent_since(db.session, mario["id"]) is not None
    post_callback(member, adv.CONSENT_STATUS, {f"{adv.CONSENT_REVOKE}.n_clicks": 1})
    page = consent_page(member)
    assert "Storico del consenso" in page and "Revocato il" in page
    assert "Non hai dato il consenso" in page


def test_only_the_member_changes_consent(app, advisor, neighbour, mario):
    answer = json.dumps(outputs(post_callback(advisor, adv.CONSENT_STATUS,
                                              {f"{adv.CONSENT_GIVE}.n_clicks": 1})),
                        ensure_ascii=False)
    assert consulenza.READ_ONLY in answer
    post_callback(neighbour, adv.CONSENT_STATUS, {f"{adv.CONSENT_GIVE}.n_clicks": 1})
    with app.app_context():
        assert consent_since(db.session, mario["id"]) is None


def test_similar_homes_for_the_member(member, mario):
    page = consent_page(member)
    assert "Famiglie simili alla tua" in page
    assert "Mediana" in page or "almeno 10 forniture simili" in page


hostile = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=40), st.lists(st.integers(), max_size=3),
                    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
                    st.sampled_from(["0,2", "1e400", "NaN", "-0.1", "9.99", "10", "∞", "0x1"]))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(share=hostile, price=hostile)
def test_the_what_if_callback_answers_politely_to_anything(app, advisor, mario, share, price):
    set_consent(app, mario["id"], "concesso") if not _consented(app, mario["id"]) else None
    prices = dict(adv.FALLBACK_PRICES, bi_f1=price)
    response = simulate(advisor, f"?id={mario['id']}", share, prices)
    text = json.dumps(outputs(response), ensure_ascii=False)
    good_price = adv.read_prices(prices) is not None
    good_share = adv.read_share(share) is not None
    if good_price and good_share:
        assert "Bioraria" in text
    else:
        assert "Controlla i prezzi" in text or "Scegli con il cursore" in text


def _consented(app, customer_id: int) -> bool:
    """Tell whether the member's consent is in force."""
    with app.app_context():
        return consent_since(db.session, customer_id) is not None


def test_the_what_if_table_is_the_pure_function_priced(app, advisor, mario):
    set_consent(app, mario["id"], "concesso")
    search = f"?id={mario['id']}&contratto={mario['contract']}"
    text = json.dumps(outputs(simulate(advisor, search, 0, {
        "mono": "0,30", "bi_f1": "0.3", "bi_f23": "0.3", "multi_f1": "0.3", "multi_f2": "0.3",
        "multi_f3": "0.3"})), ensure_ascii=False)
    with app.app_context():
        contract = db.session.get(Contract, mario["contract"])
        use = adv.analysis(contract, utcnow().date()).use
    expected = (use.total * Decimal("0.3")).quantize(Decimal("0.01"))
    assert f"{expected:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".") in text


def test_report_versions_are_kept_and_the_member_downloads_the_latest(app, advisor, member,
                                                                      neighbour, mario):
    set_consent(app, mario["id"], "concesso")
    search = f"?id={mario['id']}&contratto={mario['contract']}"
    assert "Scrivi le raccomandazioni" in json.dumps(outputs(save_report(advisor, search, "  ")))
    save_report(advisor, search, "Prima versione.")
    answer = json.dumps(outputs(save_report(advisor, search, "Sposta la lavastoviglie € F3.")),
                        ensure_ascii=False)
    assert "versione 2" in answer
    with app.app_context():
        texts = [r.text for r in db.session.scalars(select(AdvisorReport).order_by(
            AdvisorReport.version))]
    assert texts == ["Prima versione.", "Sposta la lavastoviglie € F3."]
    response = member.get(consulenza.REPORT_PATH)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for expected in ("Relazione di consulenza", mario["name"], MARIO, mario["pod"],
                     "Sposta la lavastoviglie € F3.", "Consulente: Giulia Candussi",
                     "Simulazione tariffaria", "Monoraria", "Versione 2"):
        assert expected in text, expected
    assert "Prima versione." not in text and ADVISOR[0] not in text   # a name, not a login
    assert not [s for s in mario["ibans"] + ["IBAN"] if s in text]
    assert neighbour.get(consulenza.REPORT_PATH).status_code == 404
    assert advisor.get(consulenza.REPORT_PATH).status_code == 404
    assert "Scarica la relazione" in consent_page(member)


def test_nothing_is_shown_when_the_access_cannot_be_recorded(app, advisor, mario, monkeypatch):
    set_consent(app, mario["id"], "concesso")

    def broken(*_args, **_kwargs):
        raise OperationalError("INSERT", {}, Exception("registro non disponibile"))

    monkeypatch.setattr(trail, "append", broken)
    monkeypatch.setattr("dashboard.audit.append", broken)
    search = f"?id={mario['id']}"
    page = route(advisor, consulente_socio.PATH, search)
    assert "Dati non disponibili" in page and mario["name"] not in page
    assert mario["name"] not in route(advisor, consulente.PATH)
    assert mario["name"] not in json.dumps(outputs(simulate(advisor, search)))
    assert advisor.get(f"{consulente_socio.CSV_PATH}{search}").status_code == 503


def test_drawing_the_buttons_changes_nothing(app, member, advisor, mario):
    """The renderer posts n_clicks=0 when it draws a button: that is no click."""
    post_callback(member, adv.CONSENT_STATUS, {f"{adv.CONSENT_GIVE}.n_clicks": 0})
    with app.app_context():
        assert consent_since(db.session, mario["id"]) is None
    set_consent(app, mario["id"], "concesso")
    post_callback(member, adv.CONSENT_STATUS, {f"{adv.CONSENT_REVOKE}.n_clicks": 0})
    post_callback(advisor, adv.REPORT_RESULT, {f"{adv.REPORT_SAVE}.n_clicks": 0},
                  {f"{adv.REPORT_TEXT}.value": "testo", "url.search": f"?id={mario['id']}"})
    with app.app_context():
        assert consent_since(db.session, mario["id"]) is not None
        assert db.session.scalar(select(AdvisorReport.id)) is None


def test_the_homes_list_the_advice_pages(member, advisor, support_client):
    member_home = route(member, "/")
    assert "/consulenza" in member_home and "Consulenza energetica" in member_home
    assert "/consulente" not in member_home
    advisor_home = route(advisor, "/")
    assert "Soci in consulenza" in advisor_home and "/consulenza\"" not in advisor_home
    assert "Pagina non trovata" in route(member, consulente.PATH)
    assert "non è disponibile" in route(support_client, consulente_socio.PATH, "?id=1")


@pytest.fixture()
def support_client(app):
    """Return a client logged in as the demo support operator."""
    return login(app.test_client(), "assistenza@example.com", "Assistenza!2023")


def test_screen_sharing_hides_the_supply_house_number_on_the_analysis(app, advisor, mario):
    set_consent(app, mario["id"], "concesso")
    with app.app_context():
        street = db.session.get(Contract, mario["contract"]).supply_street
    search = f"?id={mario['id']}&contratto={mario['contract']}"
    assert street in route(advisor, consulente_socio.PATH, search)
    page = advisor.get("/account").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    advisor.post("/condivisione-schermo", data={"attiva": "1", "next": "/",
                                                "csrf_token": token})
    shared = route(advisor, consulente_socio.PATH, search)
    assert street not in shared and mario["pod"] in shared
