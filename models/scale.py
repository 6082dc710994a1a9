"""Schema for data at scale: the data generation that versions cached documents, and an index.

Kept out of entities.py while other work changes it; the migration is 7c2d4e6f8a10.
"""
from __future__ import annotations

from sqlalchemy import Index, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from .entities import Base, Invoice


class DataGeneration(Base):
    """One row counting the writes that change what documents print (imports, corrections).

    Cached invoice PDFs are keyed by it: every worker and instance reads the same counter,
    so one import invalidates them all without any message between processes.
    """

    __tablename__ = "data_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


# The invoice PDF's history box reads a contract's latest periods up to a period end.
Index("ix_invoice_contract_period_end", Invoice.contract_id, Invoice.period_end)

GENERATION_ROW = 1


def current_generation(session: Session) -> int:
    """Return the data generation (0 before any write bumps it)."""
    # A query, not session.get: another process may have bumped it since this session read it.
    value = session.scalar(select(DataGeneration.value).where(DataGeneration.id == GENERATION_ROW))
    return value or 0


def bump_generation(session: Session) -> None:
    """Count one more change to printed data, in the caller's transaction."""
    bumped = session.execute(update(DataGeneration).where(DataGeneration.id == GENERATION_ROW)
                             .values(value=DataGeneration.value + 1))
    if bumped.rowcount == 0:  # a database made without migrations has no row yet
        session.add(DataGeneration(id=GENERATION_ROW, value=1))
        session.flush()
