"""Computed measures: each capability registers the measures it can compute and a provider.

A provider answers `provider(measure_code, units, period, as_of) -> dict[unit_id, Reading]` where
`units` are the units to compute for, each meaning its whole subtree (so the superior sees the sum
of the communes below it). Registration happens in each app's `measures_provider` module, which
`cchc.measures.readings` imports on first use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cchc.measures.periods import Period
    from cchc.organisation.models import Unit


@dataclass(frozen=True)
class Reading:
    """A measure's value for a unit and period, with what it is computed from."""

    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    detail: str = ""


@dataclass(frozen=True)
class MeasureDefinition:
    """What a capability declares; `cchc measures sync` writes it to the Measure table."""

    code: str
    name: str
    kind: str
    aggregation: str
    source: str
    definition: str = ""
    numerator_label: str = ""
    denominator_label: str = ""
    higher_is_better: bool = True
    periodicity: str = "month"
    reform_area: int | None = None
    order: int = 100


Provider = Callable[[str, Sequence["Unit"], "Period", dt.date], dict[int, Reading]]


@dataclass
class _Registry:
    definitions: dict[str, MeasureDefinition] = field(default_factory=dict)
    providers: dict[str, Provider] = field(default_factory=dict)
    loaded: bool = False


registry = _Registry()


def register(definitions: Sequence[MeasureDefinition], provider: Provider) -> None:
    for definition in definitions:
        registry.definitions[definition.code] = definition
        registry.providers[definition.code] = provider


def load_providers() -> None:
    if registry.loaded:
        return
    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith("cchc."):
            try:
                __import__(f"{config.name}.measures_provider")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.measures_provider":
                    raise
    registry.loaded = True


def provider_for(code: str) -> Provider | None:
    load_providers()
    return registry.providers.get(code)


def all_definitions() -> list[MeasureDefinition]:
    load_providers()
    return list(registry.definitions.values())
