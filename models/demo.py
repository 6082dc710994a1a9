"""Demo data: the seed's member, his neighbour, two dozen more customers and the staff.

Deterministic (every random draw comes from a random.Random seeded by a fixed string and
the supply's POD) and loaded only into a database without customers. The six invoices of
the cooperative's announcement are real and appear exactly as published.

Estimates: a bill on an estimated reading bills the estimate, and its months' monthly rows
hold the estimate (type stimata), as the portal showed them then. The next bill, on a real
reading, is a conguaglio (is_adjustment): its own bands are the true consumption of its
months and ricalcolo lines bill the true minus the estimated kWh of the earlier period. So
every bill's months add up to its bands, and the meter registers to everything billed.

Payments: almost every bill is paid, so that every status shows up: Mario Rossi's latest
bills are not yet due; on his holiday home the SEPA collections of the two bills before
failed and one bank transfer (a remittance) paid the older in full and the newer in part,
whose rest is overdue; one other customer leaves a bill unpaid past its due date.

Bill delivery: every supply starts on paper at activation; a few holders later chose
bolletta web, Mario Rossi among them for his home.
"""
from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from itertools import pairwise

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from .bands import Band, Bands, band_hours
from .billing import (
    PRICE_STEP,
    BillingPeriod,
    CostLine,
    MonthUse,
    Recalculation,
    SupplyTerms,
    Tariff,
    cost_lines,
    cost_lines_for_total,
    generation_for,
    lines_total,
    rai_instalments,
)
from .curve_demo import add_demo_curves, apportion
from .entities import (
    Account,
    BillDeliveryChange,
    Contract,
    Customer,
    Invoice,
    InvoiceLine,
    MeterReading,
    MonthlyConsumption,
    Payment,
    Remittance,
)
from .enums import (
    ContractStatus,
    CustomerType,
    DeliveryMode,
    Market,
    PaymentMethod,
    ReadingType,
    Role,
    TariffStructure,
)

SEED = "secab-area-riservata-demo"
DATA_START = date(2021, 1, 1)   # the first billing period is the one holding January 2021
DISTRIBUTOR_CODE = "125"
PROVINCE = "UD"
ZIP_CODES = {
    "Paluzza": "33026", "Cercivento": "33020", "Ravascletto": "33020", "Sutrio": "33020",
    "Treppo Ligosullo": "33020", "Tolmezzo": "33028", "Udine": "33100",
}
BIRTHPLACE_CODE = "L195"  # Tolmezzo, where the valley's hospital is
METER_TYPE = "Elettronico 2G (Open Meter)"


@dataclass(frozen=True)
class SeedInvoice:
    """One row of the invoice table in the cooperative's announcement."""

    number: int
    issue_date: date
    due_date: date
    total: Decimal
    reading_date: date  # the first day after the period
    bands: Bands[int]

    @property
    def kwh(self) -> int:
        """Return the consumption: F1 + F2 + F3."""
        return self.bands.total

    @property
    def period_end(self) -> date:
        """Return the last day of the billing period."""
        return self.reading_date - timedelta(days=1)


# Mario Rossi's home, invoices issued in 2023: the real rows of the announcement.
SEED_INVOICES: tuple[SeedInvoice, ...] = (
    SeedInvoice(1636, date(2023, 1, 26), date(2023, 3, 15), Decimal("213.09"),
                date(2022, 12, 1), Bands(212, 100, 235)),
    SeedInvoice(6558, date(2023, 3, 24), date(2023, 5, 15), Decimal("334.94"),
                date(2023, 2, 1), Bands(493, 308, 589)),
    SeedInvoice(11606, date(2023, 5, 30), date(2023, 7, 18), Decimal("261.41"),
                date(2023, 4, 1), Bands(389, 202, 496)),
    SeedInvoice(16449, date(2023, 7, 20), date(2023, 9, 15), Decimal("175.75"),
                date(2023, 6, 1), Bands(359, 173, 271)),
    SeedInvoice(21319, date(2023, 9, 26), date(2023, 11, 6), Decimal("164.27"),
                date(2023, 8, 1), Bands(331, 178, 238)),
    SeedInvoice(26153, date(2023, 11, 24), date(2023, 12, 27), Decimal("146.62"),
                date(2023, 10, 1), Bands(285, 153, 243)),
)

# Invoice numbers restart each year and run at about 2,400 bills a month (80 a day). In 2023
# they are anchored on the seed's real numbers, so numbering stays chronological as the law
# requires; every supply has a slot below the smallest daily step (65) so none collide.
NUMBERS_PER_DAY = 80
NUMBER_ANCHORS_2023: tuple[tuple[date, int], ...] = (
    (date(2023, 1, 1), 1), (date(2023, 1, 26), 1636), (date(2023, 3, 24), 6558),
    (date(2023, 5, 30), 11606), (date(2023, 7, 20), 16449), (date(2023, 9, 26), 21319),
    (date(2023, 11, 24), 26153), (date(2024, 1, 1), 29100),
)
MAX_SLOTS = 64

# Bills are issued about eight weeks after the period ends and fall due five to eight weeks
# later, as in the seed.
ISSUE_DELAY_DAYS = (50, 58)
PAYMENT_TERM_DAYS = (33, 57)


@dataclass(frozen=True)
class Profile:
    """How a kind of supply uses energy across the year and the bands."""

    yearly_kwh: int
    monthly_weights: tuple[int, ...]       # January to December
    intensity: tuple[float, float, float]  # relative kWh per hour in F1, F2, F3


