"""Dati contrattuali: everything about the chosen contract, ceased ones too, with its story."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from dash import Dash, Input, Output, State, dcc, html

from models import Contract, db
from models.delivery import Delivery, in_force
from models.enums import (
    ContractStatus,
    CustomerType,
    DeliveryMode,
    Market,
    PaymentMethod,
    TariffStructure,
)
from models.queries import delivery_changes, invoice_span

from .. import access, ids, masking
from .. import formatting as fmt
from ..auth.identity import current_viewer
from ..i18n import N_, _
from ..labels import (
    CUSTOMER_TYPE_LABELS,
    MARKET_LABELS,
    PAYMENT_METHOD_LABELS,
    TARIFF_LABELS,
    label,
    offer_conditions,
)
from . import picker
from .common import notice, page_title

PATH = "/contratto"
FREQUENCIES = {1: N_("Mensile"), 2: N_("Bimestrale (ogni due mesi)"), 3: N_("Trimestrale"),
               6: N_("Semestrale"), 12: N_("Annuale")}
PHASES = {1: N_("monofase"), 3: N_("trifase")}
IBAN_VISIBLE = 4


@dataclass(frozen=True)
class DeliveryStep:
    """One change in how the bills were sent, for the contract's story."""

    at: datetime
    mode: DeliveryMode
    email: str | None


@dataclass(frozen=True)
class ContractFacts:
    """What the page shows about a contract and its holder, as plain values."""

    contract_id: int
    holder: str
    tax_code: str
    vat_number: str | None
    billing_address: str
    customer_code: str
    member_since: date | None
    pod: str
    supply_address: str
    customer_type: CustomerType
    tariff: TariffStructure
    offer_name: str
    offer_code: str
    offer_market: Market
    offer_conditions_until: date | None
    power_committed_kw: Decimal
    power_available_kw: Decimal
    voltage_v: int
    phases: int
    meter_type: str
    meter_remote_read: bool
    billing_months: int
    start_date: date
    end_date: date | None
    status: ContractStatus
    payment_method: PaymentMethod
    iban: str | None
    delivery: Delivery
    delivery_steps: tuple[DeliveryStep, ...]   # oldest first
    invoice_count: int
    first_issue: date | None
    last_issue: date | None


def iban_ending(iban: str) -> str:
    """Return only the last characters of an IBAN: enough to recognise it, not to use it."""
    return "".join(iban.split())[-IBAN_VISIBLE:]


def member_status(member_since: date | None) -> str:
    """Say whether the holder is a member of the cooperative, and since when."""
    if member_since is None:
        return _("Utente (non socio)")
    return _("Socio dal %(date)s", date=fmt.day(member_since))


def contract_status(facts: ContractFacts) -> str:
    """Say whether the supply is active, or when it ended."""
    start = fmt.day(facts.start_date)
    if facts.status is ContractStatus.CEASED and facts.end_date:
        return _("Cessato il %(end)s (attivo dal %(start)s)", end=fmt.day(facts.end_date),
                 start=start)
    if facts.status is ContractStatus.CEASED:
        return _("Cessato (attivo dal %(start)s)", start=start)
    return _("Attivo dal %(start)s", start=start)


def payment_text(facts: ContractFacts) -> str:
    """Name the payment method, showing only the end of the IBAN."""
    method = label(PAYMENT_METHOD_LABELS, facts.payment_method)
    if facts.payment_method is PaymentMethod.SEPA and facts.iban:
        return _("%(method)s con IBAN che termina con %(ending)s", method=method,
                 ending=iban_ending(facts.iban))
    return method


def delivery_text(delivery: Delivery, billing_address: str) -> str:
    """Say how the bills are sent now."""
    if delivery.mode is DeliveryMode.WEB:
        return _("Bolletta web, per email a %(email)s", email=delivery.email)
    return _("Carta, per posta a %(address)s", address=billing_address)


