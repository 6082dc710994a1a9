"""The import refuses what would mislead or break a bill, naming file, line and column.

Each case starts from the documented example, already imported, and imports it again with one
fault written into the files by the test: the report names the place and nothing changes.
"""
from __future__ import annotations

import csv
import html
import shutil
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Invoice, MeterReading, db
from models.enums import CostGroup
from models.generation import bump_generation
from models.importing import check_folder, import_folder
from tests.test_admin import admin, upload  # noqa: F401 (fixture)
from tests.test_import import EXAMPLE, edit, session, snapshot  # noqa: F401 (fixture)

CENT = Decimal("0.01")


@pytest.fixture()
def stored(session) -> Iterator[Session]:  # noqa: F811 (the fixture imported above)
    """Return a session on a database that holds the example export."""
    assert import_folder(session, EXAMPLE).ok
    session.commit()
    yield session


@pytest.fixture()
def export(tmp_path) -> Path:
    """Copy the example export to a folder the test may edit."""
    folder = tmp_path / "export"
    shutil.copytree(EXAMPLE, folder)
    return folder


def refused(db: Session, folder: Path) -> list[tuple[str, int, str, str]]:
    """Import a folder; return its problems after checking the database is untouched."""
    before = snapshot(db)
    report = import_folder(db, folder)
    db.commit()
    assert snapshot(db) == before
    return [(p.file, p.line, p.column, p.reason) for p in report.problems]


def places(problems: list[tuple[str, int, str, str]]) -> set[tuple[str, int, str]]:
    """Keep the file, line and column of each problem."""
    return {problem[:3] for problem in problems}


def write(folder: Path, name: str, header: str, *rows: str) -> None:
    """Write a small export file."""
    (folder / name).write_text("\n".join((header, *rows)) + "\n", encoding="utf-8")


def rows(folder: Path, name: str) -> list[list[str]]:
    """Read a file's rows, header first."""
    return list(csv.reader((folder / name).open(encoding="utf-8")))


def set_line(folder: Path, line: int, **values: str) -> None:
    """Change a cost line, recompute its amount and keep its invoice's total and payment."""
    table = rows(folder, "righe_fattura.csv")
    head, row = table[0], table[line - 1]
    for column, value in values.items():
        row[head.index(column)] = value
    amount = (Decimal(row[head.index("quantita")]) * Decimal(row[head.index("prezzo_unitario")])
              ).quantize(CENT, rounding=ROUND_HALF_UP)
    row[head.index("importo")] = str(amount)
    save(folder, "righe_fattura.csv", table)
    retotal(folder, row[head.index("numero")])


def drop_line(folder: Path, line: int) -> None:
    """Remove a cost line and keep its invoice's total and payment."""
    table = rows(folder, "righe_fattura.csv")
    number = table.pop(line - 1)[1]
    save(folder, "righe_fattura.csv", table)
    retotal(folder, number)


def retotal(folder: Path, number: str) -> None:
    """Set an invoice's total, and its payment, to the sum of its lines."""
    total = sum((Decimal(r[9]) for r in rows(folder, "righe_fattura.csv")[1:] if r[1] == number),
                Decimal("0.00"))
    for name, column in (("fatture.csv", "totale"), ("pagamenti.csv", "importo")):
        table = rows(folder, name)
        for row in table[1:]:
            if row[1] == number:
                row[table[0].index(column)] = str(total)
        save(folder, name, table)


def save(folder: Path, name: str, table: list[list[str]]) -> None:
    """Write rows back to a file."""
    with (folder / name).open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(table)


# --- meter readings -------------------------------------------------------------------------

def test_a_reading_below_the_one_before_is_refused(stored, tmp_path):
    write(tmp_path, "letture.csv", "pod,data_lettura,f1,f2,f3,tipo_lettura",
          "IT125E00900001,2025-05-01,10600,5280,9700,effettiva")   # F2 was 5289 on 1 March
    found = refused(stored, tmp_path)
    assert places(found) == {("letture.csv", 2, "f2")}
    assert "il registro F2 scende da 5289 (2025-03-01) a 5280 (2025-05-01)" in found[0][3]


def test_a_reading_that_contradicts_a_stored_invoice_is_refused(stored, tmp_path):
    write(tmp_path, "letture.csv", "pod,data_lettura,f1,f2,f3,tipo_lettura",
          "IT125E00900001,2025-03-01,10503,5290,9630,effettiva")   # F2 one kWh more
    found = refused(stored, tmp_path)
    assert places(found) == {("letture.csv", 2, "f2")}
    assert "fattura 1514/2025" in found[0][3] and "F2 = 145 kWh, la fattura ne addebita 144" in (
        found[0][3])


def test_an_invoice_that_contradicts_its_readings_is_refused(stored, export):
    edit(export, "letture.csv", 4, "f2", "5290")
    assert places(refused(stored, export)) == {("fatture.csv", 3, "f2_kwh")}


