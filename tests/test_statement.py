"""The statement arithmetic and status rules, its CSV and PDF, and the demo data behind them."""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import func, select

from dashboard.documents.statement import render_statement
from dashboard.statement import (
    ContractRef,
    Holder,
    statement_csv,
    statement_document,
    summary,
)
from models import Contract, Customer, Invoice, Payment
from models.entities import Remittance
from models.queries import billed_invoices, contracts_of_customer, received_payments
from models.statement import (
    BilledInvoice,
    ReceivedPayment,
    Standing,
    build_statement,
    standing_of,
)

TODAY = date(2026, 11, 28)
HOME = ContractRef("IT125E00012345", "Via Roma 12", "Via Roma 12, Paluzza", direct_debit=True)
HOLIDAY = ContractRef("IT125E00012556", "Via Monte Zoncolan 8",
                      "Via Monte Zoncolan 8, Ravascletto", direct_debit=False)
REFS = {1: HOME, 2: HOLIDAY}


def bill(id_: int, total: str, due: date, contract: int = 1, issued: date | None = None):
    """Make an invoice of the statement."""
    issued = issued or due - timedelta(days=40)
    return BilledInvoice(id_, contract, 1000 + id_, issued.year, issued, due, Decimal(total))


def paid(id_: int, invoice: int, amount: str, on: date, channel: str = "SEPA",
         remittance: int | None = None, sent: str | None = None):
    """Make a payment received against one invoice."""
    return ReceivedPayment(id_, invoice, on, Decimal(amount), channel, remittance,
                           Decimal(sent) if sent else None)


# --- status rules ----------------------------------------------------------------------------

@pytest.mark.parametrize(("total", "received", "due", "expected", "overdue"), [
    ("100.00", "100.00", date(2026, 11, 1), Standing.PAID, False),
    ("100.00", "40.00", date(2026, 12, 10), Standing.PARTIAL, False),
    ("100.00", "40.00", date(2026, 11, 1), Standing.PARTIAL, True),
    ("100.00", "0", date(2026, 12, 10), Standing.DUE, False),
    ("100.00", "0", TODAY, Standing.DUE, False),                 # the due date is still in time
    ("100.00", "0", TODAY - timedelta(days=1), Standing.OVERDUE, True),
    ("100.00", "100.01", date(2026, 11, 1), Standing.CREDIT, False),
    ("-12.50", "0", date(2026, 11, 1), Standing.CREDIT, False),   # a credit note
    ("0.00", "0", date(2026, 11, 1), Standing.PAID, False),
])
def test_status_rules(total, received, due, expected, overdue):
    assert standing_of(bill(1, total, due), Decimal(received), TODAY) == (expected, overdue)


def test_one_remittance_pays_one_bill_in_full_and_another_in_part():
    older, newer = bill(1, "55.53", date(2026, 8, 26)), bill(2, "75.39", date(2026, 11, 2))
    remittance = [paid(1, 1, "55.53", date(2026, 11, 10), "bonifico", 7, "93.00"),
                  paid(2, 2, "37.47", date(2026, 11, 10), "bonifico", 7, "93.00")]
    statement = build_statement([older, newer], remittance, TODAY)
    by_id = {s.invoice.id: s for s in statement.invoices}
    assert by_id[1].standing is Standing.PAID and by_id[1].last_paid_on == date(2026, 11, 10)
    assert by_id[2].standing is Standing.PARTIAL and by_id[2].overdue
    assert by_id[2].left == Decimal("37.92")
    (receipt,) = statement.receipts
    assert receipt.amount == receipt.sent == Decimal("93.00")
    assert [(s.invoice.id, s.amount) for s in receipt.shares] == [(1, Decimal("55.53")),
                                                                  (2, Decimal("37.47"))]
    assert statement.outstanding == statement.overdue == statement.balance == Decimal("37.92")
    assert statement.overdue_since == date(2026, 11, 2)
    assert statement.next_due is None


