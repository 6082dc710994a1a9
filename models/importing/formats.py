"""The CSV files the billing system exports: their columns, how each value is read and checked.

Every file is UTF-8 with a header row, comma-separated, dates as YYYY-MM-DD, months as
YYYY-MM, decimals with a point. docs/IMPORT.md describes the format for the billing system.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from ..enums import (
    BillGeneration,
    ContractStatus,
    CostGroup,
    CostSide,
    CustomerType,
    PaymentMethod,
    ReadingType,
    TariffStructure,
)
from ..wording import N_, _

Parser = Callable[[str], object]


def text(max_length: int) -> Parser:
    """Read free text up to a length."""
    def parse(raw: str) -> str:
        if len(raw) > max_length:
            raise ValueError(_("al massimo %(max)s caratteri", max=max_length))
        if any(unicodedata.category(c) == "Cc" for c in raw):  # NUL, a line break, a tab
            raise ValueError(_("contiene caratteri di controllo (per esempio un a capo)"))
        return raw
    return parse


def matching(regex: str, hint: str, upper: bool = False) -> Parser:
    """Read text that must match a pattern (upper-cased first if asked)."""
    compiled = re.compile(regex)

    def parse(raw: str) -> str:
        value = raw.upper() if upper else raw
        if not compiled.fullmatch(value):
            raise ValueError(_("formato non valido, atteso %(hint)s", hint=_(hint)))
        return value
    return parse


def integer(low: int, high: int) -> Parser:
    """Read a whole number within bounds."""
    def parse(raw: str) -> int:
        if not re.fullmatch(r"-?\d{1,12}", raw):
            raise ValueError(_("non è un numero intero"))
        value = int(raw)
        if not low <= value <= high:
            raise ValueError(_("deve essere tra %(low)s e %(high)s", low=low, high=high))
        return value
    return parse


def decimal(scale: int, minimum: Decimal | None = None) -> Parser:
    """Read an exact decimal with at most `scale` decimals, never through float."""
    def parse(raw: str) -> Decimal:
        if "," in raw:
            raise ValueError(_("usa il punto come separatore decimale"))
        if not re.fullmatch(r"-?\d{1,12}(\.\d+)?", raw):
            raise ValueError(_("non è un numero"))
        try:
            value = Decimal(raw)
        except InvalidOperation as error:
            raise ValueError(_("non è un numero")) from error
        if -value.as_tuple().exponent > scale:
            raise ValueError(_("al massimo %(scale)s decimali", scale=scale))
        if minimum is not None and value < minimum:
            raise ValueError(_("non può essere minore di %(min)s", min=minimum))
        return value
    parse.is_decimal = True  # an unquoted decimal comma is recognised in these columns
    return parse


def iso_date(raw: str) -> date:
    """Read a date written YYYY-MM-DD."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        raise ValueError(_("data non valida, atteso AAAA-MM-GG"))
    try:
        return date.fromisoformat(raw)
    except ValueError as error:
        raise ValueError(_("data inesistente")) from error


def month(raw: str) -> date:
    """Read a month written YYYY-MM as its first day."""
    if not re.fullmatch(r"\d{4}-\d{2}", raw):
        raise ValueError(_("mese non valido, atteso AAAA-MM"))
    try:
        return date.fromisoformat(raw + "-01")
    except ValueError as error:
        raise ValueError(_("mese inesistente")) from error


def choice(cls: type[StrEnum]) -> Parser:
    """Read one value of a closed vocabulary."""
    allowed = ", ".join(m.value for m in cls)

    def parse(raw: str) -> StrEnum:
        try:
            return cls(raw.strip().lower())
        except ValueError as error:
            raise ValueError(_("valore non ammesso, atteso uno tra: %(allowed)s",
                               allowed=allowed)) from error
    return parse


def yes_no(raw: str) -> bool:
    """Read sì/no (or 1/0)."""
    value = raw.strip().lower()
    if value in {"si", "sì", "1"}:
        return True
    if value in {"no", "0"}:
        return False
    raise ValueError(_("atteso si o no"))


def iban(raw: str) -> str:
    """Read an Italian IBAN and check its control digits."""
    value = raw.replace(" ", "").upper()
    if not re.fullmatch(r"IT\d{2}[A-Z]\d{10}[A-Z0-9]{12}", value):
        raise ValueError(_("IBAN italiano non valido (27 caratteri, inizia con IT)"))
    digits = "".join(str(int(c, 36)) for c in value[4:] + value[:4])
    if int(digits) % 97 != 1:
        raise ValueError(_("IBAN con cifre di controllo errate"))
    return value


@dataclass(frozen=True)
class Column:
    """One CSV column: its header, the model field it fills and how it is read."""

    name: str
    field: str
    parse: Parser
    required: bool = True

    @property
    def decimal(self) -> bool:
        """Tell whether the column holds a decimal number."""
        return getattr(self.parse, "is_decimal", False)


