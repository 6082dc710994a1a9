"""Plain data the PDF builders print: filled from the database by models.queries, never by them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from models.bands import Bands
from models.billing import CostLine
from models.enums import BillGeneration, Market, ReadingType


@dataclass(frozen=True)
class Party:
    """The holder of the supply as printed on the bill."""

    name: str
    tax_code: str
    customer_code: str
    billing_address: str          # one line: "Via Roma 12, 33026 Paluzza (UD)"
    is_member: bool
    member_since: date | None


@dataclass(frozen=True)
class Supply:
    """The supply point the bill is for."""

    pod: str
    address: str                  # one line
    customer_type_label: str      # "Domestico residente"
    tariff_label: str             # "Multioraria (F1/F2/F3)"
    offer: str                    # "Energia Carnia Casa (SEC-D-2023)"
    power_committed_kw: Decimal
    power_available_kw: Decimal
    # The 2025 bill's «box dell'offerta» and the distributor's fault line.
    offer_name: str = ""
    offer_code: str = ""
    market: Market | None = None
    conditions_until: date | None = None    # None: no expiry (tutele: updated by ARERA)
    offer_sheet_url: str = ""
    distributor: str = ""
    fault_phone: str = ""


@dataclass(frozen=True)
class BandReading:
    """One band's meter registers at the start and end of the period."""

    band: str                     # "F1", "F2", "F3"
    previous: int
    current: int
    kwh: int                      # current - previous


# One detail line (quantity × unit price = amount) is the billing rules' own cost line.
Line = CostLine


@dataclass(frozen=True)
class PastPayment:
    """How an earlier bill was settled, for the 'status of past payments' box."""

    number: str                   # "6558/2023"
    due_date: date
    amount: Decimal
    status_label: str             # "Pagata il 10/05/2023", "Da pagare", …


@dataclass(frozen=True)
class HistoryBar:
    """Consumption of one earlier period, for the small history chart."""

    label: str                    # "ott–nov 2022"
    bands: Bands[int]


@dataclass(frozen=True)
class InvoiceDocument:
    """Everything both PDFs of one invoice print."""

    number: str                   # "1636/2023": number and fiscal year
    issue_date: date
    due_date: date
    period_start: date
    period_end: date
    reading_date: date
    reading_type: ReadingType
    generation: BillGeneration
    is_adjustment: bool
    holder: Party
    supply: Supply
    payment_method_label: str     # "Addebito diretto SEPA …1234" / "Avviso di pagamento"
    bands: Bands[int]             # the period's kWh by band
    annual_kwh: int               # consumption of the last 12 months up to the reading date
    total: Decimal
    lines: tuple[Line, ...]
    readings: tuple[BandReading, ...]
    past_payments: tuple[PastPayment, ...] = field(default=())
    history: tuple[HistoryBar, ...] = field(default=())

    @property
    def kwh(self) -> int:
        """Return the total consumption of the period."""
        return self.bands.total
