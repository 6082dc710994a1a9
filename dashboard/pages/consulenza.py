"""«Consulenza energetica»: the member gives or revokes consent, and compares with similar homes.

Consent is the member's own act: only `access.may_write` viewers change it. Each grant is a row
of advisor_consent, stamped when revoked, and the page lists them all: that table is the
member's record of their own steps (the hash-chained trail accounts for staff accesses, and the
advisors' accesses under this consent appear in «Chi ha consultato i miei dati»).
"""
from __future__ import annotations

from dash import Dash, Input, Output, ctx, html, no_update

from models import db
from models.advice import (
    consent_history,
    consent_since,
    give_consent,
    latest_report,
    revoke_consent,
)
from models.entities import utcnow
from models.enums import ContractStatus

from .. import access, branding, ids
from .. import advice as adv
from .. import formatting as fmt
from ..advice_view import coverage, peers_block, table
from ..auth.identity import current_viewer
from ..i18n import N_, _
from .common import contract_label, notice, page_title

PATH = "/consulenza"
TITLE = N_("Consulenza energetica")
REPORT_PATH = "/consulenza/relazione.pdf"
SIMILAR = "consulenza-simili"
REPORT = "consulenza-relazione"
READ_ONLY = N_("Stai visualizzando l'area di un cliente in sola lettura: il consenso può darlo "
             "o revocarlo solo il cliente.")
GIVEN = N_("Grazie: da adesso i consulenti energetici della cooperativa possono analizzare i "
         "tuoi consumi e i dati tecnici delle tue forniture.")
REVOKED = N_("Consenso revocato: da questo momento i consulenti non vedono più i tuoi dati.")


def status(customer_id: int) -> list:
    """Show whether consent is in force, since when, and its history."""
    since = consent_since(db.session, customer_id)
    text = (_("Non hai dato il consenso: nessun consulente vede i tuoi dati.") if since is None
            else _("Consenso in vigore dal %(moment)s.", moment=fmt.moment(since)))
    return [html.H2(_("Il tuo consenso")), html.P(text, className="current-mode"),
            *history(customer_id)]


def buttons_hidden(customer_id: int, can_write: bool) -> tuple[bool, bool]:
    """Tell which of «Concedi» and «Revoca» to hide: only the member sees the one that applies."""
    given = consent_since(db.session, customer_id) is not None
    return given or not can_write, not given or not can_write


def history(customer_id: int) -> list:
    """List every grant and revocation, newest first."""
    grants = consent_history(db.session, customer_id)
    if not grants:
        return []
    rows = [[fmt.moment(g.given_at), fmt.moment(g.revoked_at) if g.revoked_at else _("In vigore")]
            for g in grants]
    return [html.H3(_("Storico del consenso")),
            table(_("Quando hai dato e revocato il consenso, dal più recente"),
                  [_("Concesso il"), _("Revocato il")], rows)]


def similar(customer_id: int) -> list:
    """Compare each active supply with similar homes: «Famiglie simili alla tua»."""
    blocks: list = []
    today = utcnow().date()
    supplies = [c for c in access.contracts(current_viewer())
                if c.status is ContractStatus.ACTIVE and c.customer_id == customer_id]
    for contract in supplies:
        found = adv.analysis(contract, today)
        blocks += peers_block(_("Famiglie simili alla tua – %(supply)s",
                                supply=contract_label(contract)),
                              found.use, found.peers, _("La tua fornitura"))
    return blocks or [html.H2(_("Famiglie simili alla tua")),
                      html.P(_("Non hai forniture attive da confrontare."))]


def report_link(customer_id: int, can_write: bool) -> list:
    """Offer the latest «Relazione di consulenza», if an advisor wrote one."""
    report = latest_report(db.session, customer_id)
    if report is None or not can_write:
        return []
    return [html.H2(_("Relazione di consulenza")),
            html.P(_("Versione %(version)s del %(moment)s, scritta da %(advisor)s.",
                     version=report.version, moment=fmt.moment(report.created_at),
                     advisor=report.advisor_name)),
            html.A(_("Scarica la relazione (PDF)"), href=REPORT_PATH, className="button",
                   target="_blank", rel="noopener")]