PROFILES: dict[str, Profile] = {
    # Mario Rossi's home, fitted to the seed: winter peak from electric heating support, a
    # household at home in the day (F1 kWh per hour 1.4 times F2 and F3).
    "rossi": Profile(5255, (700, 575, 512, 430, 373, 365, 382, 352, 329, 250, 297, 690),
                     (1.41, 1.0, 1.0)),
    "home": Profile(2700, (11, 10, 9, 8, 7, 7, 8, 8, 7, 8, 9, 12), (0.85, 1.25, 1.0)),
    "elderly": Profile(1900, (12, 11, 9, 8, 7, 6, 7, 7, 7, 8, 10, 12), (1.1, 1.1, 0.9)),
    "single": Profile(1250, (11, 10, 9, 8, 8, 7, 7, 7, 8, 8, 9, 11), (0.9, 1.2, 1.0)),
    "heat_pump": Profile(6400, (16, 14, 11, 7, 5, 4, 4, 4, 5, 7, 11, 15), (1.0, 1.0, 1.05)),
    # Holiday homes: Christmas, the ski season on the Zoncolan and August.
    "second_home": Profile(750, (9, 8, 5, 3, 3, 7, 15, 22, 6, 3, 2, 11), (0.7, 1.3, 1.15)),
    "shop": Profile(11000, (8, 8, 8, 8, 8, 9, 10, 11, 8, 8, 7, 9), (2.6, 1.2, 0.35)),
    "bar": Profile(16000, (11, 11, 8, 5, 5, 8, 11, 13, 7, 5, 5, 11), (1.5, 1.8, 0.6)),
    "farm": Profile(9000, (6, 6, 6, 7, 8, 10, 12, 13, 9, 7, 6, 8), (1.3, 1.4, 0.8)),
    "workshop": Profile(7000, (9, 9, 9, 8, 8, 8, 8, 5, 8, 9, 9, 8), (3.0, 0.8, 0.2)),
}

# The cooperative's energy price by quarter, €/kWh before the band factors: the 2021–2023
# crisis shows, with the cooperative's hydro output keeping it below the market.
QUARTER_ENERGY_PRICES: dict[tuple[int, int], str] = {
    (2020, 4): "0.070",
    (2021, 1): "0.075", (2021, 2): "0.080", (2021, 3): "0.110", (2021, 4): "0.210",
    (2022, 1): "0.270", (2022, 2): "0.250", (2022, 3): "0.380", (2022, 4): "0.290",
    (2023, 1): "0.180", (2023, 2): "0.115", (2023, 3): "0.105", (2023, 4): "0.120",
    (2024, 1): "0.105", (2024, 2): "0.098", (2024, 3): "0.115", (2024, 4): "0.125",
    (2025, 1): "0.135", (2025, 2): "0.112", (2025, 3): "0.110", (2025, 4): "0.112",
    (2026, 1): "0.118", (2026, 2): "0.100", (2026, 3): "0.104", (2026, 4): "0.108",
}
BAND_FACTORS: dict[TariffStructure, dict[str, str]] = {
    TariffStructure.MONO: {"F0": "1"},
    TariffStructure.BI: {"F1": "1.06", "F23": "0.97"},
    TariffStructure.MULTI: {"F1": "1.06", "F2": "1.02", "F3": "0.93"},
}
OTHER_USES_FACTOR = Decimal("1.04")  # shops and firms pay a little more for energy and PCV


@dataclass(frozen=True)
class YearlyPrices:
    """Unit prices other than energy that change once a year."""

    network_energy: str   # €/kWh
    network_fixed: str    # €/month
    network_power: str    # €/kW/month
    charges_energy: str   # €/kWh (suspended Q4 2021–Q1 2023 by the billing rules)
    charges_fixed: str    # €/month, non-resident and other uses
    sale_fixed: str       # €/month
    member_discount: str  # €/kWh


YEARLY_PRICES: dict[int, YearlyPrices] = {
    2020: YearlyPrices("0.008000", "1.60", "1.78", "0.042000", "6.80", "4.80", "0.010"),
    2021: YearlyPrices("0.008100", "1.62", "1.80", "0.039000", "6.80", "4.80", "0.010"),
    2022: YearlyPrices("0.008300", "1.65", "1.83", "0.036000", "6.90", "5.20", "0.020"),
    2023: YearlyPrices("0.008900", "1.69", "1.86", "0.028000", "7.10", "5.50", "0.015"),
    2024: YearlyPrices("0.009600", "1.78", "1.95", "0.031000", "7.40", "5.50", "0.012"),
    2025: YearlyPrices("0.010100", "1.85", "2.02", "0.033000", "7.60", "5.80", "0.012"),
    2026: YearlyPrices("0.010400", "1.90", "2.08", "0.032000", "7.60", "5.80", "0.010"),
}

OFFERS: dict[CustomerType, tuple[str, str]] = {
    CustomerType.RESIDENT: ("Energia Carnia Casa", "SEC-D-2021"),
    CustomerType.NON_RESIDENT: ("Energia Carnia Seconda Casa", "SEC-N-2021"),
    CustomerType.OTHER: ("Energia Carnia Impresa", "SEC-A-2021"),
}
# The free-market offers' economic conditions hold until this day; elderly households stay in
# the regulated service for vulnerable customers, whose conditions ARERA updates each quarter.
OFFER_CONDITIONS_UNTIL = date(2027, 6, 30)
PROTECTED_OFFER = ("Servizio di tutela della vulnerabilità", "SEC-TV")
PROTECTED_PROFILES = frozenset({"elderly"})

ESTIMATE_CHANCE = 0.04
SELF_READING_CHANCE = 0.03
ESTIMATE_SHORTFALL = (0.72, 0.9)  # estimates fall short: the conguaglio is a bill to pay


@dataclass(frozen=True)
class ContractSpec:
    """A supply of the demo and how its history is generated."""

    street: str
    town: str
    customer_type: CustomerType
    structure: TariffStructure
    power_kw: str
    profile: str
    payment: PaymentMethod
    start: date
    end: date | None = None
    ends_odd: bool = True  # periods end in odd months (Nov, Jan, …) like the seed's
    estimated: tuple[date, ...] = ()   # period ends billed on an estimate
    self_read: tuple[date, ...] = ()   # period ends billed on the customer's reading
    random_readings: bool = True       # also draw a few estimates and self-readings
    late_transfer: bool = False        # the last two overdue bills: one transfer, paid in part
    web_since: date | None = None      # the holder switched to bolletta web on this day


