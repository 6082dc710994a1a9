"""«Codice per l'assistenza»: a short code a member reads out so staff open the same view.

A member asks for a code; it names the member and the page they are on (path and query),
updated as they move, so staff who type it land on the same page, contract, year, view and
order. Codes are random (secrets), six characters from an alphabet without look-alikes, valid
30 minutes, one live code per member (a new one replaces the old). Only a hash is stored.
While the member keeps «Segui il socio» on, staff views follow the stored location.
Wrong codes count against the staff account that typed them, so guessing is slowed down.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .entities import Base

# No 0/O/Q, 1/I/L, 2/Z, 5/S, 8/B, 6/G, U/V: easy to read out and to type from a phone call.
ALPHABET = "ACDEFHJKMNPRTWXY3479"
LENGTH = 6
LIFETIME = timedelta(minutes=30)
FOLLOW_LIFETIME = timedelta(minutes=30)
MAX_LOCATION = 500
# Wrong codes per staff account: a few typos are free, then each try waits.
FREE_WRONG_CODES = 5
WRONG_CODE_WINDOW = timedelta(minutes=15)
WRONG_CODE_PAUSE = timedelta(minutes=1)


class AssistanceCode(Base):
    """The live code of one member, and where in the area that member is now."""

    __tablename__ = "assistance_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    path: Mapped[str] = mapped_column(String(MAX_LOCATION), default="/")
    search: Mapped[str] = mapped_column(String(MAX_LOCATION), default="")
    moved_at: Mapped[datetime]
    follow_until: Mapped[datetime | None]


class WrongAssistanceCode(Base):
    """A code typed by a staff account that matched no live code."""

    __tablename__ = "wrong_assistance_code"
    __table_args__ = (Index("ix_wrong_assistance_code_account_at", "account_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    at: Mapped[datetime]


@dataclass(frozen=True)
class Location:
    """Where a member is in the area: a path and its query string."""

    path: str
    search: str

    @property
    def url(self) -> str:
        """Return the path with its query string."""
        return self.path + self.search


@dataclass(frozen=True)
class Redeemed:
    """The member a code names, where they are, and whether staff may follow them."""

    customer_id: int
    location: Location
    following: bool


def _hash(code: str) -> str:
    """Hash a code for storage and lookup."""
    return hashlib.sha256(code.encode()).hexdigest()


def normalise(raw: object) -> str | None:
    """Read a typed code: spaces and dashes dropped, upper case; None if it cannot be one."""
    if not isinstance(raw, str) or len(raw) > 40:
        return None
    code = "".join(ch for ch in raw if ch not in " -\t").upper()
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def _location(path: object, search: object) -> Location:
    """Keep a location from the client only if it is a plain local path of a sane size."""
    path = path if isinstance(path, str) and path.startswith("/") else "/"
    if path.startswith("//") or len(path) > MAX_LOCATION:
        path = "/"
    search = search if isinstance(search, str) and search.startswith("?") else ""
    return Location(path, search if len(search) <= MAX_LOCATION else "")


def issue(session: Session, customer_id: int, now: datetime, path: object = "/",
          search: object = "") -> str:
    """Give the member a fresh code, replacing any earlier one, and return it."""
    session.execute(delete(AssistanceCode).where(AssistanceCode.customer_id == customer_id))
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        taken = session.scalar(select(AssistanceCode.id)
                               .where(AssistanceCode.code_hash == _hash(code)))
        if taken is None:
            break
    where = _location(path, search)
    session.add(AssistanceCode(customer_id=customer_id, code_hash=_hash(code), created_at=now,
                               expires_at=now + LIFETIME, path=where.path, search=where.search,
                               moved_at=now))
    session.flush()
    return code


def live(session: Session, customer_id: int, now: datetime) -> AssistanceCode | None:
    """Return the member's unexpired code row, if any."""
    return session.scalar(select(AssistanceCode).where(
        AssistanceCode.customer_id == customer_id, AssistanceCode.expires_at > now))


def note_location(session: Session, customer_id: int, now: datetime, path: object,
                  search: object) -> bool:
    """Record where the member is now, if they have a live code; tell whether it was stored."""
    row = live(session, customer_id, now)
    if row is None:
        return False
    where = _location(path, search)
    row.path, row.search, row.moved_at = where.path, where.search, now
    return True


def set_following(session: Session, customer_id: int, now: datetime, on: bool) -> bool:
    """Let staff follow the member's navigation for 30 minutes, or stop it at once."""
    row = live(session, customer_id, now)
    if row is None:
        return False
    row.follow_until = now + FOLLOW_LIFETIME if on else None
    return True


def end(session: Session, customer_id: int) -> None:
    """Close the member's assistance: the code stops working and nobody follows."""
    session.execute(delete(AssistanceCode).where(AssistanceCode.customer_id == customer_id))


def staff_wait(session: Session, account_id: int, now: datetime) -> timedelta:
    """Return how long a staff account must wait before typing another code."""
    count, latest = session.execute(
        select(func.count(WrongAssistanceCode.id), func.max(WrongAssistanceCode.at)).where(
            WrongAssistanceCode.account_id == account_id,
            WrongAssistanceCode.at >= now - WRONG_CODE_WINDOW)).one()
    if count < FREE_WRONG_CODES or latest is None:
        return timedelta(0)
    pause = WRONG_CODE_PAUSE * 2 ** min(count - FREE_WRONG_CODES, 4)
    return max(timedelta(0), latest + pause - now)


def redeem(session: Session, account_id: int, raw: object, now: datetime) -> Redeemed | None:
    """Return what a code typed by staff names, or None (and count it) if it names nothing.

    The caller checks staff_wait() first and refuses while it is positive.
    """
    code = normalise(raw)
    row = None if code is None else session.scalar(select(AssistanceCode).where(
        AssistanceCode.code_hash == _hash(code), AssistanceCode.expires_at > now))
    if row is None:
        session.add(WrongAssistanceCode(account_id=account_id, at=now))
        session.execute(delete(WrongAssistanceCode).where(
            WrongAssistanceCode.account_id == account_id,
            WrongAssistanceCode.at < now - WRONG_CODE_WINDOW))
        return None
    following = row.follow_until is not None and row.follow_until > now
    return Redeemed(row.customer_id, Location(row.path, row.search), following)


def followed_location(session: Session, customer_id: int, now: datetime) -> Location | None:
    """Return where a member is, while they let staff follow them; None once they stop."""
    row = live(session, customer_id, now)
    if row is None or row.follow_until is None or row.follow_until <= now:
        return None
    return Location(row.path, row.search)
