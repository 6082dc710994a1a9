"""«Capire la bolletta»: one invoice walked from the meter readings to the total, step by step.

A pure builder: it reads the InvoiceDocument both PDFs print and groups its lines with the
PDFs' own `checked_groups`, so every figure on the page is the PDF's figure and a new kind of
line shows up here as soon as the PDFs print it. The months of the period only explain the
excise exemption; when they do not give the exemption the bill applied, the page says what
the bill says and no more.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models.billing import (
    EURO_UNIT,
    EXCISE_FREE_KWH_PER_MONTH,
    SPLIT_GROUPS,
    GroupTotal,
    MonthUse,
    SupplyTerms,
    excisable_kwh,
    is_rate_line,
    system_charges_apply,
)
from models.enums import BillGeneration, CostGroup, CostSide, ReadingType

from . import formatting as fmt
from .documents.base import READING_LABELS, SIDE_LABELS, checked_groups
from .documents.data import BandReading, InvoiceDocument, Line
from .i18n import N_, _

BANDS = ("F1", "F2", "F3")
# The module's texts are marked with N_() and translated where a step is built.
LINE_COLUMNS = (N_("Voce"), N_("Quantità"), N_("Prezzo unitario"), N_("Importo"))
SPLIT_COLUMNS = (N_("Voce"), N_("A chi va"), N_("Quantità"), N_("Prezzo unitario"),
                 N_("Importo"))
# Units whose Italian plural differs, as the Fattura Dettaglio writes them; both forms are
# translated (English, like Italian, uses the singular for exactly one).
PLURALS = {N_("mese"): N_("mesi"), N_("giorno"): N_("giorni"), N_("rata"): N_("rate")}

BAND_HOURS = N_("F1 va dal lunedì al venerdì dalle 8 alle 19; F2 dal lunedì al venerdì dalle 7 "
                "alle 8 e dalle 19 alle 23 e il sabato dalle 7 alle 23; F3 è la notte, la "
                "domenica e i giorni festivi.")
# What each cost group is, in plain words; a group not listed here is shown without a lead.
GROUP_TEXT = {
    CostGroup.ENERGY: N_(
        "È il prezzo dell'energia che hai consumato, fascia per fascia, più la quota fissa di "
        "vendita. Se sei socio, il vantaggio dell'energia idroelettrica SECAB è uno sconto per "
        "ogni kWh."),
    CostGroup.TRANSPORT: N_(
        "Porta l'energia fino a casa tua e gestisce il contatore: una parte per kWh, una fissa "
        "al mese e una per ogni kW di potenza impegnata."),
    CostGroup.SYSTEM_CHARGES: N_(
        "Gli oneri di sistema finanziano attività di interesse generale (per esempio le fonti "
        "rinnovabili) e sono fissati dall'ARERA."),
    CostGroup.CONSUMPTION_SHARE: N_(
        "Tutto ciò che paghi per ogni kWh consumato: l'energia (vendita) e il suo trasporto con "
        "gli oneri di sistema (rete e oneri)."),
    CostGroup.FIXED_SHARE: N_("Quanto paghi ogni mese, qualunque sia il consumo."),
    CostGroup.POWER_SHARE: N_("Quanto paghi per ogni kW di potenza impegnata, ogni mese."),
    CostGroup.RECALCULATIONS: N_(
        "Una bolletta precedente era basata su consumi stimati: qui paghi (o ti viene "
        "restituita) la differenza con i consumi letti davvero, ai prezzi di allora."),
    CostGroup.OTHER: N_(
        "Voci che non sono energia né imposte. Il canone RAI (la televisione) si paga nella "
        "bolletta della luce dell'abitazione di residenza, in dieci rate da gennaio a ottobre; "
        "non è soggetto a IVA."),
}
EMPTY_GROUP = N_("Nessuna voce in questo periodo.")
SUSPENDED_CHARGES = N_("Dall'ottobre 2021 al marzo 2023 gli oneri di sistema sono stati "
                       "azzerati per legge, durante la crisi dell'energia.")
EXCISE_LAW = N_("L'accisa è un'imposta sull'energia elettrica che si paga per ogni kWh (D.Lgs. "
                "504/1995). Nell'abitazione di residenza, fino a 3 kW di potenza impegnata, i "
                "primi 150 kWh di ogni mese sono esenti; se nel mese consumi più di 220 kWh "
                "(150 kWh se la potenza è fino a 1,5 kW), l'esenzione cala di un kWh per ogni "
                "kWh in più, e sparisce a 370 (300) kWh.")


@dataclass(frozen=True)
class Table:
    """A table of one step: the first cell of each row names it (a row header)."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    footer: tuple[str, ...] | None = None   # the total row