def sections(facts: ContractFacts) -> list[tuple[str, list[tuple[str, str]]]]:
    """Group the contract's facts under headings, as (label, value) pairs."""
    holder = [
        (_("Intestatario"), facts.holder),
        (_("Codice fiscale"), facts.tax_code),
    ]
    if facts.vat_number:
        holder.append((_("Partita IVA"), facts.vat_number))
    holder += [
        (_("Indirizzo di fatturazione"), facts.billing_address),
        (_("Codice cliente"), facts.customer_code),
        (_("Posizione"), member_status(facts.member_since)),
    ]
    phases = label(PHASES, facts.phases,
                   _("%(count)s fasi", count=fmt.number(facts.phases)))
    months = fmt.number(facts.billing_months)
    return [
        (_("Intestatario"), holder),
        (_("Fornitura"), [
            ("POD", facts.pod),
            (_("Indirizzo di fornitura"), facts.supply_address),
            (_("Tipo di cliente"), label(CUSTOMER_TYPE_LABELS, facts.customer_type)),
            (_("Stato del contratto"), contract_status(facts)),
        ]),
        (_("Offerta e tariffa"), [
            (_("Offerta"), facts.offer_name),
            (_("Codice offerta"), facts.offer_code),
            (_("Mercato"), label(MARKET_LABELS, facts.offer_market)),
            (_("Condizioni economiche"),
             offer_conditions(facts.offer_market, facts.offer_conditions_until)),
            (_("Struttura tariffaria"), label(TARIFF_LABELS, facts.tariff)),
        ]),
        (_("Potenza e contatore"), [
            (_("Potenza impegnata"), fmt.kw(facts.power_committed_kw)),
            (_("Potenza disponibile"), fmt.kw(facts.power_available_kw)),
            (_("Tensione e fasi"), f"{fmt.number(facts.voltage_v)} V, {phases}"),
            (_("Contatore"), facts.meter_type),
            (_("Lettura"), _("Telelettura mensile (il contatore è letto a distanza)")
             if facts.meter_remote_read else _("Lettura sul posto da parte del distributore")),
        ]),
        (_("Fatturazione e pagamento"), [
            (_("Frequenza di fatturazione"),
             label(FREQUENCIES, facts.billing_months, _("Ogni %(count)s mesi", count=months))),
            (_("Modalità di pagamento"), payment_text(facts)),
            (_("Invio della bolletta"), delivery_text(facts.delivery, facts.billing_address)),
        ]),
    ]


def timeline(facts: ContractFacts) -> list[tuple[str, str]]:
    """Tell the contract's story, oldest first: start, bills, delivery changes, end."""
    events: list[tuple[date, str, str]] = [
        (facts.start_date, fmt.day(facts.start_date), _("Attivazione della fornitura"))]
    for step in facts.delivery_steps[1:]:   # the first is the delivery chosen at activation
        what = (_("Scelta la bolletta web (%(email)s)", email=step.email)
                if step.mode is DeliveryMode.WEB else _("Scelta la bolletta cartacea"))
        events.append((step.at.date(), fmt.moment(step.at), what))
    if facts.first_issue and facts.last_issue:
        events.append((facts.first_issue, fmt.day(facts.first_issue),
                       _("Prima fattura consultabile qui (%(count)s in tutto, l'ultima del "
                         "%(date)s)", count=fmt.number(facts.invoice_count),
                         date=fmt.day(facts.last_issue))))
    if facts.end_date:
        events.append((facts.end_date, fmt.day(facts.end_date),
                       _("Cessazione della fornitura")))
    events.sort(key=lambda event: event[0])
    return [(when, text) for _, when, text in events]


def facts_of(contract: Contract) -> ContractFacts:
    """Collect the facts of a contract the viewer may see."""
    customer = contract.customer
    count, first, last = invoice_span(db.session, contract.id)
    steps = tuple(DeliveryStep(c.changed_at, c.mode, c.email)
                  for c in reversed(delivery_changes(db.session, contract.id)))
    return ContractFacts(
        contract_id=contract.id, holder=customer.name, tax_code=customer.tax_code,
        vat_number=customer.vat_number,
        billing_address=customer.billing_address,
        customer_code=customer.code, member_since=customer.member_since, pod=contract.pod,
        supply_address=contract.supply_address,
        customer_type=CustomerType(contract.customer_type),
        tariff=TariffStructure(contract.tariff_structure), offer_name=contract.offer_name,
        offer_code=contract.offer_code, offer_market=Market(contract.offer_market),
        offer_conditions_until=contract.offer_conditions_until,
        power_committed_kw=contract.power_committed_kw,
        power_available_kw=contract.power_available_kw, voltage_v=contract.voltage_v,
        phases=contract.phases, meter_type=contract.meter_type,
        meter_remote_read=contract.meter_remote_read, billing_months=contract.billing_months,
        start_date=contract.start_date, end_date=contract.end_date,
        status=ContractStatus(contract.status),
        payment_method=PaymentMethod(contract.payment_method), iban=contract.iban,
        delivery=in_force(db.session, contract.id), delivery_steps=steps,
        invoice_count=count, first_issue=first, last_issue=last,
    )


