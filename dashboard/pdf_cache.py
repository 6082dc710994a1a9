"""Rendered invoice PDFs, kept on disk for every worker of an instance and in memory per worker.

fpdf2 subsets the embedded font with fontTools on every output() (no public way around it,
docs/BENCHMARKS.md): a request that renders costs some 20 times one that reads a stored PDF.
`flask pdf prerender` and `flask import` fill the store ahead of time (pdf_prerender.py); a
request serves a stored PDF, or renders, stores and serves it.

Key: invoice id, kind (with «:mascherata» for a shared screen's copy), the viewer's language,
the data generation and the layout version. The data generation (models.generation) is one
database counter that imports bump, so no worker or instance serves a PDF after the data it
prints changed. The layout version hashes everything else a PDF depends on: the portal's code,
fonts and translations, the fpdf2 and fontTools versions, the branding file and its logo, so
neither a deploy nor a new branding file ever meets an old PDF on disk.

Authorization happens before the cache: the route (invoices.py) asks access.invoice() whether
the viewer may see the invoice, and only then calls fetch() with its id. The cache never
decides who sees what; each file carries its full key and is served only for that key.

Two levels: an LRU in memory bounded in bytes per worker (PDF_CACHE_BYTES, 32 MiB), in front of
a folder in the instance (PDF_CACHE_DIR) bounded in bytes per instance (PDF_CACHE_DISK_BYTES,
2 GiB, some 50.000 PDFs): each folder is one generation and layout, older generations are
removed whole, then the least recently used files. Files are written aside and renamed into
place, and each carries a checksum: a torn or damaged file is a miss, never a broken PDF.
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from threading import Lock

from flask import Flask, current_app

from models import db
from models.generation import current_generation

from . import branding, config
from .i18n import current_language

log = logging.getLogger(__name__)
Entry = tuple[bytes, str]          # the PDF and its file name
MAGIC = b"AREA-PDF 1\n"
SWEEP_SHARE = 20                   # sweep the folder after writing 1/20 of its bound


@dataclass(frozen=True)
class Key:
    """What a stored PDF was rendered from; equal keys print the same PDF."""

    invoice_id: int
    kind: str           # "fattura", "dettaglio", or either with ":mascherata"
    language: str
    generation: int
    layout: str

    def folder(self) -> str:
        """Name the folder of this key's generation and layout."""
        return f"{self.generation}-{self.layout}"

    def file(self) -> str:
        """Name the file of this key within its folder."""
        return f"{self.invoice_id}-{self.kind.replace(':', '-')}-{self.language}.pdf"

    def text(self) -> bytes:
        """Spell the whole key, as stored inside the file."""
        return (f"{self.invoice_id}|{self.kind}|{self.language}|{self.generation}|"
                f"{self.layout}").encode()


