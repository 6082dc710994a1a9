"""Read a folder of export files into typed records, noting every problem with its place."""
from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..wording import _
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
            problems.append(Problem(path.name, 0, "", _(
                "file non riconosciuto; i nomi ammessi sono: %(names)s",
                names=", ".join(known))))
            continue
        files[spec.name], file_problems = read_file(path, spec)
        problems += file_problems
    if not files and not problems:
        problems.append(Problem(str(folder), 0, "", _("nessun file da importare nella cartella")))
    return files, problems


class NotUtf8(ValueError):
    """A line of a file is not UTF-8 text."""

    def __init__(self, line: int) -> None:
        super().__init__(f"line {line} is not UTF-8")
        self.line = line


def utf8_lines(handle: BinaryIO) -> Iterator[str]:
    """Decode a binary file line by line as UTF-8 (a BOM is allowed), naming a line that is not."""
    # Line by line, so that a file of any size streams; no UTF-8 sequence holds a b"\n" byte.
    for number, raw in enumerate(handle, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise NotUtf8(number) from None
        yield text.removeprefix("\ufeff") if number == 1 else text


def read_file(path: Path, spec: FileSpec) -> tuple[list[Record], list[Problem]]:
    """Parse one file against its column specification."""
    if path.stat().st_size > MAX_FILE_BYTES:
        return [], [Problem(spec.name, 0, "", _("file troppo grande: dividilo in più invii"))]
    with path.open("rb") as handle:
        reader = csv.reader(utf8_lines(handle))
        try:
            return _read_rows(spec, reader)
        except NotUtf8 as error:
            return [], [Problem(spec.name, error.line, "", _(
                "il testo non è UTF-8 (forse Latin-1 o Windows-1252): salva il file come "
                "«CSV UTF-8»"))]
        except csv.Error:
            # A quote never closed swallows the rest of the file into one oversized field.
            return [], [Problem(spec.name, reader.line_num, "", _(
                "riga illeggibile: un valore troppo lungo o delle virgolette non chiuse"))]


def _read_rows(spec: FileSpec, reader) -> tuple[list[Record], list[Problem]]:
    """Check the header, then parse every row and check its key is not repeated.

    `reader` is a csv.reader: its line_num names the line each row ends on.
    """
    header = [name.strip() for name in next(reader, [])]
    problems = _separator_problems(spec, header) or _header_problems(spec, header)
    if problems:
        return [], problems
    records, seen = [], {}
    for fields in reader:
        if not fields:
            continue  # a blank line
        record, row_problems = _parse_row(spec, reader.line_num, header, fields)
        problems += row_problems
        if record is None:
            continue
        key = tuple(record[spec.field(c)] for c in spec.key)
        if spec.key and key in seen:
            problems.append(Problem(spec.name, record.line, ",".join(spec.key),
                                    _("chiave ripetuta (già alla riga %(line)s)",
                                      line=seen[key])))
            continue
        seen[key] = record.line
        records.append(record)
    return records, problems


def _separator_problems(spec: FileSpec, header: list[str]) -> list[Problem]:
    """Refuse a file separated by «;», as spreadsheets set to Italian save it."""
    if len(header) == 1 and ";" in header[0]:
        return [Problem(spec.name, 1, "", _("trovato «;» come separatore, atteso «,»: esporta "
                                            "il file come CSV separato da virgole"))]
    return []


def _header_problems(spec: FileSpec, header: list[str]) -> list[Problem]:
    """Check the header names every required column and nothing unknown."""
    names = {c.name for c in spec.columns}
    problems = [Problem(spec.name, 1, c.name, _("colonna mancante"))
                for c in spec.columns if c.required and c.name not in header]
    problems += [Problem(spec.name, 1, name or _("(vuota)"), _("colonna sconosciuta"))
                 for name in header if name not in names]
    return problems


def _parse_row(spec: FileSpec, line: int, header: list[str],
               fields: list[str]) -> tuple[Record | None, list[Problem]]:
    """Parse one row; return no record if any value is wrong."""
    if len(fields) > len(header):
        column = _unquoted_decimal_comma(spec, header, fields)
        if column:
            return None, [Problem(spec.name, line, column, _(
                "decimale scritto con la virgola (e senza virgolette): usa il punto, per "
                "esempio 1.50"))]
        return None, [Problem(spec.name, line, "", _("la riga ha più campi dell'intestazione"))]
    row = dict(zip(header, fields, strict=False))
    values, problems = {}, []
    for column in spec.columns:
        raw = row.get(column.name, "").strip()
        if not raw:
            if column.required:
                problems.append(Problem(spec.name, line, column.name, _("valore mancante")))
            values[column.field] = None
            continue
        try:
            values[column.field] = column.parse(raw)
        except ValueError as error:
            problems.append(Problem(spec.name, line, column.name, str(error)))
    return (None if problems else Record(line, values)), problems


def _unquoted_decimal_comma(spec: FileSpec, header: list[str], fields: list[str]) -> str | None:
    """Name the first decimal column whose comma split its value, if that explains the row."""
    decimals = {c.name for c in spec.columns if c.decimal}
    surplus, offset, found = len(fields) - len(header), 0, []
    for position, name in enumerate(header):
        here = position + offset
        if (offset < surplus and name in decimals and here + 1 < len(fields)
                and re.fullmatch(r"\s*-?\d+", fields[here])
                and re.fullmatch(r"\d+\s*", fields[here + 1])):
            found.append(name)
            offset += 1
    return found[0] if found and offset == surplus else None
