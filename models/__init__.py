"""Data layer: models, query functions and the domain rules that belong to the data."""
from flask_sqlalchemy import SQLAlchemy

from .entities import (
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
from .search import refresh_search  # importing it keeps the search rows current on flush
from .security import AccountToken, LoginFailure, LoginSession

db = SQLAlchemy(model_class=Base)

__all__ = [
    "Account",
    "AccountToken",
    "Base",
    "Contract",
    "Customer",
    "CustomerSearch",
    "Invoice",
    "InvoiceLine",
    "LoginFailure",
    "LoginSession",
    "MeterReading",
    "MonthlyConsumption",
    "Payment",
    "db",
    "refresh_search",
]
