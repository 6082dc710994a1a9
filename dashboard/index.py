"""The first HTML of the Dash pages: the page shell at once, and only the scripts pages use.

Dash's own first HTML is an English «Loading...» until React has downloaded, started and
asked for the layout; on a slow phone that is seconds of a blank page. Here the first HTML
carries the shell that React is about to draw (header, footer, skeleton), drawn from the very
components of layout.shell(), so that nothing moves when React takes over.

plotly.js (1.2 MB) is loaded by dcc.Graph itself when a chart first draws, from the URL the
Dash renderer finds in its config; the portal points that URL at its basic bundle, so pages
without a chart never download it. Two scripts Dash adds to every page go (UNUSED_SCRIPT).

A page with a first view (dashboard/first_view.py: the member's consumption page) goes
further: its first HTML is the complete page, and Dash's scripts wait for the viewer's first
interaction (first_view_entry, assets/first-view.js).
"""
from __future__ import annotations

import re
from pathlib import Path

from dash import Dash
from dash.development.base_component import Component
from markupsafe import escape

from . import branding, first_view
from .auth.identity import current_viewer
from .i18n import current_language

# Served from assets/ but never added to every page (Dash's assets_ignore).
PLOTLY_BUNDLE = "plotly-basic-4.1.1.min.js"
ASSETS_IGNORE = re.escape(PLOTLY_BUNDLE)
# dash_table: the portal has none. Babel's polyfill (core-js 2, 99 KB; 0,6 s of a slow phone's
# CPU) adds ES2015-2017 to browsers that lack it; browsers of the last five years have it
# all, and Dash's lazy components need only its regeneratorRuntime, which
# assets/regenerator-runtime-0.14.1.js provides.
UNUSED_SCRIPT = re.compile(r'<script src="[^"]*/_dash-component-suites/dash/'
                           r'(?:dash_table/|deps/polyfill@)[^"]*"></script>\n?')
ATTRIBUTES = {"className": "class", "htmlFor": "for", "tabIndex": "tabindex"}
VOID = frozenset({"img", "br", "hr", "input", "wbr"})
# Props the Dash renderer keeps for itself: no attribute of the element React draws.
DASH_ONLY = frozenset({"children", "id", "n_clicks", "n_clicks_timestamp", "disable_n_clicks"})
# With a first view (dashboard/first_view.py) only these run at once; the rest waits.
EAGER_SCRIPT = re.compile(r"/assets/(?:first-view|session)\.js")
SCRIPT_TAG = re.compile(r'<script src="([^"]+)"></script>\n?')
END = "first-view-end"   # the first view's last element: the first paint waits for it
LATER = "text/x-first-view"   # a script type no browser runs: assets/first-view.js does


class Portal(Dash):
    """Dash with the portal's first HTML: the page shell, and plotly.js only for charts."""

    def interpolate_index(self, **kwargs: str) -> str:
        """Put the shell where «Loading...» was and leave out the scripts nothing uses.

        A page with a first view gets it instead, and Dash's scripts wait for the viewer's
        first interaction (first_view_entry).
        """
        kwargs["scripts"] = UNUSED_SCRIPT.sub("", kwargs.get("scripts", ""))
        kwargs["favicon"] = favicon(branding.current().logo_url)
        first = first_view.page()
        if first is None:
            kwargs["app_entry"] = ('<div id="react-entry-point">'
                                   f"{static_html(self._layout_value())}</div>")
        else:
            kwargs.update(first_view_entry(static_html(first, keep_ids=True), kwargs["scripts"],
                                           kwargs.get("renderer", "")))
            # The first paint waits for the whole first view: a paint of half a page (the
            # parser yields on a busy phone) would shift as the rest comes in.
            kwargs["css"] = kwargs.get("css", "") + (f'<link rel="expect" href="#{END}"'
                                                     ' blocking="render">')
        # A member's pages get «Codice per l'assistenza» above the page: the stylesheet keeps
        # its room from the start (body.member), so the page does not jump down when it comes.
        viewer = current_viewer()
        role = "member" if viewer is not None and viewer.is_member else "staff"
        page = super().interpolate_index(**kwargs).replace("<body>", f'<body class="{role}">', 1)
        return page.replace('<html lang="it">', f'<html lang="{current_language()}">', 1)

    def _config(self) -> dict:
        """Tell dcc.Graph to load the basic plotly.js bundle, not plotly's full one.

        The renderer hands dcc.Graph plotly's own full bundle when serving locally, and
        plotlyjs_url otherwise; both only matter when a graph first draws.
        """
        config = super()._config()
        config["serve_locally"] = False
        config["plotlyjs_url"] = plotly_url(self)
        return config