def _code_digest() -> str:
    """Hash the code, fonts and translations that a PDF is made of, and the libraries' versions."""
    digest = hashlib.sha256(f"fpdf2 {version('fpdf2')} fonttools {version('fonttools')}".encode())
    sources = [*sorted((config.ROOT / "dashboard").rglob("*.py")),
               *sorted((config.ROOT / "dashboard" / "documents" / "fonts").glob("*.ttf")),
               *sorted((config.ROOT / "translations").rglob("*.po"))]
    for path in sources:
        digest.update(path.relative_to(config.ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


CODE_DIGEST = _code_digest()


def layout_version() -> str:
    """Return this app's layout version: the code's digest and the branding it prints."""
    extensions = current_app.extensions
    if "pdf_layout" not in extensions:
        brand = branding.current()
        digest = hashlib.sha256(CODE_DIGEST.encode())
        digest.update(repr(brand).encode())
        digest.update(brand.logo)
        extensions["pdf_layout"] = digest.hexdigest()[:16]
    return extensions["pdf_layout"]


class PdfCache:
    """Least-recently-used PDFs up to a total size in bytes; safe across threads."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._items: OrderedDict[Key, Entry] = OrderedDict()
        self._lock = Lock()  # threaded workers share one cache per process

    def get(self, key: Key) -> Entry | None:
        """Return a cached PDF and mark it recently used."""
        with self._lock:
            entry = self._items.get(key)
            if entry is not None:
                self._items.move_to_end(key)
            return entry

    def put(self, key: Key, entry: Entry) -> None:
        """Store a PDF, evicting the least recently used ones beyond the size bound."""
        if len(entry[0]) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            self.size += len(entry[0]) - (len(old[0]) if old else 0)
            self._items[key] = entry
            while self.size > self.max_bytes:
                _, evicted = self._items.popitem(last=False)
                self.size -= len(evicted[0])

    def __len__(self) -> int:
        """Return how many PDFs are cached."""
        return len(self._items)


def _encode(key: Key, entry: Entry) -> bytes:
    """Frame a PDF for its file: the key, the file name and a checksum before the PDF."""
    pdf, name = entry
    return b"".join((MAGIC, key.text(), b"\n", name.encode(), b"\n",
                     hashlib.sha256(pdf).hexdigest().encode(), b"\n", pdf))


def _decode(key: Key, data: bytes) -> Entry | None:
    """Return the PDF a file holds, or None unless it is whole and stored under this key."""
    if not data.startswith(MAGIC):
        return None
    parts = data[len(MAGIC):].split(b"\n", 3)
    if len(parts) != 4:
        return None
    stored_key, name, checksum, pdf = parts
    if (stored_key != key.text() or not pdf.startswith(b"%PDF-")
            or hashlib.sha256(pdf).hexdigest().encode() != checksum):
        return None
    try:
        return pdf, name.decode()
    except UnicodeDecodeError:
        return None


class DiskCache:
    """PDFs in a folder shared by the workers of an instance, bounded in bytes."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self._written = 0      # bytes this process wrote since its last sweep
        self._lock = Lock()

    def path(self, key: Key) -> Path:
        """Return where a key's PDF lives."""
        return self.root / key.folder() / key.file()

    def get(self, key: Key) -> Entry | None:
        """Return a stored PDF; a missing, torn or foreign file is a miss (and is removed)."""
        if self.max_bytes <= 0:
            return None
        path = self.path(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        entry = _decode(key, data)
        with suppress(OSError):
            if entry is None:
                log.warning("PDF cache: %s is damaged, rendering it again", path)
                path.unlink(missing_ok=True)
            else:
                os.utime(path)  # recently used: the sweep removes the oldest first
        return entry

    def has(self, key: Key) -> bool:
        """Tell whether a key's file exists (prerendering skips it; a request checks it whole)."""
        return self.max_bytes > 0 and self.path(key).is_file()

    def put(self, key: Key, entry: Entry) -> None:
        """Store a PDF atomically: readers see the whole file or none."""
        data = _encode(key, entry)
        if len(data) > self.max_bytes:
            return
        folder = self.root / key.folder()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # Written aside in the same folder, then renamed: a reader never sees half a file.
            handle, temp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".part")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temp, folder / key.file())
        except OSError as error:  # a full or read-only disk costs only the next render
            log.warning("PDF cache: %s not stored: %s", key.file(), error)
            return
        with self._lock:
            self._written += len(data)
            due = self._written * SWEEP_SHARE > self.max_bytes
            if due:
                self._written = 0
        if due:
            try:
                self.sweep(key.generation)
            except OSError as error:   # another worker sweeping at once, a read-only file
                log.warning("PDF cache: sweep stopped: %s", error)

    def sweep(self, generation: int) -> None:
        """Remove older generations' folders, then the least recently used files over the bound."""
        files: list[tuple[float, int, Path]] = []
        for folder in self._folders():
            stored = folder.name.split("-", 1)[0]
            if stored.isdigit() and int(stored) < generation:
                shutil.rmtree(folder, ignore_errors=True)   # never served again
                continue
            files.extend(_stats(folder))
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total <= self.max_bytes * 0.9:    # some room, so that a sweep is not due at once
                break
            path.unlink(missing_ok=True)
            total -= size

    def _folders(self) -> list[Path]:
        """List the generation folders."""
        try:
            return [entry for entry in self.root.iterdir() if entry.is_dir()]
        except OSError:
            return []


def _stats(folder: Path) -> Iterator[tuple[float, int, Path]]:
    """Yield each file's last use, size and path (files another worker removed are skipped)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            info = entry.stat()
        except OSError:
            continue
        yield info.st_mtime, info.st_size, Path(entry.path)


def cache() -> PdfCache:
    """Return the current worker's memory cache, sized by PDF_CACHE_BYTES (0 turns it off)."""
    extensions = current_app.extensions
    if "pdf_cache" not in extensions:
        extensions["pdf_cache"] = PdfCache(int(current_app.config["PDF_CACHE_BYTES"]))
    return extensions["pdf_cache"]


def disk(app: Flask | None = None) -> DiskCache:
    """Return the instance's PDF folder, sized by PDF_CACHE_DISK_BYTES (0 turns it off)."""
    app = app or current_app
    if "pdf_disk" not in app.extensions:
        app.extensions["pdf_disk"] = DiskCache(Path(app.config["PDF_CACHE_DIR"]),
                                               int(app.config["PDF_CACHE_DISK_BYTES"]))
    return app.extensions["pdf_disk"]


def key_for(invoice_id: int, kind: str) -> Key:
    """Return the key of an invoice's PDF for this request's viewer and the current data."""
    return Key(invoice_id, kind, current_language(), current_generation(db.session),
               layout_version())


def fetch(invoice_id: int, kind: str, build: Callable[[], Entry]) -> Entry:
    """Return an invoice's PDF from memory or disk, building and storing it on a miss.

    The caller has already checked that the viewer may see this invoice.
    """
    key = key_for(invoice_id, kind)
    entry = cache().get(key)
    if entry is None:
        entry = disk().get(key)
        if entry is None:
            entry = build()
            disk().put(key, entry)
        cache().put(key, entry)
    return entry