@dataclass(frozen=True)
class FileSpec:
    """One CSV file of the export and its natural key (CSV column names)."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    def field(self, column: str) -> str:
        """Return the field a column fills."""
        return next(c.field for c in self.columns if c.name == column)


POD = matching(r"IT\d{3}E\d{8,9}", N_("IT + 3 cifre + E + 8 o 9 cifre"), upper=True)
CUSTOMER_CODE = matching(r"[0-9A-Za-z]{1,16}", N_("fino a 16 lettere o cifre"))
KWH = integer(0, 10_000_000)
REGISTER = integer(0, 10**11)
YEAR = integer(1990, 2100)
INVOICE_NUMBER = integer(1, 10**9)

CUSTOMERS = FileSpec("clienti.csv", (
    Column("codice_cliente", "code", CUSTOMER_CODE),
    Column("nome", "name", text(200)),
    Column("codice_fiscale", "tax_code",
           matching(r"[A-Z0-9]{16}|\d{11}", N_("codice fiscale (16) o partita IVA (11)"),
                    upper=True)),
    Column("indirizzo", "billing_street", text(200)),
    Column("cap", "billing_zip", matching(r"\d{5}", N_("5 cifre"))),
    Column("comune", "billing_city", text(100)),
    Column("provincia", "billing_province",
           matching(r"[A-Z]{2}", N_("sigla di 2 lettere"), upper=True)),
    Column("email", "email", matching(r"[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s]{2,}",
                                      N_("un indirizzo email")), required=False),
    Column("socio_dal", "member_since", iso_date, required=False),
), key=("codice_cliente",))

CONTRACTS = FileSpec("contratti.csv", (
    Column("pod", "pod", POD),
    Column("codice_cliente", "customer_code", CUSTOMER_CODE),
    Column("indirizzo_fornitura", "supply_street", text(200)),
    Column("cap_fornitura", "supply_zip", matching(r"\d{5}", N_("5 cifre"))),
    Column("comune_fornitura", "supply_city", text(100)),
    Column("tipo_cliente", "customer_type", choice(CustomerType)),
    Column("struttura_tariffaria", "tariff_structure", choice(TariffStructure)),
    Column("offerta", "offer_name", text(100)),
    Column("codice_offerta", "offer_code", text(32)),
    Column("potenza_impegnata_kw", "power_committed_kw", decimal(3, Decimal("0.5"))),
    Column("potenza_disponibile_kw", "power_available_kw", decimal(3, Decimal("0.5"))),
    Column("tensione_v", "voltage_v", integer(100, 20_000)),
    Column("fasi", "phases", integer(1, 3)),
    Column("contatore", "meter_type", text(64)),
    Column("mesi_fatturazione", "billing_months", integer(1, 12)),
    Column("data_inizio", "start_date", iso_date),
    Column("data_fine", "end_date", iso_date, required=False),
    Column("stato", "status", choice(ContractStatus)),
    Column("pagamento", "payment_method", choice(PaymentMethod)),
    Column("iban", "iban", iban, required=False),
), key=("pod",))

MONTHS = FileSpec("consumi_mensili.csv", (
    Column("pod", "pod", POD),
    Column("mese", "month", month),
    Column("f1_kwh", "f1_kwh", KWH),
    Column("f2_kwh", "f2_kwh", KWH),
    Column("f3_kwh", "f3_kwh", KWH),
    Column("kwh", "kwh", integer(0, 30_000_000)),
    Column("tipo_lettura", "reading_type", choice(ReadingType)),
), key=("pod", "mese"))

READINGS = FileSpec("letture.csv", (
    Column("pod", "pod", POD),
    Column("data_lettura", "read_on", iso_date),
    Column("f1", "f1", REGISTER),
    Column("f2", "f2", REGISTER),
    Column("f3", "f3", REGISTER),
    Column("tipo_lettura", "reading_type", choice(ReadingType)),
), key=("pod", "data_lettura"))

INVOICES = FileSpec("fatture.csv", (
    Column("anno", "fiscal_year", YEAR),
    Column("numero", "number", INVOICE_NUMBER),
    Column("pod", "pod", POD),
    Column("data_emissione", "issue_date", iso_date),
    Column("scadenza", "due_date", iso_date),
    Column("inizio_periodo", "period_start", iso_date),
    Column("fine_periodo", "period_end", iso_date),
    Column("data_lettura", "reading_date", iso_date),
    Column("tipo_lettura", "reading_type", choice(ReadingType)),
    Column("f1_kwh", "f1_kwh", KWH),
    Column("f2_kwh", "f2_kwh", KWH),
    Column("f3_kwh", "f3_kwh", KWH),
    Column("kwh", "kwh", integer(0, 30_000_000)),
    Column("totale", "total", decimal(2)),
    Column("generazione", "generation", choice(BillGeneration)),
    Column("conguaglio", "is_adjustment", yes_no),
), key=("anno", "numero"))

LINES = FileSpec("righe_fattura.csv", (
    Column("anno", "fiscal_year", YEAR),
    Column("numero", "number", INVOICE_NUMBER),
    Column("posizione", "position", integer(1, 999)),
    Column("gruppo", "group", choice(CostGroup)),
    Column("lato", "side", choice(CostSide)),
    Column("descrizione", "description", text(200)),
    Column("quantita", "quantity", decimal(3)),
    Column("unita", "unit", text(16)),
    Column("prezzo_unitario", "unit_price", decimal(6)),
    Column("importo", "amount", decimal(2)),
), key=("anno", "numero", "posizione"))

PAYMENTS = FileSpec("pagamenti.csv", (
    Column("anno", "fiscal_year", YEAR),
    Column("numero", "number", INVOICE_NUMBER),
    Column("data", "paid_on", iso_date),
    Column("importo", "amount", decimal(2)),
    Column("canale", "channel", text(32)),
), key=())  # an invoice's payments are replaced as a whole: two equal payments may exist

# In the order they are written: every file refers only to files before it.
SPECS: tuple[FileSpec, ...] = (CUSTOMERS, CONTRACTS, MONTHS, READINGS, INVOICES, LINES, PAYMENTS)
