"""Energy advice for pages, callbacks and routes: the gate plus the audit, and the figures.

Every advisor request about a member goes through `advised()`: the access gate gives the member
only while their consent is in force, and the access record is committed before any datum is
read (fail closed). Nothing here reads payments, IBANs, invoices or documents: the advisor's
figures come from the monthly band totals, the curves and the contract's technical data.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app

from models import AccessKind, Contract, Customer, db
from models.advice import (
    CurveFlags,
    Peers,
    Prices,
    curve_flags,
    energy_cost,
    shift_from_f1,
    similar_homes,
    supply_year,
    year_use,
)
from models.bands import Bands
from models.enums import ContractStatus, TariffStructure
from models.queries import contracts_of_customer

from . import access
from .audit import Planned, record
from .auth.identity import Viewer
from .i18n import N_

REASON = "consulenza con consenso"
UNKNOWN = N_("Socio non trovato tra quelli che hanno dato il consenso alla consulenza. "
           "Sceglilo dall'elenco.")
FALLBACK_PRICES = {"mono": "0.2000", "bi_f1": "0.2200", "bi_f23": "0.1900",
                   "multi_f1": "0.2300", "multi_f2": "0.2000", "multi_f3": "0.1800"}
PRICE_LABELS = {
    "mono": N_("Monoraria, ogni fascia"),
    "bi_f1": N_("Bioraria, F1"),
    "bi_f23": N_("Bioraria, F2 e F3"),
    "multi_f1": N_("Multioraria, F1"),
    "multi_f2": N_("Multioraria, F2"),
    "multi_f3": N_("Multioraria, F3"),
}
SHARE_STEPS = 100   # the slider moves whole percent

# Component ids of the advisor's and the member's advice pages.
WHATIF_PRICE_PREFIX = "consulente-prezzo-"      # + a key of PRICE_LABELS
WHATIF_SHARE = "consulente-spostamento"
WHATIF_RESULT = "consulente-simulazione"
REPORT_TEXT = "consulente-relazione-testo"
REPORT_SAVE = "consulente-relazione-salva"
REPORT_RESULT = "consulente-relazione-esito"
CONSENT_GIVE = "consulenza-concedi"
CONSENT_REVOKE = "consulenza-revoca"
CONSENT_STATUS = "consulenza-stato"
CONSENT_MESSAGE = "consulenza-messaggio"


def default_prices() -> dict[str, str]:
    """Return the what-if's starting prices from the configuration."""
    configured = current_app.config.get("ADVICE_DEFAULT_PRICES") or {}
    return {key: str(configured.get(key, value)) for key, value in FALLBACK_PRICES.items()}


def advised(viewer: Viewer | None, raw_customer_id: object, kind: AccessKind,
            target: str) -> Customer | None:
    """Return the consenting member asked for, once the access is recorded; None if unknown.

    Raises AccessNotRecorded when the record could not be written: show nothing then.
    """
    customer = access.advised_customer(viewer, raw_customer_id)
    if customer is None:
        return None
    record(viewer, Planned(customer.id, kind, target, REASON))
    return customer


def record_each(viewer: Viewer | None, customer_ids: list[int], kind: AccessKind,
                target: str) -> None:
    """Record the access to each member a list shows; raise AccessNotRecorded if one fails."""
    for customer_id in customer_ids:
        record(viewer, Planned(customer_id, kind, target, REASON))


def chosen_supply(customer: Customer, raw_contract_id: object) -> Contract | None:
    """Pick the supply asked for among the member's own; by default the first active one."""
    supplies = contracts_of_customer(db.session, customer.id)
    wanted = access.parse_id(raw_contract_id)
    if wanted is not None:
        return next((c for c in supplies if c.id == wanted), None)
    active = [c for c in supplies if c.status is ContractStatus.ACTIVE]
    return (active or supplies or [None])[0]


@dataclass(frozen=True)
class SupplyFacts:
    """The technical data of a supply an advisor may see: no payment, IBAN or invoice."""

    contract_id: int
    pod: str
    address: str
    customer_type: str
    tariff: TariffStructure
    power_committed_kw: Decimal
    power_available_kw: Decimal
    voltage_v: int
    phases: int
    meter_type: str
    start_date: date
    ceased: bool


def supply_facts(contract: Contract) -> SupplyFacts:
    """Copy the technical data out of a contract, and only that."""
    return SupplyFacts(contract.id, contract.pod,
                       contract.supply_address,
                       contract.customer_type.value, contract.tariff_structure,
                       contract.power_committed_kw, contract.power_available_kw,
                       contract.voltage_v, contract.phases, contract.meter_type,
                       contract.start_date, contract.status is ContractStatus.CEASED)


@dataclass(frozen=True)
class Analysis:
    """What the advisor and the member read about a supply's year."""

    first: date
    last: date
    use: Bands[Decimal] | None
    peers: Peers | None
    curve: CurveFlags | None


def analysis(contract: Contract, today: date) -> Analysis:
    """Gather a supply's twelve months, its similar homes and its curve flags."""
    first, last = supply_year(db.session, contract.id, today)
    use = year_use(db.session, [contract.id], first, last).get(contract.id)
    return Analysis(first, last, use, similar_homes(db.session, contract, first, last),
                    curve_flags(db.session, contract))


@dataclass(frozen=True)
class WhatIf:
    """The tariff what-if: each structure's yearly energy cost, now and after the shift."""

    share: Decimal
    now: dict[TariffStructure, Decimal]
    shifted: dict[TariffStructure, Decimal]
    shifted_use: Bands[Decimal]


def read_share(raw: object) -> Decimal | None:
    """Read the slider's percent (0–100) from untrusted input, as a fraction."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None
    try:
        value = Decimal(str(raw).strip())
    except ArithmeticError:
        return None
    if not value.is_finite() or not 0 <= value <= SHARE_STEPS:
        return None
    return (value / SHARE_STEPS).quantize(Decimal("0.01"))


def read_prices(raw: dict[str, object]) -> Prices | None:
    """Read the six unit prices typed in the form; None when one is missing or out of range."""
    values = {key: raw.get(key) for key in PRICE_LABELS}
    if any(isinstance(v, bool) or not isinstance(v, int | float | str) or len(str(v)) > 20
           for v in values.values()):
        return None
    try:
        return Prices.from_mapping(values)
    except (ValueError, ArithmeticError, TypeError):
        return None


def what_if(use: Bands[Decimal], prices: Prices, share: Decimal) -> WhatIf:
    """Price the year as it was and with a share of F1 moved to F2 and F3."""
    shifted = shift_from_f1(use, share)
    return WhatIf(share, energy_cost(use, prices), energy_cost(shifted, prices), shifted)

