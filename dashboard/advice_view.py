"""Pure builders of the advice pages: plain data in, Dash components out, no queries."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from dash import dcc, html

from models.advice import MIN_PEERS, CurveFlags, Peers, PortfolioRow
from models.bands import Bands
from models.enums import CustomerType, TariffStructure

from . import branding
from . import formatting as fmt
from .advice import PRICE_LABELS, WHATIF_PRICE_PREFIX, WHATIF_SHARE, SupplyFacts, WhatIf
from .i18n import N_, _
from .labels import CUSTOMER_TYPE_LABELS, TARIFF_LABELS

COVERED = (N_("i consumi della fornitura: totali mensili per fascia F1, F2, F3 e, dove ci sono, "
           "le curve ogni quarto d'ora;"),
           N_("i dati tecnici del contratto: POD, indirizzo della fornitura, tipo di uso, "
           "struttura tariffaria, potenza impegnata e disponibile, tensione, contatore."))
NOT_COVERED = N_("Non comprende mai pagamenti, IBAN, fatture né documenti: il consulente non "
               "li vede.")
NO_PEERS = N_("Non ci sono ancora almeno %(count)s forniture simili con dodici mesi di "
              "consumi: per proteggere la riservatezza di tutti, il confronto non viene "
              "mostrato.")
NO_YEAR = N_("Mancano alcuni dei dodici mesi di consumi: il riepilogo annuale non è "
              "disponibile.")
FLAG_LABELS = {
    "f1": N_("F1 alta"),
    "salto": N_("Consumo in forte aumento"),
    "stime": N_("Letture stimate"),
    "picchi": N_("Picchi oltre la potenza disponibile"),
    "notte": N_("Consumo notturno di base alto"),
}
STRUCTURES = (TariffStructure.MONO, TariffStructure.BI, TariffStructure.MULTI)


def share_text(part: Decimal | float, whole: Decimal | float = 1) -> str:
    """Write a share as a percentage with one decimal: 38,5%."""
    return fmt.percent(part, whole, 1)


def table(caption: str, heads: list[str], rows: list[list], css: str = "ledger") -> html.Div:
    """Build a plain accessible table, labelled for small screens."""
    return html.Div(className="table-wrap", children=html.Table(className=css, children=[
        html.Caption(caption),
        html.Thead(html.Tr([html.Th(h, scope="col") for h in heads])),
        html.Tbody([html.Tr([html.Td(cell, **{"data-label": head})
                             for head, cell in zip(heads, row, strict=True)])
                    for row in rows]),
    ]))


def facts_list(pairs: list[tuple[str, str]]) -> html.Dl:
    """Build a definition list of label and value."""
    return html.Dl(className="facts-list",
                   children=[part for label, value in pairs
                             for part in (html.Dt(label), html.Dd(value))])


def coverage() -> list:
    """Say what the consent covers and what it never covers."""
    return [html.P(_("Con il consenso, i consulenti energetici %(name)s possono vedere:",
                     name=branding.current().name)),
            html.Ul([html.Li(_(item)) for item in COVERED]),
            html.P(_(NOT_COVERED), className="strong")]


def band_split(first: date, last: date, use: Bands[Decimal] | None) -> list:
    """Show a year's consumption by band, with each band's share."""
    title = html.H2(_("Consumi per fascia, %(period)s", period=fmt.period(first, last)))
    if use is None:
        return [title, html.P(_(NO_YEAR))]
    total = use.total
    rows = [[name, fmt.kwh(int(value)), share_text(value, total)]
            for name, value in (("F1", use.f1), ("F2", use.f2), ("F3", use.f3))]
    rows.append([_("Totale"), fmt.kwh(int(total)), share_text(total, total)])
    return [title, table(_("Energia prelevata negli ultimi dodici mesi"),
                         [_("Fascia"), _("Energia"), _("Quota")], rows)]


def peers_block(title: str, use: Bands[Decimal] | None, peers: Peers | None, own: str) -> list:
    """Compare a year's kWh and F1 share with the quartiles of similar homes, anonymously."""
    heading = html.H2(title)
    if peers is None:
        return [heading, html.P(_(NO_PEERS, count=MIN_PEERS))]
    own_kwh = fmt.kwh(int(use.total)) if use is not None and use.total else "–"
    own_f1 = share_text(use.f1, use.total) if use is not None and use.total else "–"
    rows = [[_("Energia in un anno"), own_kwh, fmt.kwh(round(peers.kwh.q1)),
             fmt.kwh(round(peers.kwh.median)), fmt.kwh(round(peers.kwh.q3))],
            [_("Quota in F1"), own_f1, share_text(Decimal(str(peers.f1_share.q1))),
             share_text(Decimal(str(peers.f1_share.median))),
             share_text(Decimal(str(peers.f1_share.q3)))]]
    return [heading,
            html.P(_("Forniture dello stesso tipo e con la stessa potenza impegnata, nella "
                     "cooperativa: %(count)s. Sono mostrati solo valori aggregati.",
                     count=fmt.number(peers.size))),
            table(_("Confronto con le forniture simili"),
                  [_("Misura"), own, _("Primo quartile"), _("Mediana"), _("Terzo quartile")],
                  rows)]


