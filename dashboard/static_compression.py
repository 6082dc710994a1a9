"""Compress the big static scripts once per process, harder than per-request compression can.

Flask-Compress compresses every response at one brotli level, chosen cheap (4) because
callbacks pay it on every request. Scripts and styles never change under a fingerprinted
URL, so each worker compresses them once at level 9 (0.1 s for the 1.2 MB plotly.js bundle,
43 KB smaller) and keeps the bytes.

The cache is keyed by the file, never by the URL the client chose: a made-up query string or
fingerprint names the same file and must not add an entry (300 requests with made-up `?v=`
once grew a worker by 103 MiB). The file's identity (its ETag, or a digest of its bytes) is
part of the key, so a changed file is compressed afresh, and hard limits on entries and bytes
keep the cache bounded whatever the clients send.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import brotli
from dash.fingerprint import check_fingerprint
from flask import Flask, Response, request

STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
STATIC_TYPES = frozenset({"application/javascript", "text/javascript", "text/css"})
QUALITY = 9
MIN_SIZE = 10_000
# The portal serves about 20 scripts and styles, 2 MB once compressed: room for all of them.
MAX_ENTRIES = 64
MAX_BYTES = 16 * 1024 * 1024


class CompressedFiles:
    """Keep compressed copies of static files, least recently used out first, within bounds."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple[str, str]) -> bytes | None:
        """Return the compressed copy for a file, if kept."""
        with self._lock:
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)
            return body

    def put(self, key: tuple[str, str], body: bytes) -> None:
        """Keep a compressed copy, dropping the least recently used ones beyond the bounds."""
        if len(body) > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            self.size -= len(old) if old is not None else 0
            self._entries[key] = body
            self.size += len(body)
            while len(self._entries) > self.max_entries or self.size > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self.size -= len(dropped)


def accepts_brotli(header: str) -> bool:
    """Tell whether an Accept-Encoding header allows brotli (and does not refuse it)."""
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() == "br":
            return params.replace(" ", "") not in ("q=0", "q=0.0")
    return False


def file_key(path: str, etag: str | None, response: Response) -> tuple[str, str]:
    """Name the file behind a static URL: its path without fingerprint, and its identity."""
    canonical, _ = check_fingerprint(path)
    if etag:
        return canonical, etag
    # Fingerprinted component scripts carry no ETag; their bytes are already in memory.
    return canonical, hashlib.blake2b(response.get_data(), digest_size=16).hexdigest()


def install(server: Flask) -> CompressedFiles:
    """Serve static scripts and styles brotli-compressed at a high level, cached per process."""
    cache = CompressedFiles()
    server.extensions["static_compression"] = cache

    @server.after_request
    def compress_static(response: Response) -> Response:
        # Registered after Flask-Compress, so it runs first; Flask-Compress then sees the
        # Content-Encoding and leaves the response alone.
        if (response.status_code != 200 or not request.path.startswith(STATIC_PREFIXES)
                or response.mimetype not in STATIC_TYPES
                or "Content-Encoding" in response.headers
                or not accepts_brotli(request.headers.get("Accept-Encoding", ""))):
            return response
        etag, weak = response.get_etag()
        if etag and request.if_none_match.contains(f"{etag}-br"):
            return _not_modified(response, f"{etag}-br", weak)
        response.direct_passthrough = False
        key = file_key(request.path, etag, response)
        body = cache.get(key)
        if body is None:
            data = response.get_data()
            if len(data) < MIN_SIZE:
                return response
            body = brotli.compress(data, quality=QUALITY)
            cache.put(key, body)
        response.set_data(body)
        response.headers["Content-Encoding"] = "br"
        response.headers.pop("Accept-Ranges", None)  # ranges of the compressed bytes: none
        response.vary.add("Accept-Encoding")
        if etag:
            response.set_etag(f"{etag}-br", weak)  # another representation, another validator
        return response

    return cache


def _not_modified(response: Response, etag: str, weak: bool) -> Response:
    """Answer 304 to a browser that already holds the compressed copy."""
    response.direct_passthrough = False
    response.set_data(b"")
    response.status_code = 304
    response.set_etag(etag, weak)
    response.vary.add("Accept-Encoding")
    for header in ("Content-Length", "Content-Type", "Accept-Ranges"):
        response.headers.pop(header, None)
    return response
