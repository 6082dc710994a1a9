"""Data layer: models, query functions and the domain rules that belong to the data."""
from flask_sqlalchemy import SQLAlchemy

from .advice import AdvisorConsent
from .assistance import AssistanceCode, WrongAssistanceCode
from .curves import QuarterHourDay
from .entities import (
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
from .outbox import OutboxMail
from .security import AccountToken, LoginFailure, LoginSession

db = SQLAlchemy(model_class=Base)

__all__ = [
    "Account",
    "AccountToken",
    "AdvisorConsent",
    "AssistanceCode",
    "Base",
    "Contract",
    "Customer",
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
