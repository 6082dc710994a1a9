"""How a contract's bills are sent: the choice in force, its changes and their confirmation.

Rules:
- a contract with no recorded change gets paper, from its start (the legal default);
- every change adds a row with the next version number; (contract, version) is unique, so
  two saves made from the same version cannot both land and a double click makes one change;
- choosing what is already in force changes nothing and records nothing;
- bolletta web takes effect only when the emailed link is opened: the link carries a random
  token (256 bits) stored only as its SHA-256, works once, expires, and is void as soon as any
  other change lands (it names the version it was asked against);
- every change and every link sent is written to the audit trail.

The functions add and flush rows; the caller sends any email and commits. When a concurrent
request wins a race (an IntegrityError on flush, or Conflict), the caller rolls back and calls
again: the second call finds the winner's row and answers as for a repeated request.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .entities import AuditEvent, BillDeliveryChange, Contract, DeliveryConfirmation
from .enums import ContractStatus, DeliveryMode
from .queries import delivery_changes, last_period_end

LINK_LIFETIME = timedelta(hours=24)
# A second request for the same address within this time is a double click: no second email.
RESEND_AFTER = timedelta(minutes=2)
TOKEN_BYTES = 32


class Conflict(Exception):
    """A concurrent request changed the same rows first: roll back and ask again."""


class Result(StrEnum):
    """What a request to change the delivery came to."""

    CHANGED = "changed"            # the new choice is in force
    UNCHANGED = "unchanged"        # it already was: nothing recorded
    LINK_NEW = "link_new"          # a link must be emailed: bolletta web waits for it
    LINK_RECENT = "link_recent"    # a link to this address went out moments ago
    STALE = "stale"                # the choice changed since the member looked at it
    EXPIRED = "expired"            # the link is past its lifetime
    CEASED = "ceased"              # the contract has ended: no more bills to send


@dataclass(frozen=True)
class Actor:
    """Who asks for a change, as the history and the audit trail record it."""

    account_id: int | None
    label: str        # the account's email
    ip: str = ""


@dataclass(frozen=True)
class Delivery:
    """The delivery in force on a contract."""

    mode: DeliveryMode
    email: str | None
    since: datetime | None   # None: the default since the contract started
    version: int             # 0 when nothing was ever recorded


@dataclass(frozen=True)
class LinkRequest:
    """The outcome of asking for bolletta web; the raw token only when a link must be sent."""

    result: Result
    token: str | None = None
    expires_at: datetime | None = None


def hash_token(raw: str) -> str:
    """Hash a link's token for storage: only the emailed link holds the raw value."""
    return hashlib.sha256(raw.encode()).hexdigest()


def in_force(session: Session, contract_id: int) -> Delivery:
    """Return the delivery choice in force: the highest version, or paper by default."""
    changes = delivery_changes(session, contract_id)
    if not changes:
        return Delivery(DeliveryMode.PAPER, None, None, 0)
    latest = changes[0]
    return Delivery(latest.mode, latest.email, latest.changed_at, latest.version)


