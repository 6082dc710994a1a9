"""Billing arithmetic that belongs to the data: taxes, charges and the cost lines of a bill.

Every line is quantity × unit price = amount, rounded half up to the cent; the lines of a
bill add up to its total. Prices have at most 6 decimals and quantities at most 3, the
scales of the invoice_line columns.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from .bands import Bands
from .enums import BillGeneration, CostGroup, CostSide, CustomerType, TariffStructure
from .wording import N_

CENT = Decimal("0.01")
# A line's amount may differ from quantity × unit price by rounding to the cent, no more.
HALF_CENT = Decimal("0.005")
PRICE_STEP = Decimal("0.000001")
QUANTITY_STEP = Decimal("0.001")
AVERAGE_STEP = Decimal("0.0001")     # average unit prices on the 2025 receipt

# Delibera ARERA 315/2024: bills issued from this day follow the new layout.
ARERA_2025_FROM = date(2025, 7, 1)

VAT_DOMESTIC = Decimal("0.10")
VAT_OTHER_USES = Decimal("0.22")

# Excise duty (D.Lgs. 504/1995, art. 52 and Tabella A), as a small cooperative bills it:
# - domestic use pays 0.0227 €/kWh;
# - a resident supply with up to 3 kW committed is exempt on its first 150 kWh of each
#   month; above 220 kWh in a month (above 150 kWh at up to 1,5 kW) the exemption shrinks
#   one for one, so it is gone at 370 (300) kWh a month;
# - other uses pay 0.0125 €/kWh (the rate for the first 200,000 kWh of a month).
EXCISE_DOMESTIC = Decimal("0.0227")
EXCISE_OTHER_USES = Decimal("0.0125")
EXCISE_FREE_KWH_PER_MONTH = 150
EXCISE_FREE_MAX_POWER_KW = Decimal(3)
# Monthly consumption above which the exemption is clawed back, by committed power.
EXCISE_CLAWBACK_FROM_KWH = 220
EXCISE_LOW_POWER_KW = Decimal("1.5")
EXCISE_LOW_POWER_CLAWBACK_FROM_KWH = 150

# Canone RAI on resident domestic supplies, as (first year, yearly fee): it follows each
# year's budget law (90 € up to 2023, 70 € in 2024, 90 € again from 2025) and is paid in
# ten monthly instalments, January to October. Each instalment falls due on the first day of
# its month and is charged on the first bill whose payment is due after that day (L. 208/2015
# art. 1 c. 154, DM 94/2016 art. 3): by month of charge, whatever months the bill's energy
# was used in. Earlier years are not billed here.
RAI_YEARLY_FEE: tuple[tuple[int, Decimal], ...] = (
    (2018, Decimal(90)),
    (2024, Decimal(70)),
    (2025, Decimal(90)),
)
RAI_INSTALMENTS = 10
RAI_LAST_MONTH = 10

# Oneri di sistema (ASOS and ARIM) were cut to zero during the energy crisis: from Q4 2021
# for households and small businesses, until ARERA restored them for households from Q2
# 2023. Simplified to one window for every customer type: consumption from 1 October 2021
# to 31 March 2023 carries none.
SYSTEM_CHARGES_SUSPENDED = (date(2021, 10, 1), date(2023, 4, 1))

# A bill fitted to a given total may need a rounding line; real bills have one too. The
# arithmetic below never needs more than one cent; anything bigger is a wrong input.
MAX_ROUNDING = Decimal("0.05")

ENERGY_LABELS = {
    "F0": "Energia monoraria (F0)",
    "F1": "Energia fascia F1",
    "F2": "Energia fascia F2",
    "F3": "Energia fascia F3",
    "F23": "Energia fasce F2+F3 (F23)",
}


@dataclass(frozen=True)
class SupplyTerms:
    """What about a supply decides its charges and taxes."""

    customer_type: CustomerType
    tariff_structure: TariffStructure
    power_committed_kw: Decimal
    is_member: bool


@dataclass(frozen=True)
class MonthUse:
    """Energy withdrawn in one month of a billing period, by band."""

    month: date  # first day of the month
    bands: Bands[int]

    @property
    def kwh(self) -> int:
        """Return the month's consumption."""
        return self.bands.total


