"""Pure builders of the accounting situation: the summary, the table rows and the CSV export.

They take the statement computed by models.statement and plain contract references, and
return text in the viewer's language (Italian outside a request), rows and bytes; no database,
no session.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from models.statement import ZERO, InvoiceStanding, Standing, Statement

from . import formatting as fmt
from .i18n import N_, _, ngettext
from .labels import CHANNEL_LABELS, STANDING_LABELS, label

CSV_BOM = "\ufeff"   # Excel reads UTF-8 (accents, €) only when the file starts with it
# Spreadsheets run a cell starting with these as a formula: text from the data must not.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_HEADER = ("POD", N_("Indirizzo di fornitura"), N_("Fattura"), N_("Data emissione"),
              N_("Scadenza"), N_("Importo (€)"), N_("Pagato (€)"), N_("Data ultimo pagamento"),
              N_("Da pagare (€)"), N_("Stato"))


@dataclass(frozen=True)
class ContractRef:
    """How a contract is named in the statement."""

    pod: str
    street: str          # enough to tell a holder's supplies apart in a table
    address: str
    direct_debit: bool   # paid by SEPA: what is due is collected on the due date


@dataclass(frozen=True)
class Summary:
    """The statement's headline: everything in order, something due, or something overdue."""

    kind: str            # "ok", "due" or "overdue"
    title: str
    lines: tuple[str, ...]
    figure: str = ""     # the amount the title announces, kept on one line


def today_in_italy() -> date:
    """Return today's date in Italy, the day due dates are counted on."""
    return datetime.now(fmt.ROME).date()


def status_text(item: InvoiceStanding) -> str:
    """Word an invoice's status, saying when what is left of a partial payment is late."""
    status = label(STANDING_LABELS, item.standing)
    if item.standing is Standing.PARTIAL and item.overdue:
        return _("%(status)s (residuo scaduto)", status=status)
    return status


def _due_groups(statement: Statement,
                refs: Mapping[int, ContractRef]) -> list[tuple[date, str, bool]]:
    """Group what is owed but not late by due date: (date, amount text, all by SEPA)."""
    groups: dict[date, list[InvoiceStanding]] = {}
    for item in statement.invoices:
        if item.left > 0 and not item.overdue:
            groups.setdefault(item.invoice.due_date, []).append(item)
    return [(due, fmt.euro(sum((i.left for i in items), ZERO)),
             all(refs[i.invoice.contract_id].direct_debit for i in items))
            for due, items in sorted(groups.items())]


def summary(statement: Statement, refs: Mapping[int, ContractRef]) -> Summary:
    """Say in one headline whether all is in order, or what is due and by when."""
    groups = _due_groups(statement, refs)
    due_lines = tuple(
        _("%(amount)s entro il %(date)s: sarà addebitato sul tuo conto alla scadenza, non devi "
          "fare nulla.", amount=amount, date=fmt.day(due)) if sepa
        else _("%(amount)s entro il %(date)s: paga con l'avviso pagoPA o il bollettino della "
               "bolletta.", amount=amount, date=fmt.day(due))
        for due, amount, sepa in groups)
    if statement.overdue > 0:
        lines = (_("La scadenza più vecchia non rispettata è del %(date)s: ti chiediamo di "
                   "pagare al più presto.", date=fmt.day(statement.overdue_since)),
                 _("Se hai già pagato, non tenere conto di questo avviso: un pagamento può "
                   "impiegare qualche giorno ad arrivarci."))
        if due_lines:
            lines += (_("Da pagare poi, non ancora scaduto:"),) + due_lines
        return Summary("overdue", _("Importo scaduto:"), lines, fmt.euro(statement.overdue))
    if statement.outstanding > 0 and statement.balance <= 0:
        return Summary("ok", _("Tutto in regola"), (
            _("Il tuo credito di %(credit)s copre quanto resta da pagare (%(left)s).",
              credit=fmt.euro(statement.credit), left=fmt.euro(statement.outstanding)),))
    if statement.outstanding > 0:
        credit = ((_("Ne abbiamo già detratto il tuo credito di %(credit)s.",
                     credit=fmt.euro(statement.credit)),)
                  if statement.credit > 0 else ())
        figure = (_("%(amount)s entro il %(date)s", amount=fmt.euro(statement.balance),
                    date=fmt.day(groups[0][0])) if len(groups) == 1
                  else fmt.euro(statement.balance))
        return Summary("due", _("Da pagare:"),
                       (_("Nessun pagamento in ritardo."),) + due_lines + credit, figure)
    if statement.credit > 0:
        return Summary("ok", _("Tutto in regola"), (
            _("Hai un credito di %(credit)s: lo detrarremo dalla prossima bolletta.",
              credit=fmt.euro(statement.credit)),))
    return Summary("ok", _("Tutto in regola"), (_("Tutte le bollette sono pagate."),))


