"""Visualizzazione consumi: pick contract and year, see the F1/F2/F3 chart and the invoices.

For the supplies with quarter-hour curves the chart drills down from the year to a month's
days and a day's quarter hours (?mese=3&giorno=14), and offers the year's heatmap and the
typical day of a month. The URL holds every choice, so reload, back and a shared link keep it.
"""
from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta
from urllib.parse import urlencode

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from models import Contract, db
from models.bands import Bands
from models.queries import invoices_issued_in, monthly_consumption, years_with_data

from .. import access, drill, figures, ids, tables
from .. import formatting as fmt
from ..auth.identity import current_viewer
from ..compare import MAX_YEARS
from ..controls import RadioGroup, Select
from ..drill import BY_MONTH, BY_PERIOD, DAILY, HEATMAP, TYPICAL, VIEWS, YEAR_WIDE, YEARS, Selection
from ..i18n import N_, _
from . import picker
from .common import contract_label, notice, page_title

PATH = "/consumi"
CHART_TITLE = N_("Energia prelevata per fasce F1 – F2 – F3")
YEAR_RANGE = range(1990, 2101)
VIEW_OPTIONS = (  # (view, its name), translated where shown
    (BY_MONTH, N_("Per mese")),
    (BY_PERIOD, N_("Per periodo di fatturazione")),
    (HEATMAP, N_("Mappa di calore")),
    (TYPICAL, N_("Giornata tipo")),
    (YEARS, N_("Anni a confronto")),
    (DAILY, N_("kWh al giorno per periodo")),
)


def view_options() -> list[dict]:
    """Offer the chart's views, named in the viewer's language."""
    return [{"label": _(name), "value": view} for view, name in VIEW_OPTIONS]


def parse_selection(search: object) -> Selection:
    """Read ?contratto=…&anno=…&vista=…&mese=…&giorno=… from an untrusted query string."""
    first = picker.query_fields(search)
    year = parse_year(first.get("anno"))
    view = first.get("vista") if first.get("vista") in VIEWS else BY_MONTH
    month, day, rejected = parse_drill(first, year, view)
    return Selection(first.get("contratto"), year, view, tables.parse_sort(first.get("ordina")),
                     month, day, rejected,
                     parse_years(first.get("anni")) if view == YEARS else ())


def parse_years(raw: object) -> tuple[int, ...]:
    """Read the compared years (?anni=2023-2022) from untrusted input: up to five, no repeats."""
    if not isinstance(raw, str) or len(raw) > 64:  # a few years, not a flood
        return ()
    found: list[int] = []
    for part in raw.split("-"):
        year = parse_year(part)
        if year is not None and year not in found:
            found.append(year)
    return tuple(sorted(found, reverse=True)[:MAX_YEARS])


def parse_small(raw: object, top: int) -> int | None:
    """Read a number 1..top (a month or a day) from untrusted input."""
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 2:
        value = int(raw)
        return value if 1 <= value <= top else None
    return None


def parse_drill(first: dict, year: int | None, view: str) -> tuple[int | None, int | None, bool]:
    """Read the drill-down's month and day; a bad one falls back to the level above."""
    month = parse_small(first.get("mese"), 12)
    day = parse_small(first.get("giorno"), 31)
    rejected = ("mese" in first and month is None) or ("giorno" in first and day is None)
    if day is not None and (month is None or year is None
                            or day > monthrange(year, month)[1]):
        day, rejected = None, True
    if view in YEAR_WIDE:
        return None, None, False  # these views show the whole year
    if view == TYPICAL:
        return month, None, rejected
    return month, day, rejected


