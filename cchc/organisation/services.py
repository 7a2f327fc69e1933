"""Writes to the organisation tree: each runs in a transaction and records the change."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from cchc.audit.services import record, snapshot
from cchc.organisation.models import Unit, UnitKind


def find_kind(text: str) -> UnitKind | None:
    """Match a kind by name or code, ignoring case («xã», «Xã», «xa»)."""
    cleaned = " ".join(text.split()).strip()
    if not cleaned:
        return None
    for kind in UnitKind.objects.all():
        if cleaned.casefold() in {kind.name.casefold(), kind.code.casefold()}:
            return kind
    return None


def _path_for(unit: Unit) -> tuple[str, int]:
    own = f"{unit.pk:06d}."
    if unit.parent is None:
        return own, 0
    return unit.parent.path + own, unit.parent.depth + 1


def _refresh_paths(unit: Unit) -> None:
    """Recompute the materialised path of a unit and its whole subtree after a move."""
    path, depth = _path_for(unit)
    old_path = unit.path
    if path == old_path and depth == unit.depth:
        return
    unit.path, unit.depth = path, depth
    Unit.objects.filter(pk=unit.pk).update(path=path, depth=depth)
    if old_path:
        for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).order_by("depth"):
            child.path = path + child.path[len(old_path) :]
            child.depth = child.path.count(".") - 1
            Unit.objects.filter(pk=child.pk).update(path=child.path, depth=child.depth)


def _check_parent(unit: Unit, parent: Unit | None) -> None:
    if parent is None or unit.pk is None:
        return
    if parent.pk == unit.pk or (unit.path and parent.path.startswith(unit.path)):
        raise ValidationError({"parent": "Không thể đặt đơn vị cấp trên là chính nó hoặc một đơn vị cấp dưới của nó."})


@transaction.atomic
def save_unit(*, actor: Any, unit: Unit, data: dict[str, Any]) -> Unit:
    """Create or update a unit from cleaned data and keep the tree paths right."""
    creating = unit.pk is None
    before = None if creating else snapshot(Unit.objects.get(pk=unit.pk))
    if "parent" in data:
        _check_parent(unit, data["parent"])
    for name, value in data.items():
        setattr(unit, name, value)
    unit.full_clean(exclude=["path", "depth"])
    unit.save()
    _refresh_paths(unit)
    record(
        actor=actor,
        action="create" if creating else "update",
        instance=unit,
        before=before,
        after=snapshot(unit),
    )
    return unit


@transaction.atomic
def close_unit(*, actor: Any, unit: Unit, valid_to: date, successor: Unit | None) -> Unit:
    """End a unit's validity (a merger), pointing at its successor so its history stays readable."""
    return save_unit(actor=actor, unit=unit, data={"valid_to": valid_to, "successor": successor})
