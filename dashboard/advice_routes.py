"""Exports of the advice pages: the advisor's CSVs and report PDF, the member's own report PDF.

Advisor routes ask the gate and record the access before reading (fail closed: 503, no data);
without consent, an unknown and a malformed id all get the same 404. The member's route serves
only the member's own latest report.
"""
from __future__ import annotations

import csv
import io
from datetime import date

import xlsxwriter
from flask import Blueprint, Response, render_template, request

from models import AccessKind, Contract, Customer, db
from models.advice import AdvisorReport, latest_report
from models.entities import utcnow

from . import access
from . import advice as adv
from . import formatting as fmt
from .advice_view import what_if_heads, what_if_rows
from .audit import AccessNotRecorded, refused_response
from .auth.identity import current_viewer
from .documents.report import ReportDocument, render_report
from .i18n import N_, _
from .labels import CUSTOMER_TYPE_LABELS, TARIFF_LABELS
from .pages import consulente, consulente_socio, consulenza
from .statement import CSV_BOM, FORMULA_STARTS

bp = Blueprint("advice", __name__)
WHAT_IF_NOTE = N_("Solo la quota energia, ai prezzi predefiniti della cooperativa; imposte, oneri "
                "e quote fisse non cambiano con la struttura tariffaria.")


def not_found() -> tuple[str, int]:
    """Answer the same for no consent, a revoked one, an unknown and a malformed id."""
    return render_template("message.html", title=_("Socio non trovato"),
                           message=_(adv.UNKNOWN)), 404


def cell(text: str) -> str:
    """Keep a text cell from being run as a formula by a spreadsheet."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_bytes(heads: list[str], rows: list[list[str]]) -> bytes:
    """Write rows as CSV the Italian Excel opens right: ; and the BOM."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(heads)
    writer.writerows([[cell(value) for value in row] for row in rows])
    return (CSV_BOM + out.getvalue()).encode("utf-8")


def xlsx_bytes(title: str, heads: list[str], rows: list[list[str]]) -> bytes:
    """Write the same table as an Excel workbook; every cell a string, never a formula."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(title[:31])
    bold = book.add_format({"bold": True})
    for column, head in enumerate(heads):
        sheet.write_string(0, column, head, bold)
        sheet.set_column(column, column, max(12, len(head) + 2))
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            sheet.write_string(number, column, value)
    book.close()
    return out.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_file(name: str, heads: list[str], rows: list[list[str]], as_xlsx: bool) -> Response:
    """Send a table as CSV or as XLSX."""
    if as_xlsx:
        return attachment(xlsx_bytes(name, heads, rows), f"{name}.xlsx", XLSX)
    return attachment(csv_bytes(heads, rows), f"{name}.csv", "text/csv")


def attachment(content: bytes, name: str, mimetype: str, inline: bool = False) -> Response:
    """Send a file the browser saves (or shows, for a PDF)."""
    disposition = "inline" if inline else "attachment"
    return Response(content, mimetype=mimetype, headers={
        "Content-Disposition": f'{disposition}; filename="{name}"',
        "Cache-Control": "no-store"})


@bp.get(consulente.CSV_PATH)
@bp.get(consulente.XLSX_PATH)
def portfolio_csv():
    """Send the page of the advisor's list the query asks for, as CSV or XLSX."""
    viewer = current_viewer()
    if not consulente.is_advisor(viewer):
        return not_found()
    listing = consulente.read_listing("?" + request.query_string.decode("latin-1"))
    found, cells = consulente.page_rows(listing)
    try:
        adv.record_each(viewer, [r.customer_id for r in found.rows], AccessKind.EXPORT,
                        consulente.TARGET + " (CSV)")
    except AccessNotRecorded:
        return refused_response()
    keys = [key for key, _label in consulente.COLUMNS]
    return table_file(f"soci-in-consulenza-{found.page}",
                      [_(label) for _key, label in consulente.COLUMNS],
                      [[row[key] for key in keys] for row in cells],
                      request.path.endswith(".xlsx"))


def _advised(kind: AccessKind, target: str) -> tuple[Customer | None, Contract | None]:
    """Return the member and supply the query asks for, the access recorded first."""
    customer = adv.advised(current_viewer(), request.args.get("id"), kind, target)
    if customer is None:
        return None, None
    return customer, adv.chosen_supply(customer, request.args.get("contratto"))


