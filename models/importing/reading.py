"""Read a folder of export files into typed records, noting every problem with its place."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .formats import SPECS, FileSpec

# A file bigger than this is refused rather than read into memory (about 10 million rows).
MAX_FILE_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class Problem:
    """Why a row (or a whole file) cannot be imported: file, line, column, reason."""

    file: str
    line: int      # 1 is the header; 0 means the file as a whole
    column: str
    reason: str

    def __str__(self) -> str:
        """Write the problem as the report prints it."""
        place = f"{self.file}:{self.line}" if self.line else self.file
        column = f"{self.column}: " if self.column else ""
        return f"{place}: {column}{self.reason}"


@dataclass(frozen=True)
class Record:
    """One parsed row: its line in the file and its values by model field."""

    line: int
    values: dict[str, object]

    def __getitem__(self, field: str) -> object:
        """Return a field's value."""
        return self.values[field]


FileSet = dict[str, list[Record]]


def read_folder(folder: Path) -> tuple[FileSet, list[Problem]]:
    """Read every known CSV file of a folder; unknown files are problems too."""
    known = {spec.name: spec for spec in SPECS}
    files: FileSet = {}
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.csv")):
        spec = known.get(path.name)
        if spec is None:
            problems.append(Problem(path.name, 0, "", "file non riconosciuto; i nomi ammessi "
                                    "sono: " + ", ".join(known)))
            continue
        files[spec.name], file_problems = read_file(path, spec)
        problems += file_problems
    if not files and not problems:
        problems.append(Problem(str(folder), 0, "", "nessun file da importare nella cartella"))
    return files, problems


def read_file(path: Path, spec: FileSpec) -> tuple[list[Record], list[Problem]]:
    """Parse one file against its column specification."""
    if path.stat().st_size > MAX_FILE_BYTES:
        return [], [Problem(spec.name, 0, "", "file troppo grande: dividilo in più invii")]
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        problems = _header_problems(spec, reader.fieldnames or [])
        if problems:
            return [], problems
        records, seen = [], {}
        for row in reader:
            record, row_problems = _parse_row(spec, reader.line_num, row)
            problems += row_problems
            if record is None:
                continue
            key = tuple(row[c].strip() for c in spec.key)
            if spec.key and key in seen:
                problems.append(Problem(spec.name, record.line, ",".join(spec.key),
                                        f"chiave ripetuta (già alla riga {seen[key]})"))
                continue
            seen[key] = record.line
            records.append(record)
    return records, problems


def _header_problems(spec: FileSpec, header: list[str]) -> list[Problem]:
    """Check the header names every required column and nothing unknown."""
    names = {c.name for c in spec.columns}
    problems = [Problem(spec.name, 1, c.name, "colonna mancante")
                for c in spec.columns if c.required and c.name not in header]
    problems += [Problem(spec.name, 1, name or "(vuota)", "colonna sconosciuta")
                 for name in header if name not in names]
    return problems


def _parse_row(spec: FileSpec, line: int,
               row: dict[str | None, object]) -> tuple[Record | None, list[Problem]]:
    """Parse one row; return no record if any value is wrong."""
    if None in row:  # csv puts surplus fields under the None key
        return None, [Problem(spec.name, line, "", "la riga ha più campi dell'intestazione")]
    values, problems = {}, []
    for column in spec.columns:
        raw = row.get(column.name)
        raw = raw.strip() if isinstance(raw, str) else ""
        if not raw:
            if column.required:
                problems.append(Problem(spec.name, line, column.name, "valore mancante"))
            values[column.field] = None
            continue
        try:
            values[column.field] = column.parse(raw)
        except ValueError as error:
            problems.append(Problem(spec.name, line, column.name, str(error)))
    return (None if problems else Record(line, values)), problems
