"""«Modalità condivisione schermo»: personal data masked on the server, before it is sent.

While a screen is shared, the page and the PDFs must not show who the member is beyond their
name: codice fiscale, IBAN, email, phone, house numbers, login addresses. Figures stay (they
are what is being discussed). The masked value keeps just enough to recognise it on the phone
(the last characters), never enough to use it.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .documents.data import InvoiceDocument
from .statement import Holder

DOT = "•"
# A house number: digits, maybe a letter or a slash part ("12", "12/A", "7b", "3-5").
_HOUSE_NUMBER = re.compile(r"\b\d+(?:\s?[/-]\s?\w+|[A-Za-z])?\b")


def tail(value: str | None, visible: int) -> str:
    """Replace all but the last characters of a value with dots."""
    if not value:
        return ""
    compact = "".join(value.split())
    shown = compact[-visible:] if visible else ""
    return DOT * max(4, len(compact) - len(shown)) + shown


def tax_code(value: str | None) -> str:
    """Mask a codice fiscale or partita IVA but its last two characters."""
    return tail(value, 2)


def iban(value: str | None) -> str:
    """Mask an IBAN but its last four digits, as bank statements do."""
    return tail(value, 4)


def email(value: str | None) -> str:
    """Mask an email address: its first letter and its top-level domain stay."""
    if not value or "@" not in value:
        return tail(value, 0)
    local, _, domain = value.rpartition("@")
    top = domain.rsplit(".", 1)[-1] if "." in domain else ""
    return f"{local[:1]}{DOT * 3}@{DOT * 3}" + (f".{top}" if top else "")


def phone(value: str | None) -> str:
    """Mask a phone number but its last two digits."""
    return tail(value, 2)


def street(value: str | None) -> str:
    """Hide the house number of an address line; street, postcode and town stay."""
    if not value:
        return ""
    first, sep, rest = value.partition(",")
    return _HOUSE_NUMBER.sub(DOT, first) + sep + rest


def network_address(value: str | None) -> str:
    """Hide a login's network address entirely."""
    return DOT * 3 if value else ""


def invoice_document(document: InvoiceDocument) -> InvoiceDocument:
    """Return an invoice's printable data with the holder's personal data masked."""
    holder = replace(document.holder, tax_code=tax_code(document.holder.tax_code),
                     billing_address=street(document.holder.billing_address))
    supply = replace(document.supply, address=street(document.supply.address))
    return replace(document, holder=holder, supply=supply)


def holder(printed: Holder) -> Holder:
    """Return a statement's holder with the codice fiscale and house number masked."""
    return replace(printed, tax_code=tax_code(printed.tax_code),
                   billing_address=street(printed.billing_address))


def for_viewer(value: str | None, viewer: object, mask: str) -> str:
    """Mask a value with the named mask while the viewer shares the screen (a Jinja filter)."""
    masks = {"email": email, "network_address": network_address, "tax_code": tax_code,
             "iban": iban, "phone": phone, "street": street}
    if getattr(viewer, "screen_share", False):
        return masks[mask](value)
    return value or ""
