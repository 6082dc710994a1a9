"""Italian names of the domain's codes, shown on pages and in documents."""
from models.enums import CustomerType, Role, TariffStructure

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
TARIFF_LABELS = {
    TariffStructure.MONO: "Monoraria",
    TariffStructure.BI: "Bioraria (F1 / F23)",
    TariffStructure.MULTI: "Multioraria (F1 / F2 / F3)",
}
