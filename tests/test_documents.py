"""The two PDFs of an invoice, read back as text: what a member would check on paper."""
from __future__ import annotations

import dataclasses
import re
import subprocess
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
import segno
from fontTools import ttLib
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from dashboard import formatting as fmt
from dashboard.documents import detail_filename, invoice_filename, render_detail, render_invoice
from dashboard.documents.base import LetterheadPDF
from dashboard.documents.cut_fonts import COMMON_CHARACTERS, CUT_FONTS, FONT_DIR, WHOLE_FONTS
from dashboard.documents.data import (
    BandReading,
    HistoryBar,
    InvoiceDocument,
    Line,
    Party,
    PastPayment,
    Supply,
)
from dashboard.documents.source import build_invoice_document
from models import Invoice
from models.bands import Bands
from models.enums import BillGeneration, CostGroup, CostSide, Market, ReadingType

G, S = CostGroup, CostSide
POD = "IT001E12345678"
OFFER_URL = "https://www.secab.it/offerte/SEC-D-2025"
PAGE_HEIGHT_PT = 297 / 25.4 * 72
HEADINGS_2_0 = (
    "Spesa per la materia energia",
    "Spesa per il trasporto e la gestione del contatore",
    "Spesa per oneri di sistema",
    "Totale imposte e IVA",
)
HEADINGS_2025 = ("Quota consumi", "Quota fissa", "Quota potenza")
# 2.0 lines may be called "Quota fissa": in the detail, look for the 2025 subtotals instead.
SUBTOTALS_2025 = ("Totale quota consumi", "Totale quota fissa", "Totale quota potenza")


def line(group: CostGroup, side: CostSide, description: str, quantity: str, unit: str,
         unit_price: str, amount: str) -> Line:
    """Build one invoice line from literals."""
    return Line(group, side, description, Decimal(quantity), unit, Decimal(unit_price),
                Decimal(amount))


HOLDER = Party(
    name="Maria De Crignis",
    tax_code="DCRMRA51C52G300K",
    customer_code="004127",
    billing_address="Via Roma 12, 33026 Paluzza (UD)",
    is_member=True,
    member_since=date(1987, 4, 11),
)
SUPPLY = Supply(
    pod=POD,
    address="Via Roma 12, 33026 Paluzza (UD)",
    customer_type_label="Domestico residente",
    tariff_label="Multioraria (F1 / F2 / F3)",
    offer="Energia Carnia Casa (SEC-D-2022)",
    power_committed_kw=Decimal("3.000"),
    power_available_kw=Decimal("3.300"),
)


