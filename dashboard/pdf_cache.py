"""A bounded in-process cache of rendered invoice PDFs.

Key: (invoice id, document kind, data generation, layout version). The data generation
(models.generation) is one database counter that imports bump, so no worker or instance serves a
cached PDF after the data it prints changed; the layout version is a hash of the document
code, so a deploy never serves the old layout.

Why per process: a PDF is 30–60 KB and a member opens the same one a few times in a visit.
An LRU bounded in bytes per worker (PDF_CACHE_BYTES, 32 MiB by default, some 700 PDFs) costs
N times that with N workers, needs nothing beside PostgreSQL, and a miss only costs the usual
rendering. A shared store (a table, Redis) would raise the hit rate with many workers at the
price of a round trip and one more service to run: docs/BENCHMARKS.md has the numbers.
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from threading import Lock

from flask import current_app

from models import db
from models.generation import current_generation

DEFAULT_BYTES = 32 * 1024 * 1024
Entry = tuple[bytes, str]          # the PDF and its file name
Key = tuple[int, str, int, str]


def _layout_version() -> str:
    """Hash the document code: a changed layout never meets an old cached PDF."""
    digest = hashlib.sha256()
    for path in sorted((Path(__file__).parent / "documents").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


LAYOUT_VERSION = _layout_version()


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


def cache() -> PdfCache:
    """Return the current app's cache, sized by PDF_CACHE_BYTES (0 turns it off)."""
    extensions = current_app.extensions
    if "pdf_cache" not in extensions:
        size = int(current_app.config.get("PDF_CACHE_BYTES", DEFAULT_BYTES))
        extensions["pdf_cache"] = PdfCache(size)
    return extensions["pdf_cache"]


def fetch(invoice_id: int, kind: str, build: Callable[[], Entry]) -> Entry:
    """Return an invoice's PDF from the cache, building and storing it on a miss."""
    key = (invoice_id, kind, current_generation(db.session), LAYOUT_VERSION)
    entry = cache().get(key)
    if entry is None:
        entry = build()
        cache().put(key, entry)
    return entry
