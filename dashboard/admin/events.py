"""Record what an administrator did: one AuditEvent per action, in the action's transaction.

Admin actions change staff accounts and the portal, not a member's data, so they go to the
audit_event table (who, what, when, from where) rather than the hash-chained access trail,
which holds staff accesses to a member's data and needs a member and a «Motivo».
"""
from __future__ import annotations

from models import db
from models.entities import AuditEvent

from ..auth.identity import Viewer, client_ip


def record_event(viewer: Viewer, action: str, detail: str = "") -> None:
    """Add the record of an admin action to the current transaction."""
    clean = "".join(c for c in detail if c.isprintable())
    db.session.add(AuditEvent(account_id=viewer.account_id, actor=viewer.email[:254],
                              action=action[:64], detail=clean[:1000], ip=client_ip()))