@dataclass(frozen=True)
class CustomerSpec:
    """A customer of the demo, with supplies and possibly a login."""

    code: str
    name: str
    tax_code: str
    street: str
    town: str
    member_since: date | None
    email: str | None
    contracts: tuple[ContractSpec, ...]
    login: tuple[str, str] | None = None  # email, password
    leaves_unpaid: bool = False           # the latest bill past its due date stays unpaid
    seed_contract: int | None = None      # index of the contract the seed invoices belong to
    vat_number: str | None = None         # a firm's partita IVA


STAFF: tuple[tuple[str, str, Role, str], ...] = (
    ("assistenza@example.com", "Assistenza!2023", Role.SUPPORT, "Laura Puntel"),
    ("consulente@example.com", "Consulente!2023", Role.ADVISOR, "Giulia Candussi"),
    ("admin@example.com", "Amministra!2023", Role.ADMIN, "Marco Plozner"),
)


# --- identifiers that look and check like real ones -------------------------------------

_ODD_VALUES = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                       (1, 0, 5, 7, 9, 13, 15, 17, 19, 21)
                       + (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8,
                          12, 14, 16, 10, 22, 25, 24, 23), strict=True))
_EVEN_VALUES = {c: (int(c) if c.isdigit() else ord(c) - 65)
                for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_MONTH_LETTERS = "ABCDEHLMPRST"
_VOWELS = "AEIOU"


def check_letter(text: str) -> str:
    """Return the control letter of a codice fiscale or an Italian IBAN's CIN."""
    total = sum((_ODD_VALUES if i % 2 == 0 else _EVEN_VALUES)[c] for i, c in enumerate(text))
    return chr(65 + total % 26)


def _name_letters(word: str, is_first_name: bool) -> str:
    """Return the three letters a codice fiscale takes from a surname or a first name."""
    letters = [c for c in word.upper() if c.isalpha()]
    consonants = [c for c in letters if c not in _VOWELS]
    if is_first_name and len(consonants) >= 4:
        return consonants[0] + consonants[2] + consonants[3]
    return ("".join(consonants + [c for c in letters if c in _VOWELS]) + "XXX")[:3]


def tax_code(surname: str, first_name: str, born: date, female: bool) -> str:
    """Return a valid codice fiscale for a person born in Tolmezzo."""
    day = born.day + (40 if female else 0)
    body = (_name_letters(surname, False) + _name_letters(first_name, True)
            + f"{born.year % 100:02d}{_MONTH_LETTERS[born.month - 1]}{day:02d}"
            + BIRTHPLACE_CODE)
    return body + check_letter(body)


def vat_number(serial: int) -> str:
    """Return a valid partita IVA registered with the Udine office (030)."""
    body = f"{serial:07d}030"
    digits = [int(c) for c in body]
    odd = sum(digits[0::2])
    even = sum(d * 2 - 9 if d * 2 > 9 else d * 2 for d in digits[1::2])
    return body + str((10 - (odd + even) % 10) % 10)


def iban(serial: int) -> str:
    """Return a valid Italian IBAN at a local bank branch."""
    bban = f"0548464320{serial:012d}"  # ABI 05484, CAB 64320, account number
    bban = check_letter(bban) + bban
    digits = "".join(str(int(c, 36)) for c in bban + "IT00")
    return f"IT{98 - int(digits) % 97:02d}{bban}"


def _pod(slot: int) -> str:
    """Return the POD of the supply in a slot: IT, distributor code, E, eight digits."""
    return f"IT{DISTRIBUTOR_CODE}E{12345 + 211 * slot:08d}"


# --- the people ----------------------------------------------------------------------------

def _home(street: str, town: str, profile: str = "home", power: str = "3",
          structure: TariffStructure = TariffStructure.MULTI,
          payment: PaymentMethod = PaymentMethod.SEPA, start: date = date(1998, 3, 1),
          **history) -> ContractSpec:
    """Describe a resident household's supply."""
    return ContractSpec(street, town, CustomerType.RESIDENT, structure, power, profile,
                        payment, start, **history)


def _holiday_home(street: str, town: str, power: str = "3",
                  structure: TariffStructure = TariffStructure.BI,
                  payment: PaymentMethod = PaymentMethod.SEPA, start: date = date(2006, 6, 1),
                  **history) -> ContractSpec:
    """Describe a non-resident holiday home's supply."""
    return ContractSpec(street, town, CustomerType.NON_RESIDENT, structure, power,
                        "second_home", payment, start, **history)


def _business(street: str, town: str, profile: str, power: str,
              payment: PaymentMethod = PaymentMethod.SEPA, start: date = date(2001, 1, 1),
              **history) -> ContractSpec:
    """Describe a shop's or a firm's supply (altri usi)."""
    return ContractSpec(street, town, CustomerType.OTHER, TariffStructure.MULTI, power,
                        profile, payment, start, **history)


def _person(code: str, first: str, surname: str, born: date, female: bool, street: str,
            town: str, member_since: date | None, contracts: Sequence[ContractSpec],
            email: str | None = None, **extra) -> CustomerSpec:
    """Describe a private customer."""
    return CustomerSpec(code, f"{first} {surname}", tax_code(surname, first, born, female),
                        street, town, member_since, email, tuple(contracts), **extra)


def _firm(code: str, name: str, serial: int, street: str, town: str,
          member_since: date | None, contracts: Sequence[ContractSpec],
          email: str | None = None) -> CustomerSpec:
    """Describe a business customer, identified by its partita IVA."""
    vat = vat_number(serial)  # a company's codice fiscale is its partita IVA
    return CustomerSpec(code, name, vat, street, town, member_since, email, tuple(contracts),
                        vat_number=vat)


def demo_customers() -> tuple[CustomerSpec, ...]:
    """Return every customer of the demo, the seed's member first."""
    notice = PaymentMethod.NOTICE
    mono, bi = TariffStructure.MONO, TariffStructure.BI
    return (
        _person("100234", "Mario", "Rossi", date(1952, 3, 12), False, "Via Roma 12",
                "Paluzza", date(1987, 4, 15), [
                    _home("Via Roma 12", "Paluzza", "rossi", start=date(1987, 5, 1),
                          estimated=(date(2024, 1, 31),), self_read=(date(2022, 3, 31),),
                          random_readings=False, web_since=date(2021, 3, 10)),
                    _holiday_home("Via Monte Zoncolan 8", "Ravascletto", start=date(2009, 6, 1),
                                  estimated=(date(2022, 1, 31),), random_readings=False,
                                  late_transfer=True),
                ], email="socio@example.com", login=("socio@example.com", "Paluzza!2023"),
                seed_contract=0),
        _person("100235", "Lucia", "Plozner", date(1958, 9, 4), True, "Via di Sot 14",
                "Cercivento", date(1994, 9, 1), [
                    _home("Via di Sot 14", "Cercivento", "elderly", payment=notice,
                          ends_odd=False, estimated=(date(2025, 2, 28),),
                          random_readings=False),
                ], email="vicino@example.com", login=("vicino@example.com", "Cercivento!2023")),
        _person("100236", "Giovanni", "Puntel", date(1948, 5, 3), False, "Via Nazionale 41",
                "Paluzza", date(1975, 6, 10), [
                    _home("Via Nazionale 41", "Paluzza", "elderly", ends_odd=False)]),
        _person("100237", "Elena", "Di Centa", date(1961, 11, 22), True, "Via Marconi 7",
                "Paluzza", date(1990, 2, 1), [_home("Via Marconi 7", "Paluzza", power="4.5",
                                                    web_since=date(2022, 1, 17))],
                email="elena.dicenta@example.com"),
        _person("100238", "Luigi", "Matiz", date(1955, 2, 14), False, "Via di Sot 3",
                "Cercivento", date(1982, 3, 15), [
                    _home("Via di Sot 3", "Cercivento", payment=notice, ends_odd=False),
                    _holiday_home("Via Monte Zoncolan 12", "Ravascletto", payment=notice),
                ]),
        _person("100239", "Anna", "Craighero", date(1972, 7, 9), True, "Via Linussio 15",
                "Sutrio", None, [_home("Via Linussio 15", "Sutrio", structure=bi)],
                email="anna.craighero@example.com"),
        _person("100240", "Franco", "Morassi", date(1950, 9, 30), False, "Via Roma 22",
                "Treppo Ligosullo", date(1979, 1, 20), [
                    _home("Via Roma 22", "Treppo Ligosullo", "elderly", payment=notice)]),
        _person("100241", "Paola", "Maieron", date(1980, 4, 18), True, "Via Monte Zoncolan 30",
                "Ravascletto", None, [
                    _home("Via Monte Zoncolan 30", "Ravascletto", structure=mono,
                          ends_odd=False)]),
        _firm("100242", "Alimentari Straulino s.n.c.", 2_184_517, "Via Roma 5", "Paluzza",
              date(2001, 1, 15), [_business("Via Roma 5", "Paluzza", "shop", "10")],
              email="alimentari.straulino@example.com"),
        _person("100243", "Sergio", "Unfer", date(1958, 12, 1), False, "Via Roma 40",
                "Sutrio", date(1988, 5, 2), [
                    _home("Via Roma 40", "Sutrio", ends_odd=False),
                    _business("Via Peschiera 2", "Sutrio", "workshop", "6", ends_odd=False),
                ]),
        _person("100244", "Lucia", "Cescutti", date(1966, 6, 6), True, "Via Aquileia 18",
                "Udine", None, [
                    _holiday_home("Via Valcalda 5", "Ravascletto", power="1.5",
                                  structure=mono, payment=notice, ends_odd=False)],
                leaves_unpaid=True),
        _firm("100245", "Bar Al Zoncolan di Silverio Dino", 2_391_046, "Via Monte Zoncolan 2",
              "Ravascletto", None, [
                  _business("Via Monte Zoncolan 2", "Ravascletto", "bar", "15", payment=notice)]),
        _person("100246", "Bruno", "Primus", date(1945, 1, 20), False, "Via Timau 9",
                "Paluzza", date(1970, 10, 1), [_home("Via Timau 9", "Paluzza", "elderly")]),
        _person("100247", "Giulia", "Screm", date(1990, 3, 11), True, "Via Roma 8",
                "Cercivento", None, [
                    _home("Via Roma 8", "Cercivento", "single", start=date(2023, 5, 1),
                          web_since=date(2023, 5, 1))],
                email="giulia.screm@example.com"),
        _person("100248", "Pietro", "De Crignis", date(1953, 10, 5), False, "Via Paluzza 14",
                "Treppo Ligosullo", date(1984, 7, 1), [
                    _home("Via Paluzza 14", "Treppo Ligosullo", ends_odd=False)]),
        _person("100249", "Carla", "Mentil", date(1949, 8, 25), True, "Via Zovello 3",
                "Ravascletto", date(1976, 4, 12), [
                    _home("Via Zovello 3", "Ravascletto", "elderly", payment=notice)]),
        _person("100250", "Renzo", "Selenati", date(1962, 2, 28), False, "Via Linussio 3",
                "Sutrio", None, [
                    _home("Via Linussio 3", "Sutrio", power="4.5"),
                    _holiday_home("Via di Sora 6", "Cercivento", start=date(2016, 5, 1),
                                  end=date(2024, 6, 30), ends_odd=False),
                ]),
        _person("100251", "Silvia", "Tassotti", date(1975, 12, 12), True, "Via Cleulis 21",
                "Paluzza", date(2005, 3, 1), [_home("Via Cleulis 21", "Paluzza")],
                email="silvia.tassotti@example.com"),
        _firm("100252", "Agriturismo Faleschini", 2_540_283, "Via Ligosullo 30",
              "Treppo Ligosullo", date(1999, 6, 1), [
                  _business("Via Ligosullo 30", "Treppo Ligosullo", "farm", "15",
                            ends_odd=False)]),
        _person("100253", "Marco", "Gortani", date(1983, 7, 7), False, "Via Cividale 100",
                "Udine", None, [
                    _holiday_home("Via Sclusons 4", "Sutrio", payment=notice)]),
        _person("100254", "Rita", "Del Bon", date(1958, 4, 4), True, "Via Roma 31", "Paluzza",
                date(1983, 11, 5), [
                    _home("Via Roma 31", "Paluzza", "elderly", structure=mono,
                          payment=notice)]),
        _person("100255", "Laura", "Moro", date(1969, 9, 19), True, "Via Roma 17",
                "Cercivento", None, [_home("Via Roma 17", "Cercivento", ends_odd=False)]),
        _person("100256", "Dino", "Brunetti", date(1940, 11, 11), False, "Via Roma 3",
                "Treppo Ligosullo", date(1965, 2, 1), [
                    _home("Via Roma 3", "Treppo Ligosullo", "single", power="1.5",
                          payment=notice)]),
        _person("100257", "Maria", "Menegon", date(1957, 5, 27), True,
                "Via Carnia Libera 1944 10", "Tolmezzo", None, [
                    _holiday_home("Via Pradis 7", "Ravascletto", ends_odd=False)]),
        _person("100258", "Giuseppe", "Vuerich", date(1947, 3, 3), False, "Via Marconi 15",
                "Paluzza", date(1972, 8, 1), [
                    _home("Via Marconi 15", "Paluzza", "heat_pump", power="6")]),
    )


# --- calendar and prices -------------------------------------------------------------------

def _next_month(month: date) -> date:
    """Return the first day of the following month."""
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _month_end(month: date) -> date:
    """Return the last day of a month."""
    return _next_month(month) - timedelta(days=1)


def _latest(table: dict, key):
    """Return the entry of a table for a key, or for the latest key before it."""
    return table[max(k for k in table if k <= key)]


def _energy_price(months: Sequence[date]) -> Decimal:
    """Return the average base energy price over the months of a period."""
    prices = [Decimal(_latest(QUARTER_ENERGY_PRICES, (m.year, (m.month - 1) // 3 + 1)))
              for m in months]
    return (sum(prices) / len(prices)).quantize(PRICE_STEP, rounding=ROUND_HALF_UP)


def _tariff(spec: ContractSpec, months: Sequence[date]) -> Tariff:
    """Return the unit prices of a supply for a billing period."""
    yearly = _latest(YEARLY_PRICES, months[0].year)
    factor = OTHER_USES_FACTOR if spec.customer_type is CustomerType.OTHER else Decimal(1)
    base = _energy_price(months) * factor
    energy = {band: (base * Decimal(f)).quantize(PRICE_STEP, rounding=ROUND_HALF_UP)
              for band, f in BAND_FACTORS[spec.structure].items()}
    return Tariff(
        energy=energy,
        sale_fixed=(Decimal(yearly.sale_fixed) * factor).quantize(Decimal("0.01")),
        network_energy=Decimal(yearly.network_energy),
        network_fixed=Decimal(yearly.network_fixed),
        network_power=Decimal(yearly.network_power),
        charges_energy=Decimal(yearly.charges_energy),
        charges_fixed=Decimal(yearly.charges_fixed),
        member_discount=Decimal(yearly.member_discount),
    )


def _number_base(day: date) -> int:
    """Return the first invoice number issued on a day."""
    if day.year == 2023:
        for (d0, n0), (d1, n1) in pairwise(NUMBER_ANCHORS_2023):
            if d0 <= day < d1:
                return n0 + (n1 - n0) * (day - d0).days // (d1 - d0).days
    return 1 + (day.timetuple().tm_yday - 1) * NUMBERS_PER_DAY


# --- consumption ---------------------------------------------------------------------------

def _band_weights(month: date, intensity: Sequence[float]) -> list[float]:
    """Return how a month's kWh spread over the bands: hours times intensity."""
    hours = band_hours(month)
    return [hours[band] * k for band, k in zip(Band, intensity, strict=True)]


@dataclass
class _Usage:
    """Draws a supply's true monthly consumption."""

    profile: Profile
    rng: random.Random
    year_factors: dict[int, float] = field(default_factory=dict)

    def month(self, month: date) -> MonthUse:
        """Draw the consumption of one month, split by band."""
        p = self.profile
        if month.year not in self.year_factors:
            self.year_factors[month.year] = self.rng.uniform(0.94, 1.06)
        expected = p.yearly_kwh * p.monthly_weights[month.month - 1] / sum(p.monthly_weights)
        noise = self.rng.uniform(0.88, 1.12)
        kwh = max(4, round(expected * self.year_factors[month.year] * noise))
        return MonthUse(month, Bands(*apportion(kwh, _band_weights(month, p.intensity))))


def _split_seed(seed: SeedInvoice, months: Sequence[date],
                profile: Profile) -> tuple[MonthUse, ...]:
    """Spread a seed invoice's band totals over its months by season and band hours."""
    per_band = []
    for band, total in seed.bands.items():
        weights = [profile.monthly_weights[m.month - 1] * band_hours(m)[band] for m in months]
        per_band.append(apportion(total, weights))
    return tuple(MonthUse(m, Bands(*(parts[i] for parts in per_band)))
                 for i, m in enumerate(months))


def _estimate(truth: Sequence[MonthUse], rng: random.Random) -> tuple[MonthUse, ...]:
    """Return an estimate that falls short of the true consumption, split like it."""
    factor = rng.uniform(*ESTIMATE_SHORTFALL)
    per_band = []
    for actual in zip(*(m.bands for m in truth), strict=True):   # one band, month by month
        per_band.append(apportion(round(sum(actual) * factor), [float(a) for a in actual]))
    return tuple(MonthUse(m.month, Bands(*(parts[i] for parts in per_band)))
                 for i, m in enumerate(truth))


# --- billing periods -----------------------------------------------------------------------

@dataclass(frozen=True)
class _Period:
    """The dates of one bill."""

    months: tuple[date, ...]
    issue_date: date
    due_date: date
    seed: SeedInvoice | None = None

    @property
    def end(self) -> date:
        """Return the last day of the period."""
        return _month_end(self.months[-1])


def _period_months(spec: ContractSpec, today: date) -> list[tuple[date, ...]]:
    """Group the supply's months into billing periods, up to today or the contract's end."""
    closes_on = 1 if spec.ends_odd else 0
    month = DATA_START if DATA_START.month % 2 != closes_on else date(2020, 12, 1)
    month = max(month, spec.start.replace(day=1))
    last = min(spec.end, today) if spec.end else today
    periods, current = [], []
    while month <= last:
        current.append(month)
        if month.month % 2 == closes_on or (spec.end and _month_end(month) == spec.end):
            periods.append(tuple(current))
            current = []
        month = _next_month(month)
    return periods


def _periods(spec: ContractSpec, today: date, rng: random.Random,
             seeds: Sequence[SeedInvoice]) -> list[_Period]:
    """Return the supply's bills issued up to today, the seed's ones as published."""
    by_end = {s.period_end: s for s in seeds}
    periods = []
    for months in _period_months(spec, today):
        issue = _month_end(months[-1]) + timedelta(days=rng.randint(*ISSUE_DELAY_DAYS))
        due = issue + timedelta(days=rng.randint(*PAYMENT_TERM_DAYS))
        seed = by_end.get(_month_end(months[-1]))
        if seed is not None:
            issue, due = seed.issue_date, seed.due_date
        if issue <= today:
            periods.append(_Period(months, issue, due, seed))
    return periods


def _reading_types(spec: ContractSpec, periods: Sequence[_Period],
                   rng: random.Random) -> list[ReadingType]:
    """Choose each bill's reading type; an estimate is always followed by a real reading."""
    types = []
    for i, period in enumerate(periods):
        draw = rng.random()
        can_estimate = (0 < i < len(periods) - 1 and period.seed is None
                        and periods[i + 1].seed is None and types[-1] is not ReadingType.ESTIMATED)
        if period.end in spec.estimated or (
                spec.random_readings and can_estimate and draw < ESTIMATE_CHANCE):
            types.append(ReadingType.ESTIMATED)
        elif period.end in spec.self_read or (
                spec.random_readings and period.seed is None
                and draw > 1 - SELF_READING_CHANCE):
            types.append(ReadingType.SELF)
        else:
            types.append(ReadingType.ACTUAL)
    return types


# --- building rows -------------------------------------------------------------------------
# The history is built as plain rows and bulk-inserted: building ORM objects for some 15,000
# rows would take most of the loading time.

Row = dict[str, object]


@dataclass
class _Registers:
    """The meter's cumulative band registers: as they really are, and as last billed."""

    true: Bands[int]
    billed: Bands[int]
    estimated: tuple[_Period, Tariff] | None = None  # the last bill that used an estimate


@dataclass(frozen=True)
class _Bill:
    """An invoice row and its line rows, before the invoice has an id."""

    invoice: Row
    lines: list[Row]


@dataclass
class _History:
    """The rows generated for one supply."""

    bills: list[_Bill] = field(default_factory=list)
    months: list[Row] = field(default_factory=list)
    readings: list[Row] = field(default_factory=list)


def _line_rows(lines: Sequence[CostLine]) -> list[Row]:
    """Turn cost lines into rows, numbered in order."""
    return [{"position": i, "group": line.group, "side": line.side,
             "description": line.description, "quantity": line.quantity, "unit": line.unit,
             "unit_price": line.unit_price, "amount": line.amount}
            for i, line in enumerate(lines, start=1)]


def _bill(contract_id: int, spec: ContractSpec, terms: SupplyTerms, period: _Period,
          billed: tuple[MonthUse, ...], reading: ReadingType,
          recalculation: Recalculation | None, rai: tuple[date, ...], slot: int) -> _Bill:
    """Build one invoice with its lines; the seed's ones reach their published total."""
    billing = BillingPeriod(terms, billed, _tariff(spec, period.months),
                            generation_for(period.issue_date), recalculation, rai)
    if period.seed is not None:
        lines, number = cost_lines_for_total(billing, period.seed.total), period.seed.number
    else:
        lines, number = cost_lines(billing), _number_base(period.issue_date) + slot
    f1, f2, f3 = billing.bands
    invoice = {
        "contract_id": contract_id, "fiscal_year": period.issue_date.year, "number": number,
        "issue_date": period.issue_date, "due_date": period.due_date,
        "period_start": period.months[0], "period_end": period.end,
        "reading_date": period.end + timedelta(days=1), "reading_type": reading,
        "f1_kwh": f1, "f2_kwh": f2, "f3_kwh": f3, "total": lines_total(lines),
        "generation": billing.generation, "is_adjustment": recalculation is not None,
    }
    return _Bill(invoice, _line_rows(lines))


def _recalculation(registers: _Registers, truth: Bands[int]) -> Recalculation | None:
    """Return the conguaglio of the last estimate, once an actual reading replaces it."""
    if registers.estimated is None:
        return None
    # Registers as they really were before this period, minus as they were billed.
    difference = registers.true - truth - registers.billed
    period, tariff = registers.estimated
    return Recalculation(period.months[0], period.end, difference, tariff)


def _reading_row(contract_id: int, read_on: date, registers: Bands[int],
                 reading: ReadingType) -> Row:
    """Return a meter reading row."""
    f1, f2, f3 = registers
    return {"contract_id": contract_id, "read_on": read_on, "f1": f1, "f2": f2, "f3": f3,
            "reading_type": reading}


def _history(contract: Contract, spec: ContractSpec, customer: CustomerSpec, slot: int,
             today: date, seeds: Sequence[SeedInvoice]) -> _History:
    """Generate a supply's bills, monthly band totals and meter readings."""
    dates_rng = random.Random(f"{SEED}:{contract.pod}:dates")
    use_rng = random.Random(f"{SEED}:{contract.pod}:use")
    periods = _periods(spec, today, dates_rng, seeds)
    types = _reading_types(spec, periods, dates_rng)
    usage = _Usage(PROFILES[spec.profile], use_rng)
    terms = SupplyTerms(spec.customer_type, spec.structure, Decimal(spec.power_kw),
                        customer.member_since is not None)
    start = Bands(*(use_rng.randint(8_000, 40_000) for _ in Band))
    registers = _Registers(start, start)
    history = _History()
    if periods:
        history.readings.append(
            _reading_row(contract.id, periods[0].months[0], start, ReadingType.ACTUAL))
        # The canone instalments due from the first month the portal holds are charged.
        rai_from = periods[0].months[0]
    for period, reading in zip(periods, types, strict=True):
        truth = (_split_seed(period.seed, period.months, usage.profile) if period.seed
                 else tuple(usage.month(m) for m in period.months))
        sums = Bands.sum_of(m.bands for m in truth)
        registers.true += sums
        if reading is ReadingType.ESTIMATED:
            billed, recalculation = _estimate(truth, use_rng), None
            registers.billed += Bands.sum_of(m.bands for m in billed)
            registers.estimated = (period, _tariff(spec, period.months))
        else:
            # The actual reading replaces the estimate: the difference is billed as ricalcolo.
            billed, recalculation = truth, _recalculation(registers, sums)
            registers.billed, registers.estimated = registers.true, None
        # Each bill charges the canone instalments fallen due since the previous bill's due date.
        rai = rai_instalments(rai_from, period.due_date)
        rai_from = max(rai_from, period.due_date)
        history.bills.append(_bill(contract.id, spec, terms, period, billed, reading,
                                   recalculation, rai, slot))
        history.months.extend(
            {"contract_id": contract.id, "month": m.month, "f1_kwh": m.bands.f1,
             "f2_kwh": m.bands.f2, "f3_kwh": m.bands.f3, "reading_type": reading}
            for m in billed)
        history.readings.append(_reading_row(contract.id, period.end + timedelta(days=1),
                                             registers.billed, reading))
    return history


def _payments(invoices: Sequence[Row], method: PaymentMethod, leaves_unpaid: bool,
              rng: random.Random, today: date) -> list[Row]:
    """Pay the bills as the customer does: SEPA on the due date, notices around it."""
    overdue = [inv for inv in invoices if inv["due_date"] < today]
    unpaid = overdue[-1] if leaves_unpaid and overdue else None
    payments = []
    for inv in invoices:
        if method is PaymentMethod.SEPA:
            paid_on, channel = inv["due_date"], "SEPA"
        else:
            late = rng.random() < 0.1
            shift = rng.randint(1, 25) if late else -rng.randint(0, 12)
            paid_on = inv["due_date"] + timedelta(days=shift)
            channel = rng.choice(("PagoPA", "PagoPA", "bollettino"))
        if inv is not unpaid and inv["total"] > 0 and paid_on < today:
            payments.append({"invoice_id": inv["id"], "paid_on": paid_on,
                             "amount": inv["total"], "channel": channel})
    return payments


def _late_transfer(invoices: Sequence[Row], payments: list[Row], pod: str,
                   today: date) -> list[Row]:
    """Replace the last two overdue bills' payments by one transfer that pays them in part.

    Their SEPA collections failed; some days after the later due date the holder sent a round
    sum: the older bill is paid in full, the rest goes to the newer, whose remainder is overdue.
    The two new payment rows carry the remittance row under "remittance".
    """
    overdue = [inv for inv in invoices if inv["due_date"] < today and inv["total"] > 0]
    if len(overdue) < 2:
        return payments
    older, newer = overdue[-2:]
    received = min(newer["due_date"] + timedelta(days=8), today - timedelta(days=1))
    amount = (older["total"] + newer["total"] / 2).quantize(Decimal(1), rounding=ROUND_DOWN)
    amount = amount.quantize(Decimal("0.01"))
    remittance = {"received_on": received, "amount": amount, "channel": "bonifico",
                  "reference": f"CRO {received:%Y%m%d}{pod[-6:]}"}
    kept = [p for p in payments if p["invoice_id"] not in (older["id"], newer["id"])]
    return kept + [{"invoice_id": inv["id"], "paid_on": received, "amount": share,
                    "channel": "bonifico", "remittance": remittance}
                   for inv, share in ((older, older["total"]), (newer, amount - older["total"]))]


def _insert_payments(session: Session, customer: Customer, payments: list[Row]) -> None:
    """Insert a supply's remittances, then its payments linked to them."""
    remittances = {id(p["remittance"]): p["remittance"] for p in payments if "remittance" in p}
    for row in remittances.values():
        item = Remittance(customer_id=customer.id, **row)
        session.add(item)
        session.flush()
        row["id"] = item.id
    _insert(session, Payment, [
        {**{k: v for k, v in p.items() if k != "remittance"},
         "remittance_id": p["remittance"]["id"] if "remittance" in p else None}
        for p in payments])


def _delivery_rows(contract: Contract, spec: ContractSpec, customer: CustomerSpec,
                   account: Account | None) -> list[Row]:
    """Return the supply's delivery history: paper from activation, then any switch to web."""
    rows: list[Row] = [{
        "contract_id": contract.id, "version": 1, "mode": DeliveryMode.PAPER, "email": None,
        "changed_at": datetime.combine(spec.start, time(9)), "actor": "SECAB (attivazione)",
        "account_id": None,
    }]
    if spec.web_since and customer.email:
        rows.append({
            "contract_id": contract.id, "version": 2, "mode": DeliveryMode.WEB,
            "email": customer.email, "changed_at": datetime.combine(spec.web_since, time(18, 5)),
            "actor": account.email if account else "SECAB (richiesta allo sportello)",
            "account_id": account.id if account else None,
        })
    return rows


def _customer(spec: CustomerSpec) -> Customer:
    """Build a customer row."""
    return Customer(code=spec.code, name=spec.name, tax_code=spec.tax_code,
                    vat_number=spec.vat_number, billing_street=spec.street,
                    billing_zip=ZIP_CODES[spec.town],
                    billing_city=spec.town, billing_province=PROVINCE, email=spec.email,
                    member_since=spec.member_since)


def _contract(customer: Customer, spec: ContractSpec, slot: int) -> Contract:
    """Build a contract row for the supply in a slot."""
    power = Decimal(spec.power_kw)
    protected = spec.profile in PROTECTED_PROFILES
    offer, offer_code = PROTECTED_OFFER if protected else OFFERS[spec.customer_type]
    three_phase = power > 6
    return Contract(
        customer=customer, pod=_pod(slot), supply_street=spec.street,
        supply_zip=ZIP_CODES[spec.town], supply_city=spec.town,
        customer_type=spec.customer_type, tariff_structure=spec.structure,
        offer_name=offer, offer_code=offer_code,
        offer_market=Market.PROTECTED if protected else Market.FREE,
        offer_conditions_until=None if protected else OFFER_CONDITIONS_UNTIL,
        power_committed_kw=power,
        power_available_kw=(power * Decimal("1.1")).quantize(Decimal("0.001")),
        voltage_v=400 if three_phase else 230, phases=3 if three_phase else 1,
        meter_type=METER_TYPE, billing_months=2, start_date=spec.start, end_date=spec.end,
        status=ContractStatus.CEASED if spec.end else ContractStatus.ACTIVE,
        payment_method=spec.payment,
        iban=iban(100_000 + slot) if spec.payment is PaymentMethod.SEPA else None,
    )


def _accounts(customers: Sequence[tuple[CustomerSpec, Customer]],
              hash_password: Callable[[str], str]) -> list[Account]:
    """Build the customers' logins and the staff's, storing only password hashes."""
    accounts = [Account(email=spec.login[0], password_hash=hash_password(spec.login[1]),
                        role=Role.MEMBER, customer=customer)
                for spec, customer in customers if spec.login]
    accounts += [Account(email=email, password_hash=hash_password(password), role=role,
                         full_name=name)
                 for email, password, role, name in STAFF]
    return accounts


def _insert(session: Session, model: type, rows: Sequence[Row]) -> None:
    """Bulk-insert rows into a model's table, if there are any."""
    if rows:
        session.execute(insert(model), rows)


def _insert_bills(session: Session, bills: Sequence[_Bill]) -> None:
    """Insert invoices, note their ids in their rows, then insert their lines."""
    rows = [bill.invoice for bill in bills]
    if not rows:
        return
    ids = session.scalars(
        insert(Invoice).returning(Invoice.id, sort_by_parameter_order=True), rows).all()
    for row, invoice_id in zip(rows, ids, strict=True):
        row["id"] = invoice_id
    _insert(session, InvoiceLine,
            [{**line, "invoice_id": bill.invoice["id"]} for bill in bills for line in bill.lines])


def is_loaded(session: Session) -> bool:
    """Tell whether the database already holds customers (and so gets no demo data)."""
    return session.scalar(select(Customer.id).limit(1)) is not None


def load_demo(session: Session, hash_password: Callable[[str], str],
              today: date | None = None) -> None:
    """Load the demo data into a database without customers; the caller commits."""
    if is_loaded(session):
        return
    today = today or date.today()
    specs = demo_customers()
    customers = [(spec, _customer(spec)) for spec in specs]
    supplies = [(c_spec, spec, customer, i == spec.seed_contract)
                for spec, customer in customers for i, c_spec in enumerate(spec.contracts)]
    if len(supplies) > MAX_SLOTS:
        raise ValueError("more supplies than invoice-number slots")
    contracts = [_contract(customer, c_spec, slot)
                 for slot, (c_spec, _, customer, _) in enumerate(supplies)]
    session.add_all([customer for _, customer in customers] + contracts)
    accounts = _accounts(customers, hash_password)
    session.add_all(accounts)
    session.flush()
    account_of = {account.customer_id: account for account in accounts if account.customer_id}
    for slot, (contract, (c_spec, spec, customer, is_seed)) in enumerate(
            zip(contracts, supplies, strict=True)):
        seeds = SEED_INVOICES if is_seed else ()
        history = _history(contract, c_spec, spec, slot, today, seeds)
        _insert_bills(session, history.bills)
        _insert(session, MonthlyConsumption, history.months)
        _insert(session, MeterReading, history.readings)
        rng = random.Random(f"{SEED}:{contract.pod}:payments")
        invoices = [bill.invoice for bill in history.bills]
        payments = _payments(invoices, c_spec.payment, spec.leaves_unpaid, rng, today)
        if c_spec.late_transfer:
            payments = _late_transfer(invoices, payments, contract.pod, today)
        _insert_payments(session, customer, payments)
        _insert(session, BillDeliveryChange,
                _delivery_rows(contract, c_spec, spec, account_of.get(customer.id)))
    session.flush()
    add_demo_curves(session)
