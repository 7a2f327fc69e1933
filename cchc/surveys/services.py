"""Every write on surveys except a public answer (see submission.py). All audited.

`actor=None` means the command line, run by the server's operator; otherwise the access rule applies.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cchc.accounts.access import Action, can
from cchc.audit.services import record, snapshot
from cchc.organisation.models import Unit
from cchc.organisation.tabular import normalise_header
from cchc.surveys import permissions
from cchc.surveys.answers import clean_sheet, respondent_groups
from cchc.surveys.arithmetic import parse_target
from cchc.surveys.guards import answer_fingerprint
from cchc.surveys.models import InvitationCode, Questionnaire, Response, RoundUnit, SurveyRound, new_token
from cchc.surveys.questionnaire import Questionnaire as Definition
from cchc.surveys.questionnaire import RespondentAttribute
from cchc.surveys.questionnaire_io import load_template, questionnaire_to_dict
from cchc.surveys.responses_io import RowError, parse_responses
from cchc.surveys.submission import code_hash

REVIEW_FIELDS = ["excluded", "excluded_reason", "excluded_by", "excluded_at", "reviewed_at"]
TARGET_FIELDS = ["sample_target", "group_targets", "satisfaction_target", "field_satisfaction_targets"]
MAX_INVITATIONS = 5000


# --- questionnaires --------------------------------------------------------------------------------


@transaction.atomic
def save_questionnaire(
    definition: Definition, *, actor: Any = None, is_sample: bool = False
) -> tuple[Questionnaire, bool]:
    """Store a questionnaire version; the same version again is accepted only if nothing changed."""
    permissions.check_actor(actor, permissions.can_manage_questionnaires(actor))
    definition.validate()
    spec = questionnaire_to_dict(definition)
    existing = Questionnaire.objects.filter(code=definition.code, version=definition.version).first()
    if existing is not None:
        if existing.spec != spec:
            raise ValidationError(
                f"Bộ câu hỏi {definition.identity} đã có với nội dung khác; hãy tăng số phiên bản "
                "(các đợt khảo sát đã dùng phiên bản cũ giữ nguyên nội dung)."
            )
        return existing, False
    questionnaire = Questionnaire.objects.create(
        code=definition.code,
        version=definition.version,
        name=definition.name.get("vi", definition.code)[:255],
        spec=spec,
        is_sample=is_sample,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    after = snapshot(questionnaire, ["code", "version", "name"])
    record(actor=actor, action="create", instance=questionnaire, after=after)
    return questionnaire, True


def ensure_sample(name: str = "sipas_2024") -> Questionnaire:
    """The shipped template, stored once (used by the demo and as the default of a new round)."""
    definition = load_template(name)
    existing = Questionnaire.objects.filter(code=definition.code, version=definition.version).first()
    return existing or save_questionnaire(definition, is_sample=True)[0]


def find_questionnaire(text: str) -> Questionnaire | None:
    """ "SIPAS-2024" (latest version), "SIPAS-2024:2" or "SIPAS-2024 v2"."""
    text = text.strip()
    code, version = text, None
    for separator in (":", " v", "@"):
        if separator in text:
            head, _, tail = text.rpartition(separator)
            if tail.strip().isdigit():
                code, version = head.strip(), int(tail)
                break
    queryset = Questionnaire.objects.filter(code__iexact=code)
    if version is not None:
        queryset = queryset.filter(version=version)
    return queryset.order_by("-version").first()


# --- rounds ----------------------------------------------------------------------------------------


def _check_dates(opens_on: dt.date | None, closes_on: dt.date | None) -> None:
    if opens_on and closes_on and closes_on < opens_on:
        raise ValidationError({"closes_on": "Ngày kết thúc phải sau ngày mở."})


def _check_units(organiser: Unit, units: Sequence[Unit]) -> None:
    outside = [unit.name for unit in units if not unit.path.startswith(organiser.path)]
    if outside:
        raise ValidationError(
            {"units": f"Đơn vị không thuộc {organiser.name} nên không thể tham gia: {', '.join(outside)}."}
        )


def common_parent(units: Sequence[Unit]) -> Unit:
    """The closest unit whose subtree holds every unit given (the organiser of a command-line round)."""
    prefix = units[0].path
    for unit in units[1:]:
        while not unit.path.startswith(prefix):
            prefix = prefix[:-7]
    parent = Unit.objects.filter(path=prefix).first() if prefix else None
    if parent is None:
        raise ValidationError("Không tìm được đơn vị chung của các đơn vị tham gia.")
    return parent


@transaction.atomic
def create_round(
    *,
    actor: Any,
    code: str,
    title: str,
    questionnaire: Questionnaire,
    organiser: Unit,
    units: Sequence[Unit],
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
    method_override: str = "",
    status: str = SurveyRound.Status.DRAFT,
) -> SurveyRound:
    permissions.check_actor(actor, can(actor, Action.MANAGE_PLANS, organiser))
    code = code.strip()
    if not code:
        raise ValidationError({"code": "Hãy nhập mã đợt khảo sát."})
    if SurveyRound.objects.filter(code__iexact=code).exists():
        raise ValidationError({"code": f"Mã đợt «{code}» đã được dùng."})
    if not units:
        raise ValidationError({"units": "Hãy chọn ít nhất một đơn vị tham gia."})
    _check_dates(opens_on, closes_on)
    _check_units(organiser, units)
    survey_round = SurveyRound.objects.create(
        code=code,
        title=title.strip() or code,
        questionnaire=questionnaire,
        unit=organiser,
        opens_on=opens_on,
        closes_on=closes_on,
        method_override=method_override,
        status=status,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _add_units(survey_round, units)
    record(actor=actor, action="create", instance=survey_round, after=snapshot(survey_round), unit=organiser)
    return survey_round


def _add_units(survey_round: SurveyRound, units: Iterable[Unit]) -> list[RoundUnit]:
    present = set(survey_round.round_units.values_list("unit_id", flat=True))
    used = set(RoundUnit.objects.values_list("token", flat=True))
    created = []
    for unit in units:
        if unit.pk in present:
            continue
        token = new_token()
        while token in used:
            token = new_token()
        used.add(token)
        created.append(RoundUnit(round=survey_round, unit=unit, token=token))
        present.add(unit.pk)
    return RoundUnit.objects.bulk_create(created)


@transaction.atomic
def add_units(*, actor: Any, survey_round: SurveyRound, units: Sequence[Unit]) -> int:
    permissions.check_actor(actor, permissions.can_manage_round(actor, survey_round))
    _check_units(survey_round.unit, units)
    created = _add_units(survey_round, units)
    if created:
        record(
            actor=actor,
            action="update",
            instance=survey_round,
            unit=survey_round.unit,
            note="Thêm đơn vị tham gia: " + ", ".join(round_unit.unit.name for round_unit in created),
        )
    return len(created)


@transaction.atomic
def update_round(*, actor: Any, survey_round: SurveyRound, data: Mapping[str, Any]) -> SurveyRound:
    permissions.check_actor(actor, permissions.can_manage_round(actor, survey_round))
    before = snapshot(survey_round)
    for name in ("title", "opens_on", "closes_on", "method_override"):
        if name in data:
            setattr(survey_round, name, data[name])
    _check_dates(survey_round.opens_on, survey_round.closes_on)
    survey_round.save()
    record(actor=actor, action="update", instance=survey_round, before=before, after=snapshot(survey_round))
    return survey_round


@transaction.atomic
def set_status(*, actor: Any, survey_round: SurveyRound, status: str) -> SurveyRound:
    permissions.check_actor(actor, permissions.can_manage_round(actor, survey_round))
    if status not in SurveyRound.Status.values:
        raise ValidationError("Trạng thái không hợp lệ.")
    if status == survey_round.status:
        return survey_round
    before = snapshot(survey_round, ["status"])
    survey_round.status = status
    survey_round.save(update_fields=["status"])
    label = SurveyRound.Status(status).label
    record(
        actor=actor,
        action="state",
        instance=survey_round,
        before=before,
        after=snapshot(survey_round, ["status"]),
        unit=survey_round.unit,
        note=f"Chuyển sang «{label}»",
    )
    return survey_round


# --- a participating unit: targets, invitations, kiosk ---------------------------------------------


def _clean_targets(
    definition: Definition, group_targets: Mapping[str, Mapping[str, int]], field_targets: Mapping[str, str]
) -> tuple[dict[str, dict[str, int]], dict[str, str]]:
    groups: dict[str, dict[str, int]] = {}
    for attribute, counts in group_targets.items():
        question = definition.respondent_question(attribute)
        if question is None:
            raise ValidationError(f"Bộ câu hỏi không có câu hỏi về «{attribute}».")
        kept = {}
        for option, count in counts.items():
            if option not in question.options:
                raise ValidationError(f"Câu «{question.code}» không có lựa chọn «{option}».")
            if count:
                kept[str(option)] = int(count)
        if kept:
            groups[attribute] = kept
    fields = {}
    field_question = definition.respondent_question(RespondentAttribute.FIELD_USED)
    for option, text in field_targets.items():
        if not text:
            continue
        if field_question is None or option not in field_question.options:
            raise ValidationError(f"Lĩnh vực «{option}» không có trong bộ câu hỏi.")
        try:
            parse_target(text)
        except ValueError as error:
            raise ValidationError(str(error)) from error
        fields[str(option)] = text.strip()
    return groups, fields


@transaction.atomic
def set_targets(
    *,
    actor: Any,
    round_unit: RoundUnit,
    sample_target: int | None,
    satisfaction_target: str = "",
    group_targets: Mapping[str, Mapping[str, int]] | None = None,
    field_targets: Mapping[str, str] | None = None,
) -> RoundUnit:
    permissions.check_actor(actor, permissions.can_manage_round_unit(actor, round_unit))
    if satisfaction_target:
        try:
            parse_target(satisfaction_target)
        except ValueError as error:
            raise ValidationError({"satisfaction_target": str(error)}) from error
    groups, fields = _clean_targets(round_unit.round.definition(), group_targets or {}, field_targets or {})
    before = snapshot(round_unit, TARGET_FIELDS)
    round_unit.sample_target = sample_target
    round_unit.satisfaction_target = satisfaction_target.strip()
    round_unit.group_targets = groups
    round_unit.field_satisfaction_targets = fields
    round_unit.save(update_fields=TARGET_FIELDS)
    record(
        actor=actor,
        action="update",
        instance=round_unit,
        before=before,
        after=snapshot(round_unit, TARGET_FIELDS),
        unit=round_unit.unit,
        note="Chỉ tiêu khảo sát",
    )
    return round_unit


@transaction.atomic
def set_invitation_required(*, actor: Any, round_unit: RoundUnit, required: bool) -> RoundUnit:
    permissions.check_actor(actor, permissions.can_manage_round_unit(actor, round_unit))
    before = snapshot(round_unit, ["requires_invitation"])
    round_unit.requires_invitation = required
    round_unit.save(update_fields=["requires_invitation"])
    record(
        actor=actor,
        action="update",
        instance=round_unit,
        before=before,
        after=snapshot(round_unit, ["requires_invitation"]),
        unit=round_unit.unit,
    )
    return round_unit


@transaction.atomic
def generate_invitation_codes(*, actor: Any, round_unit: RoundUnit, count: int) -> list[str]:
    """New one-time codes; only their hashes are kept, so the list returned is the only copy."""
    permissions.check_actor(actor, permissions.can_manage_round_unit(actor, round_unit))
    if not 1 <= count <= MAX_INVITATIONS:
        raise ValidationError(f"Số mã mời phải từ 1 đến {MAX_INVITATIONS}.")
    existing = set(InvitationCode.objects.filter(round_unit=round_unit).values_list("code_hash", flat=True))
    codes: list[str] = []
    hashes: list[str] = []
    while len(codes) < count:
        code = new_token()
        digest = code_hash(round_unit, code)
        if digest in existing:
            continue
        existing.add(digest)
        codes.append(code)
        hashes.append(digest)
    InvitationCode.objects.bulk_create([InvitationCode(round_unit=round_unit, code_hash=digest) for digest in hashes])
    record(actor=actor, action="create", instance=round_unit, unit=round_unit.unit, note=f"Tạo {count} mã mời")
    return codes


@transaction.atomic
def rotate_kiosk_key(*, actor: Any, round_unit: RoundUnit) -> str:
    """A new key for the unit's kiosk tablets; tablets set up with the old key stop being kiosks."""
    permissions.check_actor(actor, permissions.can_manage_round_unit(actor, round_unit))
    round_unit.kiosk_key = secrets.token_urlsafe(24)
    round_unit.save(update_fields=["kiosk_key"])
    record(actor=actor, action="update", instance=round_unit, unit=round_unit.unit, note="Cấp khóa kiosk mới")
    return round_unit.kiosk_key


