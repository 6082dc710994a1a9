"""The first HTML of the Dash pages: the shell at once, and only the scripts the page uses."""
import base64
import hashlib
import re

from dash import dcc, html

from dashboard import ids
from dashboard.index import PLOTLY_BUNDLE, static_html
from tests.helpers import dependencies, login
from tests.test_screen_share import switch
from tests.test_support import STAFF

PAGES = ["/", "/consumi?contratto=1&anno=2023", "/contabilita", "/contratto", "/invio"]
SHELL_PAGES = [path for path in PAGES if not path.startswith("/consumi")]
CONSUMI = "/consumi?contratto=1&anno=2023"


def script_sources(page: str) -> list[str]:
    """List the src of every script tag of a page, those that wait for a first view too."""
    return re.findall(r'<script[^>]* src="([^"]+)"', page)


def first_view(page: str) -> str:
    """Return the markup of the first view of a page ('' when it has none)."""
    match = re.search(r'<div class="first-view">(.*?)<div id="react-entry-point"', page, re.S)
    return match.group(1) if match else ""


def test_every_page_opens_with_the_shell_not_loading(member):
    for path in SHELL_PAGES:
        page = member.get(path).get_data(as_text=True)
        start = page.index('<div id="react-entry-point">')
        entry = page[start:page.index('<script id="_dash-config"')]
        assert "Loading..." not in page, path
        assert '<header class="topbar">' in entry and "Area Riservata" in entry, path
        assert re.search(r'<img alt="" height="40" src="[^"]+/logo\.svg" width="40">', entry)
        assert 'class="skeleton" aria-hidden="true"' in entry
        assert '<footer class="footer">' in entry
        # React replaces this markup: no element of it may be found by id meanwhile.
        assert " id=" not in entry.replace('<div id="react-entry-point">', "")


def test_the_consumption_page_opens_complete_and_its_scripts_wait(member):
    response = member.get(CONSUMI)
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    view = first_view(page)
    assert "Loading..." not in page
    assert '<div id="react-entry-point" class="waiting"></div>' in page
    assert "<h1>Visualizzazione consumi</h1>" in view and "Mario Rossi" in view
    # A native form: «Visualizza» works without JavaScript.
    form = re.search(r'<form id="fv-consumi-modulo" action="/consumi"[^>]*method="get">', view)
    assert form and '<select id="fv-consumi-contratto" name="contratto">' in view
    assert '<option selected value="2023">2023</option>' in view
    # «Codice per l'assistenza» is there at once; first-view.js replays its press for Dash.
    assert re.search(r'<button [^>]*id="fv-assistenza-chiedi"[^>]*>Codice per l', view)
    assert 'data-replay="click"' in view
    assert '<label for="fv-consumi-anno">Anno</label>' in view
    # The chart, its title and description, the totals, the chart's table and the invoices.
    assert '<svg class="svg-chart"' in view and "nel 2023</title>" in view
    assert "gen: F1 254, F2 150, F3 297; totale 701 kWh" in view
    assert "<span>Totale 2023</span><strong>5.145 kWh</strong>" in view
    assert "<caption>Consumi per mese, 2023</caption>" in view
    assert '<table class="invoices">' in view and "Fattura 1636 del 26/01/2023" in view
    assert 'href="/fatture/' in view and 'href="/capire?fattura=' in view
    # Every id of the first view is its own: none is one React's page will also draw.
    ids_in_view = re.findall(r' id="([^"]+)"', view)
    assert ids_in_view and all(i.startswith(("fv-", "first-view")) for i in ids_in_view)
    # Dash's scripts are there, but no browser runs them before the loader starts them.
    waiting = re.findall(r'<script type="text/x-first-view" src="([^"]+)"', page)
    assert any("react-dom" in s for s in waiting) and any("dash_renderer" in s for s in waiting)
    assert re.search(r'<script src="/assets/first-view\.js[^"]*" defer>', page)
    assert '<script id="_dash-renderer" type="text/x-first-view">' in page
    assert '<link rel="expect" href="#first-view-end" blocking="render">' in page


