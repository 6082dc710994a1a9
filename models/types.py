"""Column types shared by the models."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger
from sqlalchemy.types import TypeDecorator


class ScaledDecimal(TypeDecorator[Decimal]):
    """Store a Decimal as an integer count of 10**-scale units.

    SQLite has no exact decimal type (NUMERIC degrades to REAL), so money and
    prices are kept as integers in every database and handed back as Decimal.
    """

    impl = BigInteger
    cache_ok = True

    def __init__(self, scale: int) -> None:
        super().__init__()
        self.scale = scale
        self._unit = Decimal(1).scaleb(-scale)

    def process_bind_param(self, value: Decimal | None, dialect) -> int | None:
        """Turn a Decimal into its integer count, refusing values that need rounding."""
        if value is None:
            return None
        scaled = Decimal(value).scaleb(self.scale)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {self.scale} decimals")
        return int(scaled)

    def process_result_value(self, value: int | None, dialect) -> Decimal | None:
        """Turn the stored integer back into a Decimal with the column's scale."""
        if value is None:
            return None
        return (Decimal(value) * self._unit).quantize(self._unit)


Money = ScaledDecimal(2)        # euro, to the cent
UnitPrice = ScaledDecimal(6)    # €/kWh, €/kW/month: tariffs are quoted to 6 decimals
Quantity = ScaledDecimal(3)     # kWh, kW, months, taxable bases