@dataclass(frozen=True)
class Tariff:
    """The unit prices in force for a billing period."""

    energy: Mapping[str, Decimal]  # €/kWh by billed band: "F0"; "F1", "F23"; "F1", "F2", "F3"
    sale_fixed: Decimal            # €/month (PCV)
    network_energy: Decimal        # €/kWh, transport and metering
    network_fixed: Decimal         # €/month
    network_power: Decimal         # €/kW/month
    charges_energy: Decimal        # €/kWh, oneri di sistema when not suspended
    charges_fixed: Decimal         # €/month, oneri for non-resident and other uses only
    member_discount: Decimal = Decimal(0)  # €/kWh: members' share of the hydro output


@dataclass(frozen=True)
class Recalculation:
    """Actual minus estimated consumption of an earlier period, billed at its prices."""

    period_start: date
    period_end: date
    bands: Bands[int]
    tariff: Tariff

    @property
    def kwh(self) -> int:
        """Return the total difference; negative when the estimate was too high."""
        return self.bands.total


@dataclass(frozen=True)
class BillingPeriod:
    """Everything one bill is computed from."""

    terms: SupplyTerms
    months: tuple[MonthUse, ...]
    tariff: Tariff
    generation: BillGeneration
    recalculation: Recalculation | None = None
    # The canone RAI instalments this bill charges (first day of each one's month).
    rai_instalments: tuple[date, ...] = ()

    @property
    def bands(self) -> Bands[int]:
        """Return the period's kWh by band: its months' added up."""
        return Bands.sum_of(m.bands for m in self.months)


@dataclass(frozen=True)
class CostLine:
    """One line of the detail document: quantity × unit price = amount."""

    group: CostGroup
    side: CostSide
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal


# Where each kind of charge goes: (Bolletta 2.0 group, 2025 receipt group, side).
_PLACES: dict[str, tuple[CostGroup, CostGroup, CostSide]] = {
    "energy": (CostGroup.ENERGY, CostGroup.CONSUMPTION_SHARE, CostSide.SALE),
    "discount": (CostGroup.ENERGY, CostGroup.CONSUMPTION_SHARE, CostSide.SALE),
    "sale_fixed": (CostGroup.ENERGY, CostGroup.FIXED_SHARE, CostSide.SALE),
    "network_energy": (CostGroup.TRANSPORT, CostGroup.CONSUMPTION_SHARE, CostSide.NETWORK),
    "network_fixed": (CostGroup.TRANSPORT, CostGroup.FIXED_SHARE, CostSide.NETWORK),
    "network_power": (CostGroup.TRANSPORT, CostGroup.POWER_SHARE, CostSide.NETWORK),
    "charges_energy": (CostGroup.SYSTEM_CHARGES, CostGroup.CONSUMPTION_SHARE, CostSide.NETWORK),
    "charges_fixed": (CostGroup.SYSTEM_CHARGES, CostGroup.FIXED_SHARE, CostSide.NETWORK),
    "recalc_sale": (CostGroup.RECALCULATIONS, CostGroup.RECALCULATIONS, CostSide.SALE),
    "recalc_network": (CostGroup.RECALCULATIONS, CostGroup.RECALCULATIONS, CostSide.NETWORK),
    "rai": (CostGroup.TV_LICENCE, CostGroup.TV_LICENCE, CostSide.OTHER),
    "rounding": (CostGroup.OTHER, CostGroup.OTHER, CostSide.OTHER),
    "excise": (CostGroup.TAXES, CostGroup.TAXES, CostSide.TAXES),
    "vat": (CostGroup.TAXES, CostGroup.TAXES, CostSide.TAXES),
}