def test_the_first_view_answers_only_the_members_own_contract(member, neighbour, client):
    foreign = neighbour.get(CONSUMI).get_data(as_text=True)
    assert first_view(foreign) == ""   # contract 1 is not the neighbour's: the Dash way
    assert "Via Roma" not in foreign and "5.145" not in foreign and "1636" not in foreign
    anonymous = client.get(CONSUMI)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    # An unknown contract, a year without data, no choice yet: no first view, no data.
    for search in ("contratto=999&anno=2023", "contratto=1&anno=1999", "contratto=x"):
        page = member.get(f"/consumi?{search}").get_data(as_text=True)
        assert first_view(page) == "" and "5.145" not in page, search


def test_a_staff_view_keeps_the_dash_path_and_its_access_trail(app):
    staff = login(app.test_client(), *STAFF)
    search = staff.get("/assistenza?q=100234").get_data(as_text=True)
    opened = staff.post("/assistenza/apri", data={
        "customer": re.search(r'name="customer" value="(\d+)"', search).group(1),
        "reason": "Ticket 77", "csrf_token": re.search(
            r'name="csrf_token" value="([^"]+)"', search).group(1)})
    assert opened.status_code == 303
    page = staff.get(CONSUMI).get_data(as_text=True)
    # No data in the first HTML: the router writes the trail before it builds the page.
    assert first_view(page) == "" and "5.145" not in page and "1636" not in page


def test_the_first_view_follows_the_screen_share_mode(member):
    switch(member, on=True)
    view = first_view(member.get(CONSUMI).get_data(as_text=True))
    assert '<div id="fv-cornice" class="condivisione">' in view
    assert "Via Roma •, Paluzza" in view and "Via Roma 12" not in view


def test_no_page_html_loads_plotly_dash_table_or_babels_polyfill(member):
    for path in PAGES:
        sources = script_sources(member.get(path).get_data(as_text=True))
        assert not [s for s in sources if "plotly-basic" in s or "plotly.min" in s], path
        assert not [s for s in sources if "dash_table" in s or "polyfill" in s], path
        assert any("dash_core_components" in s for s in sources), path
        # What Dash's lazy components (dropdown, graph) still need of the polyfill.
        assert any("/assets/regenerator-runtime-" in s for s in sources), path


def test_dcc_graph_is_told_to_load_the_basic_bundle(member):
    page = member.get("/consumi?contratto=1&anno=2023").get_data(as_text=True)
    assert '"serve_locally":false' in page
    url = re.search(r'"plotlyjs_url":"([^"]+)"', page).group(1).replace("\\u002f", "/")
    assert url.startswith(f"/assets/{PLOTLY_BUNDLE}?m=")
    bundle = member.get(url)
    assert bundle.status_code == 200
    assert b"4.1.1" in bundle.get_data()[:2000]


def test_a_members_page_keeps_room_for_the_assistance_box(member, app):
    assert '<body class="member">' in member.get("/").get_data(as_text=True)
    staff = login(app.test_client(), "assistenza@example.com", "Assistenza!2023")
    assert '<body class="staff">' in staff.get("/").get_data(as_text=True)


def test_the_first_html_keeps_inline_scripts_pinned_by_the_csp(member):
    response = member.get("/consumi?contratto=1&anno=2023")
    policy = response.headers["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>",
                        response.get_data(as_text=True), re.S)
    assert inline, "Dash's renderer script is inline"
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src


def test_visualizza_is_busy_while_the_chart_is_computed(member):
    spec = next(d for d in dependencies(member)
                if d["output"].lstrip(".").startswith(f"{ids.GRAPH}.figure...")
                and d["output"].rstrip(".").endswith(f"{ids.RESULT}.hidden"))
    running = spec["running"]
    assert running["running"][f"{ids.CONFIRM}.className"] == "button primary busy"
    assert running["runningOff"][f"{ids.CONFIRM}.className"] == "button primary"
    assert running["running"][f"{ids.CONFIRM}.aria-busy"] == "true"


def test_static_html_draws_what_react_will_draw():
    tree = html.Div(id="x", className="a&b", children=[
        dcc.Store(id="s"), html.Label("Anno <", htmlFor="y"),
        html.Img(src="/i.svg", alt=""), html.Button("Vai", hidden=True, disabled=False), None,
    ])
    assert static_html(tree) == ('<div class="a&amp;b"><label for="y">Anno &lt;</label>'
                                 '<img alt="" src="/i.svg"><button hidden>Vai</button></div>')
