"""«Capire la bolletta» (/capire?fattura=ID): an invoice walked from the readings to the total.

A thin view over dashboard/explain.py. The invoice id in the URL is only a selector inside
what the access gate lets this viewer see: someone else's invoice, a missing one and a
malformed id all read «Fattura non trovata». Staff viewing a member's area see the same page,
read-only (nothing here writes), and the router records the access before the page is built.
While the screen is shared, the supply's house number is masked like on the PDFs.
"""
from __future__ import annotations

from dash import dcc, html
from sqlalchemy.orm import Session

from models import Contract, Invoice, db
from models.billing import MonthUse, SupplyTerms
from models.queries import billed_invoices, monthly_consumption

from .. import access, masking
from .. import formatting as fmt
from ..auth.identity import current_viewer
from ..documents.source import build_invoice_document
from ..explain import Explanation, Step, Table, explain, months_of
from ..i18n import N_, _
from ..tables import EXPLAIN_PARAM, EXPLAIN_PATH, explain_url, pdf_url
from . import picker
from .common import contract_label, notice, page_title, sharing_screen

PATH = EXPLAIN_PATH
TITLE = N_("Capire la bolletta")
LATEST = 6   # invoices per contract listed on the page without an invoice chosen


def layout(search: str) -> list:
    """Build the explanation of the invoice in ?fattura=…, or the list of invoices to pick from."""
    viewer = current_viewer()
    fields = picker.query_fields(search)
    if EXPLAIN_PARAM not in fields:
        return _choose(viewer)
    invoice_id = access.invoice(viewer, fields[EXPLAIN_PARAM])
    if invoice_id is None:
        return not_found()
    try:
        explanation, invoice = explanation_for(db.session, invoice_id, masked=sharing_screen())
    except ValueError:   # the invoice's data do not add up: the PDFs refuse it too
        return page_title(_(TITLE)) + [notice(_(
            "Non riusciamo a spiegare questa fattura perché i suoi dati non tornano. Ci scusiamo: "
            "chiama l'assistenza SECAB e la controlleremo."), "alert")]
    return view(explanation, invoice)


def not_found() -> list:
    """Answer the same for someone else's, a nonexistent and a malformed invoice."""
    return page_title(_(TITLE), _("Fattura non trovata")) + [
        notice(_("Non troviamo questa fattura tra le tue.")),
        dcc.Link(_("Scegli una fattura"), href=PATH, className="button"),
    ]


def explanation_for(session: Session, invoice_id: int,
                    masked: bool = False) -> tuple[Explanation, Invoice]:
    """Load what the invoice's PDFs print and the months of its period, then explain it."""
    document = build_invoice_document(session, invoice_id)
    if masked:
        document = masking.invoice_document(document)
    invoice = session.get(Invoice, invoice_id)
    contract: Contract = invoice.contract
    terms = SupplyTerms(contract.customer_type, contract.tariff_structure,
                        contract.power_committed_kw, contract.customer.is_member)
    return explain(document, terms, _months(session, invoice)), invoice


def _months(session: Session, invoice: Invoice) -> tuple[MonthUse, ...]:
    """Return the monthly band totals of the invoice's billing period."""
    years = range(invoice.period_start.year, invoice.period_end.year + 1)
    rows = [row for year in years
            for row in monthly_consumption(session, invoice.contract_id, year)]
    return months_of(rows, invoice.period_start.replace(day=1), invoice.period_end)


def view(explanation: Explanation, invoice: Invoice) -> list:
    """Lay the steps out: a heading, its plain words and its tables, one section each."""
    back = f"/consumi?contratto={invoice.contract_id}&anno={invoice.issue_date.year}"
    documents = _("Documenti della fattura")
    return page_title(_(TITLE), explanation.title) + [
        html.P(" · ".join(explanation.facts), className="facts"),
        html.P(_("Qui trovi la tua bolletta passo per passo: dalle letture del contatore ai kWh, "
                 "da ogni voce di spesa alle imposte, fino al totale. Le cifre sono quelle della "
                 "Fattura e della Fattura Dettaglio.")),
        html.Nav(className="downloads", **{"aria-label": documents}, children=[
            html.A(_("Fattura (PDF)"), href=pdf_url(invoice.id, "fattura"), className="button",
                   target="_blank", rel="noopener"),
            html.A(_("Fattura Dettaglio (PDF)"), href=pdf_url(invoice.id, "dettaglio"),
                   className="button", target="_blank", rel="noopener"),
            dcc.Link(_("Torna alle fatture"), href=back, className="button"),
        ]),
        *[_step(number, step) for number, step in enumerate(explanation.steps, start=1)],
        html.P(className="capire-total", children=_bottom_line(explanation)),
    ]


def _bottom_line(explanation: Explanation) -> list:
    """Say what the member pays, or what is left to their credit."""
    if explanation.total < 0:
        return [_("A tuo credito:") + " ", html.Strong(fmt.euro(-explanation.total))]
    return [_("Totale da pagare:") + " ", html.Strong(fmt.euro(explanation.total))]


def _step(number: int, step: Step) -> html.Section:
    """Show one step as a section named by its heading."""
    heading = f"capire-passo-{number}"
    return html.Section(className="card capire-step", **{"aria-labelledby": heading}, children=[
        html.H2(step.title, id=heading),
        *[html.P(text) for text in step.paragraphs],
        *[_table(table) for table in step.tables],
    ])


def _table(table: Table) -> html.Div:
    """Build a table a screen reader can walk: caption, column and row headers, a total row."""
    def row(cells: tuple[str, ...]) -> list:
        return [html.Th(cells[0], scope="row"),
                *[html.Td(cell, className="num", **{"data-label": column})
                  for cell, column in zip(cells[1:], table.columns[1:], strict=True)]]

    parts = [
        html.Caption(table.caption),
        html.Thead(html.Tr([html.Th(column, scope="col", className="num" if i else None)
                            for i, column in enumerate(table.columns)])),
        html.Tbody([html.Tr(row(cells)) for cells in table.rows]),
    ]
    if table.footer:
        parts.append(html.Tfoot(html.Tr(row(table.footer))))
    return html.Div(className="table-wrap", children=html.Table(className="capire", children=parts))


def _choose(viewer) -> list:
    """List the latest invoices of each contract the viewer may see, each linked to its walk."""
    contracts = access.contracts(viewer)
    invoices = billed_invoices(db.session, [c.id for c in contracts])
    lists = []
    for contract in contracts:
        latest = [i for i in invoices if i.contract_id == contract.id][-LATEST:][::-1]
        if not latest:
            continue
        lists.append(html.Section(className="card", children=[
            html.H2(contract_label(contract)),
            html.Ul(className="plain-list", children=[
                html.Li(dcc.Link(_("Fattura n. %(number)s/%(year)s del %(date)s: %(amount)s",
                                   number=i.number, year=i.fiscal_year,
                                   date=fmt.day(i.issue_date), amount=fmt.euro(i.total)),
                                 href=explain_url(i.id)))
                for i in latest
            ]),
        ]))
    intro = _("Scegli una fattura: ti mostriamo come si passa dalle letture del contatore al "
              "totale, voce per voce. Le fatture più vecchie sono nella tabella di "
              "«Visualizzazione consumi».")
    return page_title(_(TITLE)) + [html.P(intro)] + (
        lists or [notice(_("Non ci sono ancora fatture da spiegare."))])
