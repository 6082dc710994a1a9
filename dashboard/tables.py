"""Pure table builders: rows in, plain dicts and totals out."""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from models.bands import Band, Bands
from models.queries import InvoiceRow, MonthRow

from . import formatting as fmt
from .i18n import N_, _


def band_share(totals: Bands[int], band: str) -> str:
    """Return one band's share of the total, written in Italian."""
    return fmt.percent(totals.as_dict()[Band(band)], totals.total)


def band_totals(rows: Sequence[MonthRow]) -> Bands[int]:
    """Add up the months' band totals."""
    return Bands.sum_of(r.bands for r in rows)


# The invoice table's columns: (key, header, sortable). Keys name the rows' sort values;
# headers are translated where the table is shaped (invoice_table_data).
INVOICE_COLUMNS = (
    ("numero", N_("Numero"), True), ("data", N_("Data"), True),
    ("scadenza", N_("Scadenza"), True), ("importo", N_("Importo (€)"), True),
    ("lettura", N_("Data lettura"), True), ("kwh", N_("Consumo - kWh"), True),
    ("f1", N_("Consumo - F1"), True), ("f2", N_("Consumo - F2"), True),
    ("f3", N_("Consumo - F3"), True), ("fattura", N_("Fattura"), False),
    ("dettaglio", N_("Fattura Dettaglio"), False),
)
SORT_KEYS = frozenset(key for key, _, sortable in INVOICE_COLUMNS if sortable)
NUMERIC_COLUMNS = frozenset({"numero", "importo", "kwh", "f1", "f2", "f3"})
LINK_COLUMNS = frozenset({"fattura", "dettaglio"})
# The invoice number opens «Capire la bolletta» (dashboard/pages/capire.py).
EXPLAIN_PATH = "/capire"
EXPLAIN_PARAM = "fattura"
# On a phone each invoice is a card that leads with these three, on one line (card_title).
TITLE_COLUMNS = frozenset({"numero", "data", "importo"})


def parse_sort(raw: object) -> tuple[str, bool] | None:
    """Read an untrusted sort request like 'importo' or '-importo' (descending)."""
    if not isinstance(raw, str):
        return None
    key, descending = (raw[1:], True) if raw.startswith("-") else (raw, False)
    return (key, descending) if key in SORT_KEYS else None


def sort_rows(rows: list[dict], sort: tuple[str, bool] | None) -> list[dict]:
    """Order the table's rows by a column; unsorted, they keep the issue order."""
    if sort is None:
        return rows
    key, descending = sort
    return sorted(rows, key=lambda row: (row[key], row["data"]), reverse=descending)


def pdf_url(invoice_id: int, kind: str) -> str:
    """Return the path of one of an invoice's two PDFs."""
    return f"/fatture/{invoice_id}/{kind}.pdf"


def explain_url(invoice_id: int) -> str:
    """Return the path of an invoice's «Capire la bolletta» page."""
    return f"{EXPLAIN_PATH}?{EXPLAIN_PARAM}={invoice_id}"


def invoice_rows(invoices: Sequence[InvoiceRow]) -> list[dict]:
    """Build the invoice table's rows: raw values to sort by beside the text shown."""
    return [
        {
            "id": i.id,
            "numero": i.number,
            "numero_it": str(i.number),
            "data": i.issue_date.isoformat(),
            "data_it": fmt.day(i.issue_date),
            "scadenza": i.due_date.isoformat(),
            "scadenza_it": fmt.day(i.due_date),
            # Integer cents: sorting compares numbers, and no float ever holds money.
            "importo": int(i.total * 100),
            "importo_it": fmt.amount(i.total),
            "lettura": i.reading_date.isoformat(),
            "lettura_it": fmt.day(i.reading_date),
            "tipo_lettura": i.reading_type,
            "kwh": i.kwh,
            "f1": i.bands.f1,
            "f2": i.bands.f2,
            "f3": i.bands.f3,
            "kwh_it": fmt.number(i.kwh),
            "f1_it": fmt.number(i.bands.f1),
            "f2_it": fmt.number(i.bands.f2),
            "f3_it": fmt.number(i.bands.f3),
            "fattura": pdf_url(i.id, "fattura"),
            "dettaglio": pdf_url(i.id, "dettaglio"),
            "capire": explain_url(i.id),
        }
        for i in invoices
    ]


def card_title(row: dict) -> str:
    """Write the line an invoice card leads with: 'Fattura 1636 del 26/01/2023 — 213,09 €'."""
    return _("Fattura %(number)s del %(date)s — %(amount)s", number=row["numero_it"],
             date=row["data_it"], amount=fmt.euro(Decimal(row["importo"]) / 100))


def invoice_table_data(rows: list[dict], sort: tuple[str, bool] | None) -> dict:
    """Shape the table for assets/invoice-table.js: columns, order and each row's cells.

    The browser builds the table from this, so the callback's answer stays a few KB. Each
    column says whether it is sortable, numeric, a PDF link and part of the card's title;
    "cards" holds each row's card title, in the rows' order.
    """
    ordered = sort_rows(rows, sort)
    return {
        "columns": [[key, _(title), sortable, key in NUMERIC_COLUMNS, key in LINK_COLUMNS,
                     key in TITLE_COLUMNS] for key, title, sortable in INVOICE_COLUMNS],
        "sort": list(sort) if sort else None,
        "rows": [[row[key] if key in LINK_COLUMNS else row[f"{key}_it"]
                  for key, _, _ in INVOICE_COLUMNS] for row in ordered],
        "explain": [row["capire"] for row in ordered],   # each row's number links here
        "cards": [card_title(row) for row in ordered],
    }