def parse_year(raw: object) -> int | None:
    """Read a plausible year from untrusted input."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) == 4:
        value = int(raw)
    else:
        return None
    return value if value in YEAR_RANGE else None


def selection_search(contract_id: int, year: int, view: str,
                     sort: tuple[str, bool] | None = None, month: int | None = None,
                     day: int | None = None, years: tuple[int, ...] = ()) -> str:
    """Write the query string that shows a contract and year (view, drill-down, order)."""
    query: dict = {"contratto": contract_id, "anno": year}
    if view in VIEWS and view != BY_MONTH:
        query["vista"] = view
    if years and view == YEARS:
        query["anni"] = "-".join(map(str, years))
    if month is not None and view in (BY_MONTH, TYPICAL):
        query["mese"] = month
        if day is not None and view == BY_MONTH:
            query["giorno"] = day
    if sort is not None:
        key, descending = sort
        query["ordina"] = f"-{key}" if descending else key
    return "?" + urlencode(query)


def resolved(search: object) -> object:
    """Complete the URL's choice as the page shows it: a member's only contract, its last year.

    A member with one contract sees their data at once, and the controls, the chart and every
    callback agree on what is shown; a foreign or unknown contract stays as the URL says.
    """
    first = picker.query_fields(search)
    viewer = current_viewer()
    if "contratto" in first:
        if "anno" in first:
            return search
        contract = access.contract(viewer, first["contratto"])
    else:
        contracts = access.contracts(viewer)
        contract = contracts[0] if len(contracts) == 1 else None
    years = years_with_data(db.session, contract.id) if contract is not None else []
    if not years:
        return search
    fields = {"contratto": str(contract.id), "anno": str(years[0]), **first}
    return "?" + urlencode(fields)


def chart_title(year: int | None, selection: Selection | None = None) -> str:
    """Name the chart and the year (or the years compared) it shows."""
    title = _(CHART_TITLE)
    if selection is not None and selection.view == YEARS and year is not None:
        return _("%(title)s: anni a confronto", title=title)   # the legend names each year
    return title if year is None else _("%(title)s nel %(year)s", title=title, year=year)


def controls(search: object) -> tuple:
    """Set the contract, its years, the year, the view and the chart's title to the URL's.

    The layout is drawn once per path: after Back, Forward or a link to the same page the
    controls would otherwise still show the choice made before.
    """
    selection = parse_selection(resolved(search))
    chosen = access.contract(current_viewer(), selection.contract)
    if chosen is None:
        raise PreventUpdate
    options = year_options(chosen)
    known = any(o["value"] == selection.year for o in options)
    year = selection.year if known else None
    return chosen.id, options, year, chart_title(year, selection), selection.view


def year_options(contract: Contract | None) -> list[dict]:
    """List the years that have data for the contract, newest first."""
    if contract is None:
        return []
    return [{"label": str(y), "value": y} for y in years_with_data(db.session, contract.id)]


def layout(search: str) -> list:
    """Build the page with the controls preset from the URL."""
    viewer = current_viewer()
    contracts = access.contracts(viewer)
    selection = parse_selection(resolved(search))
    chosen = access.contract(viewer, selection.contract)
    if chosen is None and len(contracts) == 1:
        chosen = contracts[0]
    years = year_options(chosen)
    year = selection.year if any(o["value"] == selection.year for o in years) else None
    if year is None and years:
        year = years[0]["value"]
    return page_title(
        _("Visualizzazione consumi"),
        _("Scegli il contratto e l'anno, poi premi «Visualizza»."),
    ) + [
        html.Div(className="card controls", children=[
            html.Div(className="field wide", children=[
                html.Label(_("Contratto"), htmlFor=ids.CONTRACT),
                Select(
                    id=ids.CONTRACT,
                    options=[{"label": contract_label(c), "value": c.id} for c in contracts],
                    value=chosen.id if chosen else None, placeholder=_("Scegli il contratto"),
                ),
            ]),
            html.Div(className="field", children=[
                html.Label(_("Anno"), htmlFor=ids.YEAR),
                Select(id=ids.YEAR, options=years, value=year, placeholder=_("Scegli l'anno")),
            ]),
            html.Button(_("Visualizza"), id=ids.CONFIRM, className="button primary",
                        n_clicks=0),
            html.Div(id=ids.FORM_MESSAGE),
        ]),
        picker.rendered(ids.CONSUMI_RENDERED, search),
        html.Section(id=ids.RESULT, hidden=True, className="result", children=[
            html.Div(id=ids.RESULT_MESSAGE),
            html.Div(className="card", children=[
                html.Div(className="chart-head", children=[
                    html.H2(chart_title(year if selection.year == year else None, selection),
                            id=ids.CHART_TITLE),
                    RadioGroup(
                        id=ids.VIEW, className="switch", value=selection.view,
                        options=view_options(), legend=_("Vista del grafico"),
                        legendClassName="visually-hidden",
                    ),
                ]),
                html.Nav(id=ids.BREADCRUMBS, className="crumbs",
                         **{"aria-label": _("Livello del grafico")}),
                html.Div(id=ids.DRILL_MESSAGE),
                html.P(id=ids.SUMMARY, className="chart-summary"),
                # The box keeps the chart's room until plotly.js has drawn it (no shift).
                html.Div(className="graph-box", children=dcc.Graph(
                    id=ids.GRAPH, config=figures.graph_config(), className="graph")),
                html.P(id=ids.STATS, className="power-stats"),
                html.Div(id=ids.TOTALS),
                html.Div(id=ids.RECONCILE, className="reconcile"),
                dcc.Store(id=ids.DRILL_DATA),
                # A scrolling box: focusable, so the keyboard can scroll it too.
                html.Div(id=ids.DRILL_TABLE, className="table-scroll drill-table", tabIndex="0",
                         role="region", **{"aria-label": _("Dati del grafico")}),
                html.Div(id=ids.DOWNLOADS, className="downloads"),
            ]),
            html.Div(className="card", children=[
                html.H2(_("Riepilogo fatture")),
                html.P(_("Il numero di ogni fattura apre «Capire la bolletta»: la fattura "
                         "passo per passo, dalle letture al totale."), className="hint"),
                dcc.Store(id=ids.GRID_DATA),
                html.Div(id=ids.GRID, className="table-scroll"),
            ]),
        ]),
    ]


def totals_block(totals: Bands[int], year: int) -> html.Div:
    """Show the year's total and each band's kWh and share."""
    return html.Div(className="totals", children=[
        html.Div(className="total main", children=[
            html.Span(_("Totale %(year)s", year=year)), html.Strong(fmt.kwh(totals.total)),
        ]),
        *[
            html.Div(className=f"total band-{band.lower()}", title=figures.band_hint(band),
                     children=[
                         html.Span(band),
                         html.Strong(fmt.kwh(getattr(totals, band.lower()))),
                         html.Small(tables.band_share(totals, band)),
                     ])
            for band in figures.BANDS
        ],
    ])


def show(search: object, _rendered: object = None) -> tuple:
    """Compute the chart, totals, table rows and message for the URL's selection."""
    selection = parse_selection(resolved(search))
    hidden_result = (no_update, no_update, None, None, True)
    if selection.contract is None:
        return hidden_result
    viewer = current_viewer()
    contract = access.contract(viewer, selection.contract)
    if contract is None:
        message = notice(_(picker.NOT_FOUND), "alert")
        return no_update, no_update, None, message, False
    years = years_with_data(db.session, contract.id)
    if selection.year not in years:
        message = notice(_("Per l'anno indicato non ci sono dati su questo contratto. "
                           "Scegli un anno dall'elenco."), "alert")
        return no_update, no_update, None, message, False
    months = monthly_consumption(db.session, contract.id, selection.year)
    invoices = invoices_issued_in(db.session, contract.id, selection.year)
    by_period = selection.view == BY_PERIOD
    if selection.curve_view:
        figure = no_update  # detail() draws the month, the day, the heatmap or the typical day
    elif by_period:
        figure = figures.consumption_by_period(invoices)
    else:
        figure = figures.consumption_by_month(months, selection.year)
    empty = (notice(_("Nessuna fattura emessa in quest'anno.")) if by_period and not invoices
             else None)
    return (figure, totals_block(tables.band_totals(months), selection.year),
            tables.invoice_table_data(tables.invoice_rows(invoices), selection.sort), empty, False)


