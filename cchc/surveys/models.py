"""Satisfaction surveys: questionnaire versions, rounds, the units taking part, and anonymous answers.

Nothing here identifies a respondent. A response holds the answers, the respondent's own group answers
(age band, sex, field used…) and the guards' flags; it has no user, name, address or IP. The rate limits
work from `SubmissionTrace` rows that hold only a salted hash of the client and are never linked to a
response; an invitation code is burned without pointing at the answer it admitted.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from cchc.accounts.access import UnitScopedQuerySet, is_system_administrator, visible_unit_filter
from cchc.surveys.questionnaire import FACTOR_METHOD_LABELS, FactorMethod
from cchc.surveys.questionnaire_io import questionnaire_from_dict

if TYPE_CHECKING:
    from cchc.surveys.questionnaire import Questionnaire as Definition

# Letters and digits that cannot be confused when typed from a printed sheet (no 0/o, 1/l/i).
TOKEN_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TOKEN_LENGTH = 8

# Questionnaire specs never change once stored, so a parsed definition can be kept for the process.
_DEFINITIONS: dict[tuple[Any, ...], Definition] = {}


def new_token(length: int = TOKEN_LENGTH) -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(length))


class Questionnaire(models.Model):
    """One version of a questionnaire template; the spec is the JSON of `questionnaire_io`."""

    code = models.CharField("mã bộ câu hỏi", max_length=60)
    version = models.PositiveIntegerField("phiên bản")
    name = models.CharField("tên bộ câu hỏi", max_length=255)
    spec = models.JSONField("nội dung")
    is_sample = models.BooleanField("mẫu có sẵn", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người tạo",
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = "bộ câu hỏi"
        verbose_name_plural = "bộ câu hỏi"
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="questionnaire_code_version_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code} v{self.version})"

    @property
    def identity(self) -> str:
        return f"{self.code} v{self.version}"

    def definition(self) -> Definition:
        if self.pk is None:
            return questionnaire_from_dict(self.spec)
        key = (self.pk, self.code, self.version, self.created_at)
        cached = _DEFINITIONS.get(key)
        if cached is None:
            cached = _DEFINITIONS[key] = questionnaire_from_dict(self.spec)
        return cached


class SurveyRoundQuerySet(models.QuerySet["SurveyRound"]):
    def visible_to(self, user: Any) -> SurveyRoundQuerySet:
        """Rounds the user's units organise or take part in."""
        if is_system_administrator(user):
            return self
        from cchc.organisation.models import Unit

        visible = Unit.objects.filter(visible_unit_filter(user))
        return self.filter(Q(unit__in=visible) | Q(round_units__unit__in=visible)).distinct()


class SurveyRound(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Đang chuẩn bị"
        OPEN = "open", "Đang mở"
        CLOSED = "closed", "Đã kết thúc"

    code = models.CharField("mã đợt", max_length=60, unique=True)
    title = models.CharField("tên đợt khảo sát", max_length=255)
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="rounds", verbose_name="bộ câu hỏi"
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        related_name="survey_rounds",
        verbose_name="đơn vị tổ chức",
        help_text="Đơn vị chủ trì đợt khảo sát; các đơn vị tham gia thuộc đơn vị này hoặc cấp dưới.",
    )
    opens_on = models.DateField("ngày mở", null=True, blank=True)
    closes_on = models.DateField("ngày kết thúc", null=True, blank=True)
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.DRAFT)
    method_override = models.CharField(
        "cách tính yếu tố",
        max_length=20,
        blank=True,
        choices=[(method.value, label) for method, label in FACTOR_METHOD_LABELS.items()],
        help_text="Để trống để dùng cách tính của bộ câu hỏi.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người tạo",
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    objects = SurveyRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-closes_on", "-pk"]
        verbose_name = "đợt khảo sát"
        verbose_name_plural = "đợt khảo sát"
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True) | Q(closes_on__isnull=True) | Q(closes_on__gte=models.F("opens_on")),
                name="survey_round_dates_ordered",
                violation_error_message="Ngày kết thúc phải sau ngày mở.",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def definition(self) -> Definition:
        """The questionnaire as this round scores it (the round may override the factor method)."""
        definition = self.questionnaire.definition()
        if self.method_override and self.method_override != definition.method.factor_method:
            method = replace(definition.method, factor_method=FactorMethod(self.method_override))
            return replace(definition, method=method)
        return definition

    def accepts_answers(self, today: dt.date) -> bool:
        if self.status != self.Status.OPEN:
            return False
        if self.opens_on and today < self.opens_on:
            return False
        return not (self.closes_on and today > self.closes_on)

    def period_text(self) -> str:
        if self.opens_on and self.closes_on:
            return f"{self.opens_on:%d/%m/%Y} – {self.closes_on:%d/%m/%Y}"
        if self.closes_on:
            return f"đến {self.closes_on:%d/%m/%Y}"
        if self.opens_on:
            return f"từ {self.opens_on:%d/%m/%Y}"
        return "chưa đặt thời gian"