def favicon(logo_url: str) -> str:
    """Name the brand's logo as the tab's icon, as the Flask pages do (templates/base.html)."""
    kind = ' type="image/svg+xml"' if logo_url.endswith(".svg") else ""
    return f'<link rel="icon" href="{escape(logo_url)}"{kind}>'


def first_view_entry(page: str, scripts: str, renderer: str) -> dict[str, str]:
    """Show the first view; keep Dash's scripts for assets/first-view.js to load on demand.

    A script of type LATER is neither fetched nor run; the loader starts each in order at
    the viewer's first interaction, then the renderer (whose inline start waits the same
    way). React draws into the entry point out of sight, and the loader shows it in place
    of the first view once the page is complete.
    """
    def later(tag: re.Match) -> str:
        if EAGER_SCRIPT.search(tag.group(1)):
            return f'<script src="{tag.group(1)}" defer></script>'
        return f'<script type="{LATER}" src="{tag.group(1)}"></script>'

    return {
        "app_entry": (f'<div class="first-view">{page}<span id="{END}"></span></div>'
                      '<div id="react-entry-point" class="waiting"></div>'),
        "scripts": SCRIPT_TAG.sub(later, scripts),
        "renderer": renderer.replace('type="application/javascript"', f'type="{LATER}"'),
    }


def plotly_url(app: Dash) -> str:
    """Return the basic plotly.js bundle's address, fingerprinted by the file's time."""
    path = Path(app.config.assets_folder) / PLOTLY_BUNDLE
    return f"{app.get_asset_url(PLOTLY_BUNDLE)}?m={path.stat().st_mtime}"


def static_html(component: object, keep_ids: bool = False) -> str:
    """Write the HTML that Dash's html components render, without ids; the rest draws nothing.

    Ids are left out: React replaces this markup, and scripts or tests looking for an id
    must find React's element, not this stand-in. A first view keeps its own (prefixed) ids.
    """
    if isinstance(component, (list, tuple)):
        return "".join(static_html(child, keep_ids) for child in component)
    if not isinstance(component, Component):
        return "" if component is None else str(escape(component))
    props = component.to_plotly_json()["props"]
    if component._namespace == "dash_core_components":
        return _core_html(component._type, props, keep_ids)
    if component._namespace != "dash_html_components":
        return ""   # drawn by a script of its own
    tag = component._type.lower()
    skipped = DASH_ONLY - {"id"} if keep_ids else DASH_ONLY
    attributes = "".join(_attribute(name, value) for name, value in props.items()
                         if name not in skipped)
    if tag in VOID:
        return f"<{tag}{attributes}>"
    return f"<{tag}{attributes}>{static_html(props.get('children'), keep_ids)}</{tag}>"


def _core_html(kind: str, props: dict, keep_ids: bool) -> str:
    """Write the plain HTML of a dcc link or hidden field; Location, Store, Graph draw nothing."""
    if kind == "Link":
        attributes = "".join(_attribute(name, props.get(name))
                             for name in ("className", "href", "title"))
        return f"<a{attributes}>{static_html(props.get('children'), keep_ids)}</a>"
    if kind == "Input" and props.get("type") == "hidden":
        return (f'<input type="hidden"{_attribute("name", props.get("name"))}'
                f'{_attribute("value", props.get("value"))}>')
    return ""


def _attribute(name: str, value: object) -> str:
    """Write one attribute as React would: booleans present or absent, the rest escaped."""
    if value is None or value is False:
        return ""
    name = ATTRIBUTES.get(name, name)
    return f" {name}" if value is True else f' {name}="{escape(value)}"'