def test_a_remittance_partly_outside_the_view_says_how_much_was_sent():
    invoices = [bill(1, "50.00", date(2026, 10, 1))]
    payments = [paid(1, 1, "50.00", date(2026, 10, 1), "PagoPA", 3, "80.00"),
                paid(2, 99, "30.00", date(2026, 10, 1), "PagoPA", 3, "80.00")]
    (receipt,) = build_statement(invoices, payments, TODAY).receipts
    assert (receipt.amount, receipt.sent) == (Decimal("50.00"), Decimal("80.00"))


def test_several_payments_against_one_bill_add_up():
    invoices = [bill(1, "120.00", date(2026, 10, 1))]
    payments = [paid(1, 1, "20.00", date(2026, 9, 1), "PagoPA"),
                paid(2, 1, "100.00", date(2026, 10, 1), "bollettino")]
    statement = build_statement(invoices, payments, TODAY)
    (item,) = statement.invoices
    assert (item.standing, item.paid, item.last_paid_on) == (Standing.PAID, Decimal("120.00"),
                                                             date(2026, 10, 1))
    assert len(statement.receipts) == 2
    assert statement.receipts[0].received_on == date(2026, 10, 1)   # newest first


def test_payments_after_the_day_do_not_count_yet():
    invoices = [bill(1, "80.00", date(2026, 11, 20))]
    statement = build_statement(invoices, [paid(1, 1, "80.00", TODAY + timedelta(days=1))],
                                TODAY)
    assert statement.invoices[0].standing is Standing.OVERDUE
    assert statement.receipts == ()


def test_totals_balance_and_next_due():
    invoices = [bill(1, "100.00", date(2026, 12, 20), issued=date(2026, 11, 10)),
                bill(2, "50.00", date(2026, 12, 20), contract=2, issued=date(2026, 11, 12)),
                bill(3, "70.00", date(2027, 1, 15), issued=date(2026, 11, 20)),
                bill(4, "30.00", date(2026, 3, 1), issued=date(2025, 12, 30))]
    payments = [paid(1, 4, "40.00", date(2026, 3, 1))]        # 10,00 € too much on bill 4
    statement = build_statement(invoices, payments, TODAY)
    assert statement.outstanding == Decimal("220.00")
    assert statement.credit == Decimal("10.00")
    assert statement.balance == Decimal("210.00")
    assert statement.overdue == 0
    assert statement.next_due == (date(2026, 12, 20), Decimal("150.00"))
    assert [(y.year, y.invoiced, y.paid, y.count) for y in statement.years] == [
        (2026, Decimal("220.00"), Decimal("0.00"), 3), (2025, Decimal("30.00"),
                                                        Decimal("40.00"), 1)]
    assert [s.invoice.id for s in statement.invoices] == [3, 2, 1, 4]   # newest first


amounts = st.integers(min_value=-5_000, max_value=200_000).map(lambda c: Decimal(c) / 100)


@given(st.lists(st.tuples(amounts, st.integers(-60, 60), st.lists(
    st.tuples(st.integers(0, 30_000), st.integers(-90, 5)), max_size=3)), max_size=12))
def test_the_statement_always_reconciles_to_the_cent(rows):
    invoices, payments = [], []
    for index, (total, due_shift, parts) in enumerate(rows, start=1):
        invoices.append(bill(index, str(total), TODAY + timedelta(days=due_shift)))
        for cents, day_shift in parts:
            payments.append(paid(len(payments) + 1, index, str(Decimal(cents) / 100),
                                 TODAY + timedelta(days=day_shift)))
    statement = build_statement(invoices, payments, TODAY)
    counted = sum((p.amount for p in payments if p.paid_on <= TODAY), Decimal(0))
    billed = sum((i.total for i in invoices), Decimal(0))
    assert statement.balance == billed - counted
    assert sum((y.left for y in statement.years), Decimal(0)) == billed - counted
    assert sum((r.amount for r in statement.receipts), Decimal(0)) == counted
    assert 0 <= statement.overdue <= statement.outstanding
    for item in statement.invoices:
        assert item.left == item.invoice.total - item.paid
        assert (item.standing is Standing.PAID) == (item.left == 0)


