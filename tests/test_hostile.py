"""Odd and hostile requests: every one gets a polite 4xx (or the page), never a 5xx or a traceback.

A generated corpus (hypothesis) and a fixed list of known-bad bodies go to every registered
callback and every form route, as a stranger and as a member. docs/SECURITY.md ("Odd
requests") reports the counts; the module keeps them in COUNTS while it runs.
"""
from __future__ import annotations

import copy
import io
import json
import re
from collections import Counter
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from dashboard import ids
from models import Account, db
from tests.conftest import OTHER_MEMBER
from tests.helpers import csrf_header, dependencies, form_token
from tests.test_invio import restore_delivery  # noqa: F401  (autouse: undo delivery changes)
from tests.test_sessions import age_sessions

CALLBACK = "/_dash-update-component"
NINE_FIELDS = "?a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9"
AREA_PAGES = {"/": "Area di gestione", "/contratto": "Dati contrattuali",
              "/consumi": "Visualizzazione consumi", "/contabilita": "Situazione contabile",
              "/invio": "Modalità di invio"}
TRACEBACK = re.compile(r'Traceback|File "')
COUNTS: Counter = Counter()


@pytest.fixture(scope="module", autouse=True)
def report_counts():
    """Print how many requests the module made and how many got a 5xx (run with -s)."""
    yield
    print(f"\nhostile corpus: {COUNTS['requests']} requests, {COUNTS['5xx']} answered 5xx")


def check(response, what: object) -> None:
    """Fail on a 5xx or on traceback text; count the request for the report."""
    text = response.get_data(as_text=True)
    COUNTS["requests"] += 1
    COUNTS["5xx"] += response.status_code >= 500
    assert response.status_code < 500, f"{what}: {response.status_code} {text[:300]}"
    assert not TRACEBACK.search(text), f"{what}: traceback in the answer"


def post_raw(client, data: bytes | str, content_type: str = "application/json"):
    """Post a body to the callback endpoint with the member's CSRF header, as Dash does."""
    return client.post(CALLBACK, data=data, content_type=content_type,
                       headers=csrf_header(client))


def end_sessions_of(app, email: str) -> None:
    """Revoke every live session of an account, as «Esci da tutti i dispositivi» does."""
    from dashboard.auth.identity import end_sessions

    with app.app_context():
        end_sessions(db.session.scalar(select(Account.id).where(Account.email == email)))
        db.session.commit()


def login_target(response) -> dict[str, str]:
    """Return the query of a redirect to the login page (fail if it goes elsewhere)."""
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login", response.headers["Location"]
    return {key: values[0] for key, values in parse_qs(location.query).items()}


# --- A form posted after the session ended ----------------------------------------------

def test_a_form_posted_after_revocation_goes_to_the_login_page(app, neighbour):
    neighbour.get("/account")
    token = neighbour.get_cookie("_csrf_token").value
    end_sessions_of(app, OTHER_MEMBER[0])
    response = neighbour.post("/account", data={"csrf_token": token, "action": "email"})
    assert response.status_code == 303
    assert login_target(response) == {"next": "/account", "scaduta": "1"}
    page = neighbour.get(response.headers["Location"]).get_data(as_text=True)
    assert "sessione è scaduta" in page


def test_a_phone_that_slept_past_the_timeout_is_sent_to_log_in_again(app, neighbour):
    token = neighbour.get_cookie("_csrf_token").value
    age_sessions(app, OTHER_MEMBER[0], last_seen_at=timedelta(minutes=31))
    response = neighbour.post("/invio/conferma/abc123", data={"csrf_token": token})
    assert response.status_code == 303
    assert login_target(response) == {"next": "/invio/conferma/abc123", "scaduta": "1"}
    # A post-only URL would answer 405 after the login: the home page instead.
    renew = neighbour.post("/sessione/rinnova", headers={"X-CSRFToken": token})
    assert renew.status_code == 401 and "Sessione scaduta" in renew.get_json()["error"]


def test_logout_without_a_live_session_lands_on_the_login_page(app, neighbour):
    token = neighbour.get_cookie("_csrf_token").value
    end_sessions_of(app, OTHER_MEMBER[0])
    response = neighbour.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303 and login_target(response) == {"uscito": "1"}
    assert neighbour.get(response.headers["Location"]).status_code == 200
    stranger = app.test_client()
    assert stranger.post("/logout").status_code == 303