@dataclass(frozen=True)
class Step:
    """One step of the walk: what it is, in plain words, and its figures."""

    title: str
    paragraphs: tuple[str, ...]
    tables: tuple[Table, ...] = ()
    amount: Decimal | None = None   # what this step adds to the bill; None for the kWh


@dataclass(frozen=True)
class Explanation:
    """The whole walk of one invoice."""

    title: str
    facts: tuple[str, ...]
    steps: tuple[Step, ...]
    total: Decimal

    @property
    def added_up(self) -> Decimal:
        """Return the sum of what the steps add to the bill: the total, if nothing is lost."""
        return sum((s.amount for s in self.steps if s.amount is not None), Decimal("0.00"))


def explain(doc: InvoiceDocument, terms: SupplyTerms, months: Sequence[MonthUse]) -> Explanation:
    """Walk an invoice from the readings to the total; raise ValueError if it does not add up."""
    groups = checked_groups(doc)
    steps = [_readings(doc)]
    steps += [_taxes(doc, terms, months, g) if g.spec.group is CostGroup.TAXES
              else _group(doc, g) for g in groups]
    steps.append(_total(doc, groups))
    numbered = tuple(Step(f"{n}. {s.title}", s.paragraphs, s.tables, s.amount)
                     for n, s in enumerate(steps, start=1))
    explanation = Explanation(
        title=_("Fattura n. %(number)s del %(date)s", number=doc.number,
                date=fmt.day(doc.issue_date)),
        facts=(_("Periodo %(range)s", range=fmt.date_range(doc.period_start, doc.period_end)),
               _("Fornitura: %(address)s – POD %(pod)s", address=doc.supply.address,
                 pod=doc.supply.pod),
               _("Scadenza %(date)s", date=fmt.day(doc.due_date))),
        steps=numbered,
        total=doc.total,
    )
    if explanation.added_up != doc.total:   # checked_groups holds this; keep the page honest
        raise ValueError(f"invoice {doc.number}: steps add up to {explanation.added_up}")
    return explanation


def _readings(doc: InvoiceDocument) -> Step:
    """Return the first step: the registers by band, their differences and the kWh billed."""
    registers: dict[str, BandReading] = {r.band: r for r in doc.readings}
    billed = dict(zip(BANDS, doc.bands, strict=True))
    kind = _(READING_LABELS[doc.reading_type]).lower()
    text = [_("Il contatore conta l'energia in tre fasce orarie: %(hours)s",
              hours=_(BAND_HOURS)),
            _("Per ogni fascia il consumo è la differenza tra la lettura al %(read)s (%(kind)s) "
              "e quella al %(start)s.", read=fmt.day(doc.reading_date), kind=kind,
              start=fmt.day(doc.period_start))]
    title = _("Le letture e i consumi")
    if not registers:
        text[1] = _("Le letture del contatore non sono disponibili per questa fattura: i "
                    "consumi per fascia sono quelli fatturati.")
        table = Table(_("Consumi per fascia"), (_("Fascia"), _("Consumo")),
                      tuple((band, fmt.kwh(kwh)) for band, kwh in billed.items()),
                      (_("Totale"), fmt.kwh(doc.kwh)))
        return Step(title, tuple(text), (table,))
    rows = []
    for band in BANDS:
        r = registers.get(band)
        rows.append((band, fmt.number(r.previous), fmt.number(r.current),
                     f"{fmt.number(r.current)} − {fmt.number(r.previous)} = {fmt.kwh(r.kwh)}")
                    if r else (band, "–", "–", fmt.kwh(billed[band])))
    read = sum(r.kwh for r in registers.values())
    table = Table(_("Letture del contatore e consumi per fascia"),
                  (_("Fascia"), _("Lettura al %(date)s", date=fmt.day(doc.period_start)),
                   _("Lettura al %(date)s", date=fmt.day(doc.reading_date)), _("Consumo")),
                  tuple(rows), (_("Totale"), "", "", fmt.kwh(read)))
    if read != doc.kwh:
        text.append(_("Di questi, %(period)s sono di questo periodo e %(adjusted)s sono il "
                      "conguaglio dei consumi stimati in precedenza (li trovi nei «Ricalcoli»).",
                      period=fmt.kwh(doc.kwh), adjusted=fmt.kwh(read - doc.kwh)))
    if doc.reading_type is ReadingType.ESTIMATED:
        text.append(_("La lettura è una stima: sarà ricalcolata (conguaglio) con la prossima "
                      "lettura effettiva."))
    return Step(title, tuple(text), (table,))


