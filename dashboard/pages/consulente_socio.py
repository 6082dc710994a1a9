"""A consenting member's analysis for the advisor: year by band, what-if, similar homes, report.

?id= names the member and ?contratto= one of their supplies; both are only selectors: without
consent in force, and for an unknown or malformed id, the page answers the same. The layout and
each callback ask the gate and record the access again, so a revocation stops a page already
open at its next request.
"""
from __future__ import annotations

from dataclasses import replace

from dash import Dash, Input, Output, State, dcc, html, no_update

from models import AccessKind, Account, Contract, Customer, db
from models.advice import MAX_REPORT_CHARS, report_versions, save_report
from models.entities import utcnow
from models.queries import contracts_of_customer

from .. import advice as adv
from .. import formatting as fmt
from .. import ids, masking
from ..advice_view import (
    band_split,
    curve_block,
    peers_block,
    price_inputs,
    share_slider,
    supply_block,
    table,
    what_if_table,
)
from ..audit import REFUSED, AccessNotRecorded, refused_page
from ..auth.identity import current_viewer
from ..i18n import N_, _
from .common import contract_label, notice, page_title, shown
from .picker import query_fields

PATH = "/consulente/socio"
TITLE = N_("Analisi del socio")
CSV_PATH = "/consulente/socio.csv"
XLSX_PATH = "/consulente/socio.xlsx"
PDF_PATH = "/consulente/relazione.pdf"
REPORT_VERSIONS = "consulente-relazione-versioni"
PAGE_TARGET = "Consulenza energetica: analisi dei consumi"
WHATIF_TARGET = "Consulenza energetica: simulazione tariffaria"
REPORT_TARGET = "Consulenza energetica: relazione salvata"
PRICES_INVALID = N_("Controlla i prezzi: ognuno è un numero da 0 a 9,99 € per kWh, con la "
                  "virgola per i decimali.")
SHARE_INVALID = N_("Scegli con il cursore una quota da 0% a 100%.")
NO_YEAR = N_("Senza dodici mesi di consumi la simulazione non è possibile.")
EMPTY_REPORT = N_("Scrivi le raccomandazioni prima di salvare.")


def unknown() -> list:
    """Answer for a member without consent, an unknown id and a malformed one alike."""
    return page_title(_(TITLE)) + [notice(_(adv.UNKNOWN), "alert"),
                                   html.A(_("Torna all'elenco"), href="/consulente",
                                          className="button")]


def supply_links(customer: Customer, supplies: list[Contract], chosen: Contract) -> list:
    """Link each of the member's supplies, the chosen one marked."""
    if len(supplies) < 2:
        return []
    return [html.Nav(className="choices", **{"aria-label": _("Forniture del socio")}, children=[
        html.A(contract_label(c), href=f"{PATH}?id={customer.id}&contratto={c.id}",
               className="button primary" if c.id == chosen.id else "button",
               **({"aria-current": "page"} if c.id == chosen.id else {}))
        for c in supplies])]


def versions_list(customer_id: int) -> list:
    """List the saved versions of the report, newest first."""
    versions = report_versions(db.session, customer_id)
    if not versions:
        return [html.P(_("Nessuna relazione salvata finora."))]
    rows = [[str(v.version), fmt.moment(v.created_at), v.advisor_name] for v in versions]
    return [table(_("Versioni della relazione, dalla più recente"),
                  [_("Versione"), _("Salvata il"), _("Consulente")], rows),
            html.A(_("Scarica la relazione (PDF)"),
                   href=f"{PDF_PATH}?id={customer_id}", className="button",
                   target="_blank", rel="noopener")]


def report_form(customer_id: int) -> list:
    """Build the form for the recommendations, filled with the latest version."""
    versions = report_versions(db.session, customer_id)
    return [html.H2(_("Relazione di consulenza")),
            html.Label(_("Raccomandazioni per il socio"), htmlFor=adv.REPORT_TEXT),
            dcc.Textarea(id=adv.REPORT_TEXT, value=versions[0].text if versions else "",
                         maxLength=MAX_REPORT_CHARS, rows=8, className="text-input wide"),
            html.Button(_("Salva una nuova versione"), id=adv.REPORT_SAVE,
                        className="button primary", n_clicks=0),
            html.Div(id=adv.REPORT_RESULT, **{"aria-live": "polite"}),
            html.Div(id=REPORT_VERSIONS, children=versions_list(customer_id))]