@dataclass(frozen=True)
class GroupSpec:
    """A cost group as a bill generation prints it."""

    group: CostGroup
    heading: str
    total: str                # the label of the group's subtotal row in the detail
    summary: str = ""         # the front page's label, when it differs from the heading

    @property
    def label(self) -> str:
        """Return the group's label in the front page's summary."""
        return self.summary or self.heading

    @property
    def total_label(self) -> str:
        """Return the label of the group's subtotal row in the detail."""
        return self.summary or self.total


_RECALCULATIONS = GroupSpec(CostGroup.RECALCULATIONS, N_("Ricalcoli"), N_("Totale ricalcoli"))
_OTHER = GroupSpec(CostGroup.OTHER, N_("Altre partite"), N_("Totale altre partite"))
# Outside IVA and named on the bill: the last group before the total, in both generations.
_TV_LICENCE = GroupSpec(CostGroup.TV_LICENCE,
                        N_("Canone di abbonamento alla televisione per uso privato"), "",
                        summary=N_("Canone di abbonamento alla televisione"))
# The groups of each generation, in printing order (Bolletta 2.0, ARERA 501/2014; from 1 July
# 2025, Delibera 315/2024).
GROUPS: dict[BillGeneration, tuple[GroupSpec, ...]] = {
    BillGeneration.BOLLETTA_2_0: (
        GroupSpec(CostGroup.ENERGY, N_("Spesa per la materia energia"),
                  N_("Totale spesa per la materia energia")),
        GroupSpec(CostGroup.TRANSPORT, N_("Spesa per il trasporto e la gestione del contatore"),
                  N_("Totale spesa per il trasporto e la gestione del contatore")),
        GroupSpec(CostGroup.SYSTEM_CHARGES, N_("Spesa per oneri di sistema"),
                  N_("Totale spesa per oneri di sistema")),
        _RECALCULATIONS,
        _OTHER,
        GroupSpec(CostGroup.TAXES, N_("Imposte e IVA"), N_("Totale imposte e IVA"),
                  summary=N_("Totale imposte e IVA")),
        _TV_LICENCE,
    ),
    BillGeneration.ARERA_2025: (
        GroupSpec(CostGroup.CONSUMPTION_SHARE, N_("Quota consumi"), N_("Totale quota consumi")),
        GroupSpec(CostGroup.FIXED_SHARE, N_("Quota fissa"), N_("Totale quota fissa")),
        GroupSpec(CostGroup.POWER_SHARE, N_("Quota potenza"), N_("Totale quota potenza")),
        _RECALCULATIONS,
        _OTHER,
        GroupSpec(CostGroup.TAXES, N_("Imposte"), N_("Totale imposte")),
        _TV_LICENCE,
    ),
}
_GROUP_ORDER: dict[BillGeneration, tuple[CostGroup, ...]] = {
    generation: tuple(spec.group for spec in specs) for generation, specs in GROUPS.items()
}
# Groups a bill shows only when it has lines in them; the others always appear, even at 0,00 €.
OCCASIONAL = frozenset({CostGroup.RECALCULATIONS, CostGroup.OTHER, CostGroup.TV_LICENCE})
# The 2025 receipt splits these groups between the seller and the network.
SPLIT_GROUPS = frozenset(
    {CostGroup.CONSUMPTION_SHARE, CostGroup.FIXED_SHARE, CostGroup.POWER_SHARE}
)
SPLIT_SIDES = (CostSide.SALE, CostSide.NETWORK)
# A quantity in euro is a taxable base among the taxes (IVA: base × rate) or, elsewhere, a lump
# sum such as a rounding, printed by its amount alone.
EURO_UNIT = "€"


def layout_groups(generation: BillGeneration) -> tuple[CostGroup, ...]:
    """Return the cost groups a bill of a layout generation has, in printing order."""
    return _GROUP_ORDER[generation]


