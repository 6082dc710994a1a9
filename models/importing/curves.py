"""Read the distributor's quarter-hour CSV files, in their long and wide layouts.

Long: one row per quarter hour — `pod`, then `data_ora` (local time, optionally with its UTC
offset) or `data` and `ora`, then `kwh`. Wide: one row per day — `pod`, `data`, then the day's
quarter hours in order: 96 values, 92 on the spring-forward day, 100 on the fall-back day.
Times are Italian local time and name the start of the quarter hour. Separator «,» or «;»,
decimals with a point or a comma (a comma only where the separator is «;» or the value is
quoted). Everything is checked before anything is written; problems name file, line, column.
"""
from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..bands import ROME
from ..curves import (
    MAX_WH_PER_QUARTER,
    QUARTER,
    WH_PER_KWH,
    local_midnight,
    slots_in,
    store_days,
)
from ..entities import Contract
from .reading import Problem

MAX_FILE_BYTES = 200 * 1024 * 1024
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})|(\d{2})/(\d{2})/(\d{4})")
_TIME = re.compile(r"([01]\d|2[0-3])[:.]([0-5]\d)(?::00)?")
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")
_DECIMAL = re.compile(r"\d{1,9}(?:[.,]\d{1,3})?")
# A local time as read: hour, minute and, when the file gives it, the UTC offset in minutes.
TimeKey = tuple[int, int, int | None]


