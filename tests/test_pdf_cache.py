"""The PDF cache: on disk for every worker, keyed by language, filled ahead of time, never stale."""
from __future__ import annotations

import io
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from dashboard import invoices, pdf_cache
from dashboard.i18n import current_language
from dashboard.pdf_cache import DiskCache, Key
from models import Invoice, db
from models.generation import current_generation
from tests.helpers import login
from tests.test_admin import ADMIN, upload
from tests.test_invoice_routes import invoice_id

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "import-example"
TAG = b"\n%rendered-in-"


@pytest.fixture()
def renders(monkeypatch) -> Counter:
    """Count the renders of each kind and language; tag each PDF with its language."""
    counted: Counter = Counter()
    for kind, (render, filename) in list(invoices.KINDS.items()):
        def tagged(document, render=render, kind=kind) -> bytes:
            counted[kind, current_language()] += 1
            return render(document) + TAG + current_language().encode()
        monkeypatch.setitem(invoices.KINDS, kind, (tagged, filename))
    return counted


def refuse_renders(monkeypatch) -> None:
    """Make any render fail the test: what follows must come from the cache."""
    def refuse(_document) -> bytes:
        raise AssertionError("rendered instead of served from the cache")
    for kind, (_render, filename) in list(invoices.KINDS.items()):
        monkeypatch.setitem(invoices.KINDS, kind, (refuse, filename))


def new_worker(app) -> None:
    """Forget the worker's memory cache, as a freshly started worker has none."""
    app.extensions.pop("pdf_cache", None)


def stored(app) -> list[Path]:
    """List the PDFs in the cache folder."""
    return sorted(Path(app.config["PDF_CACHE_DIR"]).rglob("*.pdf"))


def url(app, kind: str = "fattura") -> str:
    """Return the address of Mario's invoice 1636/2023."""
    return f"/fatture/{invoice_id(app, '100234', 1636)}/{kind}.pdf"


def test_a_pdf_is_stored_on_disk_and_served_from_there_by_another_worker(app, member,
                                                                         monkeypatch):
    first = member.get(url(app))
    assert first.status_code == 200
    assert [p.name for p in stored(app)] == [f"{invoice_id(app, '100234', 1636)}-fattura-it.pdf"]
    new_worker(app)
    monkeypatch.setitem(invoices.KINDS, "fattura", (None, None))  # a render would raise
    again = member.get(url(app))
    assert again.status_code == 200 and again.data == first.data
    assert "fattura-1636-2023.pdf" in again.headers["Content-Disposition"]


def test_english_and_italian_viewers_never_get_each_others_pdf(app, member, renders):
    italian = member.get(url(app))
    member.get("/lingua/en")
    english = member.get(url(app))
    assert italian.data.endswith(TAG + b"it") and english.data.endswith(TAG + b"en")
    assert renders == {("fattura", "it"): 1, ("fattura", "en"): 1}
    assert sorted(p.name[-7:] for p in stored(app)) == ["-en.pdf", "-it.pdf"]
    for language, expected in (("it", b"it"), ("en", b"en"), ("it", b"it")):
        new_worker(app)  # from disk
        member.get(f"/lingua/{language}")
        assert member.get(url(app)).data.endswith(TAG + expected)
        assert member.get(url(app)).data.endswith(TAG + expected)  # from memory
    assert renders == {("fattura", "it"): 1, ("fattura", "en"): 1}


