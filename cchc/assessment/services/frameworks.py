"""Criteria sets: import a set as a new version, change its status."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from cchc.assessment import criteria as criteria_module
from cchc.assessment import framework_io
from cchc.assessment.models import (
    CriteriaSet,
    Criterion,
)
from cchc.assessment.ranking import CriterionNode
from cchc.assessment.services.common import (
    is_administrator,
    user_of,
)
from cchc.audit.services import record, snapshot


@transaction.atomic
def import_criteria_set(
    *, actor: Any, data: framework_io.CriteriaSet, status: str = CriteriaSet.Status.ACTIVE
) -> tuple[CriteriaSet, bool]:
    """Store a criteria set as a new version of its code; (set, False) when the latest version is identical.

    Activating a version retires the earlier active ones: rounds keep the version they were created with.
    """
    if not is_administrator(actor):
        raise PermissionDenied("Chỉ quản trị viên được nhập bộ tiêu chí.")
    errors = framework_io.validate_criteria_set(data)
    if errors:
        raise framework_io.FrameworkImportError(errors)
    latest = CriteriaSet.objects.filter(code=data.code).order_by("-version").first()
    if latest is not None and criteria_module.same_content(criteria_module.to_data(latest), data):
        return latest, False
    criteria_set = CriteriaSet.objects.create(
        code=data.code,
        version=latest.version + 1 if latest else 1,
        name=data.name,
        year_from=data.year_from,
        year_to=data.year_to,
        unit_kinds=list(data.unit_kinds),
        decision=data.decision,
        is_sample=data.is_sample,
        total_points=data.total_points,
        status=status,
        imported_by=user_of(actor),
    )
    _store_tree(criteria_set, data)
    if status == CriteriaSet.Status.ACTIVE:
        CriteriaSet.objects.filter(code=data.code, status=CriteriaSet.Status.ACTIVE).exclude(pk=criteria_set.pk).update(
            status=CriteriaSet.Status.RETIRED
        )
    record(
        actor=actor,
        action="import",
        instance=criteria_set,
        after=snapshot(criteria_set),
        note=f"Nhập bộ tiêu chí {criteria_set.label}: {len(list(data.walk()))} tiêu chí",
    )
    return criteria_set, True


def _store_tree(criteria_set: CriteriaSet, data: framework_io.CriteriaSet) -> None:
    # Level by level, so every parent has its id before its children are inserted.
    order = {node.code: position for position, node in enumerate(data.walk(), start=1)}
    created: dict[str, Criterion] = {}
    level: list[tuple[CriterionNode, Criterion | None]] = [(node, None) for node in data.nodes]
    depth = 0
    while level:
        rows = [
            Criterion(
                criteria_set=criteria_set,
                parent=parent,
                code=node.code,
                title=node.title,
                max_points=node.max_points,
                is_leaf=node.is_leaf,
                depth=depth,
                rule_kind=(node.rule_kind or "") if node.is_leaf else "",
                params=json.loads(framework_io.params_to_json(node.params)) if node.params else {},
                evidence_required=node.evidence_required,
                advising_position=node.advising_position,
                remediation_hint=node.remediation_hint,
                timeframe=node.timeframe,
                effort=node.effort,
                survey=node.survey,
                order=order[node.code],
            )
            for node, parent in level
        ]
        for row in Criterion.objects.bulk_create(rows):
            created[row.code] = row
        level = [(child, created[node.code]) for node, _parent in level for child in node.children]
        depth += 1


@transaction.atomic
def set_criteria_set_status(*, actor: Any, criteria_set: CriteriaSet, status: str) -> CriteriaSet:
    if not is_administrator(actor):
        raise PermissionDenied("Chỉ quản trị viên được đổi trạng thái bộ tiêu chí.")
    before = snapshot(criteria_set)
    criteria_set.status = status
    criteria_set.save(update_fields=["status"])
    record(actor=actor, action="state", instance=criteria_set, before=before, after=snapshot(criteria_set))
    return criteria_set


# --- rounds -------------------------------------------------------------------------------------
