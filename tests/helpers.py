"""Test helpers that act the way a browser does: real forms, real callback posts."""
from __future__ import annotations

import json
import re
import threading
import time

from flask.testing import FlaskClient

from dashboard.security import CSRF_COOKIE


class BrowserClient(FlaskClient):
    """Read every answer to its end and close it, as a browser and a WSGI server do.

    Closing the response starts the work the app leaves for after the answer (mail, an
    import's PDFs); the client waits for it, so a test reads the mail or the PDF cache as
    soon as the answer is back.
    """

    def open(self, *args, buffered: bool = True, **kwargs):
        """Send a request and return the whole, closed response."""
        response = super().open(*args, buffered=buffered, **kwargs)
        wait_for_mail()
        return response


def wait_for_mail() -> None:
    """Wait until the work handed over after the answer (mail, prerendered PDFs) is done."""
    from dashboard.mail import DELIVERY_THREAD
    from dashboard.pdf_prerender import THREAD

    for thread in threading.enumerate():
        if thread.name in (DELIVERY_THREAD, THREAD):
            _join(thread)


def _join(thread: threading.Thread) -> None:
    """Join a thread that another request may have started a moment ago."""
    for _ in range(500):
        try:
            thread.join(timeout=30)
            return
        except RuntimeError:  # listed but not yet running: a twin request just started it
            time.sleep(0.01)


def form_token(html: str, name: str = "csrf_token") -> str:
    """Read the CSRF token out of a rendered form."""
    match = re.search(rf'name="{name}" type="hidden" value="([^"]+)"', html)
    assert match, "the form has no CSRF token"
    return match.group(1)


def login(client: FlaskClient, login_name: str, password: str) -> FlaskClient:
    """Log in through the login form; fail the test if it does not work."""
    response = post_login(client, login_name, password)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    client.get("/")  # the page sets the cookie Dash copies into callback headers
    return client


def post_login(client: FlaskClient, login_name: str, password: str):
    """Submit the login form as a browser would."""
    page = client.get("/login").get_data(as_text=True)
    return client.post("/login", data={
        "login": login_name, "password": password, "csrf_token": form_token(page),
    })


def csrf_header(client: FlaskClient) -> dict:
    """Return the header Dash's renderer builds from the CSRF cookie."""
    cookie = client.get_cookie(CSRF_COOKIE)
    return {"X-CSRFToken": cookie.value} if cookie else {}


def dependencies(client: FlaskClient) -> list[dict]:
    """Read the callback graph the browser downloads."""
    return client.get("/_dash-dependencies").get_json()


def callback_body(client: FlaskClient, output_prefix: str, inputs: dict,
                  state: dict | None = None) -> dict:
    """Build the JSON body the renderer posts for the callback whose output starts so."""
    def fits(spec: dict) -> bool:
        names = {f"{i['id']}.{i['property']}" for i in spec["inputs"]}
        return spec["output"].lstrip(".").startswith(output_prefix) and set(inputs) <= names

    spec = next(d for d in dependencies(client) if fits(d))

    def values(items: list[dict], given: dict) -> list[dict]:
        return [{"id": i["id"], "property": i["property"],
                 "value": given.get(f"{i['id']}.{i['property']}")} for i in items]

    outputs = [
        {"id": part.split(".")[0], "property": part.split(".")[1]}
        for part in spec["output"].strip(".").split("...")
    ]
    return {
        "output": spec["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": values(spec["inputs"], inputs),
        "state": values(spec["state"], state or {}),
        "changedPropIds": [f"{k}" for k in inputs],
    }


def post_callback(client: FlaskClient, output_prefix: str, inputs: dict,
                  state: dict | None = None, body: dict | None = None):
    """Post a callback to /_dash-update-component exactly as the browser would."""
    payload = body or callback_body(client, output_prefix, inputs, state)
    return client.post("/_dash-update-component", data=json.dumps(payload),
                       content_type="application/json", headers=csrf_header(client))


def outputs(response) -> dict:
    """Return the callback's outputs as {"id.prop": value}."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    data = response.get_json()["response"]
    return {f"{cid}.{prop}": value for cid, props in data.items() for prop, value in props.items()}



def without_csrf(html: str) -> str:
    """Blank the logout form's CSRF token, signed afresh on every page, to compare pages."""
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value=""', html)
