"""Importing the billing system's CSV export: checks first, then all or nothing, idempotent."""
from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from models import Base, Customer, Invoice, InvoiceLine, MonthlyConsumption, Payment
from models.importing import check_folder, import_folder
from tests.conftest import _fresh_database_url

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "import-example"
TABLES = (Customer, MonthlyConsumption, Invoice, InvoiceLine, Payment)


@pytest.fixture()
def session(backend, tmp_path) -> Iterator[Session]:
    """Open a session on an empty database with the portal's tables."""
    url, options = _fresh_database_url(backend, tmp_path)
    schema = options.pop("_schema", None)
    engine = create_engine(url, **options)
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        yield s
    engine.dispose()
    if schema:
        with create_engine(url).begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture()
def export(tmp_path) -> Path:
    """Copy the documented example export to a folder the test may edit."""
    folder = tmp_path / "export"
    shutil.copytree(EXAMPLE, folder)
    return folder


def edit(folder: Path, name: str, line: int, column: str, value: str) -> None:
    """Set one cell of an export file (line 1 is the header, as in the report)."""
    path = folder / name
    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows[line - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def append(folder: Path, name: str, row: dict[str, object]) -> None:
    """Add a row to an export file, by column name."""
    path = folder / name
    header = next(csv.reader(path.open(encoding="utf-8")))
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow([row.get(c, "") for c in header])


def row_of(folder: Path, name: str, line: int) -> dict[str, str]:
    """Read one row of an export file by its line number."""
    rows = list(csv.DictReader((folder / name).open(encoding="utf-8")))
    return rows[line - 2]


def snapshot(session: Session) -> dict[str, list[tuple]]:
    """Return every row of the imported tables, ids included."""
    return {model.__tablename__: [tuple(r) for r in session.execute(
        select(model.__table__).order_by(model.__table__.c.id))] for model in TABLES}


def problems(session: Session, folder: Path) -> list[tuple[str, int, str]]:
    """Check an export and return its problems as (file, line, column)."""
    _, report = check_folder(session, folder)
    return [(p.file, p.line, p.column) for p in report.problems]


def test_example_imports_and_adds_up(session, export):
    report = import_folder(session, export)
    session.commit()
    assert report.ok, report.problems
    assert report.counts["clienti.csv"].new == 2
    assert report.counts["fatture.csv"].new == 4
    invoice = session.scalar(select(Invoice).where(Invoice.fiscal_year == 2025,
                                                   Invoice.number == 1507))
    assert invoice.total == Decimal("164.23")
    assert sum(line.amount for line in invoice.lines) == invoice.total
    assert (invoice.f1_kwh, invoice.f2_kwh, invoice.f3_kwh) == (250, 145, 310)


def test_importing_the_same_files_again_changes_nothing(session, export):
    import_folder(session, export)
    session.commit()
    before = snapshot(session)
    report = import_folder(session, export)
    session.commit()
    assert snapshot(session) == before
    assert all(c.new == c.changed == c.removed == 0 for c in report.counts.values())
    assert report.counts["righe_fattura.csv"].unchanged == 45


def test_a_corrected_value_updates_only_its_row(session, export):
    import_folder(session, export)
    session.commit()
    edit(export, "clienti.csv", 2, "email", "maria.nuova@example.com")
    report = import_folder(session, export)
    session.commit()
    assert report.counts["clienti.csv"].changed == 1
    assert report.counts["clienti.csv"].unchanged == 1
    assert session.scalar(select(Customer.email).where(Customer.code == "200001")) == (
        "maria.nuova@example.com")


def test_report_names_file_line_column_and_reason(session, export):
    edit(export, "clienti.csv", 3, "cap", "3302")
    edit(export, "fatture.csv", 4, "data_emissione", "2025-02-30")
    edit(export, "righe_fattura.csv", 5, "importo", "1,50")
    _, report = check_folder(session, export)
    found = {(p.file, p.line, p.column): p.reason for p in report.problems}
    assert found == {
        ("clienti.csv", 3, "cap"): "formato non valido, atteso 5 cifre",
        ("fatture.csv", 4, "data_emissione"): "data inesistente",
        ("righe_fattura.csv", 5, "importo"): "usa il punto come separatore decimale",
    }
    assert "fatture.csv:4: data_emissione: data inesistente" in map(str, report.problems)


def test_missing_and_unknown_columns_and_files_are_reported(session, export):
    path = export / "letture.csv"
    path.write_text(path.read_text().replace("tipo_lettura", "tipo"))
    (export / "clienti_vecchi.csv").write_text("a,b\n")
    assert set(problems(session, export)) == {
        ("letture.csv", 1, "tipo_lettura"), ("letture.csv", 1, "tipo"),
        ("clienti_vecchi.csv", 0, ""),
    }


def test_one_bad_row_writes_nothing_at_all(session, export):
    append(export, "pagamenti.csv", {"anno": 2025, "numero": 999999, "data": "2025-05-01",
                                     "importo": "10.00", "canale": "SEPA"})
    report = import_folder(session, export)
    session.commit()
    assert [(p.file, p.line, p.column, p.reason) for p in report.problems] == [
        ("pagamenti.csv", 6, "numero", "fattura sconosciuta")]
    assert all(session.scalar(select(func.count()).select_from(m)) == 0 for m in TABLES)


def test_kwh_must_be_the_sum_of_the_bands(session, export):
    edit(export, "consumi_mensili.csv", 2, "kwh", "341")
    edit(export, "fatture.csv", 3, "kwh", "700")
    assert problems(session, export) == [("consumi_mensili.csv", 2, "kwh"),
                                         ("fatture.csv", 3, "kwh")]


def test_each_line_is_quantity_times_price(session, export):
    edit(export, "righe_fattura.csv", 2, "prezzo_unitario", "0.132600")
    assert ("righe_fattura.csv", 2, "importo") in problems(session, export)


def test_lines_must_add_up_to_the_invoice_total(session, export):
    edit(export, "fatture.csv", 2, "totale", "164.24")
    edit(export, "pagamenti.csv", 2, "importo", "164.24")
    found = problems(session, export)
    assert found == [("righe_fattura.csv", 2, "importo")]


def test_months_must_add_up_to_their_invoice(session, export):
    months = row_of(export, "consumi_mensili.csv", 2)
    edit(export, "consumi_mensili.csv", 2, "f1_kwh", str(int(months["f1_kwh"]) + 1))
    edit(export, "consumi_mensili.csv", 2, "kwh", str(int(months["kwh"]) + 1))
    _, report = check_folder(session, export)
    assert [(p.file, p.line, p.column) for p in report.problems] == [("fatture.csv", 2, "f1_kwh")]
    assert "i mesi sommano a F1/F2/F3 = 251/145/310, la fattura a 250/145/310" in (
        report.problems[0].reason)


def test_a_period_with_missing_months_is_rejected(session, export):
    path = export / "consumi_mensili.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:1] + lines[2:]) + "\n")   # drop November 2024
    found = problems(session, export)
    assert found == [("fatture.csv", 2, "mese")]


def test_overlapping_periods_are_rejected_in_the_files(session, export):
    first = row_of(export, "fatture.csv", 2)
    append(export, "fatture.csv", {**first, "numero": 1600, "inizio_periodo": "2024-12-01",
                                   "f1_kwh": 130, "f2_kwh": 75, "f3_kwh": 160, "kwh": 365})
    found = problems(session, export)
    assert ("fatture.csv", 6, "inizio_periodo") in found


def test_overlapping_periods_are_rejected_against_the_database(session, export, tmp_path):
    import_folder(session, export)
    session.commit()
    later = tmp_path / "later"
    later.mkdir()
    shutil.copy(export / "fatture.csv", later / "fatture.csv")
    shutil.copy(export / "righe_fattura.csv", later / "righe_fattura.csv")
    path = later / "fatture.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:2]) + "\n")
    path = later / "righe_fattura.csv"
    rows = [r for r in path.read_text().splitlines() if r.startswith(("anno", "2025,1507,"))]
    path.write_text("\n".join(rows).replace("2025,1507,", "2025,1601,") + "\n")
    edit(later, "fatture.csv", 2, "numero", "1601")
    found = problems(session, later)
    assert found == [("fatture.csv", 2, "inizio_periodo")]


def test_cli_checks_and_reports(app, export):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import", "--check-only", str(export)])
    assert result.exit_code == 0, result.output
    assert "Nessun problema" in result.output
    edit(export, "fatture.csv", 2, "kwh", "1")
    result = runner.invoke(args=["import", str(export)])
    assert result.exit_code == 1
    assert "fatture.csv:2: kwh: 1 kWh ma F1+F2+F3 = 705 kWh" in result.output
    assert "nessun dato scritto" in result.output