# --- reviewing flagged answers ---------------------------------------------------------------------


@transaction.atomic
def exclude_response(*, actor: Any, response: Response, reason: str) -> Response:
    permissions.check_actor(actor, permissions.can_review(actor, response.round_unit.unit))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Hãy ghi lý do loại phiếu khỏi kết quả."})
    before = snapshot(response, REVIEW_FIELDS)
    now = timezone.now()
    response.excluded = True
    response.excluded_reason = reason
    response.excluded_by = actor if getattr(actor, "is_authenticated", False) else None
    response.excluded_at = now
    response.reviewed_at = now
    response.save(update_fields=REVIEW_FIELDS)
    record(
        actor=actor,
        action="state",
        instance=response,
        before=before,
        after=snapshot(response, REVIEW_FIELDS),
        unit=response.round_unit.unit,
        note=f"Loại phiếu khỏi kết quả: {reason}",
    )
    return response


@transaction.atomic
def restore_response(*, actor: Any, response: Response, note: str = "") -> Response:
    """Count the answer again (or confirm a flagged one is fine): it stays in the results."""
    permissions.check_actor(actor, permissions.can_review(actor, response.round_unit.unit))
    before = snapshot(response, REVIEW_FIELDS)
    response.excluded = False
    response.excluded_reason = ""
    response.excluded_by = None
    response.excluded_at = None
    response.reviewed_at = timezone.now()
    response.save(update_fields=REVIEW_FIELDS)
    record(
        actor=actor,
        action="state",
        instance=response,
        before=before,
        after=snapshot(response, REVIEW_FIELDS),
        unit=response.round_unit.unit,
        note=note or "Giữ phiếu trong kết quả",
    )
    return response