@dataclass
class CurveFile:
    """What one file holds, once read: days by POD, and the problems found."""

    days: dict[str, dict[date, list[int]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    readings: int = 0


@lru_cache(maxsize=4096)  # a long file repeats each date 96 times per supply
def parse_date(raw: str) -> date:
    """Read a date written 2023-03-14 or 14/03/2023."""
    match = _DATE.fullmatch(raw.strip())
    if not match:
        raise ValueError("data non valida, attesa AAAA-MM-GG o GG/MM/AAAA")
    y, m, d = (match.group(1), match.group(2), match.group(3)) if match.group(1) else (
        match.group(6), match.group(5), match.group(4))
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        raise ValueError("data inesistente") from None


def parse_kwh(raw: str) -> int:
    """Read a quarter hour's kWh (point or comma decimals, at most 3) as whole Wh."""
    text = raw.strip()
    if not _DECIMAL.fullmatch(text):
        raise ValueError("non è un numero di kWh (fino a 3 decimali, senza segno)")
    # The pattern allows at most three decimals, so whole Wh come out exact in integers,
    # without the cost of Decimal on every reading of a file.
    whole, _, fraction = text.replace(",", ".").partition(".")
    wh = int(whole) * WH_PER_KWH + int(fraction.ljust(3, "0"))
    if wh > MAX_WH_PER_QUARTER:
        raise ValueError("valore troppo grande per un quarto d'ora")
    return wh


def parse_moment(date_text: str, time_text: str) -> tuple[date, TimeKey]:
    """Read a local date and time (maybe with its UTC offset) of a quarter hour's start."""
    return parse_date(date_text), _time_key(time_text)


@lru_cache(maxsize=1024)  # a file has at most a few hundred distinct times
def _time_key(time_text: str) -> TimeKey:
    """Read a local time of day, maybe with its UTC offset."""
    raw = time_text.strip()
    offset = None
    found = _OFFSET.search(raw)
    if found and found.start() >= 4:
        sign = 1 if found.group(1) == "+" else -1
        offset = sign * (int(found.group(2)) * 60 + int(found.group(3)))
        raw = raw[:found.start()]
    match = _TIME.fullmatch(raw)
    if not match:
        raise ValueError("ora non valida, attesa HH:MM (inizio del quarto d'ora)")
    hour, minute = int(match.group(1)), int(match.group(2))
    if minute % 15:
        raise ValueError("i minuti devono essere 00, 15, 30 o 45")
    return hour, minute, offset


@lru_cache(maxsize=1024)
def _local_slots(day: date) -> dict[tuple[int, int], tuple[tuple[int, int], ...]]:
    """Map each local (hour, minute) of a day to its quarter hours and their UTC offsets."""
    table: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    start = local_midnight(day)
    for slot in range(slots_in(day)):
        local = (start + slot * QUARTER).astimezone(ROME)
        table[(local.hour, local.minute)].append(
            (slot, int(local.utcoffset().total_seconds() // 60)))
    return {key: tuple(value) for key, value in table.items()}


def _slot_of(day: date, key: TimeKey, seen: Container[int]) -> int:
    """Return the quarter-hour index of a local time on a day (the fall-back hour by order)."""
    hour, minute, offset = key
    candidates = [slot for slot, minutes in _local_slots(day).get((hour, minute), ())
                  if offset is None or offset == minutes]
    if not candidates:
        raise ValueError("quest'ora non esiste in quel giorno (cambio dell'ora legale)")
    for slot in candidates:
        if slot not in seen:
            return slot
    raise ValueError("quarto d'ora ripetuto")


def _text_of(path: Path, problems: list[Problem]) -> str | None:
    """Read a file as UTF-8, or say which line is not."""
    data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        problems.append(Problem(path.name, 0, "", "file troppo grande (al massimo 200 MB)"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        problems.append(Problem(path.name, line, "", "il testo non è UTF-8: salva il file "
                                "come «CSV UTF-8»"))
        return None


def _rows(text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Split the text into its header and numbered rows, with «,» or «;» as separator."""
    first = text.split("\n", 1)[0]
    separator = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    header = [name.strip().lower() for name in next(reader, [])]
    return header, ((reader.line_num, row) for row in reader if any(c.strip() for c in row))


def read_curve_file(path: Path, pods: set[str]) -> CurveFile:
    """Read one file in either layout; the POD must name a known supply."""
    result = CurveFile()
    text = _text_of(path, result.problems)
    if text is None:
        return result
    header, rows = _rows(text)
    if header[:1] == ["pod"] and ("kwh" in header) and (
            "data_ora" in header or {"data", "ora"} <= set(header)):
        _read_long(path.name, header, rows, pods, result)
    elif header[:2] == ["pod", "data"] and len(header) > 3:
        _read_wide(path.name, rows, pods, result)
    else:
        result.problems.append(Problem(path.name, 1, "", (
            "intestazione non riconosciuta: attesa «pod,data_ora,kwh», «pod,data,ora,kwh» "
            "oppure «pod,data,» seguita dai quarti d'ora")))
    return result


def _pod(name: str, line: int, raw: str, pods: set[str], problems: list[Problem]) -> str | None:
    """Check the POD of a row against the known supplies."""
    pod = raw.strip().upper()
    if pod not in pods:
        problems.append(Problem(name, line, "pod", f"POD sconosciuto: {pod[:20]}"))
        return None
    return pod


def _read_wide(name: str, rows: Iterator[tuple[int, list[str]]], pods: set[str],
               result: CurveFile) -> None:
    """Read one row per day: pod, date, then the day's quarter hours."""
    for line, row in rows:
        pod = _pod(name, line, row[0], pods, result.problems)
        try:
            day = parse_date(row[1] if len(row) > 1 else "")
        except ValueError as error:
            result.problems.append(Problem(name, line, "data", str(error)))
            continue
        cells = row[2:]
        while cells and not cells[-1].strip():
            cells.pop()
        expected = slots_in(day)
        if len(cells) != expected:
            result.problems.append(Problem(name, line, "quarti d'ora", (
                f"{len(cells)} valori, {expected} attesi per il {day:%d/%m/%Y}"
                + (" (una virgola decimale non racchiusa tra virgolette divide i numeri?)"
                   if len(cells) > expected else ""))))
            continue
        values = []
        for index, cell in enumerate(cells):
            try:
                values.append(parse_kwh(cell))
            except ValueError as error:
                result.problems.append(Problem(name, line, f"quarto {index + 1}", str(error)))
                break
        else:
            if pod is not None:
                _add_day(name, line, result, pod, day, values)


def _add_day(name: str, line: int, result: CurveFile, pod: str, day: date,
             values: list[int]) -> None:
    """Keep a complete day, refusing a second copy of it in the same file."""
    days = result.days.setdefault(pod, {})
    if day in days:
        result.problems.append(Problem(name, line, "data", "giorno ripetuto nel file"))
        return
    days[day] = values
    result.readings += len(values)


def _read_long(name: str, header: list[str], rows: Iterator[tuple[int, list[str]]],
               pods: set[str], result: CurveFile) -> None:
    """Read one row per quarter hour, then check that every day is complete."""
    column = {title: i for i, title in enumerate(header)}
    slots: dict[tuple[str, date], dict[int, int]] = {}
    first_line: dict[tuple[str, date], int] = {}
    for line, row in rows:
        if len(row) != len(header):
            hint = (" (una virgola decimale non racchiusa tra virgolette?)"
                    if len(row) > len(header) else "")
            result.problems.append(Problem(name, line, "", (
                f"{len(row)} campi, {len(header)} attesi{hint}")))
            continue
        pod = _pod(name, line, row[column["pod"]], pods, result.problems)
        try:
            if "data_ora" in column:
                stamp = row[column["data_ora"]].strip().replace("T", " ")
                date_text, _, time_text = stamp.partition(" ")
            else:
                date_text, time_text = row[column["data"]], row[column["ora"]]
            day, key = parse_moment(date_text, time_text)
        except ValueError as error:
            result.problems.append(Problem(
                name, line, "data_ora" if "data_ora" in column else "ora", str(error)))
            continue
        try:
            wh = parse_kwh(row[column["kwh"]])
        except ValueError as error:
            result.problems.append(Problem(name, line, "kwh", str(error)))
            continue
        if pod is None:
            continue
        taken = slots.get((pod, day), {})
        try:
            slot = _slot_of(day, key, taken)
        except ValueError as error:
            result.problems.append(Problem(name, line, "ora", str(error)))
            continue
        taken[slot] = wh
        slots[(pod, day)] = taken
        first_line.setdefault((pod, day), line)
    for (pod, day), taken in sorted(slots.items()):
        expected = slots_in(day)
        if len(taken) != expected:
            missing = next(i for i in range(expected) if i not in taken)
            moment = (local_midnight(day) + missing * QUARTER).astimezone(ROME)
            result.problems.append(Problem(name, first_line[(pod, day)], "data_ora", (
                f"il {day:%d/%m/%Y} ha {len(taken)} quarti d'ora su {expected}: manca "
                f"almeno quello delle {moment:%H:%M}")))
            continue
        _add_day(name, first_line[(pod, day)], result, pod, day,
                 [taken[i] for i in range(expected)])



@dataclass
class CurveImport:
    """Every file of an import, checked together: the days to write and the problems."""

    days: dict[int, dict[date, list[int]]] = field(default_factory=dict)  # by contract id
    problems: list[Problem] = field(default_factory=list)
    readings: int = 0


def check_curve_files(session: Session, paths: list[Path]) -> CurveImport:
    """Read and check every file; a day given twice, even in two files, is a problem."""
    contract_of = {pod: id_ for pod, id_ in session.execute(select(Contract.pod, Contract.id))}
    checked = CurveImport()
    origin: dict[tuple[int, date], str] = {}
    for path in paths:
        one = read_curve_file(path, set(contract_of))
        checked.problems += one.problems
        checked.readings += one.readings
        for pod, days in one.days.items():
            contract_id = contract_of[pod]
            for day, values in days.items():
                if (contract_id, day) in origin:
                    checked.problems.append(Problem(path.name, 0, "data", (
                        f"il {day:%d/%m/%Y} del POD {pod} è già in {origin[(contract_id, day)]}")))
                    continue
                origin[(contract_id, day)] = path.name
                checked.days.setdefault(contract_id, {})[day] = values
    return checked


def write_curves(session: Session, checked: CurveImport,
                 progress: Callable[[int], None] = lambda _n: None) -> tuple[int, int, int]:
    """Write checked days, supply by supply; return (new, changed, unchanged) day counts."""
    totals = [0, 0, 0]
    for contract_id, days in checked.days.items():
        counts = store_days(session, contract_id, days.items())
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        session.flush()
        progress(sum(len(v) for v in days.values()))
    return totals[0], totals[1], totals[2]