def seed_first_invoice() -> InvoiceDocument:
    """Return the seed's first invoice: 1636/2023, 547 kWh, 213,09 €, no oneri di sistema."""
    return InvoiceDocument(
        number="1636/2023",
        issue_date=date(2023, 1, 26),
        due_date=date(2023, 3, 15),
        period_start=date(2022, 10, 1),
        period_end=date(2022, 11, 30),
        reading_date=date(2022, 12, 1),
        reading_type=ReadingType.ACTUAL,
        generation=BillGeneration.BOLLETTA_2_0,
        is_adjustment=False,
        holder=HOLDER,
        supply=SUPPLY,
        payment_method_label="Addebito SEPA su IBAN IT** **** **** 4821",
        bands=Bands(212, 100, 235),
        annual_kwh=5552,
        total=Decimal("213.09"),
        lines=(
            line(G.ENERGY, S.SALE, "Energia fascia F1", "212", "kWh", "0.292000", "61.90"),
            line(G.ENERGY, S.SALE, "Energia fascia F2", "100", "kWh", "0.255000", "25.50"),
            line(G.ENERGY, S.SALE, "Energia fascia F3", "235", "kWh", "0.204000", "47.94"),
            line(G.ENERGY, S.SALE, "Dispacciamento", "547", "kWh", "0.012100", "6.62"),
            line(G.ENERGY, S.SALE, "Quota fissa di commercializzazione", "2", "mese",
                 "6.000000", "12.00"),
            line(G.TRANSPORT, S.NETWORK, "Quota fissa", "2", "mese", "1.710000", "3.42"),
            line(G.TRANSPORT, S.NETWORK, "Quota potenza (2 mesi)", "3", "kW", "3.700000",
                 "11.10"),
            line(G.TRANSPORT, S.NETWORK, "Quota energia", "547", "kWh", "0.008480", "4.64"),
            line(G.SYSTEM_CHARGES, S.NETWORK, "Oneri generali di sistema (azzerati nel periodo)",
                 "547", "kWh", "0", "0.00"),
            line(G.TV_LICENCE, S.OTHER, "Canone TV 2023: rata di gennaio", "1", "rata", "9.00",
                 "9.00"),
            line(G.TAXES, S.TAXES, "Accisa sull'energia elettrica", "547", "kWh", "0.022700",
                 "12.42"),
            line(G.TAXES, S.TAXES, "IVA 10%", "185.54", "€", "0.10", "18.55"),
        ),
        readings=(
            BandReading("F1", 10234, 10446, 212),
            BandReading("F2", 5120, 5220, 100),
            BandReading("F3", 12011, 12246, 235),
        ),
        past_payments=(
            PastPayment("29874/2022", date(2022, 12, 15), Decimal("162.40"),
                        "Pagata il 15/12/2022"),
            PastPayment("24811/2022", date(2022, 10, 17), Decimal("171.05"),
                        "Pagata il 17/10/2022"),
        ),
        history=(
            HistoryBar("dic 2021–gen 2022", Bands(480, 300, 560)),
            HistoryBar("feb–mar 2022", Bands(410, 250, 470)),
            HistoryBar("apr–mag 2022", Bands(370, 190, 480)),
            HistoryBar("giu–lug 2022", Bands(340, 170, 260)),
            HistoryBar("ago–set 2022", Bands(320, 175, 230)),
        ),
    )


def estimated_2025_invoice() -> InvoiceDocument:
    """Return a bill of the Delibera 315/2024 generation on an estimated reading."""
    return InvoiceDocument(
        number="27415/2025",
        issue_date=date(2025, 9, 22),
        due_date=date(2025, 10, 15),
        period_start=date(2025, 7, 1),
        period_end=date(2025, 8, 31),
        reading_date=date(2025, 9, 1),
        reading_type=ReadingType.ESTIMATED,
        generation=BillGeneration.ARERA_2025,
        is_adjustment=False,
        holder=dataclasses.replace(HOLDER, is_member=False, member_since=None),
        supply=dataclasses.replace(
            SUPPLY, offer="Energia Carnia Casa (SEC-D-2025)", offer_name="Energia Carnia Casa",
            offer_code="SEC-D-2025", market=Market.FREE, conditions_until=date(2026, 6, 30),
            offer_sheet_url=OFFER_URL, distributor="SECAB Società Cooperativa – distribuzione",
            fault_phone="800 912 125"),
        payment_method_label="Avviso di pagamento (PagoPA o sportello)",
        bands=Bands(180, 95, 210),
        annual_kwh=3190,
        total=Decimal("147.82"),
        lines=(
            line(G.CONSUMPTION_SHARE, S.SALE, "Energia F1", "180", "kWh", "0.128000", "23.04"),
            line(G.CONSUMPTION_SHARE, S.SALE, "Energia F2", "95", "kWh", "0.122000", "11.59"),
            line(G.CONSUMPTION_SHARE, S.SALE, "Energia F3", "210", "kWh", "0.109000", "22.89"),
            line(G.CONSUMPTION_SHARE, S.NETWORK, "Trasporto e misura", "485", "kWh",
                 "0.010320", "5.01"),
            line(G.CONSUMPTION_SHARE, S.NETWORK, "Oneri di sistema ASOS e ARIM", "485", "kWh",
                 "0.029700", "14.40"),
            line(G.FIXED_SHARE, S.SALE, "Commercializzazione", "2", "mese", "7.500000", "15.00"),
            line(G.FIXED_SHARE, S.NETWORK, "Trasporto e misura", "2", "mese", "1.780000",
                 "3.56"),
            line(G.POWER_SHARE, S.NETWORK, "Trasporto, quota potenza", "6", "kW×mese",
                 "1.920000", "11.52"),
            line(G.TV_LICENCE, S.OTHER, "Canone TV 2025: rate di agosto e settembre", "2", "rata",
                 "9.00", "18.00"),
            line(G.TAXES, S.TAXES, "Accisa sull'energia elettrica", "485", "kWh", "0.022700",
                 "11.01"),
            line(G.TAXES, S.TAXES, "IVA 10%", "118.02", "€", "0.10", "11.80"),
        ),
        readings=(
            BandReading("F1", 14120, 14300, 180),
            BandReading("F2", 7010, 7105, 95),
            BandReading("F3", 15532, 15742, 210),
        ),
        history=(
            HistoryBar("set–ott 2024", Bands(300, 160, 250)),
            HistoryBar("nov–dic 2024", Bands(420, 260, 510)),
            HistoryBar("gen–feb 2025", Bands(470, 300, 590)),
            HistoryBar("mar–apr 2025", Bands(380, 210, 470)),
            HistoryBar("mag–giu 2025", Bands(250, 130, 240)),
            HistoryBar("lug–ago 2025", Bands(180, 95, 210)),    # this period: printed once
        ),
    )


