"""Odd and hostile requests: every one gets a polite 4xx (or the page), never a 5xx or a traceback.

A generated corpus (hypothesis) and a fixed list of known-bad bodies go to every registered
callback and every form route, as a stranger and as a member. docs/SECURITY.md ("Odd
requests") reports the counts; the module keeps them in COUNTS while it runs.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from dashboard import ids
from models import Account, db
from tests.conftest import OTHER_MEMBER
from tests.helpers import csrf_header, dependencies
from tests.test_invio import restore_delivery  # noqa: F401  (autouse: undo delivery changes)
from tests.test_sessions import age_sessions

CALLBACK = "/_dash-update-component"
NINE_FIELDS = "?a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9"
AREA_PAGES = {"/": "Area di gestione", "/contratto": "Dati contrattuali",
              "/consumi": "Visualizzazione consumi", "/contabilita": "Situazione contabile",
              "/invio": "Modalità di invio"}
TRACEBACK = re.compile(r'Traceback|File "')
COUNTS: Counter = Counter()


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