def test_only_callbacks_get_the_json_answer(app, neighbour):
    end_sessions_of(app, OTHER_MEMBER[0])
    body = {"output": f"..{ids.HEADER}.children...{ids.PAGE}.children..", "outputs": [],
            "inputs": [{"id": ids.URL, "property": "pathname", "value": "/"}], "state": []}
    response = post_raw(neighbour, json.dumps(body))
    assert response.status_code == 401 and response.is_json


# --- Nine or more query fields -----------------------------------------------------------

def page_callbacks(client) -> list[dict]:
    """Return the callbacks that fill a page from the URL's query string."""
    return [spec for spec in dependencies(client)
            if any(i["id"] == ids.URL and i["property"] == "search" for i in spec["inputs"])]


def body_for(spec: dict, values: dict) -> dict:
    """Build the body the renderer posts for a callback, with the given input values."""
    def items(group: list[dict]) -> list[dict]:
        return [{"id": i["id"], "property": i["property"],
                 "value": values.get(f"{i['id']}.{i['property']}")} for i in group]

    outputs = [{"id": part.rsplit(".", 1)[0].split("@")[0],
                "property": part.rsplit(".", 1)[1].split("@")[0]}
               for part in spec["output"].strip(".").split("...")]
    return {"output": spec["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": items(spec["inputs"]), "state": items(spec["state"]),
            "changedPropIds": [f"{ids.URL}.search"]}


@pytest.mark.parametrize("path", list(AREA_PAGES))
def test_nine_query_fields_still_show_the_page(member, path):
    assert member.get(path + NINE_FIELDS).status_code == 200
    spec = next(s for s in dependencies(member) if s["output"].startswith(f"..{ids.HEADER}"))
    body = body_for(spec, {f"{ids.URL}.pathname": path, f"{ids.URL}.search": NINE_FIELDS})
    response = post_raw(member, json.dumps(body))
    check(response, path)
    assert AREA_PAGES[path] in json.dumps(response.get_json(), ensure_ascii=False)


def test_nine_query_fields_still_fill_every_page(member):
    for spec in page_callbacks(member):
        values = {f"{i['id']}.{i['property']}": NINE_FIELDS + "&contratto=1&anno=2023"
                  for i in spec["inputs"] + spec["state"]
                  if i["property"] in ("search", "data")}
        response = post_raw(member, json.dumps(body_for(spec, values)))
        check(response, spec["output"])
        assert response.status_code in (200, 204), spec["output"]


# --- Malformed callback bodies -----------------------------------------------------------

TOP_KEYS = ("output", "outputs", "inputs", "state", "changedPropIds", "parsedChangedPropsIds")
JSON_LEAVES = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
               | st.text(max_size=12))
JSON_VALUES = st.recursive(JSON_LEAVES, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                           max_leaves=8)
DROP = object()


def deep(depth: int) -> str:
    """Return JSON nested deeper than any parser's recursion allows."""
    return "[" * depth + "]" * depth


# Whole bodies that are wrong before any callback is named.
RAW_BODIES = [
    (b"", "application/json"), (b"{", "application/json"), (b"null", "application/json"),
    (b"[]", "application/json"), (b'"output"', "application/json"), (b"1", "application/json"),
    (b"{}", "application/json"), (deep(100_000).encode(), "application/json"),
    ('{"output": ' + deep(5_000) + "}", "application/json"),
    (b'{"output": NaN, "inputs": Infinity}', "application/json"),
    (b"\xff\xfe{\x00", "application/json"), ("\ufeff{}".encode(), "application/json"),
    (b'{"output": "a", "output": "b"}', "application/json"),
    (b"output=x&inputs=y", "application/x-www-form-urlencoded"),
    (b'{"output": "x"}', "text/plain"), (b"<xml/>", "application/xml"),
    (b"--b\r\nContent-Disposition: form-data; name=\"output\"; filename=\"a.js\"\r\n\r\n"
     b"x\r\n--b--\r\n", "multipart/form-data; boundary=b"),
    (b"x" * (3 * 1024 * 1024), "application/json"),   # beyond MAX_CONTENT_LENGTH
]