# --- summary, CSV, PDF -----------------------------------------------------------------------

def test_summary_says_all_is_in_order():
    statement = build_statement([bill(1, "10.00", date(2026, 1, 1))],
                                [paid(1, 1, "10.00", date(2026, 1, 1))], TODAY)
    result = summary(statement, REFS)
    assert (result.kind, result.title) == ("ok", "Tutto in regola")


def test_summary_says_what_is_due_and_by_when():
    statement = build_statement([bill(1, "164.47", date(2026, 12, 25)),
                                 bill(2, "88.56", date(2026, 12, 29), contract=2)], [], TODAY)
    result = summary(statement, REFS)
    assert result.kind == "due"
    assert result.figure == "253,03 €"
    assert result.lines[1].startswith("164,47 € entro il 25/12/2026: sarà addebitato")
    assert result.lines[2].startswith("88,56 € entro il 29/12/2026: paga con l'avviso pagoPA")


def test_summary_puts_the_overdue_amount_first():
    statement = build_statement([bill(1, "75.39", date(2026, 11, 2)),
                                 bill(2, "88.56", date(2026, 12, 25))],
                                [paid(1, 1, "37.47", date(2026, 11, 10))], TODAY)
    result = summary(statement, REFS)
    assert (result.kind, result.title, result.figure) == ("overdue", "Importo scaduto:",
                                                          "37,92 €")
    assert "02/11/2026" in result.lines[0]
    assert any(line.startswith("88,56 € entro il 25/12/2026") for line in result.lines)


def test_summary_counts_a_credit():
    statement = build_statement([bill(1, "-20.00", date(2026, 11, 1))], [], TODAY)
    result = summary(statement, REFS)
    assert result.kind == "ok" and "credito di 20,00 €" in result.lines[0]


def test_csv_opens_in_italian_excel_and_adds_up():
    invoices = [bill(1, "1213.09", date(2026, 12, 25)), bill(2, "75.39", date(2026, 11, 2),
                                                           contract=2)]
    payments = [paid(1, 2, "37.47", date(2026, 11, 10), "bonifico")]
    data = statement_csv(build_statement(invoices, payments, TODAY), REFS)
    assert data.startswith(b"\xef\xbb\xbf")                 # UTF-8 with BOM
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["POD", "Indirizzo di fornitura", "Fattura"]
    assert rows[1][0] == "IT125E00012345" and rows[1][5] == "1.213,09" and rows[1][8] == "1.213,09"
    assert rows[2][5:10] == ["75,39", "37,47", "10/11/2026", "37,92",
                             "Pagata parzialmente (residuo scaduto)"]

    def number(text: str) -> Decimal:
        return Decimal(text.replace(".", "").replace(",", "."))

    for row in rows[1:]:
        assert number(row[5]) - number(row[6]) == number(row[8])


def test_csv_cells_never_run_as_formulas():
    refs = {1: ContractRef("IT125E00012345", "=HYPERLINK(\"x\")", "=1+1, Paluzza", False)}
    data = statement_csv(build_statement([bill(1, "10.00", TODAY)], [], TODAY), refs)
    row = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))[1]
    assert row[1] == "'=1+1, Paluzza"


