"""Import the billing system's CSV export: check everything first, then write all or nothing.

`import_folder` reads a folder of files (formats.py, docs/IMPORT.md), reports every problem
with file, line, column and reason, and writes only when there is none, upserting by natural
keys (customer code, POD, invoice year and number) so that importing the same files again
changes nothing. The caller owns the transaction: commit on success, roll back otherwise.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from .bills import bill_problems
from .checks import (
    line_total_problems,
    load_known,
    period_problems,
    reference_problems,
    row_problems,
)
from .reading import FileSet, Problem, read_folder
from .writer import Counts, invoices_named, write

__all__ = ["Counts", "ImportReport", "Problem", "check_folder", "import_folder", "invoices_named",
           "write"]


@dataclass
class ImportReport:
    """The outcome: problems found (nothing written) or what was written per file."""

    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Tell whether the export passed every check."""
        return not self.problems


def check_folder(session: Session, folder: Path) -> tuple[FileSet, ImportReport]:
    """Read and check an export without writing anything."""
    files, problems = read_folder(folder)
    report = ImportReport(rows=sum(len(records) for records in files.values()))
    problems += row_problems(files)
    if not problems:
        # Cross-file checks only make sense on rows that are right one by one.
        known = load_known(session, files)
        problems += reference_problems(files, known)
        if not problems:
            problems += line_total_problems(session, files, known)
            problems += period_problems(session, files, known)
        if not problems:
            # What a bill says is checked once its sums hold: one cause, one message.
            problems += bill_problems(session, files, known)
    report.problems = problems
    return files, report


def import_folder(session: Session, folder: Path,
                  progress: Callable[[int], None] = lambda _rows: None) -> ImportReport:
    """Check an export and, only if it is clean, write it in the session's transaction."""
    files, report = check_folder(session, folder)
    if report.ok:
        report.counts = write(session, files, progress)
        session.flush()
    return report
