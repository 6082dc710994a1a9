"""The outbox and the service's health, as the administrator sees them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from alembic.script import ScriptDirectory
from sqlalchemy import case, select, text
from sqlalchemy.exc import SQLAlchemyError

from models import OutboxMail, db

from .. import config, health, masking
from ..i18n import _
from ..mail import deliver_pending

SHOWN_MAILS = 100


@dataclass(frozen=True)
class MailRow:
    """One outbox message, its recipient partly masked and its body never shown."""

    recipient: str
    subject: str
    created_at: datetime
    attempts: int
    last_error: str | None
    sent_at: datetime | None


def recent_mail() -> list[MailRow]:
    """List the latest messages, failed sends first, then the newest."""
    failed_first = case((OutboxMail.sent_at.is_(None) & OutboxMail.last_error.is_not(None), 0),
                        (OutboxMail.sent_at.is_(None), 1), else_=2)
    rows = db.session.scalars(select(OutboxMail).order_by(failed_first, OutboxMail.id.desc())
                              .limit(SHOWN_MAILS))
    return [MailRow(masking.email(row.recipient), row.subject, row.created_at, row.attempts,
                    row.last_error, row.sent_at) for row in rows]


def retry_mail() -> tuple[int, int]:
    """Deliver the messages waiting now, as `flask mail send` does; return sent and failed."""
    return deliver_pending()


@dataclass(frozen=True)
class Health:
    """What /health and /ready answer, and what the database runs."""

    health: tuple[int, str]
    ready: tuple[int, str]
    backend: str
    revision: str
    head: str


def _answer(view) -> tuple[int, str]:
    """Call a health view and return its status code and status text."""
    response = view()
    response, status = response if isinstance(response, tuple) else (response, None)
    return status or response.status_code, (response.get_json() or {}).get("status", "")


def _revision() -> str:
    """Return the migration revision the database is at, or why it cannot be read."""
    try:
        found = db.session.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except SQLAlchemyError:
        db.session.rollback()
        return _("non disponibile")
    return ", ".join(sorted(found)) or _("nessuna")


def service_health() -> Health:
    """Run the /health and /ready checks in-process and read the schema's revision."""
    heads = ScriptDirectory(str(config.ROOT / "migrations")).get_heads()
    return Health(_answer(health.health), _answer(health.ready), db.engine.dialect.name,
                  _revision(), ", ".join(sorted(heads)))
