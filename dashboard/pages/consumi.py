"""Visualizzazione consumi: pick contract and year, see the F1/F2/F3 chart and the invoices."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from models import Contract, db
from models.queries import invoices_issued_in, monthly_consumption, years_with_data

from .. import access, figures, ids, tables
from .. import formatting as fmt
from ..auth.identity import current_viewer
from . import picker
from .common import contract_label, notice, page_title

PATH = "/consumi"
BY_MONTH, BY_PERIOD = "mesi", "periodi"
YEAR_RANGE = range(1990, 2101)


@dataclass(frozen=True)
class Selection:
    """What the URL asks to show; every field is still untrusted."""

    contract: str | None = None
    year: int | None = None
    view: str = BY_MONTH
    sort: tuple[str, bool] | None = None   # (column, descending) of the invoice table


def parse_selection(search: object) -> Selection:
    """Read ?contratto=…&anno=…&vista=… from an untrusted query string."""
    first = picker.query_fields(search)
    year = parse_year(first.get("anno"))
    view = BY_PERIOD if first.get("vista") == BY_PERIOD else BY_MONTH
    return Selection(first.get("contratto"), year, view, tables.parse_sort(first.get("ordina")))


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
                     sort: tuple[str, bool] | None = None) -> str:
    """Write the query string that shows a contract and year (view and order if not default)."""
    query: dict = {"contratto": contract_id, "anno": year}
    if view == BY_PERIOD:
        query["vista"] = BY_PERIOD
    if sort is not None:
        key, descending = sort
        query["ordina"] = f"-{key}" if descending else key
    return "?" + urlencode(query)


def year_options(contract: Contract | None) -> list[dict]:
    """List the years that have data for the contract, newest first."""
    if contract is None:
        return []
    return [{"label": str(y), "value": y} for y in years_with_data(db.session, contract.id)]


def layout(search: str) -> list:
    """Build the page with the controls preset from the URL."""
    viewer = current_viewer()
    contracts = access.contracts(viewer)
    selection = parse_selection(search)
    chosen = access.contract(viewer, selection.contract)
    if chosen is None and len(contracts) == 1:
        chosen = contracts[0]
    years = year_options(chosen)
    year = selection.year if any(o["value"] == selection.year for o in years) else None
    if year is None and years:
        year = years[0]["value"]
    return page_title(
        "Visualizzazione consumi",
        "Scegli il contratto e l'anno, poi premi «Visualizza».",
    ) + [
        html.Div(className="card controls", children=[
            html.Div(className="field wide", children=[
                html.Label("Contratto", htmlFor=ids.CONTRACT),
                dcc.Dropdown(
                    id=ids.CONTRACT, clearable=False, searchable=False,
                    options=[{"label": contract_label(c), "value": c.id} for c in contracts],
                    value=chosen.id if chosen else None, placeholder="Scegli il contratto",
                ),
            ]),
            html.Div(className="field", children=[
                html.Label("Anno", htmlFor=ids.YEAR),
                dcc.Dropdown(id=ids.YEAR, clearable=False, searchable=False, options=years,
                             value=year, placeholder="Scegli l'anno"),
            ]),
            html.Button("Visualizza", id=ids.CONFIRM, className="button primary", n_clicks=0),
            html.Div(id=ids.FORM_MESSAGE),
        ]),
        picker.rendered(ids.CONSUMI_RENDERED, search),
        html.Section(id=ids.RESULT, hidden=True, className="result", children=[
            html.Div(id=ids.RESULT_MESSAGE),
            html.Div(className="card", children=[
                html.Div(className="chart-head", children=[
                    html.H2("Energia prelevata per fasce F1 – F2 – F3"),
                    dcc.RadioItems(
                        id=ids.VIEW, className="switch", inline=True, value=selection.view,
                        options=[{"label": "Per mese", "value": BY_MONTH},
                                 {"label": "Per periodo di fatturazione", "value": BY_PERIOD}],
                    ),
                ]),
                dcc.Graph(id=ids.GRAPH, config=figures.GRAPH_CONFIG, className="graph"),
                html.Div(id=ids.TOTALS),
            ]),
            html.Div(className="card", children=[
                html.H2("Riepilogo fatture"),
                dcc.Store(id=ids.GRID_DATA),
                html.Div(id=ids.GRID, className="table-scroll"),
            ]),
        ]),
    ]


def totals_block(totals: tables.BandTotals, year: int) -> html.Div:
    """Show the year's total and each band's kWh and share."""
    return html.Div(className="totals", children=[
        html.Div(className="total main", children=[
            html.Span(f"Totale {year}"), html.Strong(fmt.kwh(totals.total)),
        ]),
        *[
            html.Div(className=f"total band-{band.lower()}", title=figures.BAND_HINTS[band],
                     children=[
                         html.Span(band),
                         html.Strong(fmt.kwh(getattr(totals, band.lower()))),
                         html.Small(totals.share(band)),
                     ])
            for band in figures.BANDS
        ],
    ])


def show(search: object, _rendered: object = None) -> tuple:
    """Compute the chart, totals, table rows and message for the URL's selection."""
    selection = parse_selection(search)
    hidden_result = (no_update, no_update, None, None, True)
    if selection.contract is None:
        return hidden_result
    viewer = current_viewer()
    contract = access.contract(viewer, selection.contract)
    if contract is None:
        message = notice("Contratto non trovato tra i tuoi contratti. Sceglilo dall'elenco.",
                         "alert")
        return no_update, no_update, None, message, False
    years = years_with_data(db.session, contract.id)
    if selection.year not in years:
        message = notice("Per l'anno indicato non ci sono dati su questo contratto. "
                         "Scegli un anno dall'elenco.", "alert")
        return no_update, no_update, None, message, False
    months = monthly_consumption(db.session, contract.id, selection.year)
    invoices = invoices_issued_in(db.session, contract.id, selection.year)
    by_period = selection.view == BY_PERIOD
    figure = (figures.consumption_by_period(invoices) if by_period
              else figures.consumption_by_month(months, selection.year))
    empty = notice("Nessuna fattura emessa in quest'anno.") if by_period and not invoices else None
    return (figure, totals_block(tables.band_totals(months), selection.year),
            tables.invoice_table_data(tables.invoice_rows(invoices), selection.sort), empty, False)


