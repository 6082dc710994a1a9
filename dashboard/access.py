"""THE authorization gate: which contracts and invoices the current viewer may see.

Every page, callback and route that returns member data asks here. Ids from the client
(dropdown values, URL parameters, hand-made posts) are only selectors inside the viewer's
own set: a foreign id and a nonexistent id get the same answer, None.

A member sees their own area. A support or admin login sees the one member's area it opened
from the support console (the session row holds which, and why), read-only: `may_write`
refuses every change, whatever the request says.
"""
from __future__ import annotations

import re

from models import Contract, Customer, db
from models.advice import consent_since
from models.delivery import hash_token
from models.entities import DeliveryConfirmation
from models.enums import Role
from models.queries import (
    confirmation_of_customer,
    contract_of_customer,
    contracts_of_customer,
    invoice_of_customer,
)

from .auth.identity import Viewer

MAX_ID_DIGITS = 10
MAX_ID = 2**31 - 1  # ids are INTEGER columns: PostgreSQL refuses anything larger
ALL_CONTRACTS = "tutti"
# The random part of an emailed link: base64url, as secrets.token_urlsafe writes it.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,100}")


def parse_id(raw: object) -> int | None:
    """Read a positive database id from untrusted input; anything else is None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= MAX_ID_DIGITS:
        value = int(raw)
    else:
        return None
    return value if 0 < value <= MAX_ID else None


def subject_id(viewer: Viewer | None) -> int | None:
    """Return the id of the customer whose area the viewer sees: their own, or the one opened."""
    if viewer is None:
        return None
    if viewer.is_member:
        return viewer.customer_id
    if viewer.is_staff_view:
        return viewer.viewing_customer_id
    return None


def may_write(viewer: Viewer | None) -> bool:
    """Tell whether the viewer may change the area's data: only members, in their own area."""
    return viewer is not None and viewer.is_member


def customer(viewer: Viewer | None) -> Customer | None:
    """Return the customer whose area the viewer sees."""
    customer_id = subject_id(viewer)
    return None if customer_id is None else db.session.get(Customer, customer_id)


def contracts(viewer: Viewer | None) -> list[Contract]:
    """Return the contracts the viewer may see."""
    customer_id = subject_id(viewer)
    return [] if customer_id is None else contracts_of_customer(db.session, customer_id)


def contract(viewer: Viewer | None, raw_id: object) -> Contract | None:
    """Return the contract the client asked for, if the viewer may see it."""
    contract_id, customer_id = parse_id(raw_id), subject_id(viewer)
    if customer_id is None or contract_id is None:
        return None
    return contract_of_customer(db.session, customer_id, contract_id)


def invoice(viewer: Viewer | None, raw_id: object) -> int | None:
    """Return the id of the invoice the client asked for, if the viewer may see it."""
    invoice_id, customer_id = parse_id(raw_id), subject_id(viewer)
    if customer_id is None or invoice_id is None:
        return None
    return invoice_of_customer(db.session, customer_id, invoice_id)


def contract_scope(viewer: Viewer | None, raw: object) -> list[Contract] | None:
    """Return the contracts a statement may cover: all the viewer's ("tutti"), or the one asked."""
    if subject_id(viewer) is None:
        return None
    if raw == ALL_CONTRACTS:
        return contracts(viewer)
    chosen = contract(viewer, raw)
    return [chosen] if chosen is not None else None


def delivery_confirmation(viewer: Viewer | None, raw_token: object) -> DeliveryConfirmation | None:
    """Return the bolletta web request behind an emailed link, if it is the viewer's own."""
    if not may_write(viewer):  # confirming changes the delivery: the member's own act
        return None
    if not isinstance(raw_token, str) or not TOKEN_PATTERN.fullmatch(raw_token):
        return None
    return confirmation_of_customer(db.session, viewer.customer_id, hash_token(raw_token))


def advised_customer(viewer: Viewer | None, raw_customer_id: object) -> Customer | None:
    """Return the member an advisor asked for, only while the member's consent is in force."""
    # Asked on every request, page, callback and export alike: a revocation holds at once.
    customer_id = parse_id(raw_customer_id)
    if viewer is None or viewer.role is not Role.ADVISOR or customer_id is None:
        return None
    if consent_since(db.session, customer_id) is None:
        return None
    return db.session.get(Customer, customer_id)