def invoice_row(item: InvoiceStanding, refs: Mapping[int, ContractRef]) -> dict:
    """Write one invoice of the statement as the table and the CSV show it."""
    invoice, ref = item.invoice, refs[item.invoice.contract_id]
    return {
        "id": invoice.id,
        "pod": ref.pod,
        "street": ref.street,
        "address": ref.address,
        "number": invoice.label,
        "issued": fmt.day(invoice.issue_date),
        "due": fmt.day(invoice.due_date),
        "total": fmt.amount(invoice.total),
        "paid": fmt.amount(item.paid),
        "paid_on": fmt.day(item.last_paid_on) if item.last_paid_on else "–",
        "left": fmt.amount(max(item.left, ZERO)),
        "status": status_text(item),
        "status_label": label(STANDING_LABELS, item.standing),
        "status_key": item.standing.value,
        "overdue": item.overdue,
    }


def invoices_by_year(statement: Statement,
                     refs: Mapping[int, ContractRef]) -> list[tuple[int, list[dict]]]:
    """Group the invoice rows by issue year, newest first, as the year totals are."""
    grouped: dict[int, list[dict]] = {}
    for item in statement.invoices:
        grouped.setdefault(item.invoice.issue_date.year, []).append(invoice_row(item, refs))
    return sorted(grouped.items(), reverse=True)


def invoice_count(count: int) -> str:
    """Write a number of invoices: '1 fattura', '3 fatture'."""
    return ngettext("%(number)s fattura", "%(number)s fatture", count,
                    number=fmt.number(count))


def year_rows(statement: Statement) -> list[dict]:
    """Write the totals of each issue year."""
    return [{"year": str(y.year),
             "count": invoice_count(y.count),
             "invoiced": fmt.euro(y.invoiced), "paid": fmt.euro(y.paid),
             "left": fmt.euro(max(y.left, ZERO))}
            for y in statement.years]


def receipt_rows(statement: Statement) -> list[dict]:
    """Write the payments received, newest first, with the invoices each one paid."""
    rows = []
    for receipt in statement.receipts:
        covers = ", ".join(f"{share.invoice.label} ({fmt.euro(share.amount)})"
                           for share in receipt.shares)
        if receipt.sent != receipt.amount:
            covers += " – " + _("parte di un versamento di %(amount)s",
                                amount=fmt.euro(receipt.sent))
        rows.append({"date": fmt.day(receipt.received_on), "amount": fmt.euro(receipt.amount),
                     "channel": label(CHANNEL_LABELS, receipt.channel, receipt.channel),
                     "covers": covers, "year": receipt.received_on.year})
    return rows


def _cell(text: str) -> str:
    """Keep a text cell from being run as a formula by a spreadsheet."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def statement_csv(statement: Statement, refs: Mapping[int, ContractRef]) -> bytes:
    """Write the statement's invoices as CSV the Italian Excel opens right: ; and decimal comma."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_(title) for title in CSV_HEADER])
    for item in statement.invoices:
        row = invoice_row(item, refs)
        writer.writerow([_cell(row["pod"]), _cell(row["address"]), row["number"], row["issued"],
                         row["due"], row["total"], row["paid"],
                         "" if item.last_paid_on is None else row["paid_on"], row["left"],
                         row["status"]])
    return (CSV_BOM + out.getvalue()).encode("utf-8")


def export_name(customer_code: str, scope: Sequence[ContractRef] | None, as_of: date,
                extension: str) -> str:
    """Name an export after the customer (or the one POD) and the day: safe for any system."""
    who = scope[0].pod if scope and len(scope) == 1 else customer_code
    safe = "".join(c for c in who if c.isascii() and c.isalnum())
    return f"estratto-conto-{safe}-{as_of.isoformat()}.{extension}"