def broken_variants(body: dict) -> list[dict]:
    """Return the known-bad shapes of one callback's valid body."""
    first = body["inputs"][0]
    variants = [
        {**body, "outputs": "header.children"}, {**body, "outputs": [1, "x", None]},
        {**body, "outputs": []}, {**body, "outputs": {"id": {"a": 1}, "property": 3}},
        {**body, "inputs": ["x", 1]}, {**body, "inputs": {"id": first["id"]}},
        {**body, "inputs": [{**first, "id": {"type": "x", "index": 1}}] + body["inputs"][1:]},
        {**body, "inputs": [{**first, "id": [1, 2]}] + body["inputs"][1:]},
        {**body, "inputs": [{**first, "id": 7}] + body["inputs"][1:]},
        {**body, "inputs": [{"id": first["id"], "value": 1}] + body["inputs"][1:]},
        {**body, "inputs": [{**first, "value": deep_value(200)}] + body["inputs"][1:]},
        {**body, "state": "x"}, {**body, "state": [None]},
        {**body, "changedPropIds": {"a": 1}}, {**body, "changedPropIds": 5},
        {**body, "changedPropIds": [None, 1, ["x"]]}, {**body, "changedPropIds": ["nope.x"]},
        {**body, "output": ["x"]}, {**body, "output": body["output"] + "x"},
        {key: value for key, value in body.items() if key != "outputs"},
        {key: value for key, value in body.items() if key != "state"},
        {key: value for key, value in body.items() if key != "changedPropIds"},
    ]
    return variants


def deep_value(depth: int) -> object:
    """Return a value nested depth lists deep."""
    value: object = "x"
    for _ in range(depth):
        value = [value]
    return value


def valid_bodies(client) -> list[dict]:
    """Return a well-formed body for every registered callback (clientside ones get a 400)."""
    return [body_for(spec, {}) for spec in dependencies(client)]


@st.composite
def mutated(draw, bodies: list[dict]) -> dict:
    """Draw a valid body and break it in one to three places."""
    body = copy.deepcopy(draw(st.sampled_from(bodies)))
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(["top", "drop", "item", "field"]))
        if where == "top":
            body[draw(st.sampled_from(TOP_KEYS))] = draw(JSON_VALUES)
        elif where == "drop":
            body.pop(draw(st.sampled_from(TOP_KEYS)), None)
        else:
            group = draw(st.sampled_from(["inputs", "state", "outputs"]))
            items = body.get(group)
            items = [items] if isinstance(items, dict) else items
            if not isinstance(items, list) or not items:
                continue
            index = draw(st.integers(0, len(items) - 1))
            if where == "item" or not isinstance(items[index], dict):
                items[index] = draw(JSON_VALUES)
            else:
                field = draw(st.sampled_from(["id", "property", "value"]))
                value = draw(st.one_of(st.just(DROP), JSON_VALUES))
                if value is DROP:
                    items[index].pop(field, None)
                else:
                    items[index][field] = value
            if group != "outputs" or isinstance(body.get(group), list):
                body[group] = items
    return body


def test_known_bad_callback_bodies_get_a_polite_400(client, member):
    for data, content_type in RAW_BODIES:
        for who in (client, member):
            response = post_raw(who, data, content_type)
            check(response, data[:40])
            assert response.status_code in (400, 401, 413)
    for body in valid_bodies(member):
        for variant in broken_variants(body):
            for who in (client, member):
                response = post_raw(who, json.dumps(variant))
                check(response, variant)
        bad = post_raw(member, json.dumps({**body, "outputs": "x"}))
        assert bad.status_code == 400 and "non valida" in bad.get_json()["error"]


