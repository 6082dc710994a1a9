"""Situazione contabile: invoices, payments received, what is due and what is late, per year."""
from __future__ import annotations

from dash import Dash, Input, Output, State, html

from models import Contract
from models.statement import ZERO, Statement

from .. import access, ids
from .. import formatting as fmt
from .. import statement as builders
from ..auth.identity import current_viewer
from ..i18n import N_, _
from ..services.statements import contract_refs, default_scope, statement_of
from . import picker
from .common import notice, page_title

PATH = "/contabilita"
# Column labels are marked here and translated by table().
INVOICE_COLUMNS = (("number", N_("Fattura")), ("issued", N_("Emessa il")),
                   ("due", N_("Scadenza")), ("total", N_("Importo €")),
                   ("paid", N_("Pagato €")), ("paid_on", N_("Pagata il")),
                   ("left", N_("Da pagare €")), ("status", N_("Stato")))
RECEIPT_COLUMNS = (("date", N_("Data")), ("amount", N_("Importo")), ("channel", N_("Modalità")),
                   ("covers", N_("Fatture pagate")))
MONEY_COLUMNS = {"total", "paid", "left", "invoiced", "amount"}
NARROW_HIDDEN = {"count"}   # on a phone the year totals keep only the money


def scope_value(search: object, contracts: list[Contract]) -> object:
    """Return the URL's choice of contracts, or the default one."""
    raw = picker.requested(search)
    return raw if raw is not None else default_scope(contracts)


def summary_card(summary: builders.Summary) -> html.Section:
    """Show the headline: in order, due by a date, or overdue (as an alert)."""
    role = "alert" if summary.kind == "overdue" else "status"
    return html.Section(className=f"card summary summary-{summary.kind}", role=role, children=[
        html.H2([summary.title, " ", html.Span(summary.figure, className="nowrap")]),
        html.Ul([html.Li(line) for line in summary.lines]),
    ])


def tiles(statement: Statement) -> html.Div:
    """Show the balance due now, the overdue part and the next due date as large figures."""
    balance = max(statement.balance, ZERO)
    next_due = statement.next_due
    late = statement.overdue > 0
    return html.Div(className="tiles", children=[
        html.Div(className="tile", children=[
            html.Span(_("Saldo da pagare")), html.Strong(fmt.euro(balance))]),
        html.Div(className="tile late" if late else "tile", children=[
            html.Span(_("di cui scaduto")), html.Strong(fmt.euro(statement.overdue))]),
        html.Div(className="tile", children=[
            html.Span(_("Prossima scadenza")),
            html.Strong(fmt.day(next_due[0]) if next_due else _("Nessuna")),
            html.Small(fmt.euro(next_due[1]) if next_due else ""),
        ]),
    ])


def downloads(value: object) -> html.Div:
    """Offer the statement as PDF and as CSV for the same choice of contracts."""
    query = picker.search_for(value)
    return html.Div(className="actions", children=[
        html.A(_("Scarica l'estratto conto (PDF)"), className="button",
               href=f"/contabilita/estratto.pdf{query}", target="_blank", rel="noopener"),
        html.A(_("Scarica per Excel (CSV)"), className="button",
               href=f"/contabilita/estratto.csv{query}"),
    ])


def status_cell(row: dict) -> html.Span:
    """Show the status as a coloured badge, saying under it when a remainder is late."""
    late = row["overdue"] and row["status_key"] == "pagata_parzialmente"
    badge = html.Span(row["status_label"], className=f"badge badge-{row['status_key']}")
    note = [html.Small(_("residuo scaduto"), className="late-note")] if late else []
    return html.Span([badge, *note])


def table(columns: tuple[tuple[str, str], ...], rows: list[dict], caption: str,
          late_key: str | None = None, compact: bool = False) -> html.Div:
    """Build an accessible table; on a phone each row becomes a card with labelled values.

    A compact table (few, short columns) stays a table on a phone. The column labels come
    marked with N_() and are translated here.
    """
    columns = tuple((key, _(label)) for key, label in columns)
    def classes(key: str) -> str | None:
        names = [name for name, wanted in (("num", key in MONEY_COLUMNS),
                                            ("status", key == "status"),
                                            ("narrow-hide", key in NARROW_HIDDEN)) if wanted]
        return " ".join(names) or None

    def cell(key: str, label: str, row: dict) -> html.Td:
        content = status_cell(row) if key == "status" else row[key]
        return html.Td(content, className=classes(key), **{"data-label": label})

    kind = "ledger compact" if compact else "ledger"
    return html.Div(className="table-wrap", children=html.Table(className=kind, children=[
        html.Caption(caption),
        html.Thead(html.Tr([html.Th(label, scope="col", className=classes(key))
                            for key, label in columns])),
        html.Tbody([
            html.Tr([cell(key, label, row) for key, label in columns],
                    className="late" if late_key and row.get(late_key) else None)
            for row in rows
        ]),
    ]))


