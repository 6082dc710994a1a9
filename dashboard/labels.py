"""Italian names of the domain's codes, shown on pages and in documents."""
from datetime import date

from dashboard.formatting import day
from models.enums import CustomerType, DeliveryMode, Market, PaymentMethod, Role, TariffStructure
from models.statement import Standing

ROLE_LABELS = {
    Role.MEMBER: "Cliente",
    Role.SUPPORT: "Assistenza clienti",
    Role.ADVISOR: "Consulente energetico",
    Role.ADMIN: "Amministratore",
}
CUSTOMER_TYPE_LABELS = {
    CustomerType.RESIDENT: "Domestico residente",
    CustomerType.NON_RESIDENT: "Domestico non residente",
    CustomerType.OTHER: "Altri usi",
}
MARKET_LABELS = {
    Market.FREE: "Mercato libero",
    Market.PROTECTED: "Servizio di tutela",
}


def offer_conditions(market: Market | None, until: date | None) -> str:
    """Say until when an offer's economic conditions hold, as the bill's offer box does."""
    if until is not None:
        return f"valide fino al {day(until)}"
    return "aggiornate da ARERA ogni trimestre" if market is Market.PROTECTED else "senza scadenza"


TARIFF_LABELS = {
    TariffStructure.MONO: "Monoraria",
    TariffStructure.BI: "Bioraria (F1 / F23)",
    TariffStructure.MULTI: "Multioraria (F1 / F2 / F3)",
}
PAYMENT_METHOD_LABELS = {
    PaymentMethod.SEPA: "Addebito diretto SEPA sul conto",
    PaymentMethod.NOTICE: "Avviso di pagamento (pagoPA o bollettino)",
}
# Channels as the payments table stores them; an unknown one is shown as stored.
CHANNEL_LABELS = {
    "SEPA": "Addebito SEPA",
    "PagoPA": "pagoPA",
    "bollettino": "Bollettino postale",
    "bonifico": "Bonifico bancario",
}
STANDING_LABELS = {
    Standing.PAID: "Pagata",
    Standing.PARTIAL: "Pagata parzialmente",
    Standing.DUE: "Da pagare",
    Standing.OVERDUE: "Scaduta",
    Standing.CREDIT: "A credito",
}
DELIVERY_LABELS = {
    DeliveryMode.WEB: "Bolletta web (email)",
    DeliveryMode.PAPER: "Carta (per posta)",
}