def adjustment_invoice() -> InvoiceDocument:
    """Return a Bolletta 2.0 conguaglio that corrects an earlier estimate."""
    return InvoiceDocument(
        number="18211/2024",
        issue_date=date(2024, 9, 20),
        due_date=date(2024, 10, 31),
        period_start=date(2024, 6, 1),
        period_end=date(2024, 7, 31),
        reading_date=date(2024, 8, 1),
        reading_type=ReadingType.ACTUAL,
        generation=BillGeneration.BOLLETTA_2_0,
        is_adjustment=True,
        holder=HOLDER,
        supply=SUPPLY,
        payment_method_label="Addebito SEPA su IBAN IT** **** **** 4821",
        bands=Bands(300, 160, 250),
        annual_kwh=5301,
        total=Decimal("188.75"),
        lines=(
            line(G.ENERGY, S.SALE, "Energia fascia F1", "300", "kWh", "0.131000", "39.30"),
            line(G.ENERGY, S.SALE, "Energia fascia F2", "160", "kWh", "0.124000", "19.84"),
            line(G.ENERGY, S.SALE, "Energia fascia F3", "250", "kWh", "0.112000", "28.00"),
            line(G.ENERGY, S.SALE, "Dispacciamento", "710", "kWh", "0.011800", "8.38"),
            line(G.ENERGY, S.SALE, "Quota fissa di commercializzazione", "2", "mese",
                 "6.500000", "13.00"),
            line(G.TRANSPORT, S.NETWORK, "Quota fissa", "2", "mese", "1.750000", "3.50"),
            line(G.TRANSPORT, S.NETWORK, "Quota potenza (2 mesi)", "3", "kW", "3.790000",
                 "11.37"),
            line(G.TRANSPORT, S.NETWORK, "Quota energia", "710", "kWh", "0.009520", "6.76"),
            line(G.SYSTEM_CHARGES, S.NETWORK, "Oneri ASOS e ARIM", "710", "kWh", "0.029600",
                 "21.02"),
            line(G.RECALCULATIONS, S.SALE, "Conguaglio energia apr–mag 2024: letti 33 kWh in "
                 "meno dei consumi stimati", "-33", "kWh", "0.118500", "-3.91"),
            line(G.TV_LICENCE, S.OTHER, "Canone TV 2024: rata di settembre", "1", "rata", "9.00",
                 "9.00"),
            line(G.OTHER, S.OTHER, "Arrotondamento", "1", "€", "0.03", "0.03"),
            line(G.TAXES, S.TAXES, "Accisa sull'energia elettrica", "710", "kWh", "0.022700",
                 "16.12"),
            line(G.TAXES, S.TAXES, "IVA 10%", "163.38", "€", "0.10", "16.34"),
        ),
        # The registers run from the last actual reading: 33 kWh fewer than billed + estimated.
        readings=(
            BandReading("F1", 20110, 20390, 280),
            BandReading("F2", 9050, 9205, 155),
            BandReading("F3", 17300, 17542, 242),
        ),
    )


