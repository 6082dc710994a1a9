"""Find the portal's translatable texts and say which have no English yet.

    python scripts/i18n.py missing [PATH ...]   # .po entries to fill, for texts under PATHs
    python scripts/i18n.py check                # exit 1 if any text lacks English

Texts are found the way Babel finds them: _(), N_(), ngettext() in Python, and _() or
{% trans %} in the Jinja templates. The English lives in translations/en/*.po.
"""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("dashboard", "models")
CATALOGS = ROOT / "translations"
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}
OPTIONS = {"extensions": "jinja2.ext.do", "trimmed": "true"}


def texts(paths: list[Path]) -> Iterator[tuple[str | tuple[str, str], Path, int]]:
    """Yield every marked text under the paths, with its file and line."""
    for base in paths:
        files = [base] if base.is_file() else sorted(base.rglob("*"))
        for path in files:
            if path.suffix == ".py":
                method = "python"
            elif path.suffix in (".html", ".txt") and "templates" in path.parts:
                method = "jinja2.ext:babel_extract"
            else:
                continue
            for line, message, _comments, _context in extract_from_file(
                    method, str(path), keywords=KEYWORDS, options=OPTIONS):
                if message:
                    yield message, path, line


def translated(language: str = "en") -> dict[str, str]:
    """Return the translations of every fragment of a language, merged."""
    known: dict[str, str] = {}
    for fragment in sorted((CATALOGS / language).glob("*.po")):
        with fragment.open("rb") as handle:
            for entry in read_po(handle):
                if entry.id and entry.string and not entry.fuzzy:
                    known[entry.id if isinstance(entry.id, str) else entry.id[0]] = entry.string
    return known


def missing(paths: list[Path]) -> list[tuple[str | tuple[str, str], Path, int]]:
    """Return the marked texts under the paths that have no English."""
    known = translated()
    seen: set[str] = set()
    gaps = []
    for message, path, line in texts(paths):
        key = message if isinstance(message, str) else message[0]
        if key and key not in known and key not in seen:
            seen.add(key)
            gaps.append((message, path, line))
    return gaps


def _quoted(text: str) -> str:
    """Write a text as a .po string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main(argv: list[str]) -> int:
    """Run the command named on the command line."""
    command, *rest = argv or ["check"]
    paths = [ROOT / p for p in rest] or [ROOT / s for s in SOURCES]
    gaps = missing(paths)
    if command == "missing":
        for message, path, line in gaps:
            print(f"#: {path.relative_to(ROOT)}:{line}")
            if isinstance(message, str):
                print(f"msgid {_quoted(message)}\nmsgstr \"\"\n")
            else:
                print(f"msgid {_quoted(message[0])}\nmsgid_plural {_quoted(message[1])}\n"
                      'msgstr[0] ""\nmsgstr[1] ""\n')
        return 0
    for message, path, line in gaps:
        print(f"{path.relative_to(ROOT)}:{line}: no English for {message!r}")
    return 1 if gaps else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
