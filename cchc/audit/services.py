"""Writing the change log. Services call `record` inside their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from cchc.audit.models import Change


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """A JSON-safe copy of the concrete field values, to store as before/after."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"password"}:
            continue
        value = getattr(instance, field.attname)
        values[field.name] = json_value(value)
    return values


def json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    return str(value)


def record(
    *,
    actor: Any,
    action: str,
    instance: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    unit: Any = None,
    note: str = "",
) -> Change:
    """Record one change. `unit` scopes who may read it; defaults to the instance's own `unit`."""
    if unit is None:
        unit = getattr(instance, "unit", None)
        if unit is None and instance._meta.label_lower == "organisation.unit":
            unit = instance
    return Change.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        unit=unit,
        before=before,
        after=after,
        note=note,
    )