def _quantity(line: Line) -> str:
    """Write a line's quantity with its unit, singular or plural."""
    unit = line.unit if abs(line.quantity) == 1 else PLURALS.get(line.unit, line.unit)
    return f"{fmt.quantity(line.quantity)} {_(unit)}"


def _cells(line: Line) -> tuple[str, str, str]:
    """Return a line's quantity, unit price and amount as the Fattura Dettaglio writes them."""
    if is_rate_line(line):   # IVA: a rate applied to a taxable base in euro
        return (_("imponibile %(amount)s", amount=fmt.euro(line.quantity)),
                fmt.rate(line.unit_price), fmt.euro(line.amount))
    if line.unit == EURO_UNIT:   # a lump sum, such as a rounding
        return "", "", fmt.euro(line.amount)
    sign = "-" if line.unit_price < 0 else ""   # before the euro sign in English: -€0.02
    return (_quantity(line),
            _("%(sign)s%(price)s €/%(unit)s", sign=sign, price=fmt.price(abs(line.unit_price)),
              unit=_(line.unit)),
            fmt.euro(line.amount))


def _lines_table(doc: InvoiceDocument, group: GroupTotal) -> Table:
    """Tabulate a group's lines as quantity × unit price = amount, with its subtotal."""
    split = doc.generation is BillGeneration.ARERA_2025 and group.spec.group in SPLIT_GROUPS
    rows = tuple((line.description, _(SIDE_LABELS[line.side]), *_cells(line)) if split
                 else (line.description, *_cells(line)) for line in group.lines)
    columns = tuple(_(c) for c in (SPLIT_COLUMNS if split else LINE_COLUMNS))
    footer = (_(group.spec.total_label), *([""] * (len(columns) - 2)), fmt.euro(group.subtotal))
    return Table(_(group.spec.heading), columns, rows, footer)


def _group(doc: InvoiceDocument, group: GroupTotal) -> Step:
    """Return the step of one cost group: what it is, its lines and its subtotal."""
    text = [_(GROUP_TEXT[group.spec.group])] if group.spec.group in GROUP_TEXT else []
    heading = _(group.spec.heading)
    if not group.lines:
        if group.spec.group is CostGroup.SYSTEM_CHARGES and not system_charges_apply(
                doc.period_start):
            text.append(_(SUSPENDED_CHARGES))
        text.append(f"{_(EMPTY_GROUP)} {_(group.spec.total_label)}: "
                    f"{fmt.euro(group.subtotal)}.")
        return Step(heading, tuple(text), (), group.subtotal)
    text.append(_("Ogni voce è quantità × prezzo unitario, arrotondata al centesimo."))
    return Step(heading, tuple(text), (_lines_table(doc, group),), group.subtotal)


def _month_exemption(terms: SupplyTerms, month: MonthUse) -> int:
    """Return a month's excise-free kWh, by the same rule the bills are made with."""
    return month.kwh - excisable_kwh(terms, (month,))