@bp.get(consulente_socio.CSV_PATH)
@bp.get(consulente_socio.XLSX_PATH)
def member_csv():
    """Send a member's year by band and the what-if at the default prices, as CSV or XLSX."""
    try:
        customer, contract = _advised(AccessKind.EXPORT, "Consulenza energetica: dati esportati")
    except AccessNotRecorded:
        return refused_response()
    if customer is None or contract is None:
        return not_found()
    found = adv.analysis(contract, utcnow().date())
    rows = [[_("Periodo"), fmt.period(found.first, found.last), "", ""],
            ["POD", contract.pod, "", ""]]
    if found.use is not None:
        rows += [[_("Energia %(band)s", band=band), fmt.number(int(value)), "kWh", ""]
                 for band, value in (("F1", found.use.f1), ("F2", found.use.f2),
                                     ("F3", found.use.f3))]
        prices = adv.read_prices(adv.default_prices())
        result = adv.what_if(found.use, prices, adv.read_share(0)) if prices else None
        rows += [what_if_heads()] + (what_if_rows(result) if result else [])
    safe = "".join(c for c in contract.pod if c.isascii() and c.isalnum())
    return table_file(f"consulenza-{safe}", [_("Voce"), _("Valore"), _("Unità"), ""], rows,
                      request.path.endswith(".xlsx"))


def report_document(customer: Customer, contract: Contract | None, report: AdvisorReport,
                    today: date) -> ReportDocument:
    """Gather the report's figures: consumption and technical data only."""
    facts: tuple = ()
    bands: tuple = ()
    key: tuple = ()
    rows: tuple = ()
    period = _("ultimi dodici mesi")
    supply = "–"
    if contract is not None:
        found = adv.analysis(contract, today)
        period = fmt.period(found.first, found.last)
        supply = f"{contract.supply_street}, {contract.supply_city} – POD {contract.pod}"
        facts = ((_("Tipo di uso"), _(CUSTOMER_TYPE_LABELS[contract.customer_type])),
                 (_("Struttura tariffaria"), _(TARIFF_LABELS[contract.tariff_structure])),
                 (_("Potenza impegnata"), fmt.kw(contract.power_committed_kw)),
                 (_("Potenza disponibile"), fmt.kw(contract.power_available_kw)))
        if found.use is not None:
            use = found.use
            bands = (("F1", int(use.f1)), ("F2", int(use.f2)), ("F3", int(use.f3)))
            key = ((_("Energia in un anno"), fmt.kwh(int(use.total))),
                   (_("Quota in F1"), fmt.percent(use.f1, use.total, 1)))
            if found.peers is not None:
                key += ((_("Mediana delle forniture simili"),
                         fmt.kwh(round(found.peers.kwh.median))),)
            prices = adv.read_prices(adv.default_prices())
            if prices is not None:
                result = adv.what_if(use, prices, adv.read_share(20))
                rows = tuple(tuple(r) for r in what_if_rows(result))
    return ReportDocument(
        customer.name, customer.code, supply, facts, period, bands, key,
        (what_if_heads()[0], _("Oggi"), _("Con il 20% di F1 spostato"), _("Differenza")),
        rows, _(WHAT_IF_NOTE), report.text, report.version, report.created_at,
        report.advisor_name, today)


def _pdf(customer: Customer, report: AdvisorReport) -> Response:
    """Render a report for a member and send it."""
    contract = (db.session.get(Contract, report.contract_id) if report.contract_id else None)
    if contract is not None and contract.customer_id != customer.id:
        contract = None
    content = render_report(report_document(customer, contract, report, utcnow().date()))
    return attachment(content, f"relazione-consulenza-{customer.code}-v{report.version}.pdf",
                      "application/pdf", inline=True)


@bp.get(consulente_socio.PDF_PATH)
def advisor_report_pdf():
    """Send the latest «Relazione di consulenza» to the advisor, while consent holds."""
    try:
        customer = adv.advised(current_viewer(), request.args.get("id"), AccessKind.PDF,
                               "Relazione di consulenza")
    except AccessNotRecorded:
        return refused_response()
    report = latest_report(db.session, customer.id) if customer else None
    if customer is None or report is None:
        return not_found()
    return _pdf(customer, report)


@bp.get(consulenza.REPORT_PATH)
def member_report_pdf():
    """Send the member their own latest «Relazione di consulenza»."""
    viewer = current_viewer()
    customer = access.customer(viewer) if access.may_write(viewer) else None
    report = latest_report(db.session, customer.id) if customer else None
    if customer is None or report is None:
        message = _("Non c'è ancora una relazione di consulenza per te.")
        return render_template("message.html", title=_("Relazione non disponibile"),
                               message=message), 404
    return _pdf(customer, report)
