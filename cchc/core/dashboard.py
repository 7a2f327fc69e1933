"""The home page gathers cards from every app that has something to say about the current unit.

An app adds cards by defining `cchc/<app>/dashboard.py` with `cards(request, unit) -> list[Card]`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from django.apps import apps
from django.http import HttpRequest

from cchc.organisation.models import Unit


@dataclass
class Card:
    title: str
    figure: str = ""
    figure_label: str = ""
    lines: list[tuple[str, str]] = field(default_factory=list)  # (text, url or "")
    url: str = ""
    link_label: str = ""
    order: int = 100


def collect_cards(request: HttpRequest, unit: Unit) -> list[Card]:
    cards: list[Card] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("cchc.") or config.name == "cchc.core":
            continue
        try:
            module = importlib.import_module(f"{config.name}.dashboard")
        except ModuleNotFoundError as error:
            if error.name == f"{config.name}.dashboard":
                continue
            raise
        cards.extend(module.cards(request, unit))
    return sorted(cards, key=lambda card: card.order)