def pdf_text(data: bytes) -> str:
    """Read a PDF's text back."""
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_pdf_statement_prints_the_numbers():
    invoices = [bill(1, "55.53", date(2026, 8, 26), contract=2),
                bill(2, "75.39", date(2026, 11, 2), contract=2),
                bill(3, "164.47", date(2026, 12, 25))]
    payments = [paid(1, 1, "55.53", date(2026, 11, 10), "bonifico", 7, "93.00"),
                paid(2, 2, "37.47", date(2026, 11, 10), "bonifico", 7, "93.00")]
    statement = build_statement(invoices, payments, TODAY)
    holder = Holder("Mario Rossi", "100234", "RSSMRA52C12L195N",
                    "Via Roma 12, 33026 Paluzza (UD)")
    data = render_statement(statement_document(statement, REFS, holder, "Tutti i contratti"))
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for expected in ("Estratto conto", "Situazione al 28/11/2026", "Mario Rossi",
                     "Importo scaduto: 37,92 €", "Saldo da pagare", "202,39 €", "1001/2026",
                     "1002/2026", "1003/2026", "In parte, scaduta", "Da pagare",
                     "Bonifico bancario",
                     "1001/2026 (55,53 €), 1002/2026 (37,47 €)", "Via Roma 12, Paluzza – POD "
                     "IT125E00012345", "Totali per anno", "Pagina 1 di"):
        assert expected in text, expected


def test_pdf_statement_handles_letters_outside_the_common_font_cut():
    statement = build_statement([bill(1, "10.00", TODAY)], [], TODAY)
    holder = Holder("Dušan Čermelj", "100299", "CRMDSN70A01L195X", "Via Roma 1, Paluzza (UD)")
    text = pdf_text(render_statement(statement_document(statement, {1: HOME}, holder,
                                                        "Via Roma 12")))
    assert "Dušan Čermelj" in text


# --- the demo data ---------------------------------------------------------------------------

def demo_statement(session, code: str, today: date):
    """Return a demo customer's statement over all their contracts."""
    customer = session.scalars(select(Customer).where(Customer.code == code)).one()
    ids = [c.id for c in contracts_of_customer(session, customer.id)]
    return build_statement(billed_invoices(session, ids), received_payments(session, ids), today)


def test_demo_shows_every_status(demo_session):
    today = date.today()   # the demo is loaded as of today
    seen = set()
    for code in demo_session.scalars(select(Customer.code)):
        seen |= {s.standing for s in demo_statement(demo_session, code, today).invoices}
    assert {Standing.PAID, Standing.PARTIAL, Standing.DUE, Standing.OVERDUE} <= seen


def test_demo_member_has_a_bill_not_yet_due_and_a_partial_one(demo_session):
    statement = demo_statement(demo_session, "100234", date.today())
    standings = [s.standing for s in statement.invoices]
    assert standings[0] is Standing.DUE
    (partial,) = [s for s in statement.invoices if s.standing is Standing.PARTIAL]
    assert partial.overdue and statement.overdue == partial.left
    (transfer,) = [r for r in statement.receipts if len(r.shares) > 1]
    assert transfer.channel == "bonifico" and transfer.amount == transfer.sent
    assert transfer.amount == transfer.amount.quantize(Decimal(1))   # a round sum


def test_demo_remittances_and_payments_reconcile_to_the_cent(demo_session):
    remittances = demo_session.scalars(select(Remittance)).all()
    assert remittances
    for remittance in remittances:
        assert sum(p.amount for p in remittance.payments) == remittance.amount
        assert {(p.paid_on, p.channel) for p in remittance.payments} == {
            (remittance.received_on, remittance.channel)}
    received = defaultdict(Decimal)
    for invoice_id, amount in demo_session.execute(select(Payment.invoice_id, Payment.amount)):
        received[invoice_id] += amount
    totals = dict(demo_session.execute(select(Invoice.id, Invoice.total)).all())
    assert all(received[i] <= totals[i] for i in received)     # nobody pays too much
    overdue_unpaid = demo_session.scalar(
        select(func.count(Invoice.id)).where(Invoice.due_date < date.today(),
                                             Invoice.id.not_in(select(Payment.invoice_id))))
    assert overdue_unpaid == 1


def test_demo_firms_have_a_partita_iva(demo_session):
    firms = demo_session.scalars(select(Customer).where(Customer.vat_number.is_not(None))).all()
    assert len(firms) >= 3
    for firm in firms:
        assert firm.vat_number == firm.tax_code and len(firm.vat_number) == 11
    assert all(c.meter_remote_read for c in demo_session.scalars(select(Contract)))