# --- importing paper and offline answers -----------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    per_unit: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def channel_lookup() -> dict[str, str]:
    lookup = {}
    for channel in Response.Channel:
        lookup[normalise_header(channel.value)] = channel.value
        lookup[normalise_header(channel.label)] = channel.value
    lookup[normalise_header("giấy")] = Response.Channel.PAPER
    return lookup


def import_responses(
    survey_round: SurveyRound,
    source: str | Path | IO[bytes],
    *,
    actor: Any = None,
    filename: str | None = None,
) -> ImportResult:
    """Read every sheet first; save them all in one transaction only when no row has a problem."""
    round_units = list(survey_round.round_units.select_related("unit"))
    if actor is not None:
        allowed = [round_unit for round_unit in round_units if permissions.can_manage_round_unit(actor, round_unit)]
        if not allowed:
            permissions.check(False)
        round_units = allowed
    by_code = {round_unit.unit.code: round_unit for round_unit in round_units}
    definition = survey_round.definition()
    result = ImportResult()
    parsed = parse_responses(
        source,
        definition,
        by_code,
        round_code=survey_round.code,
        channels=channel_lookup(),
        filename=filename,
    )
    result.errors = parsed.errors
    imported = set(
        Response.objects.filter(round_unit__in=round_units)
        .exclude(sheet_reference="")
        .values_list("round_unit__unit__code", "sheet_reference")
    )
    for sheet in parsed.sheets:
        if sheet.reference and (sheet.unit_code, sheet.reference) in imported:
            message = f"phiếu «{sheet.reference}» của đơn vị «{sheet.unit_code}» đã được nhập trước đây"
            result.errors.append(RowError(sheet.row, "Mã phiếu", message))
    if result.errors:
        result.errors.sort(key=lambda error: error.row)
        return result
    now = timezone.now()
    responses = []
    for sheet in parsed.sheets:
        cleaned = clean_sheet(definition, sheet.answers, enforce_required=False, drop_hidden=False)
        responses.append(
            Response(
                round_unit=by_code[sheet.unit_code],
                submitted_at=now,
                channel=sheet.channel or Response.Channel.IMPORT,
                answers=cleaned.answers,
                respondent=respondent_groups(definition, cleaned.answers),
                fingerprint=answer_fingerprint(cleaned.answers),
                sheet_reference=sheet.reference[:60],
            )
        )
        result.per_unit[sheet.unit_code] = result.per_unit.get(sheet.unit_code, 0) + 1
    with transaction.atomic():
        Response.objects.bulk_create(responses, batch_size=500)
        record(
            actor=actor,
            action="import",
            instance=survey_round,
            unit=survey_round.unit,
            note=f"Nhập {len(responses)} phiếu từ tệp {filename or getattr(source, 'name', source)}",
        )
    result.created = len(responses)
    return result