# --- the lines of a bill --------------------------------------------------------------------

def test_a_2025_line_on_an_older_bill_is_refused(stored, export):
    edit(export, "righe_fattura.csv", 2, "gruppo", "quota_consumi")
    found = refused(stored, export)
    assert places(found) == {("righe_fattura.csv", 2, "gruppo")}
    assert "quota_consumi non esiste nelle bollette bolletta_2_0" in found[0][3]


def test_household_iva_at_22_percent_is_refused(stored, export):
    set_line(export, 12, descrizione="IVA 22%", prezzo_unitario="0.22")
    found = refused(stored, export)
    assert places(found) == {("righe_fattura.csv", 12, "prezzo_unitario")}
    assert "IVA al 22%, ma per una fornitura domestico_residente è al 10%" in found[0][3]


def test_a_missing_excise_line_is_refused(stored, export):
    drop_line(export, 11)    # 1507/2025's excise; its IVA line moves up to line 11
    found = refused(stored, export)
    assert places(found) == {("righe_fattura.csv", 11, "gruppo")}
    assert "manca la riga dell'accisa" in found[0][3] and "670 kWh" in found[0][3]


def test_a_business_without_excise_is_refused(stored, export):
    drop_line(export, 34)    # 1521/2025, other uses: every kWh is taxed
    assert places(refused(stored, export)) == {("righe_fattura.csv", 34, "gruppo")}


def test_the_exemption_without_the_claw_back_is_refused(stored, export):
    # As the example read before: 300 kWh exempt over two months of 340 and 365 kWh.
    set_line(export, 11, descrizione="Accisa (300 kWh esenti)", quantita="405")
    found = refused(stored, export)
    assert places(found) == {("righe_fattura.csv", 11, "quantita"),
                             ("righe_fattura.csv", 11, "descrizione")}
    assert any("vanno tassati 670 kWh" in reason for *_, reason in found)


# --- payments -------------------------------------------------------------------------------

def test_a_negative_payment_is_refused(stored, export):
    edit(export, "pagamenti.csv", 2, "importo", "-164.23")
    assert places(refused(stored, export)) == {("pagamenti.csv", 2, "importo")}


def test_a_payment_before_the_invoice_was_issued_is_refused(stored, tmp_path):
    write(tmp_path, "pagamenti.csv", "anno,numero,data,importo,canale",
          "2025,1507,2025-02-09,164.23,SEPA")    # issued on 10 February
    found = refused(stored, tmp_path)
    assert places(found) == {("pagamenti.csv", 2, "data")}
    assert "prima dell'emissione della fattura 1507/2025 (2025-02-10)" in found[0][3]


def test_the_example_passes_every_check_on_an_empty_database(session):  # noqa: F811
    _, report = check_folder(session, EXAMPLE)
    assert report.ok, [str(p) for p in report.problems]


# --- the three faults that broke both PDFs of a bill ------------------------------------------

def _mario_s_bill(app) -> tuple[Invoice, list[MeterReading]]:
    """Return invoice 1636/2023 with its lines, and its two meter readings."""
    bill = db.session.scalar(select(Invoice).where(Invoice.fiscal_year == 2023,
                                                   Invoice.number == 1636))
    readings = list(db.session.scalars(
        select(MeterReading).where(MeterReading.contract_id == bill.contract_id,
                                   MeterReading.read_on.in_([bill.period_start,
                                                             bill.reading_date]))
        .order_by(MeterReading.read_on)))
    return bill, readings


def _fault(case: str, bill: Invoice, readings: list[MeterReading]) -> None:
    """Write one of the faults into the loaded objects."""
    before, after = readings
    if case == "lettura_in_calo":
        after.f1 = before.f1 - 5
    elif case == "lettura_diversa":
        after.f1 += 7
    else:
        bill.lines[0].group = CostGroup.CONSUMPTION_SHARE


def _export_of(folder: Path, bill: Invoice, readings: list[MeterReading]) -> None:
    """Write the bill's readings and lines as the billing system would export them."""
    write(folder, "letture.csv", "pod,data_lettura,f1,f2,f3,tipo_lettura", *(
        f"{bill.contract.pod},{r.read_on},{r.f1},{r.f2},{r.f3},{r.reading_type.value}"
        for r in readings))
    with (folder / "righe_fattura.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["anno", "numero", "posizione", "gruppo", "lato", "descrizione",
                      "quantita", "unita", "prezzo_unitario", "importo"])
        out.writerows([bill.fiscal_year, bill.number, line.position, line.group.value,
                       line.side.value, line.description, line.quantity, line.unit,
                       line.unit_price, line.amount] for line in bill.lines)