def layout(search: str) -> list:
    """Show the member's analysis, the access recorded first."""
    fields = query_fields(search)
    try:
        customer = adv.advised(current_viewer(), fields.get("id"), AccessKind.PAGE,
                               PAGE_TARGET)
    except AccessNotRecorded:
        return refused_page()
    if customer is None:
        return unknown()
    contract = adv.chosen_supply(customer, fields.get("contratto"))
    if contract is None:
        return unknown()
    found = adv.analysis(contract, utcnow().date())
    supplies = contracts_of_customer(db.session, customer.id)
    query = f"?id={customer.id}&contratto={contract.id}"
    return page_title(_("Analisi del socio: %(name)s", name=customer.name),
                      _("Codice cliente %(code)s", code=customer.code)) + [
        *supply_links(customer, supplies, contract),
        html.Section(className="card", children=supply_block(_supply(contract))),
        html.Section(className="card", children=band_split(found.first, found.last, found.use)),
        html.Section(className="card", children=curve_block(found.curve)),
        html.Section(className="card", children=peers_block(
            _("Forniture simili"), found.use, found.peers, _("Questa fornitura"))),
        html.Section(className="card form-card", children=[
            html.H2(_("Simulazione tariffaria")),
            html.P(_("Prezzi unitari dell'energia, modificabili: la simulazione usa i consumi "
                     "reali per fascia degli ultimi dodici mesi.")),
            price_inputs(adv.default_prices()), share_slider(),
            html.Div(id=adv.WHATIF_RESULT, **{"aria-live": "polite"}),
        ]),
        html.Div(className="actions", children=[
            html.A(_("Scarica i dati in CSV"), href=CSV_PATH + query, className="button"),
            html.A(_("Scarica in Excel (XLSX)"), href=XLSX_PATH + query, className="button")]),
        html.Section(className="card form-card", children=report_form(customer.id)),
    ]


def simulate(share: object, mono: object, bi_f1: object, bi_f23: object, multi_f1: object,
             multi_f2: object, multi_f3: object, search: object) -> list:
    """Price the member's year under the three structures with the advisor's prices."""
    prices = (mono, bi_f1, bi_f23, multi_f1, multi_f2, multi_f3)
    fields = query_fields(search)
    try:
        customer = adv.advised(current_viewer(), fields.get("id"), AccessKind.PAGE,
                               WHATIF_TARGET)
    except AccessNotRecorded:
        return [notice(_(REFUSED), "alert")]
    contract = adv.chosen_supply(customer, fields.get("contratto")) if customer else None
    if contract is None:
        return [notice(_(adv.UNKNOWN), "alert")]
    parsed = adv.read_prices(dict(zip(adv.PRICE_LABELS, prices, strict=True)))
    moved = adv.read_share(share)
    if parsed is None:
        return [notice(_(PRICES_INVALID), "alert")]
    if moved is None:
        return [notice(_(SHARE_INVALID), "alert")]
    use = adv.analysis(contract, utcnow().date()).use
    if use is None:
        return [notice(_(NO_YEAR))]
    return what_if_table(adv.what_if(use, parsed, moved))


def clean_text(raw: object) -> str | None:
    """Keep the report's printable text and line breaks; None if it is not text."""
    if not isinstance(raw, str):
        return None
    return "".join(c for c in raw.replace("\r\n", "\n") if c.isprintable() or c == "\n").strip()


def save(clicks: object, text: object, search: object) -> tuple:
    """Store the recommendations as a new version; earlier ones stay."""
    if not isinstance(clicks, int) or isinstance(clicks, bool) or clicks < 1:
        return no_update, no_update   # drawn, not pressed
    viewer = current_viewer()
    fields = query_fields(search)
    try:
        customer = adv.advised(viewer, fields.get("id"), AccessKind.ACTION, REPORT_TARGET)
    except AccessNotRecorded:
        return notice(_(REFUSED), "alert"), []
    if customer is None:
        return notice(_(adv.UNKNOWN), "alert"), []
    body = clean_text(text)
    if not body:
        return notice(_(EMPTY_REPORT), "alert"), versions_list(customer.id)
    if len(body) > MAX_REPORT_CHARS:
        return notice(_("Il testo è troppo lungo: al massimo %(max)s caratteri.",
                        max=fmt.number(MAX_REPORT_CHARS)), "alert"), versions_list(customer.id)
    contract = adv.chosen_supply(customer, fields.get("contratto"))
    advisor = db.session.get(Account, viewer.account_id)
    report = save_report(db.session, customer.id, contract.id if contract else None, body,
                         viewer.account_id, advisor.display_name if advisor else viewer.email,
                         utcnow())
    db.session.commit()
    return (notice(_("Relazione salvata: versione %(version)s.", version=report.version)),
            versions_list(customer.id))


def _supply(contract: Contract) -> adv.SupplyFacts:
    """Return the supply's technical data, its house number masked while sharing the screen."""
    facts = adv.supply_facts(contract)
    return replace(facts, address=shown(facts.address, masking.street))


def register_callbacks(app: Dash) -> None:
    """Wire the what-if and the report form on this app instance."""
    app.callback(
        Output(adv.WHATIF_RESULT, "children"),
        Input(adv.WHATIF_SHARE, "value"),
        *[Input(adv.WHATIF_PRICE_PREFIX + key, "value") for key in adv.PRICE_LABELS],
        Input(ids.URL, "search"),
    )(simulate)
    app.callback(
        Output(adv.REPORT_RESULT, "children"), Output(REPORT_VERSIONS, "children"),
        Input(adv.REPORT_SAVE, "n_clicks"), State(adv.REPORT_TEXT, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
        running=[(Output(adv.REPORT_SAVE, "disabled"), True, False)],
    )(save)
