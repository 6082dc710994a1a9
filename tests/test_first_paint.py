"""The first HTML of the Dash pages: the shell at once, and only the scripts the page uses."""
import base64
import hashlib
import re

from dash import dcc, html

from dashboard import ids
from dashboard.index import PLOTLY_BUNDLE, static_html
from tests.helpers import dependencies, login

PAGES = ["/", "/consumi?contratto=1&anno=2023", "/contabilita", "/contratto", "/invio"]


def script_sources(page: str) -> list[str]:
    """List the src of every script tag of a page."""
    return re.findall(r'<script src="([^"]+)"', page)


def test_every_page_opens_with_the_shell_not_loading(member):
    for path in PAGES:
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