# --- The PDF statement's data: every text it prints, already in the viewer's language ------

# The PDF's status column is narrow: the same statuses in fewer words.
SHORT_STATUS = {
    Standing.PAID: N_("Pagata"),
    Standing.PARTIAL: N_("Pagata in parte"),
    Standing.DUE: N_("Da pagare"),
    Standing.OVERDUE: N_("Scaduta"),
    Standing.CREDIT: N_("A credito"),
}


@dataclass(frozen=True)
class Holder:
    """Who the statement is for, as printed at its top."""

    name: str
    customer_code: str
    tax_code: str
    billing_address: str


@dataclass(frozen=True)
class InvoiceGroup:
    """One supply's invoices of a year in the PDF statement."""

    label: str                              # the supply, when the statement covers several
    rows: tuple[tuple[str, ...], ...]       # the table's cells, row by row
    late: tuple[bool, ...]                  # which rows have money overdue


@dataclass(frozen=True)
class YearBlock:
    """One issue year of the PDF statement: its totals, invoices and payments received."""

    year: int
    totals: tuple[str, str, str, str]                 # count, invoiced, paid, left
    groups: tuple[InvoiceGroup, ...]
    receipts: tuple[tuple[str, str, str, str], ...]   # date, amount, channel, invoices paid


@dataclass(frozen=True)
class StatementDocument:
    """Everything the PDF statement prints."""

    holder: Holder
    scope: str                      # "Tutti i contratti" or the contract's address and POD
    as_of: date
    summary: Summary
    tiles: tuple[tuple[str, str], ...]
    years: tuple[YearBlock, ...]


def short_status(standing: Standing, overdue: bool, paid_on: date | None = None) -> str:
    """Word a status for a PDF's narrow column, with the day a paid bill was paid if given."""
    if standing is Standing.PARTIAL and overdue:
        return _("In parte, scaduta")
    if standing is Standing.PAID and paid_on is not None:
        return _("Pagata il %(date)s", date=fmt.day(paid_on))
    return label(SHORT_STATUS, standing)


def _groups(items: Sequence[InvoiceStanding], refs: Mapping[int, ContractRef],
            several: bool) -> tuple[InvoiceGroup, ...]:
    """Split a year's invoices by supply (in the order refs lists them) when there are several."""
    groups = []
    for contract_id, ref in refs.items():
        mine = [i for i in items if i.invoice.contract_id == contract_id]
        if not mine:
            continue
        rows = []
        for item in mine:
            row = invoice_row(item, refs)
            rows.append((row["number"], row["issued"], row["due"], row["total"], row["paid"],
                         row["paid_on"], row["left"], short_status(item.standing, item.overdue)))
        label = f"{ref.address} – POD {ref.pod}" if several else ""
        groups.append(InvoiceGroup(label, tuple(rows), tuple(i.overdue for i in mine)))
    return tuple(groups)


def statement_document(statement: Statement, refs: Mapping[int, ContractRef], holder: Holder,
                       scope: str) -> StatementDocument:
    """Write out everything the PDF statement prints."""
    receipts = receipt_rows(statement)
    blocks = []
    for year in statement.years:
        items = [i for i in statement.invoices if i.invoice.issue_date.year == year.year]
        blocks.append(YearBlock(
            year.year,
            (invoice_count(year.count), fmt.euro(year.invoiced),
             fmt.euro(year.paid), fmt.euro(max(year.left, ZERO))),
            _groups(items, refs, several=len(refs) > 1),
            tuple((r["date"], r["amount"], r["channel"], r["covers"])
                  for r in receipts if r["year"] == year.year)))
    next_due = statement.next_due
    tiles = ((_("Saldo da pagare"), fmt.euro(max(statement.balance, ZERO))),
             (_("di cui scaduto"), fmt.euro(statement.overdue)),
             (_("Prossima scadenza"),
              f"{fmt.day(next_due[0])} · {fmt.euro(next_due[1])}" if next_due else _("Nessuna")))
    return StatementDocument(holder, scope, statement.as_of, summary(statement, refs), tiles,
                             tuple(blocks))
