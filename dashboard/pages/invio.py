"""Modalità di invio della bolletta: see the choice in force, change it in two steps, see history.

Step one ("Continua") checks the choice and states what changes and from which bill; step two
("Conferma") saves it. Paper takes effect at once; bolletta web only once the emailed link is
opened (dashboard/area.py). The rules, idempotency included, live in models.delivery; the
transactions and the confirmation email in dashboard/services/delivery.py, which the page calls.
"""
from __future__ import annotations

from datetime import date

from dash import Dash, Input, Output, State, ctx, dcc, html, no_update
from email_validator import EmailNotValidError, validate_email

from models import Contract, db
from models.delivery import (
    LINK_LIFETIME,
    Delivery,
    LinkRequest,
    Result,
    first_bill_affected,
    in_force,
)
from models.entities import utcnow
from models.enums import ContractStatus, DeliveryMode
from models.queries import delivery_changes, open_confirmation

from .. import access, ids, masking
from .. import formatting as fmt
from ..auth.identity import Viewer, current_viewer
from ..controls import RadioGroup
from ..i18n import N_, _
from ..labels import DELIVERY_LABELS, label
from ..services import delivery
from . import picker
from .common import contract_label, notice, page_title, sharing_screen, shown

PATH = "/invio"
MAX_EMAIL = 254
# Characters that would let an address smuggle extra mail headers or recipients.
FORBIDDEN = frozenset("\r\n\0,;<>\"'\\")

# Marked here, translated where shown.
READ_ONLY = N_("Stai visualizzando l'area di un cliente in sola lettura: la modalità di invio "
               "può cambiarla solo il cliente.")
INVALID_REQUEST = N_("La richiesta non è più valida. Scegli di nuovo la modalità e premi "
                     "«Continua».")
STALE = N_("La modalità di invio di questo contratto è cambiata nel frattempo. Controlla quella "
           "attuale qui sopra e, se vuoi, ripeti la scelta.")
CEASED = N_("Il contratto è cessato: non ci sono altre bollette da inviare.")


def parse_email(raw: object) -> tuple[str | None, str | None]:
    """Check an address typed by the member: return it normalised, or a polite error."""
    if not isinstance(raw, str) or not raw.strip():
        return None, _("Scrivi l'indirizzo email a cui vuoi ricevere la bolletta.")
    text = raw.strip()
    if len(text) > MAX_EMAIL:
        return None, _("L'indirizzo email è troppo lungo: al massimo %(count)s caratteri.",
                       count=fmt.number(MAX_EMAIL))
    if any(c in FORBIDDEN or not c.isprintable() or c.isspace() for c in text):
        return None, _("L'indirizzo email contiene spazi o caratteri non ammessi. "
                       "Scrivilo come nome@esempio.it.")
    try:
        checked = validate_email(text, check_deliverability=False, allow_smtputf8=False,
                                 allow_quoted_local=False, allow_domain_literal=False,
                                 strict=True)
    except EmailNotValidError:
        return None, _("Scrivi un indirizzo email valido, ad esempio nome@esempio.it.")
    return checked.normalized.lower(), None


def parse_mode(raw: object) -> DeliveryMode | None:
    """Read a delivery mode from untrusted input."""
    return next((mode for mode in DeliveryMode if mode.value == raw), None)


def billing_address(contract: Contract) -> str:
    """Write where paper bills go: the holder's billing address."""
    return contract.customer.billing_address


def describe(mode: DeliveryMode, email: str | None, address: str) -> str:
    """Say in words how bills are sent under a mode."""
    if mode is DeliveryMode.WEB:
        return _("bolletta web, per email a %(email)s", email=email)
    return _("bolletta cartacea, per posta a %(address)s", address=address)


