"""Downloads of the consumption page: the chart's table as CSV or XLSX, a year's quarter hours.

Each route asks the access gate for the contract in the query string: a foreign, an unknown
and a malformed id get the same polite 404. The files follow the viewer's language: headers,
names and numbers; the CSV files are for the viewer's Excel (in Italian: semicolons, decimal
commas), with a UTF-8 BOM.
"""
from __future__ import annotations

import io
from datetime import date

import xlsxwriter
from flask import Blueprint, Response, request

from models import AccessKind, Contract, db
from models.curves import days_of

from . import access, drill
from . import formatting as fmt
from .area import not_found
from .audit import Planned, audited, refused_response, staff_view_access
from .auth.identity import current_viewer
from .curve_tables import quarter_hour_csv, table_csv
from .i18n import N_, _
from .pages import consumi

bp = Blueprint("curve_exports", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# How a table export's name starts for each view: «consumi-<POD>-mesi-2023.csv»
FILE_NAMES = {drill.BY_MONTH: N_("consumi-%(pod)s-mesi"),
              drill.BY_PERIOD: N_("consumi-%(pod)s-periodi"),
              drill.HEATMAP: N_("consumi-%(pod)s-mappa"),
              drill.TYPICAL: N_("consumi-%(pod)s-tipo"),
              drill.YEARS: N_("consumi-%(pod)s-anni"),
              drill.DAILY: N_("consumi-%(pod)s-giornaliero")}


def _selection() -> tuple[Contract | None, drill.Selection]:
    """Return the contract the query string names, if the viewer may see it, and the choice."""
    selection = consumi.parse_selection(request.query_string.decode("latin-1"))
    return access.contract(current_viewer(), selection.contract), selection


def no_contract() -> tuple[str, int]:
    """Answer the same for a foreign, a nonexistent and a malformed id, in the viewer's language."""
    return not_found(_("Contratto non trovato"), _("Non troviamo questo contratto tra i tuoi."))


def _attachment(body: str | bytes, name: str, mimetype: str) -> Response:
    """Send a download with a file name safe on any system."""
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _pod(contract: Contract) -> str:
    """Write a contract's POD as it may go into a file name on any system."""
    return "".join(c for c in contract.pod if c.isascii() and c.isalnum())


def _name(contract: Contract, selection: drill.Selection, extension: str) -> str:
    """Name a table export after the POD, the view, the year and the level shown."""
    parts = [_(FILE_NAMES[selection.view], pod=_pod(contract)),
             *map(str, selection.years or (selection.year,))]
    parts += [f"{n:02d}" for n in (selection.month, selection.day) if n is not None]
    return f"{'-'.join(parts)}.{extension}"


def _table(contract: Contract, selection: drill.Selection) -> dict | None:
    """Build the data table the page shows under the chart for the same address."""
    if selection.year is None:
        return None
    view = drill.compose(contract, selection, consumi.page_link(contract.id, selection))
    return view.table


def _export_access() -> Planned | None:
    """Describe a staff view's download, for the access trail."""
    return staff_view_access(AccessKind.EXPORT, request.full_path.rstrip("?"))


@bp.get("/consumi/quarti-d-ora.csv")
@audited(_export_access, refused=refused_response)
def quarter_hours_csv():
    """Send a year's quarter hours: local date and time, UTC offset, kWh and band."""
    contract, selection = _selection()
    if contract is None:
        return no_contract()
    year = selection.year
    days = days_of(db.session, contract.id, date(year, 1, 1), date(year, 12, 31)) if year else {}
    if not days:
        return not_found(_("Nessuna misura"), _(
            "Per quest'anno non ci sono misure al quarto d'ora di questo contratto."))
    name = _("quarti-d-ora-%(pod)s-%(year)s.csv", pod=_pod(contract), year=year)
    return _attachment(quarter_hour_csv(days), name, "text/csv; charset=utf-8")


def _view_export(extension: str, write, mimetype: str) -> Response | tuple[str, int]:
    """Send the table under the chart in one format."""
    contract, selection = _selection()
    if contract is None:
        return no_contract()
    data = _table(contract, selection)
    if data is None:
        return not_found(_("Nessun dato"), _("Per questa scelta non ci sono dati da scaricare."))
    return _attachment(write(data), _name(contract, selection, extension), mimetype)


@bp.get("/consumi/tabella.csv")
@audited(_export_access, refused=refused_response)
def view_csv():
    """Send the table under the chart as CSV."""
    return _view_export("csv", table_csv, "text/csv; charset=utf-8")


@bp.get("/consumi/tabella.xlsx")
@audited(_export_access, refused=refused_response)
def view_xlsx():
    """Send the table under the chart as an Excel workbook, numbers as numbers."""
    return _view_export("xlsx", table_xlsx, XLSX)


def written_number(text: str) -> float | None:
    """Read back a number the table wrote in the viewer's language: 1.234,5 as 1234.5."""
    decimal = fmt.decimal_point()
    group = "." if decimal == "," else ","
    try:
        return float(text.replace(group, "").replace(decimal, "."))
    except ValueError:
        return None


def table_xlsx(data: dict) -> bytes:
    """Write a view's table as an XLSX workbook: a header row, numbers with their decimals."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(_("Consumi"))
    bold = book.add_format({"bold": True})
    formats = {n: book.add_format({"num_format": "#,##0" + ("." + "0" * n if n else "")})
               for n in range(4)}
    sheet.write_row(0, 0, [title for title, _numeric in data["columns"]], bold)
    rows = [*data["rows"], *([data["footer"]] if data.get("footer") else [])]
    decimal = fmt.decimal_point()
    for r, row in enumerate(rows, start=1):
        sheet.write_string(r, 0, row[0])
        for c, cell in enumerate(row[1:], start=1):
            number = written_number(cell) if data["columns"][c][1] and cell else None
            if number is None:
                sheet.write_string(r, c, cell)
            else:
                decimals = len(cell.rsplit(decimal, 1)[1]) if decimal in cell else 0
                sheet.write_number(r, c, number, formats[min(decimals, 3)])
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, len(data["columns"]), 14)
    book.close()
    return out.getvalue()