def navigate(clicks: object, view: object, contract: object, year: object,
             search: object) -> tuple[str, object]:
    """Put the confirmed contract and year (or the new view) into the URL."""
    view = view if view in VIEWS else BY_MONTH
    # Dash also calls this when the page appears: only a real click or switch may navigate.
    if ctx.triggered_id is None or (ctx.triggered_id == ids.CONFIRM and not clicks):
        raise PreventUpdate
    if ctx.triggered_id == ids.VIEW:
        current = parse_selection(resolved(search))
        # The URL set the view (Back, a link): that is no new choice, the drill-down stays.
        if current.contract is None or current.year is None or current.view == view:
            raise PreventUpdate
        contract, year, sort = current.contract, current.year, current.sort
        month = current.month if view == TYPICAL else None  # the typical day keeps its month
    else:
        sort, month = None, None  # a new contract or year starts in issue order, at the top
    chosen = access.contract(current_viewer(), contract)
    year = parse_year(year)
    if chosen is None or year is None:
        return no_update, notice(_("Scegli il contratto e l'anno da visualizzare."), "alert")
    target = selection_search(chosen.id, year, view, sort, month)
    if target == search:
        raise PreventUpdate  # already showing it: no new history entry
    return target, None


def reorder(*args: object) -> str:
    """Sort the invoice table by the clicked column; a second click reverses the order."""
    *_clicks, search = args
    key = (ctx.triggered_id or "").removeprefix(ids.SORT_PREFIX)
    # Re-rendered headers arrive with no clicks: only a real click sorts.
    if key not in tables.SORT_KEYS or not ctx.triggered or not ctx.triggered[0].get("value"):
        raise PreventUpdate
    current = parse_selection(resolved(search))
    chosen = access.contract(current_viewer(), current.contract)
    if chosen is None or current.year is None:
        raise PreventUpdate
    descending = current.sort == (key, False)
    return selection_search(chosen.id, current.year, current.view, (key, descending),
                            current.month, current.day, current.years)


