"""Closed vocabularies of the domain, stored as their string values."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """Who a login account belongs to; also its dash-auth group."""

    MEMBER = "socio"          # a member or a plain customer: sees only their own data
    SUPPORT = "assistenza"
    ADVISOR = "consulente"
    ADMIN = "admin"


class CustomerType(StrEnum):
    """The supply's use, which sets IVA, excise and the canone RAI."""

    RESIDENT = "domestico_residente"
    NON_RESIDENT = "domestico_non_residente"
    OTHER = "altri_usi"


class TariffStructure(StrEnum):
    """How the energy price is split across time bands."""

    MONO = "monoraria"
    BI = "bioraria"
    MULTI = "multioraria"


class ReadingType(StrEnum):
    """Where a meter reading comes from; bills must say which."""

    ACTUAL = "effettiva"
    SELF = "autolettura"
    ESTIMATED = "stimata"


class BillGeneration(StrEnum):
    """Layout rules a bill was issued under."""

    BOLLETTA_2_0 = "bolletta_2_0"        # cost groups up to 30 June 2025
    ARERA_2025 = "arera_2025"            # Delibera 315/2024, from 1 July 2025


class CostGroup(StrEnum):
    """The heading an invoice line is totalled under."""

    # Bolletta 2.0
    ENERGY = "materia_energia"
    TRANSPORT = "trasporto_contatore"
    SYSTEM_CHARGES = "oneri_sistema"
    RECALCULATIONS = "ricalcoli"
    OTHER = "altre_partite"
    TAXES = "imposte_iva"
    # Both generations: the canone RAI, outside IVA, on its own line (L. 208/2015, DM 94/2016)
    TV_LICENCE = "canone_rai"
    # Delibera 315/2024 energy receipt
    CONSUMPTION_SHARE = "quota_consumi"
    FIXED_SHARE = "quota_fissa"
    POWER_SHARE = "quota_potenza"


class CostSide(StrEnum):
    """Who a cost goes to in the 2025 receipt: the seller, or network and charges."""

    SALE = "vendita"
    NETWORK = "rete_oneri"
    TAXES = "imposte"
    OTHER = "altro"


class Market(StrEnum):
    """Where the supply's offer is sold: the free market or the regulated protection services."""

    FREE = "libero"
    PROTECTED = "tutele"


class PaymentMethod(StrEnum):
    """How the customer pays the bill."""

    SEPA = "sepa"
    NOTICE = "avviso"     # avviso di pagamento / bollettino


class ContractStatus(StrEnum):
    """Whether the supply is still active."""

    ACTIVE = "attivo"
    CEASED = "cessato"


class DeliveryMode(StrEnum):
    """How a contract's bills reach the holder."""

    WEB = "web"        # bolletta web: an email with the PDF attached
    PAPER = "carta"    # postal mail to the billing address