def text_of(pdf: bytes) -> str:
    """Read a PDF's text back, with every run of spaces and line breaks as one space."""
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages)


def pages_of(pdf: bytes) -> int:
    """Count a PDF's pages."""
    return len(PdfReader(BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def seed_pdfs() -> tuple[str, str]:
    """Render both documents of the seed's first invoice once and read them back."""
    doc = seed_first_invoice()
    return text_of(render_invoice(doc)), text_of(render_detail(doc))


def test_seed_invoice_front_page_shows_what_the_table_shows(seed_pdfs):
    front, _ = seed_pdfs
    for expected in ("1636/2023", "26/01/2023", "15/03/2023", "213,09 €", "01/12/2022", POD,
                     "547 kWh", "212 kWh", "100 kWh", "235 kWh", "5.552 kWh",
                     "Lettura effettiva", "Maria De Crignis", "DCRMRA51C52G300K", "004127",
                     "Socio dal 11/04/1987", "Domestico residente", "3 kW", "3,3 kW",
                     "01/10/2022 – 30/11/2022", "Addebito SEPA", "29874/2022",
                     "Pagata il 15/12/2022", "www.secab.it", "Totale da pagare"):
        assert expected in front, expected
    assert "stimata" not in front
    assert "conguaglio" not in front.lower()


def test_seed_invoice_front_page_sums_groups_of_bolletta_2_0(seed_pdfs):
    front, _ = seed_pdfs
    for heading, subtotal in zip(HEADINGS_2_0, ("153,96 €", "19,16 €", "0,00 €", "30,97 €"),
                                 strict=True):
        assert f"{heading} {subtotal}" in front, heading
    assert "Canone di abbonamento alla televisione 9,00 €" in front     # on its own line
    assert "Altre partite" not in front      # shown only when the bill has some
    assert "Ricalcoli" not in front
    assert "Scontrino dell'energia" not in front
    for heading in HEADINGS_2025:
        assert heading not in front


def test_seed_detail_lists_every_line_and_the_readings(seed_pdfs):
    _, detail = seed_pdfs
    doc = seed_first_invoice()
    for item in doc.lines:
        assert fmt.euro(item.amount) in detail, item.description
        assert item.description in detail
    for expected in ("Totale fattura 213,09 €", "Scadenza 15/03/2023",
                     "10.234", "10.446", "12.011", "12.246",
                     "212 kWh 0,292 €/kWh 61,90 €", "2 mesi 6,00 €/mese 12,00 €",
                     "Canone TV 2023: rata di gennaio 1 rata 9,00 €/rata 9,00 €",
                     "185,54 € 10% 18,55 €",
                     "IVA 10%: imponibile 185,54 € × 10% = 18,55 €",
                     "Accisa sull'energia elettrica: 547 kWh × 0,0227 €/kWh = 12,42 €",
                     "Lettura al 01/10/2022", "Lettura al 01/12/2022", "Lettura effettiva",
                     "Totale spesa per la materia energia 153,96 €",
                     "Totale imposte e IVA 30,97 €", "Andamento dei consumi", "ott–nov 2022",
                     "dic 2021–", "Consumo di questo periodo (ott–nov 2022): 547 kWh"):
        assert expected in detail, expected
    for heading in HEADINGS_2_0[:3]:
        assert heading in detail
    for subtotal in SUBTOTALS_2025:
        assert subtotal not in detail


def test_pages_are_numbered_with_the_invoice_number(seed_pdfs):
    front, detail = seed_pdfs
    assert "Fattura n. 1636/2023 · Pagina 1 di" in front
    assert "{nb}" not in front + detail
    pages = pages_of(render_detail(seed_first_invoice()))
    assert f"Pagina {pages} di {pages}" in detail


def test_2025_bill_has_the_energy_receipt_and_says_it_is_estimated():
    doc = estimated_2025_invoice()
    front, detail = text_of(render_invoice(doc)), text_of(render_detail(doc))
    # quantity | average price | vendita | rete e oneri | totale
    assert "Quota consumi 485 kWh 0,1586 €/kWh 57,52 € 19,41 € 76,93 €" in front
    assert "Quota fissa 2 mesi 9,28 €/mese 15,00 € 3,56 € 18,56 €" in front
    assert "Quota potenza 6 kW×mese 1,92 €/kW×mese 0,00 € 11,52 € 11,52 €" in front
    assert "Totale bolletta 147,82 €" in front
    assert ("Scontrino dell'energia Quantità Prezzo medio Vendita Rete e oneri Totale"
            in front)
    for text in (front, detail):
        assert "27415/2025" in text
        assert "147,82 €" in text
        assert "Lettura stimata" in text
        assert "ricalcolati (conguaglio)" in text
        for heading in HEADINGS_2025:
            assert heading in text
        for heading in HEADINGS_2_0:
            assert heading not in text
    assert "Utente (non socio)" in front
    for item in doc.lines:
        assert fmt.euro(item.amount) in detail
    for subtotal, amount in zip(SUBTOTALS_2025, ("76,93 €", "18,56 €", "11,52 €"), strict=True):
        assert f"{subtotal} {amount}" in detail
    assert "Vendita Energia F1 180 kWh" in detail
    assert "6 kW×mese 1,92 €/kW×mese 11,52 €" in detail
    assert "2 rate 9,00 €/rata 18,00 €" in detail
    assert detail.count("lug–ago 2025") == 2    # the chart's own bar, and the period's line


def test_adjustment_says_so_and_shows_the_recalculation():
    doc = adjustment_invoice()
    front, detail = text_of(render_invoice(doc)), text_of(render_detail(doc))
    for text in (front, detail):
        assert "Bolletta di conguaglio" in text
        assert "188,75 €" in text
        assert "stimata" not in text
    assert "Ricalcoli -3,91 €" in front
    assert "Altre partite 0,03 €" in front
    assert "Canone di abbonamento alla televisione 9,00 €" in front
    assert "Arrotondamento 0,03 €" in detail          # a lump sum: no quantity, no price
    assert "Ricalcoli" in detail
    assert "Totale letto 677 kWh" in detail
    assert "di cui 710 kWh di questo periodo e -33 kWh di conguaglio" in detail
    assert "-33 kWh 0,1185 €/kWh -3,91 €" in detail
    assert "Totale ricalcoli -3,91 €" in detail


@pytest.mark.parametrize("render", [render_invoice, render_detail])
@pytest.mark.parametrize("broken", [
    # One cent missing from the total.
    lambda doc: dataclasses.replace(doc, total=doc.total - Decimal("0.01")),
    # A line whose amount is not quantity × unit price.
    lambda doc: dataclasses.replace(doc, lines=(
        dataclasses.replace(doc.lines[0], amount=doc.lines[0].amount + 1),
        *doc.lines[1:]), total=doc.total + 1),
    # A line of the other generation's groups.
    lambda doc: dataclasses.replace(doc, lines=(
        dataclasses.replace(doc.lines[0], group=CostGroup.CONSUMPTION_SHARE), *doc.lines[1:])),
    # Sub-cent amounts.
    lambda doc: dataclasses.replace(doc, lines=(
        dataclasses.replace(doc.lines[0], amount=Decimal("61.904")), *doc.lines[1:]),
        total=Decimal("213.094")),
    # Meter registers that disagree with the billed kWh.
    lambda doc: dataclasses.replace(doc, readings=(BandReading("F1", 10234, 10447, 213),)),
    # No lines at all.
    lambda doc: dataclasses.replace(doc, lines=(), total=Decimal(0)),
], ids=["total", "quantity×price", "generation", "cents", "readings", "empty"])
def test_inconsistent_data_is_refused_not_printed(render, broken):
    with pytest.raises(ValueError):
        render(broken(seed_first_invoice()))


def test_2025_lines_must_say_whether_they_go_to_seller_or_network():
    doc = estimated_2025_invoice()
    wrong = dataclasses.replace(doc, lines=(
        dataclasses.replace(doc.lines[0], side=CostSide.OTHER), *doc.lines[1:]))
    with pytest.raises(ValueError):
        render_invoice(wrong)


def test_filenames_carry_the_invoice_number():
    doc = seed_first_invoice()
    assert invoice_filename(doc) == "fattura-1636-2023.pdf"
    assert detail_filename(doc) == "fattura-dettaglio-1636-2023.pdf"


def embedded_font_sizes(pdf: bytes) -> list[int]:
    """Return the uncompressed size of every font program embedded in a PDF."""
    return sorted(
        font["/DescendantFonts"][0].get_object()["/FontDescriptor"]["/FontFile2"]["/Length1"]
        for page in PdfReader(BytesIO(pdf)).pages
        for font in (ref.get_object() for ref in page["/Resources"]["/Font"].values())
    )


@pytest.mark.parametrize("name", [
    "Žiga Čebašek – Ünal Ørsted – Ștefan Bălan",     # Latin letters: the fonts cut once
    "Олена Шевченко",                                 # any other script: the whole fonts
])
def test_names_print_in_any_script_dejavu_has(name):
    doc = dataclasses.replace(seed_first_invoice(), holder=dataclasses.replace(HOLDER, name=name))
    for pdf in (render_invoice(doc), render_detail(doc)):
        assert name[:14] in text_of(pdf)


def test_fonts_stay_intact_across_documents():
    # The parsed fonts are shared by every document of the process: a document that needs
    # the whole fonts must not change what the next one embeds.
    first = render_invoice(seed_first_invoice())
    cyrillic = dataclasses.replace(seed_first_invoice(), holder=dataclasses.replace(
        HOLDER, name="Олена Шевченко"))
    whole = render_invoice(cyrillic)
    again = render_invoice(seed_first_invoice())
    assert text_of(again) == text_of(first)
    assert embedded_font_sizes(again) == embedded_font_sizes(first)
    # The cut fonts are embedded whole, the whole fonts cut to the glyphs used: both are small.
    assert all(size < 40_000 for size in embedded_font_sizes(again) + embedded_font_sizes(whole))
    fonts = {
        font["/BaseFont"]
        for page in PdfReader(BytesIO(again)).pages
        for font in (f.get_object() for f in page["/Resources"]["/Font"].values())
    }
    assert fonts == {"/MPDFAA+DejaVuSansBook", "/MPDFAA+DejaVuSansBold"}


def _text_origins(pdf) -> list[tuple[float, float]]:
    """Return where each text of the current page starts, in PDF points."""
    content = bytes(pdf.pages[pdf.page].contents).decode("latin-1")
    return [(float(x), float(y)) for x, y in re.findall(r"BT ([\d.]+) ([\d.]+) Td", content)]


@pytest.mark.parametrize("align", ["L", "R", "C"])
def test_put_places_text_where_cell_does(align):
    # put() is the short way through fpdf2's public text(): same place as cell(), cursor kept.
    placed = []
    for short in (True, False):
        pdf = LetterheadPDF(None, "Titolo", "Sottotitolo", "rif.")
        pdf.style(10.5, bold=True)
        pdf.set_xy(40, 100)
        if short:
            pdf.put(40, 100, 60, 6, "Spesa per la materia energia 120,68 €", align)
        else:
            pdf.cell(60, 6, "Spesa per la materia energia 120,68 €", align=align)
        placed.append(_text_origins(pdf)[-1])
    assert placed[0] == placed[1]
    assert (pdf.get_x(), pdf.get_y()) != (40, 100)          # cell() moves on, put() does not


def test_the_cut_fonts_hold_the_common_characters_with_dejavus_widths():
    for style, name in CUT_FONTS.items():
        cut = ttLib.TTFont(FONT_DIR / name)
        whole = ttLib.TTFont(FONT_DIR / WHOLE_FONTS[style])
        cut_map, whole_map = cut.getBestCmap(), whole.getBestCmap()
        assert set(cut_map) == {ord(c) for c in COMMON_CHARACTERS} & set(whole_map)
        for code in cut_map:
            assert (cut["hmtx"][cut_map[code]][0] == whole["hmtx"][whole_map[code]][0]), chr(code)


def page_texts(pdf: bytes) -> list[str]:
    """Read each page's text back, runs of spaces and line breaks as one space."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages]


def link_rects(pdf: bytes, page: int = 0) -> dict[str, list[list[float]]]:
    """Return the rectangles (PDF points) of a page's web links, by address."""
    links: dict[str, list[list[float]]] = {}
    for annotation in PdfReader(BytesIO(pdf)).pages[page].get("/Annots", []):
        annotation = annotation.get_object()
        if annotation.get("/Subtype") == "/Link" and "/URI" in annotation.get("/A", {}):
            links.setdefault(annotation["/A"]["/URI"], []).append(
                [float(v) for v in annotation["/Rect"]])
    return links


def test_2025_front_page_carries_what_delibera_315_2024_requires():
    doc = estimated_2025_invoice()
    first, second = page_texts(render_invoice(doc))
    for expected in (
        # The box dell'offerta.
        "La tua offerta Energia Carnia Casa Codice offerta SEC-D-2025 Mercato Mercato libero "
        "Condizioni economiche valide fino al 30/06/2026",
        f"Scheda sintetica dell'offerta: {OFFER_URL}",
        # The scontrino: each share's quantity and average unit price, to the cent.
        "Quota consumi 485 kWh 0,1586 €/kWh 57,52 € 19,41 € 76,93 €",
        "Totale vendita e rete 72,52 € 34,49 € 107,01 €",
        "Imposte 22,81 €",
        # The canone on its own line, with its instalments.
        "Canone di abbonamento alla televisione (2 rate × 9,00 €/rata) 18,00 €",
        "Totale bolletta 147,82 €",
        "Costo medio della bolletta: 0,3048 €/kWh",
        # Faults, complaints, bonus sociale.
        "Guasti e pronto intervento: chiama SECAB Società Cooperativa – distribuzione",
        "al numero 800 912 125",
        "Reclami: scrivi a SECAB", "Servizio Conciliazione di ARERA",
        "Bonus sociale: se l'ISEE della tua famiglia non supera 9.530 €",
        "Lettura stimata",                       # a warning stays on the first page
        "Pagina 1 di 2",
    ):
        assert expected in first, expected
    for expected in ("Dati della fornitura", "I tuoi consumi", "Pagamento", "Pagina 2 di 2"):
        assert expected in second, expected
        assert expected not in first
    assert len(link_rects(render_invoice(doc))[OFFER_URL]) == 2    # the address and the QR


def test_the_offer_box_says_when_arera_sets_the_conditions():
    doc = estimated_2025_invoice()
    protected = dataclasses.replace(doc, supply=dataclasses.replace(
        doc.supply, market=Market.PROTECTED, conditions_until=None, fault_phone=""))
    first = page_texts(render_invoice(protected))[0]
    assert "Mercato Servizio di tutela Condizioni economiche aggiornate da ARERA ogni trimestre" \
        in first
    assert "chiama il distributore della tua zona" in first


def test_bolletta_2_0_keeps_its_one_page_layout():
    pages = page_texts(render_invoice(seed_first_invoice()))
    assert len(pages) == 1
    for absent in ("Scontrino", "La tua offerta", "Informazioni utili", "Bonus sociale"):
        assert absent not in pages[0]
    assert "Sintesi degli importi fatturati" in pages[0]


def test_the_qr_code_reads_as_the_offer_sheets_address(tmp_path):
    pdf = render_invoice(estimated_2025_invoice())
    (tmp_path / "fattura.pdf").write_bytes(pdf)
    dpi = 300
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
                    str(tmp_path / "fattura.pdf"), str(tmp_path / "page")], check=True)
    image = Image.open(tmp_path / "page.png").convert("L")
    # The QR is the square link; its modules are sampled at their centres.
    x1, _, x2, y2 = next(rect for rect in link_rects(pdf)[OFFER_URL]
                          if abs((rect[2] - rect[0]) - (rect[3] - rect[1])) < 0.5)
    expected = [tuple(bool(cell) for cell in row)
                for row in segno.make(OFFER_URL, error="m", micro=False).matrix]
    scale, count = dpi / 72, len(expected)
    module = (x2 - x1) * scale / (count + 8)
    left, top = x1 * scale, (PAGE_HEIGHT_PT - y2) * scale
    drawn = [tuple(image.getpixel((left + (4 + c + 0.5) * module,
                                   top + (4 + r + 0.5) * module)) < 128 for c in range(count))
             for r in range(count)]
    assert drawn == expected


