"""The history of billing imports started from the administrator's page."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .entities import Base, utcnow


class ImportRun(Base):
    """One upload of the billing system's CSV files: checked only, written, or refused."""

    __tablename__ = "import_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)   # UTC
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254))    # the administrator's email at the time
    files: Mapped[str] = mapped_column(String(1000))   # the uploaded names, comma-separated
    outcome: Mapped[str] = mapped_column(String(16))   # "scritto", "controllato", "errori"
    rows: Mapped[int] = mapped_column(default=0)
    problem_count: Mapped[int] = mapped_column(default=0)
    # The first problems, one per line as file:line:column: reason; the counts when written.
    problems: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