def navigate(clicks: object, view: object, contract: object, year: object,
             search: object) -> tuple[str, object]:
    """Put the confirmed contract and year (or the new view) into the URL."""
    view = BY_PERIOD if view == BY_PERIOD else BY_MONTH
    # Dash also calls this when the page appears: only a real click or switch may navigate.
    if ctx.triggered_id is None or (ctx.triggered_id == ids.CONFIRM and not clicks):
        raise PreventUpdate
    if ctx.triggered_id == ids.VIEW:
        current = parse_selection(search)
        if current.contract is None or current.year is None:
            raise PreventUpdate
        contract, year, sort = current.contract, current.year, current.sort
    else:
        sort = None  # a new contract or year starts in issue order
    chosen = access.contract(current_viewer(), contract)
    year = parse_year(year)
    if chosen is None or year is None:
        return no_update, notice("Scegli il contratto e l'anno da visualizzare.", "alert")
    target = selection_search(chosen.id, year, view, sort)
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
    current = parse_selection(search)
    chosen = access.contract(current_viewer(), current.contract)
    if chosen is None or current.year is None:
        raise PreventUpdate
    descending = current.sort == (key, False)
    return selection_search(chosen.id, current.year, current.view, (key, descending))


def update_years(contract_id: object, year: object) -> tuple[list[dict], object]:
    """Offer the chosen contract's years, keeping the chosen year when it has data."""
    options = year_options(access.contract(current_viewer(), contract_id))
    values = [o["value"] for o in options]
    return options, (year if year in values else (values[0] if values else None))


def register_callbacks(app: Dash) -> None:
    """Wire the page's callbacks on this app instance."""
    app.callback(
        Output(ids.GRAPH, "figure"), Output(ids.TOTALS, "children"),
        Output(ids.GRID_DATA, "data"), Output(ids.RESULT_MESSAGE, "children"),
        Output(ids.RESULT, "hidden"),
        Input(ids.URL, "search"), Input(ids.CONSUMI_RENDERED, "data"),
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
        Output(ids.YEAR, "options"), Output(ids.YEAR, "value"),
        Input(ids.CONTRACT, "value"), State(ids.YEAR, "value"),
        prevent_initial_call=True,
    )(update_years)
    app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        *[Input(ids.SORT_PREFIX + key, "n_clicks") for key in sorted(tables.SORT_KEYS)],
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )(reorder)
