"""The support console: staff open a member's area, read-only, by a code the member reads out.

Plain Flask pages with CSRF-protected forms: they carry no chart, load fast and work with
any screen reader. Opening an area needs a «Motivo»; the staff session then sees exactly the
member's pages (dashboard/access.py) until «Esci dalla visualizzazione».
"""
from __future__ import annotations

import math
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request
from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from models import AccessKind, Customer, db
from models import assistance as codes
from models.entities import utcnow
from models.enums import Role
from models.search import SearchHit, search_customers

from . import masking
from .access import parse_id
from .audit import REFUSED, AccessNotRecorded, Planned, record
from .auth.forms import REQUIRED, printable
from .auth.identity import Viewer, current_viewer, set_screen_share, set_staff_view
from .auth.routes import safe_next
from .i18n import N_, _, ngettext
from .labels import ROLE_LABELS
from .services import account_help

bp = Blueprint("support", __name__)

CONSOLE = "/assistenza"
STAFF_VIEWERS = (Role.SUPPORT, Role.ADMIN)
WRONG_CODE = N_("Il codice non corrisponde a nessuna assistenza aperta. Controllalo con il "
                "cliente: vale 30 minuti e ne esiste uno solo alla volta.")


MAX_QUERY = 100
HELP_DONE = N_("Fatto. Il cliente riceve un'email che gli dice cosa hai fatto e perché.")


def _reason() -> StringField:
    """Build the «Motivo» field every console form carries."""
    return StringField(lazy_gettext("Motivo"), validators=[
        InputRequired(REQUIRED), Length(max=200), printable])


class OpenForm(FlaskForm):
    """A search result to open, and why."""

    customer = StringField(lazy_gettext("Cliente"),
                           validators=[InputRequired(REQUIRED), Length(max=12)])
    reason = _reason()


class HelpForm(FlaskForm):
    """An account-help action and why."""

    action = StringField(lazy_gettext("Operazione"),
                         validators=[InputRequired(REQUIRED), Length(max=20)])
    reason = _reason()


class CodeForm(FlaskForm):
    """The code the member reads out, and why staff open the area."""

    code = StringField(lazy_gettext("Codice per l'assistenza"), validators=[
        InputRequired(REQUIRED), Length(max=20), printable])
    reason = _reason()


def unavailable(viewer: Viewer):
    """Answer a login that has no business on the console, as for any page not theirs.

    A GET gets the portal's page shell, whose router says «Pagina non trovata» to members and
    «non disponibile per il profilo …» to other staff (pages/registry.py); a POST gets that
    answer directly.
    """
    if request.method == "GET":
        return current_app.extensions["dash_app"].index()
    if viewer.role is Role.MEMBER:
        return render_template("message.html", title=_("Pagina non trovata"),
                               message=_("L'indirizzo non corrisponde a nessuna pagina.")), 404
    return render_template(
        "message.html", title=_("Sezione non disponibile"),
        message=_("Questa sezione non è disponibile per il profilo «%(role)s».",
                  role=_(ROLE_LABELS[viewer.role]))), 403


def _wait_message(seconds: float) -> str:
    """Tell staff how long to wait after too many wrong codes."""
    seconds = max(1, math.ceil(seconds))
    return ngettext("Troppi codici non validi. Riprova tra %(num)d secondo.",
                    "Troppi codici non validi. Riprova tra %(num)d secondi.", seconds)


def _open_area(viewer: Viewer, customer_id: int, reason: str, how: str) -> bool:
    """Record the opening, then point this staff session at the member's area; False if refused.

    The record comes first and in its own transaction: if it cannot be written, the area
    stays closed (fail closed).
    """
    try:
        record(viewer, Planned(customer_id, AccessKind.SEARCH, f"area aperta: {how}", reason))
    except AccessNotRecorded:
        return False
    set_staff_view(viewer, customer_id, reason.strip())
    db.session.commit()
    return True


@bp.route(CONSOLE, methods=["GET", "POST"])
def console():
    """Show the console: open a member's area by their assistance code."""
    viewer = current_viewer()
    if viewer.role not in STAFF_VIEWERS:
        return unavailable(viewer)
    form = CodeForm()
    error, status = None, 200
    if form.validate_on_submit():
        now = utcnow()
        wait = codes.staff_wait(db.session, viewer.account_id, now)
        if wait.total_seconds() > 0:
            error, status = _wait_message(wait.total_seconds()), 429
        else:
            found = codes.redeem(db.session, viewer.account_id, form.code.data, now)
            db.session.commit()  # a wrong code counts; a right one is read before the record
            if found is None:
                error, status = _(WRONG_CODE), 400
            elif _open_area(viewer, found.customer_id, form.reason.data, "codice per l'assistenza"):
                return redirect(found.location.url, code=303)
            else:
                error, status = _(REFUSED), 503
    elif request.method == "POST":
        error, status = _("Scrivi il codice che ti legge il cliente e il motivo."), 400
    return _console_page(viewer, form, error, status)


