"""Forms of the officer pages (the public form is drawn by public_form.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from cchc.organisation.models import Unit
from cchc.surveys.arithmetic import parse_target
from cchc.surveys.models import Questionnaire, SurveyRound
from cchc.surveys.questionnaire import FACTOR_METHOD_LABELS, RespondentAttribute, localised
from cchc.surveys.questionnaire import Questionnaire as Definition
from cchc.surveys.services import MAX_INVITATIONS

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
# Sample targets can be set per answer of these respondent questions on the screen (any in the data).
GROUP_ATTRIBUTES = [RespondentAttribute.FIELD_USED, RespondentAttribute.SEX, RespondentAttribute.AGE_BAND]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class RoundForm(forms.Form):
    code = forms.CharField(label="Mã đợt", max_length=60, help_text="Ví dụ: SIPAS-2026 hoặc KS-XA-2026-Q2.")
    title = forms.CharField(label="Tên đợt khảo sát", max_length=255)
    questionnaire = forms.ModelChoiceField(label="Bộ câu hỏi", queryset=Questionnaire.objects.none())
    organiser = forms.ModelChoiceField(label="Đơn vị tổ chức", queryset=Unit.objects.none())
    opens_on = forms.DateField(label="Ngày mở", required=False, input_formats=DATE_FORMATS, widget=DateInput())
    closes_on = forms.DateField(label="Ngày kết thúc", required=False, input_formats=DATE_FORMATS, widget=DateInput())
    method_override = forms.ChoiceField(
        label="Cách tính yếu tố",
        required=False,
        choices=[("", "Theo bộ câu hỏi"), *[(method.value, label) for method, label in FACTOR_METHOD_LABELS.items()]],
    )
    all_below = forms.BooleanField(
        label="Mọi đơn vị cấp xã trực thuộc đơn vị tổ chức",
        required=False,
        help_text="Hoặc chọn từng đơn vị ở danh sách dưới đây.",
    )
    units = forms.ModelMultipleChoiceField(
        label="Đơn vị tham gia",
        required=False,
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=(
            "Giữ phím Ctrl (hoặc Cmd) để chọn nhiều đơn vị. Nếu đơn vị tổ chức tự khảo sát, chọn chính đơn vị đó."
        ),
    )

    def __init__(self, *args: Any, organisers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = Questionnaire.objects.order_by("code", "-version")  # type: ignore[attr-defined]
        self.fields["organiser"].queryset = organisers  # type: ignore[attr-defined]
        paths = list(organisers.values_list("path", flat=True))
        below = Unit.objects.none()
        for path in paths:
            below = below | Unit.objects.filter(path__startswith=path)
        self.fields["units"].queryset = below.active_on().order_by("path")  # type: ignore[attr-defined]

    def chosen_units(self) -> list[Unit]:
        organiser: Unit = self.cleaned_data["organiser"]
        units = list(self.cleaned_data.get("units") or [])
        if self.cleaned_data.get("all_below"):
            units += list(
                Unit.objects.subtree_of(organiser).active_on().filter(kind__level="commune").exclude(pk=organiser.pk)
            )
        return list({unit.pk: unit for unit in units}.values())


class RoundEditForm(forms.ModelForm):
    class Meta:
        model = SurveyRound
        fields = ["title", "opens_on", "closes_on", "method_override"]
        widgets = {"opens_on": DateInput(), "closes_on": DateInput()}


class AddUnitsForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label="Thêm đơn vị tham gia", queryset=Unit.objects.none(), widget=forms.SelectMultiple(attrs={"size": 10})
    )

    def __init__(self, *args: Any, survey_round: SurveyRound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        present = survey_round.round_units.values_list("unit_id", flat=True)
        self.fields["units"].queryset = (  # type: ignore[attr-defined]
            Unit.objects.subtree_of(survey_round.unit).active_on().exclude(pk__in=present).order_by("path")
        )


def _check_target(text: str) -> str:
    if text:
        try:
            parse_target(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)[:1].upper() + str(error)[1:] + ".") from error
    return text.strip()


class TargetsForm(forms.Form):
    sample_target = forms.IntegerField(label="Số phiếu cần thu", required=False, min_value=0)
    satisfaction_target = forms.CharField(
        label="Chỉ tiêu chỉ số hài lòng", required=False, max_length=30, help_text="Ví dụ: ≥ 90% hoặc > 85%."
    )

    def __init__(self, *args: Any, definition: Definition, initial_targets: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group_fields: list[tuple[str, str, list[tuple[str, str]]]] = []
        groups = initial_targets.get("group_targets", {})
        fields = initial_targets.get("field_targets", {})
        self.field_question = definition.respondent_question(RespondentAttribute.FIELD_USED)
        self.field_target_names: list[tuple[str, str]] = []
        for attribute in GROUP_ATTRIBUTES:
            question = definition.respondent_question(attribute)
            if question is None:
                continue
            names = []
            for option, labels in question.option_labels().items():
                name = f"group__{attribute.value}__{option}"
                self.fields[name] = forms.IntegerField(
                    label=localised(labels), required=False, min_value=0, initial=groups.get(attribute, {}).get(option)
                )
                names.append((name, option))
            self.group_fields.append((attribute.value, localised(question.text), names))
        if self.field_question is not None:
            for option, labels in self.field_question.option_labels().items():
                name = f"field_target__{option}"
                self.fields[name] = forms.CharField(
                    label=localised(labels), required=False, max_length=30, initial=fields.get(option, "")
                )
                self.field_target_names.append((name, option))

    def clean_satisfaction_target(self) -> str:
        return _check_target(self.cleaned_data.get("satisfaction_target") or "")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, _option in self.field_target_names:
            try:
                cleaned[name] = _check_target(cleaned.get(name) or "")
            except forms.ValidationError as error:
                self.add_error(name, error)
        return cleaned

    def group_targets(self) -> dict[str, dict[str, int]]:
        targets: dict[str, dict[str, int]] = {}
        for attribute, _label, names in self.group_fields:
            for name, option in names:
                if self.cleaned_data.get(name):
                    targets.setdefault(attribute, {})[option] = self.cleaned_data[name]
        return targets

    def field_targets(self) -> dict[str, str]:
        return {
            option: self.cleaned_data[name] for name, option in self.field_target_names if self.cleaned_data.get(name)
        }

    def group_sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(label, [self[name] for name, _ in names]) for _attribute, label, names in self.group_fields]

    def field_target_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _ in self.field_target_names]


class InvitationForm(forms.Form):
    count = forms.IntegerField(label="Số mã mời cần tạo", min_value=1, max_value=MAX_INVITATIONS, initial=100)


class ExcludeForm(forms.Form):
    reason = forms.CharField(label="Lý do loại khỏi kết quả", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class UploadForm(forms.Form):
    file = forms.FileField(label="Tệp")

    def __init__(self, *args: Any, extensions: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.extensions = extensions
        self.fields["file"].help_text = "Định dạng: " + ", ".join(extensions)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith(self.extensions):
            raise forms.ValidationError("Tệp phải có đuôi " + ", ".join(self.extensions) + ".")
        limit = settings.CCHC_MAX_UPLOAD_MEGABYTES * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(f"Tệp lớn hơn {settings.CCHC_MAX_UPLOAD_MEGABYTES} MB.")
        head = upload.read(4)
        upload.seek(0)
        if name.endswith(".xlsx") and head[:2] != b"PK":
            raise forms.ValidationError("Tệp không phải là tệp Excel (.xlsx) hợp lệ.")
        return upload
