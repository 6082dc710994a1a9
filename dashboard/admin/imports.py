"""Import uploaded CSV files of the billing system, and keep the history of the runs.

Uploads go to a temporary folder of the server's own making, under names checked against
the known file names: a client never names a path on the server.
"""
from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import FileStorage

from models import ImportRun, db
from models.importing import Counts, Problem, check_folder, invoices_named, write
from models.importing.formats import SPECS

from ..auth.identity import Viewer
from ..i18n import N_, _
from .events import record_event

log = logging.getLogger(__name__)
KEPT_PROBLEMS = 200     # problems stored with a run; the count says how many there were
SHOWN_RUNS = 20
KNOWN = tuple(spec.name for spec in SPECS)
WRITTEN, CHECKED, REFUSED = N_("scritto"), N_("controllato"), N_("errori")


@dataclass
class Outcome:
    """What an import did: the problems found, or the rows and what was written."""

    run: ImportRun
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=dict)
    invoice_ids: list[int] = field(default_factory=list)   # the written invoices, for the PDFs


def _save(uploads: list[FileStorage], folder: Path) -> tuple[list[str], list[Problem]]:
    """Save the uploads that bear a known file name; the others become problems."""
    names, problems = [], []
    for upload in uploads:
        name = Path(upload.filename or "").name
        if name not in KNOWN:
            shown = "".join(c for c in name if c.isprintable())[:80] or _("(senza nome)")
            problems.append(Problem(shown, 0, "", _(
                "file non riconosciuto; i nomi ammessi sono: %(names)s", names=", ".join(KNOWN))))
            continue
        if name in names:
            problems.append(Problem(name, 0, "", _("file caricato due volte")))
            continue
        upload.save(folder / name)
        names.append(name)
    return names, problems


def _summary(counts: dict[str, Counts]) -> str:
    """Write what was written to each table, one line each."""
    return "\n".join(f"{name}: {c.new} nuovi, {c.changed} modificati, {c.unchanged} invariati"
                     + (f", {c.removed} rimossi" if c.removed else "")
                     for name, c in counts.items())


def run_import(viewer: Viewer, uploads: list[FileStorage], check_only: bool) -> Outcome:
    """Check the uploaded files and, if clean and asked to, write them all; record the run."""
    with tempfile.TemporaryDirectory(prefix="import-") as temp:
        folder = Path(temp)
        names, problems = _save(uploads, folder)
        files, report = check_folder(db.session, folder)
        problems += [p for p in report.problems
                     if not (p.line == 0 and p.file == str(folder))]  # no server paths shown
        if not names and not problems:
            problems.append(Problem(_("(nessun file)"), 0, "", _("scegli almeno un file CSV")))
        counts: dict[str, Counts] = {}
        invoice_ids: list[int] = []
        if not problems and not check_only:
            try:
                counts = write(db.session, files, lambda _rows: None)
                db.session.flush()
                invoice_ids = invoices_named(db.session, files)
            except SQLAlchemyError:
                log.exception("import not written")
                problems.append(Problem(", ".join(names), 0, "", _(
                    "scrittura non riuscita: nessun dato importato, riprova più tardi")))
    if problems:
        db.session.rollback()   # whatever the checks read or wrote goes: nothing is imported
    outcome = REFUSED if problems else CHECKED if check_only else WRITTEN
    run = ImportRun(account_id=viewer.account_id, actor=viewer.email, files=", ".join(names)[:1000],
                    outcome=outcome, rows=report.rows, problem_count=len(problems),
                    problems="\n".join(str(p) for p in problems[:KEPT_PROBLEMS]),
                    summary=_summary(counts))
    db.session.add(run)
    record_event(viewer, "importazione." + outcome, run.files[:900])
    return Outcome(run, problems, counts, [] if problems else invoice_ids)


def recent_runs() -> list[ImportRun]:
    """Return the latest import runs, newest first."""
    return list(db.session.scalars(select(ImportRun).order_by(ImportRun.id.desc())
                                   .limit(SHOWN_RUNS)))
