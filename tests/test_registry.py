"""The page registry: every declared page answers right for every role, and each role's home."""
from __future__ import annotations

import json

import pytest
from dash import html
from sqlalchemy import select

from dashboard.labels import ROLE_LABELS
from dashboard.pages import registry
from models import Contract, Customer, db
from models.enums import Role
from tests.conftest import DEMO_MEMBER, OTHER_MEMBER
from tests.helpers import csrf_header, dependencies, login, outputs, post_callback

STAFF = {
    Role.SUPPORT: ("assistenza@example.com", "Assistenza!2023"),
    Role.ADVISOR: ("consulente@example.com", "Consulente!2023"),
    Role.ADMIN: ("admin@example.com", "Amministra!2023"),
}
WHO = ["anonimo", "socio", "altro socio", *STAFF]
MARIO = "100234"
NOWHERE = "/non-esiste-affatto"


def client_for(app, who):
    """Return a test client for someone: anonymous, a member, the other member or staff."""
    if who == "anonimo":
        return app.test_client()
    credentials = {"socio": DEMO_MEMBER, "altro socio": OTHER_MEMBER}.get(who) or STAFF[who]
    return login(app.test_client(), *credentials)


def mario(app) -> dict:
    """Describe what only Mario Rossi may see: his home contract and markers of his data."""
    with app.app_context():
        customer = db.session.scalars(select(Customer).where(Customer.code == MARIO)).one()
        contracts = list(db.session.scalars(select(Contract).where(
            Contract.customer_id == customer.id).order_by(Contract.start_date, Contract.id)))
        return {"home": contracts[0].id,
                "markers": [customer.code, customer.tax_code] + [c.pod for c in contracts]}


def route(client, path: str, search: str = ""):
    """Post the router callback for a path, as the browser does on navigation."""
    return post_callback(client, "header-account", {"url.pathname": path},
                         {"url.search": search})


def page_text(response) -> str:
    """Return the page the router answered (without the header), as text."""
    return json.dumps(outputs(response)["page.children"], ensure_ascii=False)


def links_in(value) -> list[str]:
    """Collect every href in a callback's component tree."""
    if isinstance(value, dict):
        here = [value["href"]] if isinstance(value.get("href"), str) else []
        return here + [h for child in value.values() for h in links_in(child)]
    if isinstance(value, list):
        return [h for child in value for h in links_in(child)]
    return []


def body_for(spec: dict, values: dict) -> dict:
    """Build the body the renderer posts for a callback spec, filling inputs by name."""
    def items(group: list[dict]) -> list[dict]:
        return [{"id": i["id"], "property": i["property"],
                 "value": values.get(f"{i['id']}.{i['property']}")} for i in group]

    parts = [{"id": p.split(".")[0], "property": p.split(".")[1]}
             for p in spec["output"].strip(".").split("...")]
    return {"output": spec["output"], "outputs": parts if len(parts) > 1 else parts[0],
            "inputs": items(spec["inputs"]), "state": items(spec["state"]),
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in spec["inputs"]]}


def test_every_page_is_declared_once_with_roles_and_italian_title():
    paths = [page.path for page in registry.PAGES]
    assert len(paths) == len(set(paths)) and registry.HOME not in paths
    for page in registry.PAGES:
        assert page.path.startswith("/") and page.title and page.summary
        assert page.roles and page.roles <= set(Role)
        assert callable(page.layout) and callable(page.register_callbacks)


@pytest.mark.parametrize("who", WHO)
def test_every_page_answers_right_for_every_role(app, who):
    client = client_for(app, who)
    secret = mario(app)
    for page in registry.PAGES:
        opened = client.get(page.path)
        answer = route(client, page.path, f"?contratto={secret['home']}")
        if who == "anonimo":
            assert opened.status_code == 302, page.path
            assert opened.headers["Location"].startswith("/login?next=%2F"), page.path
            assert answer.status_code == 401, page.path
            continue
        assert opened.status_code == 200, page.path
        text = page_text(answer)
        role = Role.MEMBER if who in ("socio", "altro socio") else who
        if role in page.roles:
            assert page.title in text, (who, page.path)
        elif role is Role.MEMBER:   # a staff page looks to a member like no page at all
            assert "Pagina non trovata" in text and page.title not in text, (who, page.path)
        else:
            assert (f"Questa sezione non è disponibile per il profilo {ROLE_LABELS[role]}"
                    in text), (who, page.path)
            assert page.title not in text
        if who != "socio":
            leaked = [m for m in secret["markers"] if m in answer.get_data(as_text=True)]
            assert not leaked, (who, page.path, leaked)


