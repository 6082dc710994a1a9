"""Pure table builders: rows in, plain dicts and totals out."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.queries import InvoiceRow, MonthRow

from . import formatting as fmt


@dataclass(frozen=True)
class BandTotals:
    """A year's consumption by band."""

    f1: int
    f2: int
    f3: int

    @property
    def total(self) -> int:
        """Return F1 + F2 + F3."""
        return self.f1 + self.f2 + self.f3

    def share(self, band: str) -> str:
        """Return one band's share of the total, written in Italian."""
        return fmt.percent(getattr(self, band.lower()), self.total)


def band_totals(rows: Sequence[MonthRow]) -> BandTotals:
    """Add up the months' band totals."""
    return BandTotals(sum(r.f1 for r in rows), sum(r.f2 for r in rows), sum(r.f3 for r in rows))


def pdf_url(invoice_id: int, kind: str) -> str:
    """Return the path of one of an invoice's two PDFs."""
    return f"/fatture/{invoice_id}/{kind}.pdf"


def pdf_link(invoice_id: int, kind: str, title: str) -> str:
    """Write a markdown link to a PDF; the title tells screen readers which document it is."""
    return f'[PDF]({pdf_url(invoice_id, kind)} "{title}")'


def invoice_rows(invoices: Sequence[InvoiceRow]) -> list[dict]:
    """Build the invoice table's rows: sortable raw values beside the Italian text shown."""
    return [
        {
            "id": i.id,
            "numero": i.number,
            "data": i.issue_date.isoformat(),
            "data_it": fmt.day(i.issue_date),
            "scadenza": i.due_date.isoformat(),
            "scadenza_it": fmt.day(i.due_date),
            # Integer cents: the grid sorts numbers, and no float ever holds money.
            "importo": int(i.total * 100),
            "importo_it": fmt.amount(i.total),
            "lettura": i.reading_date.isoformat(),
            "lettura_it": fmt.day(i.reading_date),
            "tipo_lettura": i.reading_type,
            "kwh": i.kwh,
            "f1": i.f1,
            "f2": i.f2,
            "f3": i.f3,
            "kwh_it": fmt.number(i.kwh),
            "f1_it": fmt.number(i.f1),
            "f2_it": fmt.number(i.f2),
            "f3_it": fmt.number(i.f3),
            "fattura": pdf_link(i.id, "fattura", f"Fattura {i.number} in PDF"),
            "dettaglio": pdf_link(i.id, "dettaglio", f"Dettaglio fattura {i.number} in PDF"),
        }
        for i in invoices
    ]
