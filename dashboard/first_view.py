"""The member's consumption page, complete in the first HTML: readable before any script runs.

React, the Dash renderer and plotly.js cost a slow phone seconds of CPU before the page is
drawn. Here the server writes the page the callbacks would draw (heading, contract and year
as a native GET form, the chart as inline SVG, totals, the chart's table, the invoices), so
the first view needs no JavaScript at all. Dash's scripts load at the member's first
interaction (assets/first-view.js: import on interaction), draw the interactive page out of
sight and take its place when it is complete, with the same geometry.

The data comes through the page's own callback functions (consumi.show, consumi.detail),
which ask the one authorization gate (dashboard/access.py); the header is the router's.
Only a member's own area gets a first view: a staff view keeps the Dash path, where every
page opened is written to the access trail before it is built.
"""
from __future__ import annotations

from collections.abc import Iterator

from dash import html, no_update
from dash.development.base_component import Component
from flask import request
from markupsafe import Markup, escape

from . import access, ids, svg_chart
from .auth.identity import current_viewer
from .controls import RadioGroup, Select
from .i18n import _
from .layout import shell
from .pages import consumi
from .router import header_for

PREFIX = "fv-"          # the first view's ids: never one React's page also uses
FORM = "consumi-modulo"
FIELD_NAMES = {ids.CONTRACT: "contratto", ids.YEAR: "anno"}


def page() -> Component | None:
    """Build the first view of the requested page for this viewer, or None when it has none."""
    viewer = current_viewer()
    if viewer is None or not viewer.is_member or request.path != consumi.PATH:
        return None
    customer = access.customer(viewer)
    if customer is None:
        return None
    search = "?" + request.query_string.decode("latin-1") if request.query_string else ""
    content = consumi_page(search)
    if content is None:
        return None
    frame = shell()
    frame[ids.HEADER].children = header_for(viewer, customer, request.full_path.rstrip("?"))
    frame[ids.ASSIST_BOX].children = assist_button()
    frame[ids.PAGE].children = content
    frame.className = "condivisione" if viewer.screen_share else None
    return _renamed(frame)


def assist_button() -> list:
    """Offer «Codice per l'assistenza» at once; the press is replayed once Dash has the page.

    The code lives in the browser tab's session storage, which the server cannot read: the
    first view always offers the button, and Dash's box shows a code already given.
    """
    return [html.Button(_("Codice per l'assistenza"), id=ids.ASSIST_ASK, className="button",
                        type="button", **{"data-replay": "click"})]


def consumi_page(search: str) -> list | None:
    """Build the consumption page as its callbacks fill it; None unless it shows a bar chart."""
    figure, totals, grid, message, hidden = consumi.show(search)
    if hidden or grid is None:
        return None   # nothing chosen yet, or a polite refusal: the Dash page says it
    detail = consumi.detail(search)
    drawn = detail[0] if detail[0] is not no_update else figure
    selection = consumi.parse_selection(consumi.resolved(search))
    title = consumi.chart_title(selection.year, selection)
    svg = chart_svg(drawn, title) if isinstance(drawn, dict) else None
    if svg is None:
        return None   # a heatmap or a curve: plotly.js draws it, the Dash way
    page = html.Div(consumi.layout(search))
    outputs = {ids.TOTALS: totals, ids.GRID: invoice_table(grid), ids.RESULT_MESSAGE: message,
               ids.BREADCRUMBS: detail[1], ids.SUMMARY: detail[2], ids.STATS: detail[3],
               ids.DRILL_TABLE: drill_table(detail[4]), ids.RECONCILE: detail[5],
               ids.DOWNLOADS: detail[6], ids.DRILL_MESSAGE: detail[7]}
    for key, children in outputs.items():
        page[key].children = children
    page[ids.RESULT].hidden = False
    page[ids.CHART_TITLE].children = title
    for node in _walk(page):
        if getattr(node, "className", None) == "graph-box":   # dcc.Graph's box
            node.children = html.Div(Markup(svg), className="graph-static")
    return [_as_form(node) for node in page.children]


