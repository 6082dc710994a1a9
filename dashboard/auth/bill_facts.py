"""Read the facts a customer copies from a paper bill, as they are printed or typed.

Each reader returns the normalized value, or raises FormatError with a polite message in the
viewer's language that says what is wrong with the writing. A format mistake tells nothing
about any customer, so the registration answers it at once and does not count it toward the
slow-down. The shapes are the import's (models/importing/formats.py): what the billing
system can hold.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..i18n import _

EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
CUSTOMER_CODE = re.compile(r"[0-9A-Za-z]{1,16}")
TAX_CODE = re.compile(r"[A-Z0-9]{16}|[0-9]{11}")
# «1636/2023» as printed in the bill («Fattura n. 1636/2023»), or the bare «1636».
INVOICE = re.compile(r"(?:N(?:R|°|º)?\.?)?([0-9]+)(?:[/-]([0-9]{4}))?")
MAX_INVOICE_NUMBER = 10**9
YEARS = range(1990, 2101)


class FormatError(ValueError):
    """A value written in a shape the bill never prints; the message says so to the viewer."""


@dataclass(frozen=True)
class InvoiceRef:
    """An invoice number, with its year when the customer wrote it («1636/2023»)."""

    number: int
    year: int | None = None


def squeezed(value: str) -> str:
    """Drop every space, inside too: «RSS MRA 80A01» as copied from the bill."""
    return "".join(value.split())


def customer_code(value: str) -> str:
    """Read a customer code: letters and digits, spaces dropped."""
    code = squeezed(value)
    if len(code) > 16:
        raise FormatError(_("Il codice cliente ha al massimo 16 caratteri: ne hai scritti "
                            "%(count)s. Copialo dalla bolletta.", count=len(code)))
    if not CUSTOMER_CODE.fullmatch(code):
        raise FormatError(_("Il codice cliente contiene solo lettere e cifre: copialo dalla "
                            "bolletta."))
    return code


def login(value: str) -> str:
    """Read a login: an email as typed, or a customer code with its spaces dropped."""
    typed = value.strip()
    if "@" in typed:
        if not EMAIL.fullmatch(typed):
            raise FormatError(_("Scrivi l'email per intero, ad esempio nome@esempio.it, oppure il "
                                "codice cliente che trovi in bolletta."))
        return typed
    try:
        return customer_code(typed)
    except FormatError:
        raise FormatError(_("Scrivi la tua email (ad esempio nome@esempio.it) oppure il codice "
                            "cliente che trovi in bolletta: solo lettere e cifre.")) from None


def tax_code(value: str) -> str:
    """Read a codice fiscale (16 letters and digits) or a partita IVA (11 digits)."""
    code = squeezed(value).upper()
    if len(code) == 13 and code.startswith("IT") and code[2:].isdigit():
        code = code[2:]  # a partita IVA written with its country prefix, as on invoices
    if len(code) not in (11, 16):
        raise FormatError(_("Il codice fiscale ha 16 caratteri e la partita IVA 11 cifre: ne "
                            "hai scritti %(count)s. Controlla di non averne persi o aggiunti.",
                            count=len(code)))
    if not TAX_CODE.fullmatch(code):
        raise FormatError(_("Il codice fiscale contiene solo lettere e cifre (ad esempio "
                            "RSSMRA80A01G284K) e la partita IVA solo cifre: controlla quello "
                            "che hai scritto."))
    return code


def invoice_number(value: str) -> InvoiceRef:
    """Read an invoice number as printed («1636/2023», «n. 1636 / 2023») or bare («1636»)."""
    match = INVOICE.fullmatch(squeezed(value).upper())
    if match is None:
        raise FormatError(_("Scrivi il numero della fattura come è stampato in bolletta, ad "
                            "esempio 1636/2023, oppure solo il numero, 1636."))
    number = int(match.group(1))
    year = int(match.group(2)) if match.group(2) else None
    if not 0 < number <= MAX_INVOICE_NUMBER:
        raise FormatError(_("Il numero della fattura non è valido: controlla le cifre prima "
                            "della barra, ad esempio 1636 in 1636/2023."))
    if year is not None and year not in YEARS:
        raise FormatError(_("L'anno dopo la barra non è valido: scrivi il numero come è "
                            "stampato in bolletta, ad esempio 1636/2023."))
    return InvoiceRef(number, year)