def test_prerender_fills_the_cache_for_the_first_request(app, member, monkeypatch):
    runner = app.test_cli_runner()
    with app.app_context():
        count = len(db.session.scalars(select(Invoice.id)
                                       .where(Invoice.issue_date >= date(2026, 11, 22))).all())
    result = runner.invoke(args=["pdf", "prerender", "--since", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert f"PDF: {2 * count} preparati, 0 già pronti" in result.output
    assert len(stored(app)) == 2 * count
    refuse_renders(monkeypatch)
    latest = invoice_id(app, "100234", 26002, 2026)   # Mario's latest bill, of 22/11/2026
    for kind in invoices.KINDS:
        response = member.get(f"/fatture/{latest}/{kind}.pdf")
        assert response.status_code == 200 and PdfReader(io.BytesIO(response.data)).pages


def test_prerender_skips_what_is_stored_in_each_language(app, renders):
    runner = app.test_cli_runner()
    english = runner.invoke(args=["pdf", "prerender", "--since", "2026-11-27", "--language", "en"])
    assert "PDF: 2 preparati, 0 già pronti" in english.output, english.output
    both = runner.invoke(args=["pdf", "prerender", "--since", "2026-11-27",
                               "--language", "it", "--language", "en"])
    assert "PDF: 2 preparati, 2 già pronti" in both.output, both.output
    assert renders == {("fattura", "en"): 1, ("dettaglio", "en"): 1,
                       ("fattura", "it"): 1, ("dettaglio", "it"): 1}
    assert all(p.read_bytes().endswith(TAG + p.stem[-2:].encode()) for p in stored(app))


def test_an_import_makes_the_old_pdfs_stale_and_prerenders_its_invoices(app, member, renders):
    member.get(url(app))
    old = stored(app)
    result = app.test_cli_runner().invoke(args=["import", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "PDF: 8 preparati" in result.output   # the export's four invoices, both documents
    now = stored(app)
    assert len(now) == 8 and not set(old) & set(now)  # the old generation's folder is gone
    with app.app_context():
        generation = current_generation(db.session)
    assert all(p.parent.name.startswith(f"{generation}-") for p in now)
    member.get(url(app))
    assert renders["fattura", "it"] == 1 + 4 + 1   # Mario's bill rendered again on new data


def test_the_administrators_import_prerenders_its_invoices(app):
    admin = login(app.test_client(), *ADMIN)
    files = {path.name: path.read_bytes() for path in EXAMPLE.glob("*.csv")}
    response = upload(admin, files)   # the client waits for the work after the answer
    assert response.status_code == 200
    assert len(stored(app)) == 8


@pytest.mark.parametrize("damage", [
    lambda data: data[: len(data) // 2],                      # torn
    lambda data: data.replace(b"/Type", b"/Tipo", 1),         # a changed byte
    lambda data: b"",                                         # empty
    lambda data: b"\x00" * 64,                                # garbage
])
def test_a_damaged_file_is_rendered_again_never_a_500(app, member, renders, damage):
    member.get(url(app))
    [path] = stored(app)
    path.write_bytes(damage(path.read_bytes()))
    new_worker(app)
    response = member.get(url(app))
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert PdfReader(io.BytesIO(response.data)).pages
    assert renders["fattura", "it"] == 2
    new_worker(app)
    assert member.get(url(app)).data == response.data   # stored whole again
    assert renders["fattura", "it"] == 2


def test_a_file_holding_another_invoice_is_never_served(app, member, renders, tmp_path):
    mine = invoice_id(app, "100234", 1636)
    member.get(url(app))
    [path] = stored(app)
    generation, layout = path.parent.name.split("-")
    other = Key(invoice_id(app, "100237"), "fattura", "it", int(generation), layout)
    elsewhere = DiskCache(tmp_path, 1_000_000)
    elsewhere.put(other, (b"%PDF-somebody else's bill", "altro.pdf"))
    path.write_bytes(elsewhere.path(other).read_bytes())   # under Mario's name
    assert path.name.startswith(f"{mine}-")
    new_worker(app)
    response = member.get(url(app))
    assert response.status_code == 200 and b"somebody else" not in response.data
    assert renders["fattura", "it"] == 2


def test_an_unwritable_folder_still_serves_the_pdf(app, member, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setitem(app.config, "PDF_CACHE_DIR", str(blocker / "pdf-cache"))
    app.extensions.pop("pdf_disk", None)
    response = member.get(url(app))
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")


def entry(size: int) -> pdf_cache.Entry:
    """Return a fake PDF of about this size."""
    return b"%PDF-" + b"x" * size, "f.pdf"


def test_the_folder_stays_within_its_bound_and_drops_old_generations(tmp_path):
    disk = DiskCache(tmp_path, 50_000)
    old = Key(1, "fattura", "it", 1, "L")
    disk.put(old, entry(1_000))
    keys = [Key(i, "fattura", "it", 2, "L") for i in range(40)]
    for key in keys:
        disk.put(key, entry(2_000))
    disk.sweep(2)
    sizes = [p.stat().st_size for p in tmp_path.rglob("*.pdf")]
    assert sum(sizes) <= 50_000
    assert not (tmp_path / old.folder()).exists()
    assert disk.get(keys[-1]) is not None and disk.get(keys[0]) is None  # oldest gone first
    assert not list(tmp_path.rglob("*.part"))
    assert {p.stat().st_mode & 0o777 for p in tmp_path.rglob("*.pdf")} == {0o600}  # bills


def test_a_turned_off_folder_stores_nothing(tmp_path):
    disk = DiskCache(tmp_path, 0)
    key = Key(1, "fattura", "it", 1, "L")
    disk.put(key, entry(10))
    assert disk.get(key) is None and not list(tmp_path.iterdir())
