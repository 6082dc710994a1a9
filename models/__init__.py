"""Data layer: models, query functions and the domain rules that belong to the data."""
from flask_sqlalchemy import SQLAlchemy

from .advice import AdvisorConsent
from .assistance import AssistanceCode, WrongAssistanceCode
from .curves import QuarterHourDay
from .entities import (
    AccessChain,
    AccessKind,
    AccessRecord,
    Account,
    Base,
    Contract,
    Customer,
    CustomerSearch,
    Invoice,
    InvoiceLine,
    MeterReading,
    MonthlyConsumption,
    Payment,
)
from .import_run import ImportRun
from .outbox import OutboxMail
from .search import refresh_search  # importing it keeps the search rows current on flush
from .security import AccountToken, LoginFailure, LoginSession

# Importing the trail installs its guards: no session may change or remove a record.
from . import audit  # noqa: F401  isort: skip

db = SQLAlchemy(model_class=Base)

__all__ = [
    "AccessChain",
    "AccessKind",
    "AccessRecord",
    "Account",
    "AccountToken",
    "AdvisorConsent",
    "AssistanceCode",
    "Base",
    "Contract",
    "Customer",
    "CustomerSearch",
    "ImportRun",
    "Invoice",
    "InvoiceLine",
    "LoginFailure",
    "LoginSession",
    "MeterReading",
    "MonthlyConsumption",
    "OutboxMail",
    "Payment",
    "QuarterHourDay",
    "WrongAssistanceCode",
    "db",
    "refresh_search",
]