def next_period(last_end: date | None, start: date, months: int) -> tuple[date, date]:
    """Return the first and last day of the next billing period after the last one billed."""
    first = last_end + timedelta(days=1) if last_end else start.replace(day=1)
    index = first.year * 12 + first.month - 1 + months
    after = date(index // 12, index % 12 + 1, 1)
    return first, after - timedelta(days=1)


def first_bill_affected(session: Session, contract: Contract) -> tuple[date, date] | None:
    """Return the period of the first bill a change made now applies to; None once ceased."""
    if contract.status is ContractStatus.CEASED:
        return None
    return next_period(last_period_end(session, contract.id), contract.start_date,
                       contract.billing_months)


def audit(session: Session, actor: Actor, action: str, contract_id: int | None,
          detail: str = "", at: datetime | None = None) -> None:
    """Append an event to the audit trail."""
    event = AuditEvent(account_id=actor.account_id, actor=actor.label[:254], action=action,
                       contract_id=contract_id, detail=detail[:1000], ip=actor.ip[:45])
    if at is not None:
        event.at = at
    session.add(event)


def _record(session: Session, contract: Contract, version: int, mode: DeliveryMode,
            email: str | None, actor: Actor, now: datetime) -> None:
    """Add a change row with the next version and flush, so a concurrent twin fails here."""
    session.add(BillDeliveryChange(contract_id=contract.id, version=version, mode=mode,
                                   email=email, changed_at=now, actor=actor.label[:254],
                                   account_id=actor.account_id))
    session.flush()


def choose_paper(session: Session, contract: Contract, seen_version: int, actor: Actor,
                 now: datetime) -> Result:
    """Switch the contract to paper at once, unless it already is or changed meanwhile."""
    if contract.status is ContractStatus.CEASED:
        return Result.CEASED
    current = in_force(session, contract.id)
    if current.mode is DeliveryMode.PAPER:
        return Result.UNCHANGED
    if current.version != seen_version:
        return Result.STALE
    _record(session, contract, current.version + 1, DeliveryMode.PAPER, None, actor, now)
    audit(session, actor, "invio.carta", contract.id,
          f"da bolletta web ({current.email}) a carta", now)
    return Result.CHANGED


def _same_request(session: Session, contract_id: int, version: int,
                  email: str) -> DeliveryConfirmation | None:
    """Return the link already asked for this address from this version, used or not."""
    return session.scalar(select(DeliveryConfirmation).where(
        DeliveryConfirmation.contract_id == contract_id,
        DeliveryConfirmation.base_version == version,
        DeliveryConfirmation.email == email))


def request_web(session: Session, contract: Contract, email: str, seen_version: int,
                actor: Actor, now: datetime) -> LinkRequest:
    """Ask for bolletta web to an address: make (or renew) the link that will confirm it."""
    if contract.status is ContractStatus.CEASED:
        return LinkRequest(Result.CEASED)
    current = in_force(session, contract.id)
    if current.mode is DeliveryMode.WEB and current.email == email:
        return LinkRequest(Result.UNCHANGED)
    if current.version != seen_version:
        return LinkRequest(Result.STALE)
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    expires = now + LINK_LIFETIME
    existing = _same_request(session, contract.id, current.version, email)
    if existing is None:
        session.add(DeliveryConfirmation(
            contract_id=contract.id, email=email, token_hash=hash_token(raw),
            base_version=current.version, account_id=actor.account_id, created_at=now,
            expires_at=expires))
        session.flush()
    elif existing.used_at is not None:
        return LinkRequest(Result.STALE)
    elif now - existing.created_at < RESEND_AFTER:
        return LinkRequest(Result.LINK_RECENT)
    else:
        # A fresh link replaces the old one: only the latest email's link works.
        renewed = session.execute(
            update(DeliveryConfirmation)
            .where(DeliveryConfirmation.id == existing.id,
                   DeliveryConfirmation.token_hash == existing.token_hash)
            .values(token_hash=hash_token(raw), created_at=now, expires_at=expires)
            .execution_options(synchronize_session=False))
        if renewed.rowcount != 1:
            raise Conflict
    audit(session, actor, "invio.web_richiesta", contract.id,
          f"link di conferma inviato a {email}", now)
    return LinkRequest(Result.LINK_NEW, raw, expires)


def confirm_web(session: Session, confirmation: DeliveryConfirmation, contract: Contract,
                actor: Actor, now: datetime) -> Result:
    """Put bolletta web in force from an opened link, once, if nothing changed meanwhile."""
    current = in_force(session, contract.id)
    if confirmation.used_at is not None:
        confirmed = current.mode is DeliveryMode.WEB and current.email == confirmation.email
        return Result.UNCHANGED if confirmed else Result.STALE
    if confirmation.expires_at <= now:
        return Result.EXPIRED
    if contract.status is ContractStatus.CEASED:
        return Result.CEASED
    if current.version != confirmation.base_version:
        return Result.STALE
    used = session.execute(
        update(DeliveryConfirmation)
        .where(DeliveryConfirmation.id == confirmation.id, DeliveryConfirmation.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    if used.rowcount != 1:
        raise Conflict
    _record(session, contract, current.version + 1, DeliveryMode.WEB, confirmation.email,
            actor, now)
    before = f"bolletta web ({current.email})" if current.email else "carta"
    audit(session, actor, "invio.web_confermata", contract.id,
          f"da {before} a bolletta web ({confirmation.email})", now)
    return Result.CHANGED