def page_link(contract_id: int, selection: Selection) -> drill.Link:
    """Return the function that writes this page's address for a view of the same year."""
    def link(view: str, month: int | None, day: int | None) -> str:
        return PATH + selection_search(contract_id, selection.year, view, selection.sort,
                                       month, day)
    return link


def years_link(contract_id: int, selection: Selection) -> drill.YearsLink:
    """Return the function that writes this page's address comparing other years."""
    def link(years: tuple[int, ...]) -> str:
        return PATH + selection_search(contract_id, selection.year, YEARS, selection.sort,
                                       years=years)
    return link


def years_block(years: list[tuple[int, str | None, bool]]) -> list:
    """Offer the years to compare as links that add or remove one; the compared are marked."""
    if not years:
        return []
    items = []
    for year, href, compared in years:
        label = f"✓ {year}" if compared else str(year)
        if href is None:  # the last year compared, or five already: nothing to toggle
            hint = (_("È l'unico anno scelto.") if compared else
                    _("Puoi confrontare al massimo %(count)s anni: togline uno.",
                      count=MAX_YEARS))
            items.append(html.Li(html.Span(label, title=hint, className=(
                "year-choice chosen" if compared else "year-choice disabled"))))
            continue
        action = _("togli dal confronto") if compared else _("aggiungi al confronto")
        items.append(html.Li(dcc.Link([label, html.Span(f" ({action})",
                                                        className="visually-hidden")],
                                      href=href, title=action.capitalize(),
                                      className="year-choice chosen" if compared
                                      else "year-choice")))
    return [html.Span(_("Anni (fino a %(count)s): ", count=MAX_YEARS), className="label"),
            html.Ul(className="month-links", children=items)]


def crumbs_block(crumbs: list[tuple[str, str | None]]) -> html.Ol:
    """Show where the chart is: «2023 › marzo › 14 marzo», each level above a link."""
    return html.Ol([
        html.Li(dcc.Link(label, href=href) if href else
                html.Span(label, **{"aria-current": "location"}))
        for label, href in crumbs
    ])


def months_block(months: list[tuple[str, str | None]]) -> list:
    """Offer the typical day's months as links; the month shown is marked."""
    if not months:
        return []
    return [html.Span(_("Mese: "), className="label"), html.Ul(className="month-links", children=[
        html.Li(dcc.Link(label, href=href) if href else
                html.Strong(label, **{"aria-current": "true"}))
        for label, href in months
    ])]


def downloads_block(contract_id: int, selection: Selection, has_curves: bool) -> list:
    """Offer the view's table as CSV and XLSX and, with curves, the year's quarter hours."""
    query = selection_search(contract_id, selection.year, selection.view, None,
                             selection.month, selection.day, selection.years)
    links = [html.A(_("Scarica la tabella (CSV)"), href=f"{PATH}/tabella.csv{query}",
                    className="button", download=""),
             html.A(_("Scarica la tabella (Excel)"), href=f"{PATH}/tabella.xlsx{query}",
                    className="button", download="")]
    if has_curves:
        year = urlencode({"contratto": contract_id, "anno": selection.year})
        links.append(html.A(_("Scarica i quarti d'ora (CSV)"),
                            href=f"{PATH}/quarti-d-ora.csv?{year}", className="button",
                            download=""))
    return links


def detail(search: object, _rendered: object = None) -> tuple:
    """Draw the curve views and fill the breadcrumbs, summary, table, panel and downloads."""
    selection = parse_selection(resolved(search))
    empty = (no_update, [], None, None, None, None, None, None)
    if selection.contract is None or selection.year is None:
        return empty
    contract = access.contract(current_viewer(), selection.contract)
    if contract is None:
        return empty
    view = drill.compose(contract, selection, page_link(contract.id, selection),
                         years_link(contract.id, selection))
    crumbs = [crumbs_block(view.crumbs), *months_block(view.months), *years_block(view.years)]
    panel = [html.P(line) for line in view.panel] or None
    return (view.figure if view.figure is not None else no_update, crumbs, view.summary,
            view.stats, view.table, panel,
            downloads_block(contract.id, selection, view.has_curves),
            notice(view.message) if view.message else None)