def review_lines(current: Delivery, mode: DeliveryMode, email: str | None, address: str,
                 period: tuple[date, date] | None) -> list[tuple[str, str]]:
    """State the change before it is saved: what changes, from which bill, what happens next."""
    now = describe(current.mode, current.email, address)
    lines = [
        (_("Cosa cambia"), _("Da %(now)s a %(new)s.", now=now,
                             new=describe(mode, email, address))),
        (_("Da quale bolletta"), delivery.first_bill_text(period, mode is DeliveryMode.WEB)),
    ]
    if mode is DeliveryMode.WEB:
        hours = int(LINK_LIFETIME.total_seconds() // 3600)
        lines.append((_("Come si conferma"), _(
            "Ti invieremo un'email a %(email)s con un link: la modifica vale solo quando lo apri "
            "(entro %(hours)s ore). Fino ad allora resta la %(now)s.",
            email=email, hours=fmt.number(hours), now=now)))
    else:
        lines.append((_("Quando"), _("Subito dopo la conferma. Le bollette già emesse restano "
                                     "consultabili nell'area riservata.")))
    return lines


def ask_for_web(contract: Contract, email: str, seen_version: int, viewer: Viewer) -> html.P:
    """Ask for bolletta web (the service queues the link's email) and word the outcome."""
    outcome = delivery.ask_for_web(contract, email, seen_version, delivery.actor_for(viewer))
    return web_message(outcome, email, in_force(db.session, contract.id))


def problem(result: Result) -> html.P:
    """Explain a change that was not made."""
    return notice(_(CEASED) if result is Result.CEASED else _(STALE), "alert")


def web_message(outcome: LinkRequest, email: str, current: Delivery) -> html.P:
    """Word the outcome of asking for bolletta web."""
    if outcome.result is Result.LINK_NEW:
        return notice(_(
            "Ti abbiamo inviato un'email a %(email)s. Apri il link che contiene entro il "
            "%(moment)s: solo allora la bolletta web sarà attiva. Fino ad allora resta la "
            "%(mode)s.", email=email, moment=fmt.moment(outcome.expires_at),
            mode=label(DELIVERY_LABELS, current.mode).lower()))
    if outcome.result is Result.LINK_RECENT:
        return notice(_(
            "Ti abbiamo appena inviato il link a %(email)s: controlla la posta, anche nella "
            "cartella dello spam. Se non arriva, potrai chiederne un altro tra qualche minuto.",
            email=email))
    if outcome.result is Result.UNCHANGED:
        return notice(_("La bolletta web a %(email)s è già attiva: non abbiamo cambiato nulla.",
                        email=email))
    return problem(outcome.result)


def paper_message(result: Result, contract: Contract) -> html.P:
    """Word the outcome of choosing paper."""
    if result is Result.CHANGED:
        period = first_bill_affected(db.session, contract)
        return notice(_("Fatto: la bolletta arriverà per posta a %(address)s.",
                        address=billing_address(contract)) + " "
                      + delivery.first_bill_text(period, web=False))
    if result is Result.UNCHANGED:
        return notice(_("La bolletta cartacea è già attiva: non abbiamo cambiato nulla."))
    return problem(result)


def status_card(contract: Contract, current: Delivery) -> list:
    """Show the choice in force, since when, and any link still waiting to be opened."""
    address = shown(billing_address(contract), masking.street)
    since = (_("In vigore dal %(moment)s", moment=fmt.moment(current.since)) if current.since
             else _("In vigore dall'attivazione del contratto (%(date)s)",
                    date=fmt.day(contract.start_date)))
    where = (_("Per email a %(email)s", email=shown(current.email, masking.email))
             if current.mode is DeliveryMode.WEB
             else _("Per posta a %(address)s", address=address))
    children = [
        html.H2(_("Modalità attuale")),
        html.P(label(DELIVERY_LABELS, current.mode), className="current-mode"),
        html.P(where),
        html.P(since, className="muted"),
    ]
    pending = open_confirmation(db.session, contract.id, current.version, utcnow())
    if pending is not None:
        children.append(notice(_(
            "In attesa di conferma: bolletta web a %(email)s. Ti abbiamo inviato il link il "
            "%(sent)s; vale fino al %(until)s. Finché non lo apri resta la modalità attuale.",
            email=shown(pending.email, masking.email), sent=fmt.moment(pending.created_at),
            until=fmt.moment(pending.expires_at))))
    if contract.status is ContractStatus.CEASED:
        children.append(notice(_(CEASED) + " " + _("Lo storico resta consultabile.")))
    return children


def _actor(actor: str) -> str:
    """Name who made a change; an email address is masked while the screen is shared."""
    return shown(actor, masking.email) if "@" in actor else actor


def history_table(contract: Contract, viewer: Viewer) -> list:
    """List every change, newest first, with its date and who made it."""
    heads = (_("Data"), _("Modalità"), _("Email"), _("Chi"))
    rows = [
        html.Tr([
            html.Td(fmt.moment(change.changed_at), **{"data-label": heads[0]}),
            html.Td(label(DELIVERY_LABELS, change.mode), **{"data-label": heads[1]}),
            html.Td(shown(change.email, masking.email) or "–", **{"data-label": heads[2]}),
            html.Td(_("Tu (%(who)s)", who=_actor(change.actor))
                    if change.account_id == viewer.account_id else _actor(change.actor),
                    **{"data-label": heads[3]}),
        ])
        for change in delivery_changes(db.session, contract.id)
    ]
    title = html.H2(_("Storico delle modifiche"))
    if not rows:
        return [title, html.P(_("Nessuna modifica: la bolletta è cartacea dall'attivazione del "
                                "contratto."))]
    table = html.Table(className="ledger", children=[
        html.Caption(_("Modifiche della modalità di invio, dalla più recente")),
        html.Thead(html.Tr([html.Th(h, scope="col") for h in heads])), html.Tbody(rows)])
    return [title, html.Div(table, className="table-wrap")]


def layout(search: str) -> list:
    """Build the page: contract, choice in force, the two-step form, the history."""
    viewer = current_viewer()
    chosen = picker.chosen_contract(search)
    return page_title(_("Modalità di invio della bolletta"),
                      _("Scegli se ricevere la bolletta per email (bolletta web) o per posta.")) + [
        picker.picker(ids.INVIO_CONTRACT, access.contracts(viewer),
                      chosen.id if chosen else None),
        html.Section(id=ids.INVIO_STATUS, className="card"),
        html.Section(id=ids.INVIO_FORM, className="card form-card", hidden=True, children=[
            html.H2(_("Cambia modalità")),
            RadioGroup(
                id=ids.INVIO_MODE, className="choices",
                legend=_("Come vuoi ricevere la bolletta"),
                options=[{"label": _("Bolletta web: per email, con il PDF allegato"),
                          "value": DeliveryMode.WEB.value},
                         {"label": _("Bolletta cartacea: per posta all'indirizzo di "
                                     "fatturazione"),
                          "value": DeliveryMode.PAPER.value}],
            ),
            html.Div(id=ids.INVIO_EMAIL_FIELD, className="field", children=[
                html.Label(_("Indirizzo email per la bolletta"), htmlFor=ids.INVIO_EMAIL),
                # type="email" would make dcc.Input throw on every keystroke (it sets the
                # caret, which email inputs refuse); inputMode still brings up the @ keyboard.
                dcc.Input(id=ids.INVIO_EMAIL, type="text", inputMode="email",
                          maxLength=MAX_EMAIL, autoComplete="email", debounce=True,
                          spellCheck=False, className="text-input"),
            ]),
            html.Button(_("Continua"), id=ids.INVIO_CONTINUE, className="button primary",
                        n_clicks=0),
            html.Div(id=ids.INVIO_FORM_MESSAGE),
        ]),
        html.Section(id=ids.INVIO_REVIEW, className="card review", hidden=True, children=[
            html.H2(_("Controlla e conferma")),
            html.Div(id=ids.INVIO_REVIEW_TEXT),
            html.Div(className="actions", children=[
                html.Button(_("Conferma la modifica"), id=ids.INVIO_CONFIRM,
                            className="button primary", n_clicks=0),
                html.Button(_("Annulla"), id=ids.INVIO_CANCEL, className="button", n_clicks=0),
            ]),
        ]),
        html.Div(id=ids.INVIO_RESULT, **{"aria-live": "polite"}),
        dcc.Store(id=ids.INVIO_REQUEST),
        picker.rendered(ids.INVIO_RENDERED, search),
        html.Section(id=ids.INVIO_HISTORY, className="card"),
    ]


def show(search: object, _rendered: object = None) -> tuple:
    """Show the chosen contract's delivery and history, and preset the form."""
    viewer = current_viewer()
    contract = picker.chosen_contract(search)
    if contract is None or viewer is None:
        return ([notice(_(picker.NOT_FOUND), "alert")], [], None, "", True, True, None, None)
    current = in_force(db.session, contract.id)
    # While the screen is shared the field starts empty: a masked address must not be sent back.
    email = "" if sharing_screen() else (current.email or contract.customer.email or "")
    ceased = contract.status is ContractStatus.CEASED
    return (status_card(contract, current), history_table(contract, viewer),
            current.mode.value, email, ceased, True, None, None)


def toggle_email(mode: object) -> bool:
    """Hide the email field unless bolletta web is chosen."""
    return mode != DeliveryMode.WEB.value


def review(_clicks: object, search: object, mode: object, email: object) -> tuple:
    """Check the choice and state the change; nothing is saved yet."""
    hidden = (True, [], None)
    if not access.may_write(current_viewer()):
        return (*hidden, notice(_(READ_ONLY), "alert"), None)
    contract = picker.chosen_contract(search)
    if contract is None:
        return (*hidden, notice(_(picker.NOT_FOUND), "alert"), None)
    chosen = parse_mode(mode)
    if chosen is None:
        return (*hidden, notice(_("Scegli come vuoi ricevere la bolletta."), "alert"), None)
    address = None
    if chosen is DeliveryMode.WEB:
        address, error = parse_email(email)
        if error:
            return (*hidden, notice(error, "alert"), None)
    if contract.status is ContractStatus.CEASED:
        return (*hidden, notice(_(CEASED), "alert"), None)
    current = in_force(db.session, contract.id)
    if current.mode is chosen and current.email == address:
        return (*hidden, notice(_("È già la modalità attiva: non c'è nulla da cambiare.")), None)
    lines = review_lines(current, chosen, address, billing_address(contract),
                         first_bill_affected(db.session, contract))
    text = [html.P(contract_label(contract), className="muted"),
            html.Dl(className="facts-list", children=[
                part for label, value in lines for part in (html.Dt(label), html.Dd(value))])]
    request_data = {"contract": contract.id, "mode": chosen.value, "email": address,
                    "version": current.version}
    return False, text, request_data, None, None


def decide(_confirm: object, _cancel: object, request_data: object, search: object) -> tuple:
    """Save the reviewed change (or drop it on «Annulla»), then refresh the page's state."""
    if ctx.triggered_id != ids.INVIO_CONFIRM:
        return True, None, None, no_update, no_update
    viewer = current_viewer()
    data = request_data if isinstance(request_data, dict) else {}
    contract = access.contract(viewer, data.get("contract"))
    mode = parse_mode(data.get("mode"))
    version = data.get("version")
    if (contract is None or mode is None or viewer is None
            or not isinstance(version, int) or isinstance(version, bool)):
        return True, None, notice(_(INVALID_REQUEST), "alert"), no_update, no_update
    try:
        message = _change(contract, mode, data.get("email"), version, viewer)
    except delivery.ReadOnlyView:
        return True, None, notice(_(READ_ONLY), "alert"), no_update, no_update
    # Refresh the state shown only if the member still looks at the same contract.
    shown = picker.chosen_contract(search)
    if shown is None or shown.id != contract.id:
        return True, None, message, no_update, no_update
    current = in_force(db.session, contract.id)
    return True, None, message, status_card(contract, current), history_table(contract, viewer)


def _change(contract: Contract, mode: DeliveryMode, email: object, version: int,
            viewer: Viewer) -> html.P:
    """Make the reviewed change and word its outcome."""
    if mode is DeliveryMode.WEB:
        address, error = parse_email(email)
        return notice(error, "alert") if error else ask_for_web(contract, address, version,
                                                                viewer)
    result = delivery.switch_to_paper(contract, version, delivery.actor_for(viewer))
    return paper_message(result, contract)


def register_callbacks(app: Dash) -> None:
    """Wire the page's callbacks on this app instance."""
    app.callback(
        Output(ids.INVIO_STATUS, "children"), Output(ids.INVIO_HISTORY, "children"),
        Output(ids.INVIO_MODE, "value"), Output(ids.INVIO_EMAIL, "value"),
        Output(ids.INVIO_FORM, "hidden"), Output(ids.INVIO_REVIEW, "hidden"),
        Output(ids.INVIO_RESULT, "children"), Output(ids.INVIO_FORM_MESSAGE, "children"),
        Input(ids.URL, "search"), Input(ids.INVIO_RENDERED, "data"),
    )(show)
    app.callback(Output(ids.INVIO_EMAIL_FIELD, "hidden"), Input(ids.INVIO_MODE, "value"))(
        toggle_email)
    app.callback(
        Output(ids.INVIO_REVIEW, "hidden", allow_duplicate=True),
        Output(ids.INVIO_REVIEW_TEXT, "children"), Output(ids.INVIO_REQUEST, "data"),
        Output(ids.INVIO_FORM_MESSAGE, "children", allow_duplicate=True),
        Output(ids.INVIO_RESULT, "children", allow_duplicate=True),
        Input(ids.INVIO_CONTINUE, "n_clicks"),
        State(ids.URL, "search"), State(ids.INVIO_MODE, "value"), State(ids.INVIO_EMAIL, "value"),
        prevent_initial_call=True,
    )(review)
    app.callback(
        Output(ids.INVIO_REVIEW, "hidden", allow_duplicate=True),
        Output(ids.INVIO_REQUEST, "data", allow_duplicate=True),
        Output(ids.INVIO_RESULT, "children", allow_duplicate=True),
        Output(ids.INVIO_STATUS, "children", allow_duplicate=True),
        Output(ids.INVIO_HISTORY, "children", allow_duplicate=True),
        Input(ids.INVIO_CONFIRM, "n_clicks"), Input(ids.INVIO_CANCEL, "n_clicks"),
        State(ids.INVIO_REQUEST, "data"), State(ids.URL, "search"),
        prevent_initial_call=True,
        running=[(Output(ids.INVIO_CONFIRM, "disabled"), True, False)],
    )(decide)
    app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.INVIO_CONTRACT, "value"), State(ids.URL, "search"),
        prevent_initial_call=True,
    )(picker.navigate_one)
    picker.follow(app, ids.INVIO_CONTRACT, picker.shown_contract)