def chart_svg(figure: dict, title: str) -> str | None:
    """Draw the page's figure as SVG with a description of every bar."""
    bands = svg_chart.bands_of(figure)
    if bands is None:
        return None
    labels = [str(x) for x in figure["data"][0]["x"]]
    return svg_chart.chart(figure, title, svg_chart.describe(labels, bands))


def invoice_table(data: dict | None) -> list | None:
    """Build the invoice table and its phone cards as assets/invoice-table.js does."""
    if not data:
        return None
    if not data["rows"]:
        return html.P(_("Nessuna fattura emessa nell'anno scelto."), className="hint")
    columns, sort = data["columns"], data["sort"]
    rows = [html.Tr([_explained(column, data["explain"][r], row[0]) if column[0] == "numero"
                     else _cell(column, row[i], row[0]) for i, column in enumerate(columns)])
            for r, row in enumerate(data["rows"])]
    table = html.Table(className="invoices", children=[
        html.Thead(html.Tr([_header(column, sort) for column in columns])), html.Tbody(rows)])
    cards = html.Ul(className="invoice-cards", children=[
        _card(columns, row, data["cards"][i], data["explain"][i])
        for i, row in enumerate(data["rows"])])
    return [table, cards]


def _header(column: list, sort: list | None) -> html.Th:
    """Write a column header; a sortable one submits the form with its order (?ordina=…)."""
    key, title, sortable, numeric = column[:4]
    if not sortable:
        return html.Th(title, scope="col", className="num" if numeric else None)
    state = "none"
    if sort and sort[0] == key:
        state = "descending" if sort[1] else "ascending"
    arrow = {"ascending": " ▲", "descending": " ▼", "none": ""}[state]
    order = f"-{key}" if state == "ascending" else key
    return html.Th(scope="col", className="num" if numeric else None,
                   **{"aria-sort": state}, children=html.Button(
                       [title, html.Span(arrow, **{"aria-hidden": "true"})], className="sort",
                       type="submit", name="ordina", value=order, form=PREFIX + FORM,
                       title=_("Ordina per %(column)s", column=title.lower())))


def _cell(column: list, value: str, number: str) -> html.Td:
    """Write one cell; a PDF column links the document."""
    title, numeric, link = column[1], column[3], column[4]
    content: object = value
    if link:
        label = f"PDF {title} {number}"
        content = html.A("PDF", href=value, target="_blank", rel="noopener", title=label,
                         **{"aria-label": label})
    return html.Td(content, className="num" if numeric else None)


def _explained(column: list, href: str, number: str) -> html.Td:
    """Link the invoice number to «Capire la bolletta»."""
    return html.Td(html.A(number, href=href,
                          title=_("Capire la bolletta: fattura %(number)s", number=number)),
                   className="num", **{"data-label": column[1]})


def _card(columns: list, row: list, title: str, explain: str | None) -> html.Li:
    """Write an invoice as a phone's card: a <details> that opens for the rest."""
    facts, links = [], []
    for i, column in enumerate(columns):
        if column[5]:
            continue
        if column[4]:
            label = f"{column[1]} {row[0]} (PDF)"
            links.append(html.A(f"{column[1]} (PDF)", href=row[i], target="_blank",
                                rel="noopener", title=label, className="button",
                                **{"aria-label": label}))
            continue
        facts += [html.Dt(column[1]), html.Dd(row[i])]
    if explain:
        links.append(html.A(_("Capire la bolletta"), href=explain, className="button"))
    return html.Li(html.Details(className="invoice-card", children=[
        html.Summary(title), html.Dl(facts), html.P(links, className="card-links")]))