def supply_block(facts: SupplyFacts) -> list:
    """Show a supply's technical data, the only contract data an advisor sees."""
    kind = CUSTOMER_TYPE_LABELS.get(CustomerType(facts.customer_type), facts.customer_type)
    phases = _("trifase") if facts.phases == 3 else _("monofase")
    since = fmt.day(facts.start_date)
    pairs = [("POD", facts.pod), (_("Indirizzo della fornitura"), facts.address),
             (_("Tipo di uso"), _(kind)),
             (_("Struttura tariffaria"), _(TARIFF_LABELS[facts.tariff])),
             (_("Potenza impegnata"), fmt.kw(facts.power_committed_kw)),
             (_("Potenza disponibile"), fmt.kw(facts.power_available_kw)),
             (_("Tensione e fasi"), f"{fmt.number(facts.voltage_v)} V, {phases}"),
             (_("Contatore"), facts.meter_type),
             (_("Attiva dal"), _("%(day)s (cessata)", day=since) if facts.ceased else since)]
    return [html.H2(_("Dati tecnici della fornitura")), facts_list(pairs)]


def curve_block(flags: CurveFlags | None) -> list:
    """Show what the latest days of the curve say, where the supply has one."""
    title = html.H2(_("Dalla curva ogni quarto d'ora"))
    if flags is None:
        return [title, html.P(_("Questa fornitura non ha curve quartorarie."))]
    pairs = [(_("Giorni letti"), fmt.number(flags.days)),
             (_("Picco in un quarto d'ora"), fmt.kw(flags.peak_kw.quantize(Decimal("0.01")))),
             (_("Potenza disponibile"), fmt.kw(flags.available_kw)),
             (_("Consumo notturno di base"), f"{fmt.number(flags.night_base_w)} W")]
    warnings = (["picchi"] if flags.peak_above_available else []) + (
        ["notte"] if flags.high_night_base else [])
    return [title, facts_list(pairs)] + [html.P(_(FLAG_LABELS[key]), className="flag")
                                         for key in warnings]


def row_flags(row: PortfolioRow, curves: list[CurveFlags]) -> list[str]:
    """Name the flags an advisor acts on for one member of the list."""
    found = {"f1": row.high_f1, "salto": row.year_jump, "stime": row.estimated_months > 0,
             "picchi": any(c.peak_above_available for c in curves),
             "notte": any(c.high_night_base for c in curves)}
    return [_(FLAG_LABELS[key]) for key, on in found.items() if on]


def portfolio_cells(row: PortfolioRow, flags: list[str]) -> dict[str, str]:
    """Write one member of the list as text, for the table and the CSV alike."""
    return {"nome": row.name, "codice": row.code, "forniture": str(row.supplies),
            "kwh": fmt.kwh(row.kwh),
            "f1": share_text(row.f1_kwh, row.kwh) if row.kwh else "–",
            "segnalazioni": ", ".join(flags) or "–"}


def price_inputs(prices: dict[str, str]) -> html.Div:
    """Build the six editable unit prices of the what-if."""
    return html.Div(className="price-grid", children=[
        html.Div(className="field", children=[
            html.Label(_("%(label)s (€/kWh)", label=_(label)), htmlFor=WHATIF_PRICE_PREFIX + key),
            dcc.Input(id=WHATIF_PRICE_PREFIX + key, type="text", inputMode="decimal",
                      value=prices[key].replace(".", fmt.decimal_point()), maxLength=12,
                      debounce=True, className="text-input")])
        for key, label in PRICE_LABELS.items()])


def share_slider() -> html.Div:
    """Build the slider that moves a share of F1 to F2 and F3."""
    return html.Div(className="field wide", children=[
        html.Label(_("Quota di consumo in F1 spostata in F2 e F3"), htmlFor=WHATIF_SHARE),
        # A native range input: Dash 4's dcc.Slider has an unnamed thumb and an unlabelled box.
        dcc.Input(id=WHATIF_SHARE, type="range", min=0, max=100, step=5, value=0,
                  list=WHATIF_SHARE + "-tacche", className="range"),
        html.Datalist(id=WHATIF_SHARE + "-tacche",
                      children=[html.Option(value=str(v)) for v in range(0, 101, 25)]),
        html.Div(className="range-marks", **{"aria-hidden": "true"},
                 children=[html.Span(f"{v}%") for v in range(0, 101, 25)]),
    ])


def what_if_rows(result: WhatIf) -> list[list[str]]:
    """Write the what-if as rows: structure, cost now, cost after the shift, difference."""
    return [[_(TARIFF_LABELS[s]), fmt.euro(result.now[s]), fmt.euro(result.shifted[s]),
             fmt.euro(result.shifted[s] - result.now[s])] for s in STRUCTURES]


WHAT_IF_HEADS = (N_("Struttura"), N_("Costo dell'energia in un anno"), N_("Con lo spostamento"),
                 N_("Differenza"))


def what_if_heads() -> list[str]:
    """Name the what-if's columns in the viewer's language."""
    return [_(head) for head in WHAT_IF_HEADS]


def what_if_table(result: WhatIf) -> list:
    """Show the what-if's € per year for each structure."""
    moved = share_text(result.share)
    return [table(_("Costo dell'energia in un anno, con il %(share)s di F1 spostato in F2 e F3",
                    share=moved), what_if_heads(), what_if_rows(result)),
            html.P(_("Solo la quota energia, ai prezzi indicati: imposte, oneri e quote fisse "
                     "non cambiano con la struttura tariffaria."), className="muted")]