def year_totals(statement: Statement) -> html.Section:
    """Show billed, paid and still owed for each issue year."""
    columns = (("year", N_("Anno")), ("count", N_("Fatture")), ("invoiced", N_("Fatturato")),
               ("paid", N_("Pagato")), ("left", N_("Da pagare")))
    return html.Section(className="card", children=[
        html.H2(_("Totali per anno")),
        table(columns, builders.year_rows(statement), _("Totali delle fatture emesse, per anno"),
              compact=True),
    ])


def year_sections(statement: Statement, refs: dict[int, builders.ContractRef],
                  several: bool) -> list:
    """Show each year's invoices and payments; years with something left start open."""
    columns = ((("street", N_("Fornitura")),) if several else ()) + INVOICE_COLUMNS
    receipts = builders.receipt_rows(statement)
    totals = {y.year: y for y in statement.years}
    newest = max(totals, default=None)
    sections = []
    for year, rows in builders.invoices_by_year(statement, refs):
        left = totals[year].left
        open_ = year == newest or left > 0
        state = (_("da pagare %(amount)s", amount=fmt.euro(left)) if left > 0
                 else _("tutto pagato"))
        paid = [r for r in receipts if r["year"] == year]
        children = [
            html.Summary([html.Strong(str(year)),
                          f" · {builders.invoice_count(len(rows))} · {state}"]),
            table(columns, rows, _("Fatture emesse nel %(year)s", year=year),
                  late_key="overdue"),
        ]
        if paid:
            children.append(table(RECEIPT_COLUMNS, paid,
                                  _("Pagamenti ricevuti nel %(year)s", year=year)))
        sections.append(html.Details(children, open=open_, className="card year"))
    return sections


def render(statement: Statement, refs: dict[int, builders.ContractRef], value: object) -> list:
    """Lay out the whole statement of the chosen contracts."""
    if not statement.invoices:
        return [notice(_("Per questo contratto non ci sono ancora fatture."))]
    return [
        summary_card(builders.summary(statement, refs)),
        tiles(statement),
        downloads(value),
        year_totals(statement),
        html.H2(_("Fatture e pagamenti, anno per anno"), className="section-title"),
        *year_sections(statement, refs, several=len(refs) > 1),
    ]


def layout(search: str) -> list:
    """Build the page: title, the choice of contract (or all), and the statement."""
    contracts = access.contracts(current_viewer())
    value = scope_value(search, contracts)
    known = value == picker.ALL or any(str(c.id) == str(value) for c in contracts)
    return page_title(_("Situazione contabile"),
                      _("Fatture, pagamenti ricevuti e saldo, per un contratto o per tutti.")) + [
        picker.picker(ids.CONTABILITA_SCOPE, contracts, value if known else None, with_all=True),
        html.Div(id=ids.CONTABILITA_BODY),
        picker.rendered(ids.CONTABILITA_RENDERED, search),
    ]


def show(search: object, _rendered: object = None) -> list:
    """Show the statement of the contracts the URL names, if the viewer may see them."""
    viewer = current_viewer()
    value = scope_value(search, access.contracts(viewer))
    contracts = access.contract_scope(viewer, value)
    if not contracts:
        return [notice(_(picker.NOT_FOUND), "alert")]
    return render(statement_of(contracts), contract_refs(contracts), value)


def shown_scope(search: object) -> object:
    """Return the choice the page shows for a query string: a contract's id, or all."""
    viewer = current_viewer()
    value = scope_value(search, access.contracts(viewer))
    if value == picker.ALL:
        return value
    chosen = access.contract(viewer, value)
    return chosen.id if chosen is not None else None


def navigate(value: object, search: object) -> object:
    """Put the chosen contract, or all of them, into the URL."""
    shown = scope_value(search, access.contracts(current_viewer()))
    return picker.navigate(value, shown, allow_all=True)


def register_callbacks(app: Dash) -> None:
    """Wire the page's callbacks on this app instance."""
    app.callback(Output(ids.CONTABILITA_BODY, "children"), Input(ids.URL, "search"),
                 Input(ids.CONTABILITA_RENDERED, "data"))(show)
    app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.CONTABILITA_SCOPE, "value"), State(ids.URL, "search"),
        prevent_initial_call=True,
    )(navigate)
    picker.follow(app, ids.CONTABILITA_SCOPE, shown_scope)
