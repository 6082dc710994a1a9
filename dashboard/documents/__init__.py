"""The two PDF documents of an invoice, built from plain data: the Fattura and its detail."""
from __future__ import annotations

from ..i18n import _
from .data import InvoiceDocument
from .detail import render_detail
from .invoice import render_invoice

__all__ = ["detail_filename", "invoice_filename", "render_detail", "render_invoice"]


def _number_slug(doc: InvoiceDocument) -> str:
    """Write the invoice number for a file name: 1636/2023 as 1636-2023."""
    return doc.number.replace("/", "-")


def invoice_filename(doc: InvoiceDocument) -> str:
    """Name the Fattura's file after the invoice number: fattura-1636-2023.pdf."""
    return _("fattura-%(number)s.pdf", number=_number_slug(doc))


def detail_filename(doc: InvoiceDocument) -> str:
    """Name the detail document's file: fattura-dettaglio-1636-2023.pdf."""
    return _("fattura-dettaglio-%(number)s.pdf", number=_number_slug(doc))
