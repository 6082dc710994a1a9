"""Big static scripts go out brotli-compressed at a high level, the same bytes once unpacked."""
from pathlib import Path

import brotli
import pytest

from dashboard.static_compression import accepts_brotli

BUNDLE = Path(__file__).resolve().parent.parent / "assets" / "plotly-basic-4.1.1.min.js"


def test_the_plotly_bundle_is_served_smaller_than_per_request_compression(client):
    response = client.get(f"/assets/{BUNDLE.name}", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response.headers["Vary"]
    original = BUNDLE.read_bytes()
    assert brotli.decompress(response.data) == original
    assert len(response.data) < len(brotli.compress(original, quality=4))
    again = client.get(f"/assets/{BUNDLE.name}", headers={"Accept-Encoding": "br"})
    assert again.data == response.data  # from the process's cache
    revisit = client.get(f"/assets/{BUNDLE.name}", headers={
        "Accept-Encoding": "br", "If-None-Match": response.headers["ETag"]})
    assert revisit.status_code == 304 and revisit.data == b""


def test_clients_without_brotli_get_what_they_accept(client):
    response = client.get(f"/assets/{BUNDLE.name}", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") != "br"  # Flask-Compress decides the rest
    plain = client.get(f"/assets/{BUNDLE.name}", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and plain.data == BUNDLE.read_bytes()


@pytest.mark.parametrize(("header", "expected"), [
    ("gzip, deflate, br, zstd", True), ("br;q=0.5", True), ("br;q=0", False), ("gzip", False),
    ("", False), ("brotli", False),
])
def test_accept_encoding_parsing(header, expected):
    assert accepts_brotli(header) is expected
