"""«Modalità condivisione schermo»: personal data masked on the server, pages and PDFs alike."""
from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from dashboard import masking
from models import Contract, Customer, db
from tests.test_invoice_routes import invoice_id, pdf_text


def switch(client, on: bool, back: str = "/"):
    """Press the header's screen-share control, as the page's form posts it."""
    page = client.get("/account").get_data(as_text=True)  # its header holds the logout form
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/condivisione-schermo", data={
        "attiva": "1" if on else "0", "next": back, "csrf_token": token})


@pytest.fixture()
def mario(app) -> dict:
    """Return what Mario Rossi's bill prints about him."""
    with app.app_context():
        customer = db.session.scalar(select(Customer).where(Customer.code == "100234"))
        home = db.session.scalars(select(Contract).where(Contract.customer_id == customer.id)
                                  .order_by(Contract.start_date)).first()
        return {"tax_code": customer.tax_code, "street": customer.billing_street,
                "supply": home.supply_street}


def test_the_detail_pdf_prints_no_personal_data_to_mask(member, app, mario):
    text = pdf_text(member.get(f"/fatture/{invoice_id(app, '100234', 1636)}/dettaglio.pdf").data)
    assert "Mario Rossi" in text
    assert not [mario[key] for key in mario if mario[key] in text]


def test_the_invoice_opened_while_sharing_hides_the_tax_code_and_house_numbers(
        member, app, mario):
    url = f"/fatture/{invoice_id(app, '100234', 1636)}/fattura.pdf"
    plain = pdf_text(member.get(url).data)
    printed = [mario[key] for key in ("tax_code", "street", "supply") if mario[key] in plain]
    assert printed == [mario["tax_code"], mario["street"], mario["supply"]]
    assert switch(member, True, "/consumi").headers["Location"] == "/consumi"
    try:
        masked = pdf_text(member.get(url).data)
    finally:
        switch(member, False)
    for personal in printed:
        assert personal not in masked, personal
    for figure in ("1636", "213,09", "547"):
        assert figure in masked  # the figures under discussion stay
    assert printed[0] in pdf_text(member.get(url).data)  # off again: the cache kept both


def test_the_switch_goes_back_only_to_a_local_page(member):
    try:
        response = switch(member, True, "https://evil.example/")
        assert response.headers["Location"] == "/"
    finally:
        switch(member, False)


def test_masks_keep_only_a_tail():
    assert masking.tax_code("RSSMRA80A01G284X") == "••••••••••••••4X"
    assert masking.iban("IT60 X054 2811 1010 0000 0123 456") == "•" * 23 + "3456"
    assert masking.email("mario.rossi@example.com") == "m•••@•••.com"
    assert masking.phone("+39 0433 775123") == "•••••••••••23"
    assert masking.street("Via Roma 12/A, 33026 Paluzza (UD)") == "Via Roma •, 33026 Paluzza (UD)"
    assert masking.street("Frazione Timau 7") == "Frazione Timau •"
    assert masking.network_address("192.0.2.44") == "•••"
    assert masking.tax_code(None) == "" and masking.email("") == ""


@given(st.text(min_size=1, max_size=40))
def test_no_mask_reveals_more_than_its_tail(value):
    compact = "".join(value.split())
    for mask, visible in ((masking.tax_code, 2), (masking.iban, 4), (masking.phone, 2)):
        shown = mask(value).replace(masking.DOT, "")
        assert len(shown) <= visible
        assert compact.endswith(shown)


def test_the_contract_page_hides_personal_data_but_keeps_the_figures(member, app, mario):
    from tests.helpers import outputs, post_callback
    from tests.test_consumi import contract_ids

    home = contract_ids(app, "100234")[0]

    def page() -> str:
        answer = post_callback(member, "contratto-dati", {"url.search": f"?contratto={home}"})
        return json.dumps(outputs(answer), ensure_ascii=False)

    plain = page()
    assert mario["tax_code"] in plain and mario["supply"] in plain
    switch(member, True, "/contratto")
    try:
        shared = page()
    finally:
        switch(member, False)
    assert mario["tax_code"] not in shared and mario["supply"] not in shared
    assert "socio@example.com" not in shared
    assert "3 kW" in shared or "3,0" in shared or "kW" in shared  # power figures stay


def test_the_account_page_hides_email_and_login_addresses(member):
    switch(member, True, "/account")
    try:
        page = member.get("/account").get_data(as_text=True)
    finally:
        switch(member, False)
    assert "socio@example.com" not in page.split("</header>", 1)[1]
    assert "127.0.0.1" not in page
    assert 'class="condivisione"' in page


def test_the_delivery_page_and_the_contract_pickers_hide_emails_and_house_numbers(
        member, app, mario):
    from tests.helpers import outputs, post_callback
    from tests.test_consumi import contract_ids

    home = contract_ids(app, "100234")[0]

    def pages() -> str:
        status = post_callback(member, "invio-stato", {"url.search": f"?contratto={home}"})
        picker = post_callback(member, "header-account", {"url.pathname": "/invio"},
                               {"url.search": f"?contratto={home}"})
        return json.dumps([outputs(status), outputs(picker)], ensure_ascii=False)

    plain = pages()
    assert "socio@example.com" in plain and mario["supply"] in plain
    switch(member, True, "/invio")
    try:
        shared = pages()
    finally:
        switch(member, False)
    assert "socio@example.com" not in shared and mario["supply"] not in shared
    assert "Via Roma" in shared and "POD IT125E00012345" in shared   # what to talk about stays