def render_facts(facts: ContractFacts) -> list:
    """Lay out the facts as labelled lists, the story and the links to the other services."""
    cards = [
        html.Section(className="card facts-card", children=[
            html.H2(title),
            html.Dl(className="facts-list", children=[
                part for label, value in pairs
                for part in (html.Dt(label), html.Dd(value))
            ]),
        ])
        for title, pairs in sections(facts)
    ]
    ceased = facts.status is ContractStatus.CEASED
    links = [
        dcc.Link(_("Consumi e fatture"), className="button",
                 href=(f"/consumi?contratto={facts.contract_id}&anno={facts.last_issue.year}"
                       if facts.last_issue else "/consumi")),
        dcc.Link(_("Situazione contabile"), className="button",
                 href=picker_path("/contabilita", facts.contract_id)),
    ]
    if not ceased:
        links.append(dcc.Link(_("Cambia modalità di invio"), className="button",
                              href=picker_path("/invio", facts.contract_id)))
    story = html.Section(className="card", children=[
        html.H2(_("Storia del contratto")),
        html.Ol(className="timeline", children=[
            html.Li([html.Strong(day), html.Span(text)]) for day, text in timeline(facts)
        ]),
        html.Div(className="actions", children=links),
    ])
    lead = ([notice(_("Questo contratto è cessato: i suoi dati, le fatture e i pagamenti "
                      "restano consultabili."))] if ceased else [])
    return lead + [html.Div(className="facts-grid", children=cards), story]


def picker_path(path: str, contract_id: int) -> str:
    """Link to another page of the area with the same contract chosen."""
    return path + picker.search_for(contract_id)


def layout(search: str) -> list:
    """Build the page: title, contract selector preset from the URL, and the facts."""
    viewer = current_viewer()
    chosen = picker.chosen_contract(search)
    return page_title(_("Dati contrattuali"),
                      _("I dati del contratto di fornitura e del suo intestatario.")) + [
        picker.picker(ids.CONTRATTO_CONTRACT, access.contracts(viewer),
                      chosen.id if chosen else None),
        html.Div(id=ids.CONTRATTO_BODY),
        picker.rendered(ids.CONTRATTO_RENDERED, search),
    ]


def show(search: object, _rendered: object = None) -> list:
    """Show the facts of the contract the URL names, if the viewer may see it."""
    contract = picker.chosen_contract(search)
    if contract is None:
        return [notice(_(picker.NOT_FOUND), "alert")]
    facts = facts_of(contract)
    viewer = current_viewer()
    return render_facts(masked(facts) if viewer is not None and viewer.screen_share else facts)


def masked(facts: ContractFacts) -> ContractFacts:
    """Hide the holder's personal data while the screen is shared; the figures stay."""
    return replace(
        facts, tax_code=masking.tax_code(facts.tax_code),
        billing_address=masking.street(facts.billing_address),
        supply_address=masking.street(facts.supply_address),
        iban=masking.iban(facts.iban) if facts.iban else None,
        delivery=replace(facts.delivery, email=masking.email(facts.delivery.email)
                         if facts.delivery.email else None),
        delivery_steps=tuple(replace(step, email=masking.email(step.email) if step.email
                                     else None) for step in facts.delivery_steps))


def register_callbacks(app: Dash) -> None:
    """Wire the page's callbacks on this app instance."""
    app.callback(Output(ids.CONTRATTO_BODY, "children"), Input(ids.URL, "search"),
                 Input(ids.CONTRATTO_RENDERED, "data"))(show)
    app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.CONTRATTO_CONTRACT, "value"), State(ids.URL, "search"),
        prevent_initial_call=True,
    )(picker.navigate_one)
    picker.follow(app, ids.CONTRATTO_CONTRACT, picker.shown_contract)