@pytest.mark.parametrize("who", WHO)
def test_every_page_callback_keeps_mario_to_himself(app, who):
    """Post each page's callbacks that read the URL with Mario's contract, as every role."""
    client = client_for(app, who)
    secret = mario(app)
    specs = [s for s in dependencies(client)
             if any(i["id"] == "url" and i["property"] == "search" for i in s["inputs"])]
    assert len(specs) >= len([page for page in registry.PAGES
                              if page.register_callbacks is not registry.no_callbacks])
    search = f"?contratto={secret['home']}&anno=2023"
    seen = []
    for spec in specs:
        values = {"url.search": search, "url.pathname": "/contratto"}
        values.update({f"{i['id']}.{i['property']}": search for i in spec["inputs"]
                       if i["property"] == "data"})
        response = client.post("/_dash-update-component", data=json.dumps(body_for(spec, values)),
                               content_type="application/json", headers=csrf_header(client))
        if who == "anonimo":
            assert response.status_code == 401, spec["output"]
            continue
        assert response.status_code in (200, 204), (spec["output"], response.status_code)
        seen.append(response.get_data(as_text=True))
    everything = "".join(seen)
    if who == "socio":
        assert all(marker in everything for marker in secret["markers"][2:3])
    elif who != "anonimo":
        assert not [m for m in secret["markers"] if m in everything], who


def test_member_home_lists_the_member_pages(member):
    page = outputs(route(member, "/"))["page.children"]
    text = json.dumps(page, ensure_ascii=False)
    members = [p for p in registry.PAGES if Role.MEMBER in p.roles]
    assert {p.path for p in members} <= set(links_in(page))
    assert all(p.title in text and p.summary in text for p in members)
    assert "Benvenuto, Mario Rossi" in text and f"Codice cliente {MARIO}" in text


@pytest.mark.parametrize("role", list(STAFF))
def test_staff_home_lists_only_their_tools(app, role):
    staff = client_for(app, role)
    page = outputs(route(staff, "/"))["page.children"]
    text = json.dumps(page, ensure_ascii=False)
    theirs = [p for p in registry.PAGES if role in p.roles]
    assert sorted(links_in(page)) == sorted(p.path for p in theirs)
    assert f"Profilo: {ROLE_LABELS[role]}" in text
    if not theirs:
        assert "in preparazione" in text


def test_a_new_page_is_one_line_away(app, member, monkeypatch):
    """Declare a support-only page: support reach it, others are told apart as the issue asks."""
    probe = registry.Page(
        "/prova-assistenza", "Prova per l'assistenza", "Una pagina di prova.",
        frozenset({Role.SUPPORT}), lambda search: [html.H1("Pagina di prova")],
        lambda app: None)
    monkeypatch.setattr(registry, "PAGES", (*registry.PAGES, probe))
    support = client_for(app, Role.SUPPORT)
    advisor = client_for(app, Role.ADVISOR)

    assert "Pagina di prova" in page_text(route(support, probe.path))
    home = outputs(route(support, "/"))["page.children"]
    assert probe.path in links_in(home) and probe.title in json.dumps(home, ensure_ascii=False)
    assert ("Questa sezione non è disponibile per il profilo Consulente energetico"
            in page_text(route(advisor, probe.path)))
    assert probe.path not in links_in(outputs(route(advisor, "/"))["page.children"])
    # To a member, a staff page and an address that does not exist look the same.
    staff_page, nowhere = page_text(route(member, probe.path)), page_text(route(member, NOWHERE))
    assert staff_page == nowhere and "Pagina non trovata" in nowhere
    assert probe.path not in links_in(outputs(route(member, "/"))["page.children"])


@pytest.mark.parametrize("who", ["socio", *STAFF])
def test_an_unknown_address_is_not_found_for_everyone(app, who):
    text = page_text(route(client_for(app, who), NOWHERE))
    assert "Pagina non trovata" in text and "non è disponibile" not in text


def test_the_layout_holds_no_member_data_for_anonymous_requests(client, app):
    text = client.get("/_dash-layout").get_data(as_text=True)
    assert not [m for m in mario(app)["markers"] if m in text]
    assert "Pagina non trovata" not in text and "Area di gestione" not in text


def test_area_pages_open_to_staff_when_the_gate_serves_them_an_area(app, monkeypatch):
    """The support view opens a member's area to staff through the access gate, not the role."""
    from dashboard import access

    with app.app_context():
        mario_id = db.session.scalar(select(Customer.id).where(Customer.code == MARIO))
    gate = access.customer

    def viewing_mario(viewer):
        if viewer is not None and viewer.role is Role.SUPPORT:
            return db.session.get(Customer, mario_id)
        return gate(viewer)

    monkeypatch.setattr(access, "customer", viewing_mario)
    support, advisor = client_for(app, Role.SUPPORT), client_for(app, Role.ADVISOR)
    members = [p for p in registry.PAGES if Role.MEMBER in p.roles]
    for page in members:
        assert page.title in page_text(route(support, page.path)), page.path
        assert "non è disponibile" in page_text(route(advisor, page.path)), page.path
    assert {p.path for p in members} <= set(links_in(outputs(route(support, "/"))["page.children"]))