def _console_page(viewer: Viewer, form: CodeForm, error: str | None, status: int):
    """Render the console: the open view, the code form, the search and its results."""
    viewing = (db.session.get(Customer, viewer.viewing_customer_id)
               if viewer.is_staff_view else None)
    helped = account_help.histories(viewing.id) if viewing is not None else None
    query = request.args.get("q", "")
    found = (search_customers(db.session, query, request.args.get("pagina", 1))
             if query else None)
    hits = [_shown(hit, viewer.screen_share) for hit in found.hits] if found else []
    return render_template("support.html", form=form, error=error, viewing=viewing,
                           role=_(ROLE_LABELS[viewer.role]), query=query[:MAX_QUERY],
                           found=found, hits=hits, helped=helped,
                           actions=account_help.available(helped.account) if helped else [],
                           labels=account_help.LABELS,
                           notice=_(HELP_DONE) if request.args.get("fatto") else None), status


def _shown(hit: SearchHit, masked: bool) -> dict[str, object]:
    """Describe a result for the list, masked while the screen is shared."""
    return {"id": hit.customer_id, "code": hit.code, "name": hit.name,
            "tax_code": masking.tax_code(hit.tax_code) if masked else hit.tax_code,
            "email": (masking.email(hit.login_email) if masked else hit.login_email) or "–",
            "pods": ", ".join(hit.pods) or "–",
            "status": _("Socio") if hit.is_member else _("Cliente")}


@bp.post(f"{CONSOLE}/apri")
def open_result():
    """Open a search result's area, read-only, with the reason given."""
    viewer = current_viewer()
    if viewer.role not in STAFF_VIEWERS:
        return unavailable(viewer)
    form = OpenForm()
    customer_id = parse_id(form.customer.data) if form.validate_on_submit() else None
    customer = db.session.get(Customer, customer_id) if customer_id else None
    if customer is None:
        return _console_page(viewer, CodeForm(formdata=None),
                             _("Scegli un risultato e scrivi il motivo."), 400)
    if not _open_area(viewer, customer.id, form.reason.data, "risultato di ricerca"):
        return _console_page(viewer, CodeForm(formdata=None), _(REFUSED), 503)
    return redirect("/", code=303)


@bp.post(f"{CONSOLE}/aiuto")
def help_account():
    """Do an account-help action for the member whose area is open, with a reason."""
    viewer = current_viewer()
    if viewer.role not in STAFF_VIEWERS:
        return unavailable(viewer)
    form = HelpForm()
    try:
        action = account_help.Help(form.action.data)
    except ValueError:
        action = None
    if not viewer.is_staff_view or action is None or not form.validate_on_submit():
        return _console_page(viewer, CodeForm(formdata=None),
                             _("Apri prima l'area del cliente e scrivi il motivo."), 400)
    customer = db.session.get(Customer, viewer.viewing_customer_id)
    try:
        done = account_help.perform(viewer, customer, action, form.reason.data)
    except AccessNotRecorded:
        return _console_page(viewer, CodeForm(formdata=None), _(REFUSED), 503)
    if not done:
        return _console_page(viewer, CodeForm(formdata=None),
                             _("Questa operazione non si applica all'accesso del cliente."), 400)
    return redirect(f"{CONSOLE}?fatto=1", code=303)


@bp.post(f"{CONSOLE}/chiudi")
def close_view():
    """Leave the member's area and go back to the console."""
    viewer = current_viewer()
    if viewer.role not in STAFF_VIEWERS:
        return unavailable(viewer)
    set_staff_view(viewer, None, None)
    db.session.commit()
    return redirect(CONSOLE, code=303)


@bp.post("/condivisione-schermo")
def screen_share():
    """Switch «Modalità condivisione schermo» on or off, then go back to the page."""
    set_screen_share(current_viewer(), request.form.get("attiva") == "1")
    db.session.commit()
    # Dash pages name where to come back; the plain pages leave it to the browser's referrer,
    # so that their HTML does not echo the address (a foreign and a missing id look the same).
    back = request.form.get("next")
    if back is None and request.referrer:
        parts = urlsplit(request.referrer)
        back = parts.path + (f"?{parts.query}" if parts.query else "")
    return redirect(safe_next(back), code=303)
