"""Vietnamese number and date style, for templates, documents and exports alike."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any


def _to_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def number(value: Any, places: int = 0) -> str:
    """1081000 → «1.081.000»; 92.5 with 2 places → «92,50»."""
    amount = _to_decimal(value)
    if amount is None:
        return "—" if value in (None, "") else str(value)
    quantum = Decimal(1).scaleb(-places)
    amount = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    text = f"{abs(amount):.{places}f}"
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    result = sign + ".".join(groups or ["0"])
    return f"{result},{fraction}" if fraction else result


def percent(value: Any, places: int = 2) -> str:
    """92 → «92,00%»."""
    amount = _to_decimal(value)
    if amount is None:
        return "—"
    return number(amount, places) + "%"


def date(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def document_date(place: str, day: dt.date) -> str:
    """«Hoàng Việt, ngày 05 tháng 01 năm 2026»: day < 10 and months 01–02 zero-padded (decree 30/2020)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"