def point_index(click: object) -> int | None:
    """Read the clicked bar's index from untrusted click data."""
    if not isinstance(click, dict) or not isinstance(click.get("points"), list):
        return None
    points = click["points"]
    point = points[0] if points and isinstance(points[0], dict) else {}
    index = point.get("pointNumber", point.get("pointIndex"))
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < 366:
        return None
    return index


def drill_down(click: object, search: object) -> str:
    """Go one level down from the clicked bar: a month's days, a day's quarter hours."""
    index = point_index(click)
    current = parse_selection(resolved(search))
    if index is None or current.year is None:
        raise PreventUpdate
    chosen = access.contract(current_viewer(), current.contract)
    if chosen is None:
        raise PreventUpdate
    year, month, day = current.year, None, None
    if current.view == BY_MONTH and current.level == "year" and index < 12:
        month = index + 1
    elif current.view == BY_MONTH and current.level == "month":
        month, day = current.month, index + 1
    elif current.view == HEATMAP:
        clicked = date(year, 1, 1) + timedelta(days=index)
        month, day = (clicked.month, clicked.day) if clicked.year == year else (None, None)
    if month is None or (day is not None and day > monthrange(year, month)[1]):
        raise PreventUpdate
    return selection_search(chosen.id, year, BY_MONTH, current.sort, month, day)


def update_years(contract_id: object, year: object) -> tuple[list[dict], object]:
    """Offer the chosen contract's years, keeping the chosen year when it has data."""
    options = year_options(access.contract(current_viewer(), contract_id))
    values = [o["value"] for o in options]
    return options, (year if year in values else (values[0] if values else None))


# «Visualizza» while the chart is computed: a spinner (assets/style.css) and aria-busy.
BUSY = [(Output(ids.CONFIRM, "className"), "button primary busy", "button primary"),
        (Output(ids.CONFIRM, "aria-busy"), "true", "false")]


def register_callbacks(app: Dash) -> None:
    """Wire the page's callbacks on this app instance."""
    app.callback(
        Output(ids.GRAPH, "figure"), Output(ids.TOTALS, "children"),
        Output(ids.GRID_DATA, "data"), Output(ids.RESULT_MESSAGE, "children"),
        Output(ids.RESULT, "hidden"),
        Input(ids.URL, "search"), Input(ids.CONSUMI_RENDERED, "data"),
        running=BUSY,
    )(show)
    app.clientside_callback(
        ClientsideFunction(namespace="secab", function_name="invoiceTable"),
        Output(ids.GRID, "children"), Input(ids.GRID_DATA, "data"),
    )
    app.callback(
        Output(ids.URL, "search"), Output(ids.FORM_MESSAGE, "children"),
        Input(ids.CONFIRM, "n_clicks"), Input(ids.VIEW, "value"),
        State(ids.CONTRACT, "value"), State(ids.YEAR, "value"), State(ids.URL, "search"),
        prevent_initial_call=True,
    )(navigate)
    app.callback(
        Output(ids.GRAPH, "figure", allow_duplicate=True),
        Output(ids.BREADCRUMBS, "children"), Output(ids.SUMMARY, "children"),
        Output(ids.STATS, "children"), Output(ids.DRILL_DATA, "data"),
        Output(ids.RECONCILE, "children"), Output(ids.DOWNLOADS, "children"),
        Output(ids.DRILL_MESSAGE, "children"),
        Input(ids.URL, "search"), Input(ids.CONSUMI_RENDERED, "data"),
        prevent_initial_call="initial_duplicate",
    )(detail)
    app.clientside_callback(
        ClientsideFunction(namespace="secab", function_name="drillTable"),
        Output(ids.DRILL_TABLE, "children"), Input(ids.DRILL_DATA, "data"),
    )
    app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.GRAPH, "clickData"), State(ids.URL, "search"),
        prevent_initial_call=True,
    )(drill_down)
    app.callback(
        Output(ids.YEAR, "options"), Output(ids.YEAR, "value"),
        Input(ids.CONTRACT, "value"), State(ids.YEAR, "value"),
        prevent_initial_call=True,
    )(update_years)
    app.callback(
        Output(ids.CONTRACT, "value"), Output(ids.YEAR, "options", allow_duplicate=True),
        Output(ids.YEAR, "value", allow_duplicate=True), Output(ids.CHART_TITLE, "children"),
        Output(ids.VIEW, "value"),
        Input(ids.URL, "search"),
        prevent_initial_call=True,
    )(controls)
    app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        *[Input(ids.SORT_PREFIX + key, "n_clicks") for key in sorted(tables.SORT_KEYS)],
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )(reorder)