@dataclass(frozen=True)
class _Charge:
    """A line before it is placed in a generation's group."""

    kind: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        """Return quantity × unit price to the cent."""
        return line_amount(self.quantity, self.unit_price)


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """Return quantity × unit price rounded half up to the cent."""
    return (Decimal(quantity) * Decimal(unit_price)).quantize(CENT, rounding=ROUND_HALF_UP)


def generation_for(issue_date: date) -> BillGeneration:
    """Return the layout rules a bill issued on a day follows."""
    if issue_date >= ARERA_2025_FROM:
        return BillGeneration.ARERA_2025
    return BillGeneration.BOLLETTA_2_0


def vat_rate(customer_type: CustomerType) -> Decimal:
    """Return the IVA rate: 10% for domestic use, 22% for other uses."""
    return VAT_OTHER_USES if customer_type is CustomerType.OTHER else VAT_DOMESTIC


def excise_rate(customer_type: CustomerType) -> Decimal:
    """Return the excise duty per kWh for a customer type."""
    return EXCISE_OTHER_USES if customer_type is CustomerType.OTHER else EXCISE_DOMESTIC


def exempt_kwh(power_committed_kw: Decimal, month_kwh: int) -> int:
    """Return a resident month's excise-free kWh, after the law's claw-back above a threshold."""
    threshold = (EXCISE_LOW_POWER_CLAWBACK_FROM_KWH if power_committed_kw <= EXCISE_LOW_POWER_KW
                 else EXCISE_CLAWBACK_FROM_KWH)
    clawed_back = max(0, month_kwh - threshold)
    return max(0, min(month_kwh, EXCISE_FREE_KWH_PER_MONTH) - clawed_back)


def excisable_kwh(terms: SupplyTerms, months: Iterable[MonthUse]) -> int:
    """Return the kWh the excise applies to, after the residents' monthly exemption."""
    months = list(months)
    total = sum(m.kwh for m in months)
    exempt = (terms.customer_type is CustomerType.RESIDENT
              and terms.power_committed_kw <= EXCISE_FREE_MAX_POWER_KW)
    if not exempt:
        return total
    return total - sum(exempt_kwh(terms.power_committed_kw, m.kwh) for m in months)


def rai_monthly_fee(year: int) -> Decimal:
    """Return the canone RAI instalment for a month of a year (zero before the table)."""
    fees = [fee for first, fee in RAI_YEARLY_FEE if first <= year]
    return (fees[-1] / RAI_INSTALMENTS).quantize(CENT) if fees else Decimal(0)


def system_charges_apply(month: date) -> bool:
    """Tell whether oneri di sistema are billed on a month's consumption."""
    start, end = SYSTEM_CHARGES_SUSPENDED
    return not start <= month < end


def billed_bands(structure: TariffStructure, bands: Bands[int]) -> tuple[tuple[str, int], ...]:
    """Return the bands a tariff structure prices, with their kWh."""
    if structure is TariffStructure.MONO:
        return (("F0", bands.total),)
    if structure is TariffStructure.BI:
        return (("F1", bands.f1), ("F23", bands.f23))
    return tuple(bands.items())


def lines_total(lines: Iterable[CostLine]) -> Decimal:
    """Return the sum of the lines' amounts."""
    return sum((line.amount for line in lines), Decimal("0.00"))


def _dmy(d: date) -> str:
    """Write a date as bills do: 26/01/2023."""
    return d.strftime("%d/%m/%Y")


def _energy_charges(period: BillingPeriod) -> list[_Charge]:
    """Price each billed band, then the members' discount."""
    used = period.bands
    charges = [
        _Charge("energy", ENERGY_LABELS[label], Decimal(kwh), "kWh", period.tariff.energy[label])
        for label, kwh in billed_bands(period.terms.tariff_structure, used)
    ]
    if period.terms.is_member and period.tariff.member_discount:
        charges.append(_Charge("discount", "Vantaggio soci: energia idroelettrica SECAB",
                               Decimal(used.total), "kWh", -period.tariff.member_discount))
    return charges