@pytest.mark.parametrize(("case", "place"), [
    ("lettura_in_calo", ("letture.csv", 3, "f1")),
    ("lettura_diversa", ("letture.csv", 3, "f1")),
    ("riga_2025", ("righe_fattura.csv", 2, "gruppo")),
])
def test_the_faults_that_broke_the_pdfs_are_refused_and_never_answer_500(
        app, member, tmp_path, case, place):
    with app.app_context():
        bill, readings = _mario_s_bill(app)
        bill_id = bill.id
        _fault(case, bill, readings)
        _export_of(tmp_path, bill, readings)
        db.session.rollback()
        found = places(refused(db.session, tmp_path))
    assert found == {place}
    pdfs = [f"/fatture/{bill_id}/{kind}.pdf" for kind in ("fattura", "dettaglio")]
    assert [member.get(pdf).status_code for pdf in pdfs] == [200, 200]
    # The same fault already in the database, from before these checks: a polite page.
    with app.app_context():
        _fault(case, *_mario_s_bill(app))
        bump_generation(db.session)   # as any write does: the PDFs served above are stale
        db.session.commit()
    for pdf in pdfs:
        response = member.get(pdf)
        text = response.get_data(as_text=True)
        assert response.status_code == 409, text[:300]
        assert "Documento non disponibile" in text and "assistenza clienti" in text
        assert "Traceback" not in text and b"%PDF" not in response.data


# --- files a spreadsheet saved: another encoding, «;», decimal commas ------------------------

def _latin1() -> tuple[str, bytes]:
    """Return clienti.csv saved as Windows-1252, with an accent on its third line."""
    text = (EXAMPLE / "clienti.csv").read_text(encoding="utf-8")
    return "clienti.csv", text.replace("Falegnameria Englaro", "Falegnameria Englaro & Niccolò"
                                       ).encode("cp1252")


def _semicolons() -> tuple[str, bytes]:
    """Return contratti.csv separated by «;», as a spreadsheet set to Italian saves it."""
    text = (EXAMPLE / "contratti.csv").read_text(encoding="utf-8")
    return "contratti.csv", text.replace(",", ";").encode()


def _decimal_comma() -> tuple[str, bytes]:
    """Return righe_fattura.csv with an unquoted decimal comma on its second line."""
    text = (EXAMPLE / "righe_fattura.csv").read_text(encoding="utf-8")
    return "righe_fattura.csv", text.replace("0.132500,33.13", "0.132500,33,13", 1).encode()


SPREADSHEET_FILES = {
    "latin1": (_latin1, "clienti.csv:3: il testo non è UTF-8"),
    "semicolons": (_semicolons, "contratti.csv:1: trovato «;» come separatore, atteso «,»"),
    "decimal_comma": (_decimal_comma, "righe_fattura.csv:2: importo: decimale scritto con la "
                                      "virgola"),
}


@pytest.mark.parametrize("case", SPREADSHEET_FILES)
def test_a_spreadsheet_s_file_is_refused_saying_why(session, tmp_path, case):  # noqa: F811
    make, expected = SPREADSHEET_FILES[case]
    name, content = make()
    (tmp_path / name).write_bytes(content)
    _, report = check_folder(session, tmp_path)
    assert len(report.problems) == 1
    assert str(report.problems[0]).startswith(expected), str(report.problems[0])


@pytest.mark.parametrize("case", SPREADSHEET_FILES)
def test_the_command_refuses_a_spreadsheet_s_file_without_a_traceback(app, tmp_path, case):
    make, expected = SPREADSHEET_FILES[case]
    name, content = make()
    (tmp_path / name).write_bytes(content)
    result = app.test_cli_runner().invoke(args=["import", str(tmp_path)])
    assert result.exit_code == 1
    assert expected in result.output and "nessun dato scritto" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("case", SPREADSHEET_FILES)
def test_the_admin_page_refuses_a_spreadsheet_s_file(app, admin, case):  # noqa: F811
    make, expected = SPREADSHEET_FILES[case]
    response = upload(admin, dict([make()]))
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert expected in text and "nessun dato scritto" in text
    assert "Traceback" not in text


@pytest.mark.parametrize(("broken", "expected"), [
    ('"Paluzza' + "x" * 200_000, "clienti.csv:2: riga illeggibile"),    # a quote never closed
    ("Pal\x00uzza", "clienti.csv:2: comune: contiene caratteri di controllo"),
])
def test_an_unreadable_row_is_a_problem_not_a_traceback(session, tmp_path, broken,  # noqa: F811
                                                        expected):
    text = (EXAMPLE / "clienti.csv").read_text(encoding="utf-8")
    (tmp_path / "clienti.csv").write_text(text.replace("Paluzza", broken, 1), encoding="utf-8")
    _, report = check_folder(session, tmp_path)
    assert [str(p)[:len(expected)] for p in report.problems] == [expected]
