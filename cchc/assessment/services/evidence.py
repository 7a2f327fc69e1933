"""The evidence library: upload, link to leaves, unlink, answer an appraiser's request."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.access import Action
from cchc.assessment import evidence_files, phases
from cchc.assessment.models import (
    Criterion,
    Evidence,
    EvidenceLink,
    EvidenceRequest,
    LeafScore,
    RoundUnit,
)
from cchc.assessment.services.common import (
    check_leaf,
    fresh,
    locked_leaf_score,
    require_action,
    require_self_assessment_open,
    today_or,
    user_of,
)
from cchc.audit.services import record, snapshot
from cchc.notifications.models import Notification
from cchc.notifications.services import Reminder, notify
from cchc.organisation.models import Unit


@transaction.atomic
def upload_evidence(*, actor: Any, unit: Unit, upload: UploadedFile, title: str = "", year: int) -> Evidence:
    require_action(actor, Action.EDIT, unit)
    content_type = evidence_files.check(upload)
    original_name = PurePath(upload.name or "tai-lieu").name
    evidence = Evidence(
        unit=unit,
        title=(title.strip() or PurePath(original_name).stem)[:300],
        year=year,
        original_name=original_name[:255],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=user_of(actor),
    )
    evidence.file.save(original_name, upload, save=False)
    evidence.save()
    record(actor=actor, action="create", instance=evidence, after=snapshot(evidence), unit=unit)
    return evidence


@transaction.atomic
def delete_evidence(*, actor: Any, evidence: Evidence) -> None:
    require_action(actor, Action.EDIT, evidence.unit)
    if evidence.links.exists():
        raise ValidationError(f"Tài liệu «{evidence.title}» đang được dùng làm minh chứng; hãy gỡ khỏi tiêu chí trước.")
    before = snapshot(evidence)
    stored_name = evidence.file.name
    record(actor=actor, action="delete", instance=evidence, before=before, unit=evidence.unit)
    evidence.delete()
    storage = Evidence._meta.get_field("file").storage  # type: ignore[attr-defined]
    transaction.on_commit(lambda: storage.delete(stored_name))


def _open_request(score: LeafScore, today: dt.date) -> EvidenceRequest | None:
    if score.pk is None:
        return None
    for evidence_request in score.evidence_requests.filter(status=EvidenceRequest.Status.OPEN):
        if phases.is_open(score.round_unit.round, evidence_request.phase_kind, today):
            return evidence_request
    return None


def _require_evidence_editable(round_unit: RoundUnit, score: LeafScore, today: dt.date) -> None:
    """Evidence changes while self-assessing, or later to answer an open request within its phase."""
    if _open_request(score, today) is not None:
        return
    require_self_assessment_open(round_unit, today)


@transaction.atomic
def link_evidence(
    *, actor: Any, round_unit: RoundUnit, criterion: Criterion, evidence: Evidence, today: dt.date | None = None
) -> EvidenceLink:
    today = today_or(today)
    round_unit = fresh(round_unit)
    require_action(actor, Action.EDIT, round_unit.unit)
    check_leaf(round_unit, criterion)
    if evidence.unit_id != round_unit.unit_id:
        raise PermissionDenied("Tài liệu không thuộc thư viện minh chứng của đơn vị.")
    score = locked_leaf_score(round_unit, criterion)
    _require_evidence_editable(round_unit, score, today)
    if score.pk is None:
        score.updated_by = user_of(actor)
        score.save()
    link, created = EvidenceLink.objects.get_or_create(
        evidence=evidence, leaf_score=score, defaults={"linked_by": user_of(actor)}
    )
    if created:
        record(
            actor=actor,
            action="create",
            instance=link,
            after=snapshot(link),
            unit=round_unit.unit,
            note=f"Gắn minh chứng «{evidence.title}» cho tiêu chí {criterion.code}",
        )
    return link


@transaction.atomic
def unlink_evidence(*, actor: Any, link: EvidenceLink, today: dt.date | None = None) -> None:
    today = today_or(today)
    score = LeafScore.objects.select_related("round_unit__round", "round_unit__unit", "criterion").get(
        pk=link.leaf_score_id
    )
    round_unit = fresh(score.round_unit)
    require_action(actor, Action.EDIT, round_unit.unit)
    score.round_unit = round_unit
    _require_evidence_editable(round_unit, score, today)
    record(
        actor=actor,
        action="delete",
        instance=link,
        before=snapshot(link),
        unit=round_unit.unit,
        note=f"Gỡ minh chứng khỏi tiêu chí {score.criterion.code}",
    )
    link.delete()


# --- appraisal ----------------------------------------------------------------------------------


@transaction.atomic
def answer_evidence_request(
    *, actor: Any, evidence_request: EvidenceRequest, answer: str, today: dt.date | None = None
) -> EvidenceRequest:
    today = today_or(today)
    evidence_request = EvidenceRequest.objects.select_for_update().get(pk=evidence_request.pk)
    score = LeafScore.objects.select_related("round_unit__round", "round_unit__unit", "criterion").get(
        pk=evidence_request.leaf_score_id
    )
    round_unit = score.round_unit
    require_action(actor, Action.EDIT, round_unit.unit)
    if evidence_request.status != EvidenceRequest.Status.OPEN:
        raise ValidationError("Yêu cầu này đã được trả lời.")
    phases.require_open(round_unit.round, evidence_request.phase_kind, today)
    if not answer.strip():
        raise ValidationError("Cần ghi nội dung trả lời (tài liệu đã bổ sung, giải trình).")
    before = snapshot(evidence_request)
    evidence_request.status = EvidenceRequest.Status.ANSWERED
    evidence_request.answer, evidence_request.answered_by = answer.strip(), user_of(actor)
    evidence_request.answered_at = timezone.now()
    evidence_request.save()
    record(
        actor=actor,
        action="state",
        instance=evidence_request,
        before=before,
        after=snapshot(evidence_request),
        unit=round_unit.unit,
        note=f"Trả lời yêu cầu bổ sung minh chứng tiêu chí {score.criterion.code}",
    )
    if evidence_request.requested_by_id:
        reminder = Reminder(
            user_id=evidence_request.requested_by_id,
            key=f"assessment.evidence-answer.{evidence_request.pk}",
            title=f"{round_unit.unit.name} đã bổ sung minh chứng tiêu chí {score.criterion.code}",
            url=reverse("assessment:appraisal", args=[round_unit.pk]) + f"#leaf-{score.criterion_id}",
            category=Notification.Category.REVIEW,
            unit_id=round_unit.unit_id,
        )
        transaction.on_commit(lambda: notify(reminder))
    return evidence_request


# --- bulk scores and publication ----------------------------------------------------------------
