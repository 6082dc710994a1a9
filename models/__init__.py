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
    Invoice,
    InvoiceLine,
    MeterReading,
    MonthlyConsumption,
    Payment,
)
from .import_run import ImportRun
from .outbox import OutboxMail
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
]
