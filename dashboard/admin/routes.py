"""The administrator's pages: thin Flask routes over the services of this package.

Only Role.ADMIN gets them. Anyone else asking with GET gets the portal's page shell, so
Dash's router answers as for any page: «Pagina non trovata» to members, «Questa sezione non
è disponibile per il profilo …» to other staff. A POST from them is refused the same way.
"""
from __future__ import annotations

import functools
from collections.abc import Callable

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)

from models import AccessKind, db
from models.entities import utcnow
from models.enums import Role

from ..auth.forms import ResetForm
from ..auth.identity import current_viewer
from ..i18n import N_, _
from ..labels import ROLE_LABELS
from ..pdf_prerender import prerender_after_response
from ..security import accepts_files
from ..support import unavailable
from . import imports, pages, staff, system, trail
from .events import record_event
from .forms import KIND_LABELS, ConfirmForm, ImportForm, InviteForm, RoleForm, TrailForm

bp = Blueprint("admin", __name__)
NOTICE = "notice"   # query parameter naming the message to show after a redirect
NOTICES = {
    "invitato": N_("Invito inviato."),
    "reinviato": N_("Nuovo invito inviato: il link precedente non vale più."),
    "profilo": N_("Profilo cambiato. Le sessioni aperte dell'account sono state chiuse."),
    "disattivato": N_("Account disattivato. Le sue sessioni sono state chiuse."),
    "attivato": N_("Account riattivato."),
}


def admin_only(view: Callable) -> Callable:
    """Run the view for administrators; answer everyone else as for a page not theirs."""
    @functools.wraps(view)
    def run(*args, **kwargs):
        viewer = current_viewer()
        if viewer is None:
            return redirect(url_for("auth.login", next=request.path))
        if viewer.role is not Role.ADMIN:
            if request.method == "GET":
                return current_app.extensions["dash_app"].index()
            return unavailable(viewer)
        return view(*args, **kwargs)
    return run


# --- Staff accounts ------------------------------------------------------------------------

def _notice() -> str | None:
    """Return the message the redirect's query names, in the viewer's language."""
    key = request.args.get(NOTICE, "")
    return _(NOTICES[key]) if key in NOTICES else None


def _staff_page(form: InviteForm | None = None, error: str | None = None, status: int = 200):
    """Draw the staff list with the invitation form."""
    return render_template(
        "admin/staff.html", rows=staff.staff_rows(), form=form or InviteForm(),
        labels=ROLE_LABELS, now=utcnow(),
        me=current_viewer().account_id, error=error,
        notice=_notice(), roles=staff.STAFF_ROLES), status


def _done(key: str):
    """Go back to the staff list and say what was done."""
    return redirect(f"{pages.STAFF}?{NOTICE}={key}", code=303)


@bp.get(pages.STAFF)
@admin_only
def staff_list():
    """Show the staff accounts and the invitation form."""
    return _staff_page()


@bp.post(f"{pages.STAFF}/invita")
@admin_only
def invite():
    """Invite a colleague by email with a profile."""
    form = InviteForm()
    if not form.validate_on_submit():
        return _staff_page(form, _("Controlla il nome, l'email e il profilo."), 400)
    try:
        staff.invite(current_viewer(), form.email.data, Role(form.role.data),
                     form.full_name.data)
    except staff.StaffError as refused:
        db.session.rollback()
        return _staff_page(form, str(refused), 400)
    db.session.commit()
    return _done("invitato")


def _account_action(account_id: int, apply: Callable[[], object], done: str,
                    confirm: str | None = None, form: ConfirmForm | RoleForm | None = None):
    """Validate the form, ask to confirm a destructive action, apply it, commit, report."""
    form = form or ConfirmForm()
    if not form.validate_on_submit():
        return _staff_page(error=_("La richiesta non è valida. Riprova."), status=400)
    try:
        target = staff.staff_account(account_id)
        if target.id == current_viewer().account_id:
            raise staff.StaffError(_(staff.SELF_REFUSED))   # before asking for any confirmation
        if confirm and form.conferma.data != "1":
            return render_template("admin/confirm.html", form=form, account=target,
                                   question=confirm, action=request.path,
                                   labels=ROLE_LABELS)
        apply()
    except staff.StaffError as refused:
        db.session.rollback()
        return _staff_page(error=str(refused), status=400)
    db.session.commit()
    return _done(done)


@bp.post(f"{pages.STAFF}/<int:account_id>/profilo")
@admin_only
def change_role(account_id: int):
    """Change a staff account's profile, once confirmed."""
    form = RoleForm()
    role = staff.staff_role(form.role.data)   # None for a value no form offers: refused below
    label = _(ROLE_LABELS[role]) if role else ""
    return _account_action(
        account_id, lambda: staff.change_role(current_viewer(), account_id, role), "profilo",
        _("Vuoi dare il profilo «%(role)s» a questo account? Le sue sessioni aperte verranno "
          "chiuse.", role=label), form)


@bp.post(f"{pages.STAFF}/<int:account_id>/disattiva")
@admin_only
def disable(account_id: int):
    """Disable a staff account and end its sessions, once confirmed."""
    return _account_action(
        account_id, lambda: staff.set_active(current_viewer(), account_id, False),
        "disattivato", _("Vuoi disattivare questo account? Le sue sessioni verranno chiuse e "
                         "non potrà più accedere finché non lo riattivi."))


@bp.post(f"{pages.STAFF}/<int:account_id>/attiva")
@admin_only
def enable(account_id: int):
    """Enable a disabled staff account."""
    return _account_action(
        account_id, lambda: staff.set_active(current_viewer(), account_id, True), "attivato")