def _fixed_and_network_charges(period: BillingPeriod) -> list[_Charge]:
    """Return the fixed sale fee and the transport and metering charges."""
    t, months = period.tariff, Decimal(len(period.months))
    kwh = Decimal(sum(m.kwh for m in period.months))
    kw_months = (period.terms.power_committed_kw * months).quantize(QUANTITY_STEP)
    return [
        _Charge("sale_fixed", "Quota fissa vendita (PCV)", months, "mese", t.sale_fixed),
        _Charge("network_energy", "Trasporto e gestione contatore: quota energia",
                kwh, "kWh", t.network_energy),
        _Charge("network_fixed", "Trasporto e gestione contatore: quota fissa",
                months, "mese", t.network_fixed),
        _Charge("network_power", "Trasporto e gestione contatore: quota potenza",
                kw_months, "kW×mese", t.network_power),
    ]


def _system_charges(period: BillingPeriod) -> list[_Charge]:
    """Return the oneri di sistema of the months they are not suspended in."""
    charged = [m for m in period.months if system_charges_apply(m.month)]
    if not charged:
        return []
    t = period.tariff
    charges = [_Charge("charges_energy", "Oneri di sistema: quota energia (ASOS e ARIM)",
                       Decimal(sum(m.kwh for m in charged)), "kWh", t.charges_energy)]
    if period.terms.customer_type is not CustomerType.RESIDENT and t.charges_fixed:
        charges.append(_Charge("charges_fixed", "Oneri di sistema: quota fissa",
                               Decimal(len(charged)), "mese", t.charges_fixed))
    return charges


def _recalculation_charges(period: BillingPeriod) -> list[_Charge]:
    """Bill actual minus estimated kWh of an earlier period at that period's prices."""
    r = period.recalculation
    if r is None or r.kwh == 0:
        return []
    span = f"{_dmy(r.period_start)}–{_dmy(r.period_end)}"
    charges = [
        _Charge("recalc_sale", f"Ricalcolo {label} {span}: energia", Decimal(kwh), "kWh",
                r.tariff.energy[label])
        for label, kwh in billed_bands(period.terms.tariff_structure, r.bands) if kwh
    ]
    network = r.tariff.network_energy
    if system_charges_apply(r.period_start):
        network += r.tariff.charges_energy
    charges.append(_Charge("recalc_network", f"Ricalcolo {span}: trasporto e oneri",
                           Decimal(r.kwh), "kWh", network))
    return charges


def _excise_charges(period: BillingPeriod) -> list[_Charge]:
    """Return the excise on the period's taxable kWh and on any recalculated kWh."""
    terms, rate = period.terms, excise_rate(period.terms.customer_type)
    taxed = excisable_kwh(terms, period.months)
    exempt = sum(m.kwh for m in period.months) - taxed
    label = f"Accisa ({exempt} kWh esenti)" if exempt else "Accisa"
    charges = [_Charge("excise", label, Decimal(taxed), "kWh", rate)]
    r = period.recalculation
    if r is not None and r.kwh:
        # The recalculated kWh are taxed at the full rate: the exemption went to the estimate.
        charges.append(_Charge("excise", "Accisa su ricalcolo", Decimal(r.kwh), "kWh", rate))
    return charges


def rai_instalments(after: date, before: date) -> tuple[date, ...]:
    """Return the canone instalments falling due on or after one day and before another.

    A bill whose payment is due on `before` charges the instalments due since the previous
    bill's due date (`after`), or since the supply's holder became certain.
    """
    instalments = []
    for year in range(after.year, before.year + 1):
        for month in range(1, RAI_LAST_MONTH + 1):
            day = date(year, month, 1)
            if after <= day < before and rai_monthly_fee(year):
                instalments.append(day)
    return tuple(instalments)


