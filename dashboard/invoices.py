"""The two PDFs of an invoice, served only to the invoice's owner."""
from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Blueprint, Response, render_template

from models import AccessKind, db

from . import access, masking, pdf_cache
from .audit import Planned, audited, refused_response, staff_view_access
from .auth.identity import current_viewer
from .documents import detail_filename, invoice_filename, render_detail, render_invoice
from .documents.data import InvoiceDocument
from .documents.source import build_invoice_document
from .i18n import _

bp = Blueprint("invoices", __name__)
log = logging.getLogger(__name__)

Renderer = tuple[Callable[[InvoiceDocument], bytes], Callable[[InvoiceDocument], str]]
KINDS: dict[str, Renderer] = {
    "fattura": (render_invoice, invoice_filename),
    "dettaglio": (render_detail, detail_filename),
}


def not_found() -> tuple[str, int]:
    """Answer the same for a foreign, a nonexistent and a malformed invoice."""
    return render_template("message.html", title=_("Documento non trovato"),
                           message=_("Non troviamo questa fattura tra le tue.")), 404


def not_printable() -> tuple[str, int]:
    """Answer for an invoice whose stored data the documents refuse to print."""
    return render_template(
        "message.html", title=_("Documento non disponibile"),
        message=_("Non riusciamo a preparare questo documento: alcuni dati della bolletta non "
                  "sono coerenti. Abbiamo registrato il problema; se ti serve subito una "
                  "copia, contatta l'assistenza clienti.")), 409


def _pdf_access(raw_id: str, kind: str) -> Planned | None:
    """Describe a staff view's opening of an invoice PDF, for the access trail."""
    return staff_view_access(AccessKind.PDF, f"/fatture/{raw_id}/{kind}.pdf")


@bp.get("/fatture/<raw_id>/<kind>.pdf")
@audited(_pdf_access, refused=refused_response)
def invoice_pdf(raw_id: str, kind: str):
    """Send one of the invoice's PDFs, if the viewer owns the invoice."""
    viewer = current_viewer()
    # Authorization first: the PDF cache is keyed by invoice id and trusts its caller.
    invoice_id = access.invoice(viewer, raw_id)
    if invoice_id is None or kind not in KINDS:
        return not_found()
    render, filename = KINDS[kind]
    masked = viewer.screen_share  # a shared screen gets the masked copy, cached apart
    # The cache keys by the viewer's language too (pdf_cache.Key): prerendered copies match.
    variant = f"{kind}:mascherata" if masked else kind

    def build() -> pdf_cache.Entry:
        document = build_invoice_document(db.session, invoice_id)
        if masked:
            document = masking.invoice_document(document)
        return render(document), filename(document)

    try:
        pdf, name = pdf_cache.fetch(invoice_id, variant, build)
    except ValueError:
        # The documents refuse to print what does not add up (readings against the bill, a
        # line of the other layout): data that reached the database before the import's checks.
        log.exception("invoice %s: %s PDF not printable", invoice_id, kind)
        return not_printable()
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}"',
    })
