"""The mail outbox: messages written in the sender's transaction, delivered after it commits."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .entities import Base, utcnow


class OutboxMail(Base):
    """One message to one address: queued with the change it announces, then delivered."""

    __tablename__ = "outbox_mail"
    __table_args__ = (
        # The per-address cap counts a recipient's recent rows; the sender scans pending ones.
        Index("ix_outbox_mail_recipient_created", "recipient", "created_at"),
        Index("ix_outbox_mail_sent_at", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))  # stored lower-case
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None]
