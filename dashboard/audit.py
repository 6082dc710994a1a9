"""Account for every staff access to a member's data before the data is shown, failing closed.

Use record() where the code reads data itself, or wrap a page layout, a Flask route or a
callback with audited(): it writes the record first and runs the wrapped function only if the
record is committed; otherwise the caller gets the refusal (a polite page, a 503 answer, a
notice) and no data, since the function that reads it never ran.

    def describe(raw_id):   # whose data, what, why: None for a member's own data
        return staff_view_access(AccessKind.PDF, f"fattura {raw_id}")

    @audited(describe, refused=refused_response)
    def invoice_pdf(raw_id): ...

describe returns None when nothing needs recording (a member on their own data).
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from flask import render_template
from sqlalchemy.exc import SQLAlchemyError

from models import AccessKind, AccessRecord, db
from models.audit import Access, append

from .auth.identity import Viewer, client_ip, current_viewer
from .i18n import N_, _
from .pages.common import notice, page_title

P = ParamSpec("P")
T = TypeVar("T")
log = logging.getLogger(__name__)

REFUSED_TITLE = N_("Dati non disponibili")
REFUSED = N_("Non è stato possibile registrare questo accesso, quindi i dati del socio non "
           "vengono mostrati. Riprova tra qualche minuto.")


class AccessNotRecorded(Exception):
    """Raised when an access could not be recorded: the data must not be shown."""


@dataclass(frozen=True)
class Planned:
    """The access a request is about to make: whose data, what, and the reason given."""

    customer_id: int
    kind: AccessKind
    target: str
    reason: str


def record(viewer: Viewer | None, planned: Planned) -> AccessRecord:
    """Write and commit the access record for this request; raise AccessNotRecorded if not."""
    reason = planned.reason.strip() if isinstance(planned.reason, str) else ""
    if viewer is None or not reason:
        # No account to charge it to, or no «Motivo»: nothing may be shown.
        raise AccessNotRecorded("nessun utente o nessun motivo")
    access = Access(
        account_id=viewer.account_id, role=viewer.role, staff_name=viewer.email,
        staff_email=viewer.email, customer_id=planned.customer_id, kind=planned.kind,
        target=planned.target, ip=client_ip(), reason=reason,
    )
    try:
        return append(db.engine, access)
    except SQLAlchemyError as error:
        log.exception("access record not written: data withheld")
        raise AccessNotRecorded("il registro degli accessi non è disponibile") from error


def audited(describe: Callable[P, Planned | None],
            refused: Callable[[], T]) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Wrap a page, route or callback: record the access its arguments describe, then run it."""
    def wrap(function: Callable[P, T]) -> Callable[P, T]:
        @functools.wraps(function)
        def run(*args: P.args, **kwargs: P.kwargs) -> T:
            planned = describe(*args, **kwargs)
            if planned is not None:
                try:
                    record(current_viewer(), planned)
                except AccessNotRecorded:
                    return refused()
            return function(*args, **kwargs)
        return run
    return wrap


def staff_view_access(kind: AccessKind, target: str) -> Planned | None:
    """Describe this request's access if it comes from a staff view of a member's area.

    A member on their own data, and staff outside a member's area, need no record: None.
    """
    viewer = current_viewer()
    if viewer is None or not viewer.is_staff_view:
        return None
    return Planned(viewer.viewing_customer_id, kind, target[:200], viewer.viewing_reason or "")


def refused_page() -> list:
    """Build the page shown instead of a member's data when the access was not recorded."""
    return page_title(_(REFUSED_TITLE)) + [notice(_(REFUSED), "alert")]


def refused_response() -> tuple[str, int]:
    """Answer a Flask route (a PDF, an export) whose access was not recorded: 503, no data."""
    return render_template("message.html", title=_(REFUSED_TITLE), message=_(REFUSED)), 503
