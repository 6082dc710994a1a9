"""Routes of the area di gestione outside Dash: statement exports and the bolletta web link.

Every route asks the access gate: a foreign, an unknown and a malformed contract or link all
get the same polite answer.
"""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from models import AccessKind, Contract, db
from models.delivery import Result, first_bill_affected
from models.entities import DeliveryConfirmation

from . import access
from . import formatting as fmt
from .audit import Planned, audited, refused_response, staff_view_access
from .auth.identity import Viewer, current_viewer
from .i18n import N_, _
from .pages import picker
from .pages.common import contract_label
from .services import delivery, statements

bp = Blueprint("area", __name__)

# Marked here, translated where shown (outcome()).
LINK_INVALID = N_("Questo link di conferma non è valido. Se hai chiesto la bolletta web, usa il "
                  "link dell'ultima email che ti abbiamo inviato, accedendo con il tuo account.")
OUTCOMES = {
    Result.CHANGED: (N_("Bolletta web attiva"), N_("Fatto: la bolletta ti arriverà per email.")),
    Result.UNCHANGED: (N_("Bolletta web già attiva"),
                       N_("Avevi già confermato questo indirizzo: non è cambiato nulla.")),
    Result.EXPIRED: (N_("Link scaduto"),
                     N_("Il link è scaduto e la modalità di invio non è cambiata. Puoi "
                        "chiederne uno nuovo dalla pagina «Modalità di invio».")),
    Result.STALE: (N_("Link non più valido"),
                   N_("Dopo la richiesta la modalità di invio è cambiata, quindi questo link non "
                      "vale più. Se vuoi la bolletta web, richiedila di nuovo dalla pagina "
                      "«Modalità di invio».")),
    Result.CEASED: (N_("Contratto cessato"),
                    N_("Il contratto è cessato: non ci sono altre bollette da inviare.")),
}


def outcome(result: Result | None) -> tuple[str, str] | None:
    """Return the title and the message of a link's outcome, in the viewer's language."""
    if result is None:
        return None
    title, message = OUTCOMES[result]
    return _(title), _(message)


def not_found(title: str = N_("Contratto non trovato"),
              message: str = N_("Non troviamo questo contratto tra i tuoi.")) -> tuple[str, int]:
    """Answer the same for a foreign, a nonexistent and a malformed id."""
    return render_template("message.html", title=_(title), message=_(message)), 404


def _scope() -> tuple[Viewer | None, list[Contract] | None, object]:
    """Return the viewer, the contracts the query string asks for (or None) and its value."""
    viewer = current_viewer()
    value = request.args.get("contratto") or statements.default_scope(access.contracts(viewer))
    return viewer, access.contract_scope(viewer, value), value


def _export_access() -> Planned | None:
    """Describe a staff view's export of the statement, for the access trail."""
    return staff_view_access(AccessKind.EXPORT, request.full_path.rstrip("?"))


@bp.get("/contabilita/estratto.csv")
@audited(_export_access, refused=refused_response)
def statement_csv_export():
    """Send the statement's invoices as CSV for Excel."""
    viewer, contracts, _ = _scope()
    if not contracts:
        return not_found()
    export = statements.csv_export(access.customer(viewer), contracts)
    return Response(export.content, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{export.name}"',
        "Content-Type": "text/csv; charset=utf-8",
    })


@bp.get("/contabilita/estratto.pdf")
@audited(_export_access, refused=refused_response)
def statement_pdf_export():
    """Send the statement as a PDF document."""
    viewer, contracts, value = _scope()
    if not contracts:
        return not_found()
    scope = (_("Tutti i contratti") if value == picker.ALL and len(contracts) > 1
             else contract_label(contracts[0]))
    export = statements.pdf_export(access.customer(viewer), contracts, scope,
                                   masked=viewer.screen_share)
    return Response(export.content, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{export.name}"'})


def _confirmation(raw: str) -> tuple[Viewer | None, DeliveryConfirmation | None,
                                      Contract | None]:
    """Return the viewer, the link's request and its contract, if the link is the viewer's."""
    viewer = current_viewer()
    confirmation = access.delivery_confirmation(viewer, raw)
    contract = access.contract(viewer, confirmation.contract_id) if confirmation else None
    return viewer, confirmation, contract


@bp.get("/invio/conferma/<raw>")
def confirm_page(raw: str):
    """Show what opening the link will change, with the button that confirms it."""
    _, confirmation, contract = _confirmation(raw)
    if confirmation is None or contract is None:
        return not_found(N_("Link non valido"), LINK_INVALID)
    state = delivery.link_state(confirmation, contract)
    return render_template(
        "delivery_confirm.html", contract=contract_label(contract), email=confirmation.email,
        first_bill=delivery.first_bill_text(first_bill_affected(db.session, contract),
                                            web=True),
        expires=fmt.moment(confirmation.expires_at), outcome=outcome(state),
        back=f"/invio{picker.search_for(contract.id)}")


@bp.post("/invio/conferma/<raw>")
def confirm(raw: str):
    """Put bolletta web in force, once; a second click finds it already done."""
    viewer, confirmation, contract = _confirmation(raw)
    if confirmation is None or contract is None:
        return not_found(N_("Link non valido"), LINK_INVALID)
    result = delivery.confirm_link(confirmation, contract, delivery.actor_for(viewer))
    title, message = outcome(result)
    if result is Result.CHANGED:
        message = (_("Fatto: la bolletta ti arriverà per email a %(email)s.",
                     email=confirmation.email) + " "
                   + delivery.first_bill_text(first_bill_affected(db.session, contract),
                                              web=False))
    return render_template("delivery_confirm.html", outcome=(title, message),
                           back=f"/invio{picker.search_for(contract.id)}")
