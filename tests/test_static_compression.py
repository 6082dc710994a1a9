"""Big static scripts go out brotli-compressed at a high level, the same bytes once unpacked."""
import random
import re
from pathlib import Path

import brotli
import pytest

from dashboard.static_compression import MAX_BYTES, CompressedFiles, accepts_brotli

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


def made_up_static_urls(index_html: str, count: int, seed: int = 9) -> list[str]:
    """List static URLs a stranger could invent: random ?v=, fingerprints and paths."""
    rng = random.Random(seed)
    suites = re.findall(r'src="(/_dash-component-suites/[^"?]+)', index_html)
    assert suites, "the page names no component scripts"
    urls = []
    for number in range(count):
        token = f"{rng.getrandbits(64):x}"
        kind = number % 4
        if kind == 0:
            urls.append(f"/assets/style.css?v={token}")
        elif kind == 1:   # a real component script under a made-up fingerprint and query
            fingerprint = f".v9_{token[:6]}m{rng.getrandbits(30)}."
            script = re.sub(r"\.v\w+?m\d+\.", fingerprint, rng.choice(suites), count=1)
            urls.append(f"{script}?v={token}")
        elif kind == 2:   # made-up files: 404, nothing to keep
            urls.append(rng.choice([f"/assets/{token}.js", f"/assets/{token}.css?v=1",
                                    f"/_dash-component-suites/dash/{token}.js"]))
        else:
            urls.append(f"/assets/{BUNDLE.name}?v={token}" if number % 40 == 3
                        else f"/assets/plotly-locale-it.js?{token}={token}")
    return urls


def test_made_up_static_urls_leave_the_cache_bounded(client, member, app):
    # The member's page names the real component scripts; a stranger asks for variations.
    urls = made_up_static_urls(member.get("/").get_data(as_text=True), 10_000)
    cache = app.extensions["static_compression"]
    before = len(cache)   # other tests of the session may have served other files already
    statuses = set()
    for url in urls:
        response = client.get(url, headers={"Accept-Encoding": "br"})
        statuses.add(response.status_code)
        assert response.status_code < 500, url
    assert statuses <= {200, 302, 404}
    # One entry per real file, whatever the URL said: style.css, the bundle, a few scripts.
    assert 0 < len(cache) <= before + 12
    assert cache.size <= MAX_BYTES


def test_a_changed_file_is_compressed_again(tmp_path):
    from flask import Flask

    from dashboard import static_compression

    server = Flask(__name__, static_folder=str(tmp_path), static_url_path="/assets")
    static_compression.install(server)
    script = tmp_path / "app.js"
    script.write_text("var a = 1;\n" * 2_000)
    first = server.test_client().get("/assets/app.js", headers={"Accept-Encoding": "br"})
    assert brotli.decompress(first.data) == script.read_bytes()
    script.write_text("var b = 22;\n" * 2_000)
    second = server.test_client().get("/assets/app.js?v=2", headers={"Accept-Encoding": "br"})
    assert brotli.decompress(second.data) == script.read_bytes()


def test_the_cache_drops_the_oldest_files_beyond_its_bounds():
    cache = CompressedFiles(max_entries=3, max_bytes=1_000)
    for name in "abcd":
        cache.put((name, "etag"), b"x" * 100)
    assert len(cache) == 3 and cache.get(("a", "etag")) is None
    cache.put(("e", "etag"), b"y" * 900)
    assert cache.size <= 1_000 and cache.get(("e", "etag")) is not None
    cache.put(("huge", "etag"), b"z" * 5_000)   # bigger than the whole cache: not kept
    assert cache.get(("huge", "etag")) is None
