"""Measure a worker's memory after many made-up static URLs (docs/SECURITY.md, "Odd requests").

    python -m bench.static_memory [--count 10000]

Builds the app on a throw-away SQLite demo database, asks one anonymous client for the
made-up URLs of tests/test_static_compression.py and prints the resident memory before and
after, with the compressed-file cache's entries and bytes.
"""
from __future__ import annotations

import argparse
import gc
import os
import tempfile
import uuid

from dashboard import create_app
from dashboard.bootstrap import prepare_database
from models.passwords import PasswordPolicy
from tests.conftest import DEMO_MEMBER
from tests.helpers import login
from tests.test_static_compression import made_up_static_urls


def resident_mib() -> float:
    """Return this process's resident memory in MiB."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    """Ask for the made-up URLs and print the memory they cost."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    count = parser.parse_args().count
    with tempfile.TemporaryDirectory() as tmp:
        server = create_app({
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/demo.db", "SECRET_KEY": uuid.uuid4().hex,
            "PASSWORD_POLICY": PasswordPolicy.fast_for_tests(), "LOAD_DEMO": True,
            "MAIL_OUTBOX": tmp,
        })
        prepare_database(server)
        index = login(server.test_client(), *DEMO_MEMBER).get("/").get_data(as_text=True)
        urls = made_up_static_urls(index, count)
        client = server.test_client()
        for url in urls[:40]:   # warm up: every real file once, imports and buffers settled
            client.get(url, headers={"Accept-Encoding": "br"})
        gc.collect()
        before = resident_mib()
        statuses: dict[int, int] = {}
        for url in urls:
            status = client.get(url, headers={"Accept-Encoding": "br"}).status_code
            statuses[status] = statuses.get(status, 0) + 1
        gc.collect()
        after = resident_mib()
        cache = server.extensions.get("static_compression")
        print(f"{count} made-up static URLs, answers {dict(sorted(statuses.items()))}")
        print(f"resident memory {before:.1f} MiB -> {after:.1f} MiB "
              f"(+{after - before:.1f} MiB)")
        if cache is not None:
            print(f"compressed-file cache: {len(cache)} entries, {cache.size / 2**20:.2f} MiB")


if __name__ == "__main__":
    main()