@settings(max_examples=400, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_generated_callback_bodies_never_get_a_5xx(client, member, data):
    bodies = valid_bodies(member)
    body = data.draw(mutated(bodies))
    for who in (client, member):
        check(post_raw(who, json.dumps(body)), body)


# --- Files and odd bodies on every form route --------------------------------------------

FORM_PAGES = ["/login", "/registrazione", "/password/dimenticata", "/password/reimposta/x",
              "/account", "/invio/conferma/x"]


def form_routes(app) -> list[str]:
    """List every URL that accepts a form post (outside Dash), with made-up link tokens."""
    urls = {re.sub(r"<[^>]+>", "x" * 24, rule.rule) for rule in app.url_map.iter_rules()
            if "POST" in rule.methods and not rule.rule.startswith("/_dash")}
    return sorted(urls, key=lambda url: url == "/logout")   # logging out last


def field_names(client) -> set[str]:
    """Collect the names of every form field the site's pages show."""
    names: set[str] = set()
    for page in FORM_PAGES:
        names |= set(re.findall(r'<(?:input|select|textarea|button)[^>]*\sname="([^"]+)"',
                                client.get(page).get_data(as_text=True)))
    return names


def upload(name: str, size: int = 64) -> tuple[io.BytesIO, str, str]:
    """Return a file part for a multipart form: bytes, file name and type."""
    return io.BytesIO(b"%PDF-1.4 " + b"\x00\xff" * size), f"{name}.pdf", "application/pdf"


def test_a_file_in_any_form_field_is_refused_politely(app, client, member):
    client.get("/login")
    names = field_names(member) | {"csrf_token", "login", "password", "email"}
    for who in (client, member):
        token = who.get_cookie("_csrf_token")
        token = token.value if token else form_token(who.get("/login").get_data(as_text=True))
        for url in form_routes(app):
            for name in sorted(names):
                data = {other: "prova" for other in names if other != name}
                data["csrf_token"] = token if name != "csrf_token" else upload(name)
                data[name] = upload(name)
                response = who.post(url, data=data, content_type="multipart/form-data")
                check(response, (url, name))
            every = {name: upload(name, 4096) for name in names}
            check(who.post(url, data=every, content_type="multipart/form-data"), url)


ODD_FORM_BODIES = [
    (b"", "multipart/form-data; boundary=b"), (b"--b--", "multipart/form-data"),
    (b"--b\r\nContent-Disposition: form-data; name=\"login\"\r\n\r\nx", "multipart/form-data; "
     "boundary=b"), (b'{"login": "x"}', "application/json"), (b"\xff\xfe", "text/plain"),
    (b"login=%ff%fe&password=%00", "application/x-www-form-urlencoded"),
    ("&".join(f"f{n}=1" for n in range(5_000)).encode(), "application/x-www-form-urlencoded"),
    (b"x" * (3 * 1024 * 1024), "application/x-www-form-urlencoded"),
]


@pytest.mark.parametrize("who", ["stranger", "member"])
def test_odd_bodies_on_every_form_route(app, client, member, who):
    browser = client if who == "stranger" else member
    for url in form_routes(app):
        for data, content_type in ODD_FORM_BODIES:
            check(browser.post(url, data=data, content_type=content_type), (url, data[:30]))


@pytest.mark.parametrize("path", [
    "/_dash-component-suites/nope/x.js", "/_dash-component-suites/dash/nope.js",
    "/_dash-component-suites/dash/../../../etc/passwd", "/_dash-component-suites/dash/x.exe",
    "/_dash-component-suites/dash/deps/react@18.3.1.min.js/..",
    "/_dash-component-suites/dash/%2e%2e/%2e%2e/x.js", "/_dash-component-suites/os/x.py",
    "/_dash-component-suites/dash/deps/react@18.v9_9m1.3.1.min.js.map.exe",
])
def test_unknown_component_scripts_are_not_found(client, member, path):
    for who in (client, member):
        response = who.get(path)
        check(response, path)
        assert response.status_code == 404


def test_a_failing_callback_answers_italian_json(member, monkeypatch):
    from dashboard.pages import home

    def broken(*_args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(home, "member_layout", broken)
    spec = next(s for s in dependencies(member) if s["output"].startswith(f"..{ids.HEADER}"))
    response = post_raw(member, json.dumps(body_for(spec, {f"{ids.URL}.pathname": "/"})))
    assert response.status_code == 500 and response.is_json
    assert "Riprova tra qualche minuto" in response.get_json()["error"]
    assert not TRACEBACK.search(response.get_data(as_text=True))