def drill_table(data: dict | None) -> html.Table | None:
    """Build the chart's data table as assets/drill-table.js does."""
    if not data:
        return None
    columns = data["columns"]
    links = data.get("links") or [None] * len(data["rows"])

    def head(row: list, href: str | None) -> html.Th:
        content = html.A(row[0], href=href, title=_("Apri %(label)s", label=row[0])) \
            if href else row[0]
        return html.Th(content, scope="row", **{"data-label": columns[0][0]})

    def cells(row: list) -> list:
        return [html.Td(value, className="num" if columns[i + 1][1] else None,
                        **{"data-label": columns[i + 1][0]}) for i, value in enumerate(row[1:])]

    parts = [html.Caption(data["caption"]),
             html.Thead(html.Tr([html.Th(c[0], scope="col", className="num" if c[1] else None)
                                 for c in columns])),
             html.Tbody([html.Tr([head(row, links[i]), *cells(row)])
                         for i, row in enumerate(data["rows"])])]
    if data.get("footer"):
        parts.append(html.Tfoot(html.Tr([head(data["footer"], None), *cells(data["footer"])])))
    return html.Table(parts, className="drill")


def _as_form(node: Component) -> Component:
    """Turn the controls' card into a GET form: «Visualizza» works without JavaScript."""
    if getattr(node, "className", None) != "card controls":
        return node
    return html.Form(node.children, id=FORM, method="get", action=consumi.PATH,
                     className="card controls")


def _walk(node: object) -> Iterator[Component]:
    """Yield a component tree's components, parents first."""
    if isinstance(node, (list, tuple)):
        for child in node:
            yield from _walk(child)
    elif isinstance(node, Component):
        yield node
        yield from _walk(getattr(node, "children", None))


def _renamed(tree: Component) -> Component:
    """Draw the native controls as plain HTML and prefix every id (and label target)."""
    for node in list(_walk(tree)):
        children = getattr(node, "children", None)
        if isinstance(children, list):
            node.children = [_plain(child) for child in children]
        elif isinstance(children, Component):
            node.children = _plain(children)
    for node in _walk(tree):
        if isinstance(getattr(node, "id", None), str):
            node.id = PREFIX + node.id
        if isinstance(getattr(node, "htmlFor", None), str):
            node.htmlFor = PREFIX + node.htmlFor
    return tree


def _plain(node: object) -> object:
    """Replace a controls.js component with the HTML it draws; leave the rest."""
    if isinstance(node, Select):
        return _native_select(node)
    if isinstance(node, RadioGroup):
        return _native_radios(node)
    return node


def _native_select(select: Select) -> html.Div:
    """Stand in for controls.js's Select: the same box, a select the form submits."""
    options = select.options
    at = next((i for i, o in enumerate(options) if str(o["value"]) == str(select.value)), -1)
    items = [html.Option(o["label"], value=str(o["value"]), selected=i == at)
             for i, o in enumerate(options)]
    placeholder = getattr(select, "placeholder", None) or ""
    if at < 0:
        items.insert(0, html.Option(placeholder, value="", disabled=True, selected=True))
    face = options[at]["label"] if at >= 0 else placeholder
    return html.Div(className="select ", children=[
        html.Span(face, className="select-face" + ("" if at >= 0 else " empty"),
                  **{"aria-hidden": "true"}),
        html.Select(items, id=select.id, name=FIELD_NAMES.get(select.id, select.id))])


def _native_radios(group: RadioGroup) -> html.Fieldset:
    """Stand in for controls.js's RadioGroup: radios the form submits (?vista=…).

    Dash's html has no <input>: the radios are written here, escaped.
    """
    radios = "".join(
        f'<label><input type="radio" name="vista" value="{escape(o["value"])}"'
        f'{" checked" if o["value"] == group.value else ""} form="{PREFIX}{FORM}">'
        f"<span>{escape(o['label'])}</span></label>" for o in group.options)
    legend = html.Legend(group.legend, className=getattr(group, "legendClassName", None))
    return html.Fieldset([legend, Markup(radios)], id=group.id,
                         className="radio-group " + (getattr(group, "className", None) or ""))