class RoundUnitQuerySet(UnitScopedQuerySet):
    unit_field = "unit"


class RoundUnit(models.Model):
    """A unit taking part in a round: its public link, sample targets and satisfaction targets."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="round_units", verbose_name="đợt")
    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="survey_round_units", verbose_name="đơn vị"
    )
    token = models.CharField("mã liên kết", max_length=16, unique=True, default=new_token)
    sample_target = models.PositiveIntegerField("số phiếu cần thu", null=True, blank=True)
    # {"field_used": {"1": 10}, "sex": {"2": 20}}: answers wanted per respondent group.
    group_targets = models.JSONField("số phiếu cần thu theo nhóm", default=dict, blank=True)
    satisfaction_target = models.CharField("chỉ tiêu hài lòng", max_length=30, blank=True)
    # {"3": "> 85%"}: targets per procedure field (option code of the field question).
    field_satisfaction_targets = models.JSONField("chỉ tiêu hài lòng theo lĩnh vực", default=dict, blank=True)
    requires_invitation = models.BooleanField("yêu cầu mã mời", default=False)
    kiosk_key = models.CharField("khóa thiết bị kiosk", max_length=64, blank=True)

    objects = RoundUnitQuerySet.as_manager()

    class Meta:
        ordering = ["round", "unit__path"]
        verbose_name = "đơn vị tham gia khảo sát"
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="round_unit_unique")]

    def __str__(self) -> str:
        return f"{self.round} – {self.unit}"


class ResponseQuerySet(UnitScopedQuerySet):
    unit_field = "round_unit__unit"

    def included(self) -> ResponseQuerySet:
        return self.filter(excluded=False)


class Response(models.Model):
    """One anonymous answer sheet. Deliberately nothing about who answered or from where."""

    class Channel(models.TextChoices):
        WEB = "web", "Trực tuyến"
        KIOSK = "kiosk", "Kiosk tại Bộ phận Một cửa"
        PAPER = "paper", "Phiếu giấy"
        IMPORT = "import", "Nhập từ tệp"

    round_unit = models.ForeignKey(
        RoundUnit, on_delete=models.CASCADE, related_name="responses", verbose_name="đơn vị tham gia"
    )
    submitted_at = models.DateTimeField("thời điểm gửi", db_index=True)
    channel = models.CharField("kênh", max_length=10, choices=Channel.choices)
    answers = models.JSONField("câu trả lời", default=dict)
    respondent = models.JSONField("nhóm người trả lời", default=dict, blank=True)
    flags = models.JSONField("cảnh báo", default=list, blank=True)
    is_flagged = models.BooleanField("có cảnh báo", default=False)
    fingerprint = models.CharField("dấu vân câu trả lời", max_length=64, blank=True)
    # The sheet number written on a paper form or in an imported file; refuses the same file twice.
    sheet_reference = models.CharField("mã phiếu", max_length=60, blank=True)
    excluded = models.BooleanField("loại khỏi kết quả", default=False)
    excluded_reason = models.TextField("lý do loại", blank=True)
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người loại",
    )
    excluded_at = models.DateTimeField("loại lúc", null=True, blank=True)
    reviewed_at = models.DateTimeField("xem xét lúc", null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = "phiếu trả lời"
        verbose_name_plural = "phiếu trả lời"
        indexes = [models.Index(fields=["round_unit", "excluded"], name="response_unit_excluded_idx")]

    def __str__(self) -> str:
        return f"Phiếu số {self.pk}"

    @property
    def unit(self) -> Any:
        return self.round_unit.unit


class InvitationCodeQuerySet(UnitScopedQuerySet):
    unit_field = "round_unit__unit"


class InvitationCode(models.Model):
    """A one-time code printed e.g. on a dossier receipt. Only its hash is kept, and using it records the
    day only: nothing ties the code (and so the dossier) to the answer it admitted."""

    round_unit = models.ForeignKey(
        RoundUnit, on_delete=models.CASCADE, related_name="invitation_codes", verbose_name="đơn vị tham gia"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField("ngày dùng", null=True, blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    objects = InvitationCodeQuerySet.as_manager()

    class Meta:
        verbose_name = "mã mời"

    def __str__(self) -> str:
        return f"Mã mời {'đã dùng' if self.used_at else 'chưa dùng'}"


class SubmissionTrace(models.Model):
    """What the rate limits need about a recent submission: a salted hash of the client (never the raw
    address), when, and the answers' digest. Not linked to any response; pruned after a day."""

    client_key = models.CharField(max_length=64, db_index=True)
    submitted_at = models.DateTimeField(db_index=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    kiosk = models.BooleanField(default=False)

    class Meta:
        verbose_name = "dấu vết gửi phiếu"

    def __str__(self) -> str:
        return f"{self.client_key[:8]}… {self.submitted_at:%d/%m/%Y %H:%M}"