def layout(search: str) -> list:
    """Build the page's frame; show() fills it for the viewer."""
    # The buttons live in the frame, not in what the callbacks redraw: a button drawn by a
    # callback counts as new to Dash, which would then run its callback with no click.
    return page_title(_(TITLE), _("Un consulente %(name)s può aiutarti a usare meglio "
                                  "l'energia e a spendere meno, se tu lo vuoi.",
                                  name=branding.current().name)) + [
        html.Section(className="card", children=[html.H2(_("Che cosa comprende")),
                                                 *coverage()]),
        html.Section(className="card", children=[
            html.Div(id=adv.CONSENT_STATUS),
            html.Div(className="actions", children=[
                html.Button(_("Concedi il consenso"), id=adv.CONSENT_GIVE,
                            className="button primary", n_clicks=0, hidden=True),
                html.Button(_("Revoca il consenso"), id=adv.CONSENT_REVOKE, className="button",
                            n_clicks=0, hidden=True)]),
        ]),
        html.Div(id=adv.CONSENT_MESSAGE, **{"aria-live": "polite"}),
        html.Section(id=SIMILAR, className="card"),
        html.Section(id=REPORT, className="card"),
    ]


def show(_search: object) -> tuple:
    """Show the consent, the similar homes and the report of the member whose area this is."""
    viewer = current_viewer()
    customer = access.customer(viewer)
    if customer is None:
        return [notice(_("Questa pagina riguarda i dati di un socio."))], True, True, [], []
    can_write = access.may_write(viewer)
    return (status(customer.id), *buttons_hidden(customer.id, can_write), similar(customer.id),
            report_link(customer.id, can_write))


def clicked(value: object) -> bool:
    """Tell whether a button's n_clicks says it was pressed."""
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def decide(give: object, revoke: object) -> tuple:
    """Give or revoke the member's consent, at once, and redraw its state."""
    viewer = current_viewer()
    pressed = {adv.CONSENT_GIVE: give, adv.CONSENT_REVOKE: revoke}.get(ctx.triggered_id)
    if not clicked(pressed):
        return no_update, no_update, no_update, no_update
    if not access.may_write(viewer):
        return no_update, no_update, no_update, notice(_(READ_ONLY), "alert")
    customer_id = viewer.customer_id
    if ctx.triggered_id == adv.CONSENT_GIVE:
        changed = give_consent(db.session, customer_id, utcnow())
        message = _(GIVEN) if changed else _("Il consenso era già in vigore: non è cambiato nulla.")
    else:
        changed = revoke_consent(db.session, customer_id, utcnow())
        message = _(REVOKED) if changed else _("Non c'era un consenso da revocare.")
    db.session.commit()
    return (status(customer_id), *buttons_hidden(customer_id, True), notice(message))


def register_callbacks(app: Dash) -> None:
    """Wire the page and its consent buttons on this app instance."""
    app.callback(
        Output(adv.CONSENT_STATUS, "children"), Output(adv.CONSENT_GIVE, "hidden"),
        Output(adv.CONSENT_REVOKE, "hidden"), Output(SIMILAR, "children"),
        Output(REPORT, "children"), Input(ids.URL, "search"),
    )(show)
    app.callback(
        Output(adv.CONSENT_STATUS, "children", allow_duplicate=True),
        Output(adv.CONSENT_GIVE, "hidden", allow_duplicate=True),
        Output(adv.CONSENT_REVOKE, "hidden", allow_duplicate=True),
        Output(adv.CONSENT_MESSAGE, "children"),
        Input(adv.CONSENT_GIVE, "n_clicks"), Input(adv.CONSENT_REVOKE, "n_clicks"),
        prevent_initial_call=True,
    )(decide)
