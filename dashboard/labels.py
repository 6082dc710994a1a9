"""Names of the domain's codes, shown on pages and in documents, in the viewer's language.

The dicts hold the Italian names, marked for translation; show one with `label(MAPPING, key)`
(or `_(MAPPING[key])`), which gives the viewer's language inside a request and Italian
outside one (PDFs built by a command, mails).
"""
from collections.abc import Mapping
from datetime import date
from typing import Any

from dashboard.formatting import day
from dashboard.i18n import N_, _
from models.enums import CustomerType, DeliveryMode, Market, PaymentMethod, Role, TariffStructure
from models.statement import Standing

ROLE_LABELS = {
    Role.MEMBER: N_("Cliente"),
    Role.SUPPORT: N_("Assistenza clienti"),
    Role.ADVISOR: N_("Consulente energetico"),
    Role.ADMIN: N_("Amministratore"),
}
CUSTOMER_TYPE_LABELS = {
    CustomerType.RESIDENT: N_("Domestico residente"),
    CustomerType.NON_RESIDENT: N_("Domestico non residente"),
    CustomerType.OTHER: N_("Altri usi"),
}
MARKET_LABELS = {
    Market.FREE: N_("Mercato libero"),
    Market.PROTECTED: N_("Servizio di tutela"),
}


def label(mapping: Mapping[Any, str], key: object, default: str | None = None) -> str:
    """Return a code's name in the viewer's language; `default`, as given, for an unknown one."""
    if default is not None and key not in mapping:
        return default
    return _(mapping[key])


def offer_conditions(market: Market | None, until: date | None) -> str:
    """Say until when an offer's economic conditions hold, as the bill's offer box does."""
    if until is not None:
        return _("valide fino al %(date)s", date=day(until))
    if market is Market.PROTECTED:
        return _("aggiornate da ARERA ogni trimestre")
    return _("senza scadenza")


TARIFF_LABELS = {
    TariffStructure.MONO: N_("Monoraria"),
    TariffStructure.BI: N_("Bioraria (F1 / F23)"),
    TariffStructure.MULTI: N_("Multioraria (F1 / F2 / F3)"),
}
PAYMENT_METHOD_LABELS = {
    PaymentMethod.SEPA: N_("Addebito diretto SEPA sul conto"),
    PaymentMethod.NOTICE: N_("Avviso di pagamento (pagoPA o bollettino)"),
}
# Channels as the payments table stores them; an unknown one is shown as stored.
CHANNEL_LABELS = {
    "SEPA": N_("Addebito SEPA"),
    "PagoPA": N_("pagoPA"),
    "bollettino": N_("Bollettino postale"),
    "bonifico": N_("Bonifico bancario"),
}
STANDING_LABELS = {
    Standing.PAID: N_("Pagata"),
    Standing.PARTIAL: N_("Pagata parzialmente"),
    Standing.DUE: N_("Da pagare"),
    Standing.OVERDUE: N_("Scaduta"),
    Standing.CREDIT: N_("A credito"),
}
DELIVERY_LABELS = {
    DeliveryMode.WEB: N_("Bolletta web (email)"),
    DeliveryMode.PAPER: N_("Carta (per posta)"),
}