def _exemption_table(terms: SupplyTerms, months: Sequence[MonthUse]) -> Table:
    """Tabulate the exemption month by month, with the claw-back where there is one."""
    rows = []
    for m in months:
        exempt = _month_exemption(terms, m)
        first = min(m.kwh, EXCISE_FREE_KWH_PER_MONTH)
        clawed = first - exempt
        if clawed == 0:
            how = (_("i primi %(kwh)s", kwh=fmt.kwh(first)) if first == EXCISE_FREE_KWH_PER_MONTH
                   else _("tutto il consumo del mese"))
        elif exempt == 0:
            how = _("nessuno: il consumo del mese ha superato la soglia")
        else:
            how = (f"{fmt.number(first)} − ({fmt.number(m.kwh)} − "
                   f"{fmt.number(m.kwh - clawed)}) = {fmt.kwh(exempt)}")
        rows.append((fmt.month_name(m.month), fmt.kwh(m.kwh), how, fmt.kwh(exempt)))
    total = sum(_month_exemption(terms, m) for m in months)
    return Table(_("Accisa: kWh esenti mese per mese"),
                 (_("Mese"), _("Consumo"), _("Come si calcola l'esenzione"), _("kWh esenti")),
                 tuple(rows),
                 (_("Totale"), fmt.kwh(sum(m.kwh for m in months)), "", fmt.kwh(total)))


def _excise_text(doc: InvoiceDocument, terms: SupplyTerms, months: Sequence[MonthUse],
                 excise: Line | None) -> tuple[list[str], list[Table]]:
    """Explain the excise line of the period, with its exemption when there is one."""
    if excise is None:
        return [], []
    taxed = int(excise.quantity)
    exempt = doc.kwh - taxed
    text = [_(EXCISE_LAW)]
    if exempt <= 0:
        text.append(_("In questa fattura l'accisa si paga su tutti i %(kwh)s consumati.",
                      kwh=fmt.kwh(taxed)))
        return text, []
    text.append(_("Hai consumato %(used)s: %(exempt)s sono esenti e l'accisa si paga sugli "
                  "altri %(taxed)s. Nella bolletta la riga è «%(line)s %(taxed)s».",
                  used=fmt.kwh(doc.kwh), exempt=fmt.kwh(exempt), taxed=fmt.kwh(taxed),
                  line=excise.description))
    from_months = sum(_month_exemption(terms, m) for m in months)
    if months and sum(m.kwh for m in months) == doc.kwh and from_months == exempt:
        return text, [_exemption_table(terms, months)]
    return text, []


def _taxes(doc: InvoiceDocument, terms: SupplyTerms, months: Sequence[MonthUse],
           group: GroupTotal) -> Step:
    """Return the taxes step: the excise with its exemption, then IVA on its base."""
    # The period's excise comes first; an «Accisa su ricalcolo» may follow it.
    excise = next((line for line in group.lines if line.unit == "kWh"), None)
    text, tables = _excise_text(doc, terms, months, excise)
    vat = [line for line in group.lines if is_rate_line(line)]
    if vat:
        # Everything but IVA itself and the «other» side (canone RAI, roundings) is taxable.
        base = sum((line.amount for line in doc.lines
                    if not is_rate_line(line) and line.side is not CostSide.OTHER),
                   Decimal("0.00"))
        if all(line.quantity == base for line in vat):
            text.append(_("L'IVA si calcola sull'imponibile: la somma di tutte le voci qui "
                          "sopra, accisa compresa, senza il canone RAI e gli arrotondamenti, "
                          "cioè %(base)s.", base=fmt.euro(base)))
        else:
            text.append(_("L'IVA si calcola sull'imponibile indicato nella sua riga."))
    return Step(_(group.spec.heading), tuple(text), (*tables, _lines_table(doc, group)),
                group.subtotal)


def _total(doc: InvoiceDocument, groups: Sequence[GroupTotal]) -> Step:
    """Return the last step: the groups' subtotals added up to the invoice's total."""
    rows = tuple((_(g.spec.label), fmt.euro(g.subtotal)) for g in groups)
    text = _("Sommando i totali di tutti i gruppi si ottiene il totale della fattura.")
    if doc.total < 0:
        text += " " + _("Il totale è negativo: %(amount)s sono a tuo credito.",
                        amount=fmt.euro(-doc.total))
    return Step(_("Il totale"), (text,),
                (Table(_("Dal dettaglio al totale"), (_("Gruppo"), _("Importo")), rows,
                       (_("Totale fattura"), fmt.euro(doc.total))),))


def months_of(rows: Sequence, start: date, end: date) -> tuple[MonthUse, ...]:
    """Turn monthly rows (with month and bands) into the billing period's MonthUse values."""
    return tuple(MonthUse(r.month, r.bands) for r in rows if start <= r.month <= end)