def demo_bill(session, number: int, year: int) -> InvoiceDocument:
    """Build the plain document of a demo invoice, as the PDF route does."""
    invoice = session.scalars(select(Invoice).where(Invoice.number == number,
                                                    Invoice.fiscal_year == year)).one()
    return build_invoice_document(session, invoice.id)


def subtotal(doc: InvoiceDocument, group: CostGroup) -> Decimal:
    """Add up a group's lines, independently of the renderer."""
    return sum((item.amount for item in doc.lines if item.group is group), Decimal(0))


def test_demo_bills_of_both_generations_read_back_to_the_cent(demo_session):
    old = demo_bill(demo_session, 1636, 2023)
    front, detail = text_of(render_invoice(old)), text_of(render_detail(old))
    assert "Totale bolletta 213,09 €" in front and "Totale fattura 213,09 €" in detail
    for label, group in (("Spesa per la materia energia", G.ENERGY),
                         ("Totale imposte e IVA", G.TAXES),
                         ("Canone di abbonamento alla televisione", G.TV_LICENCE)):
        assert f"{label} {fmt.euro(subtotal(old, group))}" in front, label
    assert "Canone TV 2023: rate di febbraio e marzo 2 rate 9,00 €/rata 18,00 €" in detail

    home = demo_session.scalars(select(Invoice.contract_id).where(
        Invoice.number == 1636, Invoice.fiscal_year == 2023)).one()
    latest = demo_session.scalars(select(Invoice).where(
        Invoice.contract_id == home, Invoice.generation == BillGeneration.ARERA_2025,
        Invoice.issue_date < date(2025, 10, 1)).order_by(Invoice.issue_date.desc())).first()
    new = build_invoice_document(demo_session, latest.id)
    first, second = page_texts(render_invoice(new))
    detail = text_of(render_detail(new))
    consumption = subtotal(new, G.CONSUMPTION_SHARE)
    average = (consumption / new.kwh).quantize(Decimal("0.0001"))
    assert (f"Quota consumi {fmt.number(new.kwh)} kWh {fmt.price(average)} €/kWh" in first)
    assert f"{fmt.euro(consumption)} Quota fissa 2 mesi" in first
    canone = [item for item in new.lines if item.group is G.TV_LICENCE]
    assert f"({fmt.quantity(sum(x.quantity for x in canone))} rate × 9,00 €/rata) " \
           f"{fmt.euro(subtotal(new, G.TV_LICENCE))}" in first
    assert f"Totale bolletta {fmt.euro(new.total)}" in first
    assert f"Totale fattura {fmt.euro(new.total)}" in detail
    for item in new.lines:
        assert f"{item.description}" in detail and fmt.euro(item.amount) in detail
    assert "Mercato libero" in first and "valide fino al 30/06/2027" in first
    assert "Dati della fornitura" in second


def test_every_label_prints_with_the_cut_fonts(caplog):
    # fpdf2 leaves out, with a warning, a character the font lacks: a label of the code outside
    # COMMON_CHARACTERS would vanish from every bill.
    with caplog.at_level("WARNING", logger="fpdf"):
        for doc in (seed_first_invoice(), estimated_2025_invoice(), adjustment_invoice()):
            render_invoice(doc)
            render_detail(doc)
    assert not [r.getMessage() for r in caplog.records if "missing" in r.getMessage()]
    with caplog.at_level("WARNING", logger="fpdf"):
        pdf = LetterheadPDF(None, "Titolo", "Sottotitolo", "rif.")
        pdf.style(10)
        pdf.put(20, 50, 100, 6, "≥ ☃")          # neither is in the cut fonts
        pdf.to_bytes()
    assert any("missing" in r.getMessage() for r in caplog.records)