_MONTH_NAMES = ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio",
                "agosto", "settembre", "ottobre", "novembre", "dicembre")


def _rai_description(year: int, months: Sequence[date]) -> str:
    """Name the canone and the instalments a line charges: «rate di gennaio e febbraio»."""
    names = [_MONTH_NAMES[m.month - 1] for m in months]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} e {names[-1]}"
    return f"Canone TV {year}: {'rata' if len(names) == 1 else 'rate'} di {listed}"


def _rai_charges(period: BillingPeriod) -> list[_Charge]:
    """Return the canone RAI instalments this bill charges, one line a year, for residents."""
    if period.terms.customer_type is not CustomerType.RESIDENT:
        return []
    by_year: dict[int, list[date]] = {}
    for instalment in sorted(period.rai_instalments):
        by_year.setdefault(instalment.year, []).append(instalment)
    return [
        _Charge("rai", _rai_description(year, months), Decimal(len(months)), "rata",
                rai_monthly_fee(year))
        for year, months in by_year.items()
    ]


def _charges(period: BillingPeriod, rounding: Decimal) -> list[_Charge]:
    """Return every charge of the bill, IVA computed on the base that includes the excise."""
    taxable = (_energy_charges(period) + _fixed_and_network_charges(period)
               + _system_charges(period) + _recalculation_charges(period)
               + _excise_charges(period))
    base = sum((c.amount for c in taxable), Decimal("0.00"))
    rate = vat_rate(period.terms.customer_type)
    vat = _Charge("vat", f"IVA {rate * 100:.0f}%", base, "€", rate)
    outside = _rai_charges(period)  # the canone RAI is not subject to IVA
    if rounding:
        outside.append(_Charge("rounding", "Arrotondamento", Decimal(1), "€", rounding))
    return taxable + [vat] + outside


def _place(charge: _Charge, generation: BillGeneration) -> CostLine:
    """Turn a charge into a line of a generation's layout."""
    old_group, new_group, side = _PLACES[charge.kind]
    group = old_group if generation is BillGeneration.BOLLETTA_2_0 else new_group
    return CostLine(group, side, charge.description, charge.quantity, charge.unit,
                    charge.unit_price, charge.amount)


def _lines(period: BillingPeriod, rounding: Decimal = Decimal(0)) -> list[CostLine]:
    """Return the placed lines, ordered by the generation's groups."""
    lines = [_place(c, period.generation) for c in _charges(period, rounding)]
    order = _GROUP_ORDER[period.generation]
    return sorted(lines, key=lambda line: order.index(line.group))


def cost_lines(period: BillingPeriod) -> list[CostLine]:
    """Build the ordered cost lines of one bill from its period, terms and prices."""
    return _lines(period)


def _vat_inclusive(base: Decimal, rate: Decimal) -> Decimal:
    """Return a taxable base plus its IVA line."""
    return base + line_amount(base, rate)


