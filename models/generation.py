"""The data generation: a counter that versions cached documents across workers and instances."""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .entities import DataGeneration

GENERATION_ROW = 1
# A query, not session.get: another process may have bumped it since this session read it.
# Built once: it runs on every PDF request.
_CURRENT = select(DataGeneration.value).where(DataGeneration.id == GENERATION_ROW)


def current_generation(session: Session) -> int:
    """Return the data generation (0 before any write bumps it)."""
    value = session.scalar(_CURRENT)
    return value or 0


def bump_generation(session: Session) -> None:
    """Count one more change to printed data, in the caller's transaction."""
    bumped = session.execute(update(DataGeneration).where(DataGeneration.id == GENERATION_ROW)
                             .values(value=DataGeneration.value + 1))
    if bumped.rowcount == 0:  # a database made without migrations has no row yet
        session.add(DataGeneration(id=GENERATION_ROW, value=1))
        session.flush()
