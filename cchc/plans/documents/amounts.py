"""Money amounts as Vietnamese documents write them: 1.081.000 and 12,5."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

BLANK_AMOUNTS = {"", "-", "–", "—", "x"}
THOUSANDS_DOTS = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
THOUSANDS_COMMAS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
PLAIN_WITH_COMMA = re.compile(r"^\d+(?:,\d+)?$")


class AmountFormatError(ValueError):
    """The text is not an amount this module can read without guessing."""


def parse_amount(text: str) -> Decimal | None:
    """Return the amount written in ``text``, None when the cell is blank or a dash.

    Dots group thousands and a comma marks decimals (Vietnamese style); a table typed in the
    English style ("1,081,000") is accepted when its grouping leaves no doubt.
    """
    compact = re.sub(r"[\s\u00a0]", "", text).removesuffix("đ").removesuffix("đồng")
    if compact.lower() in BLANK_AMOUNTS:
        return None
    negative = compact.startswith("-") or (compact.startswith("(") and compact.endswith(")"))
    digits = compact.strip("-()")
    if THOUSANDS_DOTS.match(digits) or PLAIN_WITH_COMMA.match(digits):
        canonical = digits.replace(".", "").replace(",", ".")
    elif THOUSANDS_COMMAS.match(digits):
        canonical = digits.replace(",", "")
    else:
        raise AmountFormatError(text)
    try:
        amount = Decimal(canonical)
    except InvalidOperation as error:
        raise AmountFormatError(text) from error
    return -amount if negative else amount


def format_amount(amount: Decimal) -> str:
    """1081000 → "1.081.000"; 12.5 → "12,5"."""
    sign = "-" if amount < 0 else ""
    normalised = abs(amount).normalize()
    integral, _, fraction = f"{normalised:f}".partition(".")
    grouped = f"{int(integral):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"