def _closest_base(target: Decimal, rate: Decimal) -> Decimal:
    """Return the taxable base whose amount with IVA is nearest a target, exact if possible."""
    guess = (target / (1 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
    candidates = [guess + CENT * step for step in (0, -1, 1, -2, 2)]
    return min(candidates, key=lambda base: abs(target - _vat_inclusive(base, rate)))


def _price_for_amount(kwh: int, amount: Decimal) -> Decimal:
    """Return a 6-decimal unit price whose line on kwh comes to the amount, or nearest.

    Exact whenever kwh is at most 10,000: a price step then moves the line by a cent or less.
    """
    guess = (amount / kwh).quantize(PRICE_STEP, rounding=ROUND_HALF_UP)
    candidates = [guess, guess - PRICE_STEP, guess + PRICE_STEP]
    return min(candidates, key=lambda price: abs(line_amount(Decimal(kwh), price) - amount))


def _fit_energy_prices(bands: Sequence[tuple[str, int]], prices: Mapping[str, Decimal],
                       needed: Decimal) -> dict[str, Decimal]:
    """Scale the band prices so the energy lines come to the needed amount."""
    priced = [(label, kwh) for label, kwh in bands if kwh > 0]
    if not priced:
        raise ValueError("no priced consumption to fit the energy prices to")
    current = sum((line_amount(Decimal(kwh), prices[label]) for label, kwh in priced), Decimal(0))
    if current > 0:
        fitted = {label: (price * needed / current).quantize(PRICE_STEP, rounding=ROUND_HALF_UP)
                  for label, price in prices.items()}
    else:  # nothing to scale: start from one flat price
        flat = needed / sum(kwh for _, kwh in priced)
        fitted = {label: flat.quantize(PRICE_STEP, rounding=ROUND_HALF_UP) for label in prices}
    # The band carrying the most money absorbs the rounding of the others, to the cent.
    label, kwh = max(priced, key=lambda band: (band[1] * fitted[band[0]], band[1]))
    others = sum((line_amount(Decimal(k), fitted[lb]) for lb, k in priced if lb != label),
                 Decimal(0))
    fitted[label] = _price_for_amount(kwh, needed - others)
    if any(price < 0 for price in fitted.values()):
        raise ValueError(f"the total needs negative energy prices: {fitted}")
    return fitted


def cost_lines_for_total(period: BillingPeriod, total: Decimal) -> list[CostLine]:
    """Build the cost lines of a bill whose total is given, solving for the energy prices.

    The energy prices (6 decimals) are scaled so that the lines reach the total; when IVA's
    rounding makes the exact cent unreachable, an "Arrotondamento" line of one cent closes
    the gap, as on real bills (a few cents at most when a band exceeds 10,000 kWh).
    """
    charges = _charges(period, Decimal(0))
    outside = sum((c.amount for c in charges if c.kind == "rai"), Decimal(0))
    base = _closest_base(total - outside, vat_rate(period.terms.customer_type))
    # Everything taxable but the energy lines stays as it is; the energy lines make up the rest.
    fixed = sum((c.amount for c in charges if c.kind not in ("rai", "vat", "energy")),
                Decimal(0))
    bands = billed_bands(period.terms.tariff_structure, period.bands)
    energy = _fit_energy_prices(bands, period.tariff.energy, base - fixed)
    fitted = replace(period, tariff=replace(period.tariff, energy=energy))
    gap = total - lines_total(_lines(fitted))
    if abs(gap) > MAX_ROUNDING:
        raise ValueError(f"cannot reach {total}: {gap} left after fitting the energy prices")
    return _lines(fitted, rounding=gap)


# --- A bill's groups and the checks that keep its totals honest -------------------------------

@dataclass(frozen=True)
class GroupTotal:
    """The lines of one cost group and their subtotal."""

    spec: GroupSpec
    lines: tuple[CostLine, ...]
    subtotal: Decimal

    def side_total(self, side: CostSide) -> Decimal:
        """Return the part of the subtotal that goes to one side (seller or network)."""
        return sum((line.amount for line in self.lines if line.side == side), Decimal(0))


class RegisterReading(Protocol):
    """One band's meter registers at the start and end of a billing period."""

    band: str
    previous: int
    current: int
    kwh: int


def is_rate_line(line: CostLine) -> bool:
    """Tell whether the line applies a rate to a taxable base (IVA) rather than a price."""
    return line.unit == EURO_UNIT and line.group == CostGroup.TAXES


def check_line(line: CostLine, generation: BillGeneration) -> None:
    """Refuse a line that is in the wrong group or whose amount is not quantity × price."""
    if line.group not in _GROUP_ORDER[generation]:
        raise ValueError(f"line {line.description!r}: {line.group} is not a {generation} group")
    if line.group in SPLIT_GROUPS and line.side not in SPLIT_SIDES:
        raise ValueError(f"line {line.description!r}: side {line.side} is neither sale nor network")
    if line.amount != line.amount.quantize(CENT):
        raise ValueError(f"line {line.description!r}: amount {line.amount} is not in cents")
    if abs(line.quantity * line.unit_price - line.amount) > HALF_CENT:
        raise ValueError(
            f"line {line.description!r}: {line.quantity} × {line.unit_price} is not {line.amount}"
        )


def check_readings(readings: Iterable[RegisterReading], billed: Mapping[str, int],
                   is_adjustment: bool) -> None:
    """Refuse meter readings that do not add up to the billed consumption by band."""
    for reading in readings:
        if reading.current - reading.previous != reading.kwh:
            raise ValueError(f"{reading.band}: registers do not give {reading.kwh} kWh")
        # A conguaglio's registers also span the kWh it recalculates from earlier estimates.
        if not is_adjustment and billed.get(reading.band, reading.kwh) != reading.kwh:
            raise ValueError(f"{reading.band}: read {reading.kwh}, billed {billed[reading.band]}")


def checked_groups(lines: Sequence[CostLine], generation: BillGeneration,
                   total: Decimal) -> tuple[GroupTotal, ...]:
    """Check a bill's lines against its total; return its cost groups in printing order."""
    if not lines:
        raise ValueError("the bill has no lines")
    for line in lines:
        check_line(line, generation)
    groups = []
    for spec in GROUPS[generation]:
        grouped = tuple(line for line in lines if line.group == spec.group)
        if grouped or spec.group not in OCCASIONAL:
            groups.append(GroupTotal(spec, grouped, sum((x.amount for x in grouped), Decimal(0))))
    # Every line sits in exactly one printed group, so this is also the sum of the lines.
    printed = sum((group.subtotal for group in groups), Decimal(0))
    if printed != total:
        raise ValueError(f"groups add up to {printed}, the total is {total}")
    return tuple(groups)


# --- The 2025 energy receipt: each share's quantity and average unit price ---------------------

@dataclass(frozen=True)
class ReceiptRow:
    """One row of the «scontrino dell'energia»: a share, what it is measured in, its cost."""

    group: GroupTotal
    quantity: Decimal
    unit: str                 # "kWh", "mese", "kW×mese", "rata"; "" for a row without one

    @property
    def average_price(self) -> Decimal | None:
        """Return the share's cost per unit to 4 decimals, or None when it has no quantity."""
        if not self.quantity:
            return None
        return (self.group.subtotal / self.quantity).quantize(AVERAGE_STEP,
                                                               rounding=ROUND_HALF_UP)


def months_between(start: date, end: date) -> int:
    """Count the calendar months a billing period touches."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def receipt_rows(groups: Sequence[GroupTotal], kwh: int, months: int,
                 power_kw: Decimal) -> tuple[ReceiptRow, ...]:
    """Measure each group of a 2025 bill: kWh, months, kW × months or canone instalments."""
    measures = {
        CostGroup.CONSUMPTION_SHARE: (Decimal(kwh), "kWh"),
        CostGroup.FIXED_SHARE: (Decimal(months), "mese"),
        CostGroup.POWER_SHARE: ((power_kw * months).quantize(QUANTITY_STEP), "kW×mese"),
    }
    rows = []
    for group in groups:
        quantity, unit = measures.get(group.spec.group, (Decimal(0), ""))
        if group.spec.group is CostGroup.TV_LICENCE:
            quantity, unit = sum((line.quantity for line in group.lines), Decimal(0)), "rata"
        rows.append(ReceiptRow(group, quantity, unit))
    return tuple(rows)


def average_cost(total: Decimal, kwh: int) -> Decimal | None:
    """Return what the whole bill cost per kWh of the period, or None without consumption."""
    return (total / kwh).quantize(AVERAGE_STEP, rounding=ROUND_HALF_UP) if kwh else None