@bp.post(f"{pages.STAFF}/<int:account_id>/reinvia")
@admin_only
def resend(account_id: int):
    """Send a new invitation link to an account still waiting."""
    return _account_action(account_id, lambda: staff.resend(current_viewer(), account_id),
                           "reinviato")


@bp.route(f"{staff.INVITE_PATH}<raw>", methods=["GET", "POST"])
def accept_invitation(raw: str):
    """Let an invited colleague choose their password from the link in the invitation."""
    token = staff.live_invitation(raw)
    if token is None:
        return render_template("message.html", title=_("Link non valido"),
                               message=_("Il link non è valido o è scaduto. Chiedi "
                                         "all'amministratore un nuovo invito.")), 404
    form = ResetForm()
    if not form.validate_on_submit():
        return render_template("admin/invite.html", form=form, email=token.account.email), (
            400 if request.method == "POST" else 200)
    problem = staff.password_problem(token.account, form.password.data)
    if problem:
        return render_template("admin/invite.html", form=form, email=token.account.email,
                               error=problem), 400
    staff.accept(token, form.password.data)
    db.session.commit()
    return render_template("message.html", title=_("Accesso attivato"),
                           message=_("La tua password è attiva. Ora puoi accedere con la tua "
                                     "email."))


# --- The access trail ----------------------------------------------------------------------

def _trail_filter(form: TrailForm) -> trail.TrailFilter:
    """Turn the validated filter form into the service's filter; drop what did not validate."""
    def ok(field) -> bool:
        return not field.errors and field.data not in (None, "")
    return trail.TrailFilter(
        staff=form.personale.data.strip() if ok(form.personale) else "",
        customer_code=form.cliente.data.strip() if ok(form.cliente) else "",
        kind=AccessKind(form.tipo.data) if ok(form.tipo) else None,
        since=form.dal.data if ok(form.dal) else None,
        until=form.al.data if ok(form.al) else None)


@bp.get(pages.TRAIL)
@admin_only
def trail_view():
    """Show the access trail, filtered and paged, and the chain's verification if asked."""
    form = TrailForm(request.args)
    form.validate()
    chosen = _trail_filter(form)
    number = form.pagina.data if not form.pagina.errors and form.pagina.data else 1
    found = trail.trail_page(chosen, number)
    query = {k: v for k, v in request.args.items(multi=False) if k != "pagina"}
    return render_template("admin/trail.html", form=form, found=found, kinds=KIND_LABELS,
                           query=query, action_form=ConfirmForm(),
                           invalid=any(form.errors.values()))


@bp.get(f"{pages.TRAIL}.csv")
@admin_only
def trail_csv():
    """Download the filtered trail as CSV; the export itself is recorded."""
    form = TrailForm(request.args)
    form.validate()
    chosen = _trail_filter(form)
    record_event(current_viewer(), "registro.esportazione", repr(chosen)[:1000])
    db.session.commit()
    return Response(stream_with_context(trail.csv_lines(chosen)),
                    mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition":
                             'attachment; filename="registro-accessi.csv"'})


@bp.post(f"{pages.TRAIL}/verifica")
@admin_only
def verify_chain():
    """Check the hash chain of the whole trail and show the verdict."""
    if not ConfirmForm().validate_on_submit():
        return redirect(pages.TRAIL, code=303)
    verdict = trail.check_chain()
    record_event(current_viewer(), "registro.verifica",
                 f"{verdict.checked} record, " + ("integra" if verdict.intact
                                                  else f"interrotta al {verdict.broken_id}"))
    db.session.commit()
    form = TrailForm(formdata=None)
    return render_template("admin/trail.html", form=form, found=trail.trail_page(
        trail.TrailFilter(), 1), kinds=KIND_LABELS, query={}, action_form=ConfirmForm(),
        verdict=verdict, invalid=False)


# --- Imports, outbox, health ---------------------------------------------------------------

@bp.route(pages.IMPORTS, methods=["GET", "POST"])
@accepts_files
@admin_only
def import_view():
    """Upload an export's CSV files, check them and write them if clean; show the history."""
    form = ImportForm()
    outcome, status = None, 200
    if form.validate_on_submit():
        uploads = [f for f in request.files.getlist(form.files.name) if f.filename]
        outcome = imports.run_import(current_viewer(), uploads, bool(form.solo_controllo.data))
        db.session.commit()
        if outcome.invoice_ids:
            prerender_after_response(outcome.invoice_ids)
        status = 400 if outcome.problems else 200
    elif request.method == "POST":
        status = 400
    return render_template("admin/imports.html", form=form, outcome=outcome,
                           runs=imports.recent_runs(), known=imports.KNOWN,
                           limit_mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
                           invalid=request.method == "POST" and outcome is None), status


@bp.get(pages.OUTBOX)
@admin_only
def outbox_view():
    """Show the latest messages, failed sends first."""
    return render_template("admin/outbox.html", mails=system.recent_mail(),
                           form=ConfirmForm(), result=None)


@bp.post(f"{pages.OUTBOX}/riprova")
@admin_only
def retry_mail():
    """Deliver the waiting messages now, as `flask mail send` does."""
    form = ConfirmForm()
    result = None
    if form.validate_on_submit():
        result = system.retry_mail()
        record_event(current_viewer(), "posta.riprova", f"inviati {result[0]}, "
                                                        f"non riusciti {result[1]}")
        db.session.commit()
    return render_template("admin/outbox.html", mails=system.recent_mail(), form=form,
                           result=result), 200 if result else 400


@bp.get(pages.HEALTH)
@admin_only
def health_view():
    """Show what /health and /ready answer, the database backend and the schema revision."""
    return render_template("admin/health.html", state=system.service_health())
