"""Data layer: models, query functions and the domain rules that belong to the data."""
from flask_sqlalchemy import SQLAlchemy

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
    "Base",
    "Contract",
    "Customer",
    "Invoice",
    "InvoiceLine",
    "LoginFailure",
    "LoginSession",
    "MeterReading",
    "MonthlyConsumption",
    "Payment",
    "db",
]
