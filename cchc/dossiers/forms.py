"""Forms of the dossiers screens (labels and messages in Vietnamese)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.conf import settings

from cchc.dossiers.models import CalendarDay, SavedImportProfile
from cchc.dossiers.parsing import DEFAULT_PROFILE, FIELD_NAMES
from cchc.organisation.models import Unit

ALLOWED_SUFFIXES = (".csv", ".xlsx")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class ImportForm(forms.Form):
    registers = MultipleFileField(
        label="Tệp sổ hồ sơ (.csv hoặc .xlsx, chọn được nhiều tệp)",
        widget=MultipleFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    profile = forms.ChoiceField(label="Mẫu tiêu đề cột", required=False)
    partial = forms.BooleanField(
        label="Nhập các dòng hợp lệ, báo cáo các dòng lỗi (mặc định: tệp có lỗi thì không nhập dòng nào)",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        profile_field = self.fields["profile"]
        assert isinstance(profile_field, forms.ChoiceField)
        profile_field.choices = [("", "Tiêu đề chuẩn (Mã hồ sơ, Mã đơn vị, …)")] + [
            (profile.name, profile.name) for profile in SavedImportProfile.objects.order_by("name")
        ]

    def clean_registers(self) -> list[Any]:
        files = self.cleaned_data["registers"]
        limit = settings.CCHC_MAX_UPLOAD_MEGABYTES * 1024 * 1024
        for upload in files:
            name = upload.name.lower()
            if not name.endswith(ALLOWED_SUFFIXES):
                raise forms.ValidationError(f"Tệp «{upload.name}»: chỉ nhận .csv hoặc .xlsx.")
            if upload.size > limit:
                raise forms.ValidationError(
                    f"Tệp «{upload.name}» lớn quá {settings.CCHC_MAX_UPLOAD_MEGABYTES} MB: hãy chia nhỏ."
                )
            head = upload.read(4)
            upload.seek(0)
            if name.endswith(".xlsx") and head[:2] != b"PK":
                raise forms.ValidationError(f"Tệp «{upload.name}» không phải tệp Excel .xlsx hợp lệ.")
            if name.endswith(".csv") and b"\x00" in head:
                raise forms.ValidationError(f"Tệp «{upload.name}» không phải tệp văn bản CSV.")
        return files


class CalendarDayForm(forms.Form):
    day = forms.DateField(label="Ngày", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="Loại ngày", choices=CalendarDay.Kind.choices)
    name = forms.CharField(label="Tên, lý do (ví dụ: nghỉ bù Quốc khánh)", max_length=255, required=False)


class SettingsForm(forms.Form):
    max_supplement_requests_before_late = forms.IntegerField(
        label="Số lần yêu cầu bổ sung tối đa (nhiều hơn thì tính là trễ hạn)", min_value=0, max_value=20
    )
    apology_working_days_before_due = forms.IntegerField(
        label="Văn bản xin lỗi phải ban hành trước ngày hẹn trả ít nhất (ngày làm việc)", min_value=0, max_value=30
    )
    warning_working_days = forms.IntegerField(
        label="Cảnh báo hồ sơ sắp đến hạn trong (ngày làm việc)", min_value=0, max_value=30
    )
    formula_766 = forms.CharField(
        label="Công thức điểm Quyết định 766 (JSON)", widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"})
    )

    def clean_formula_766(self) -> dict[str, Any]:
        from cchc.dossiers.kpi_math import KpiCounts, score_766

        text = self.cleaned_data["formula_766"]
        try:
            formula = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(f"JSON không hợp lệ ở dòng {error.lineno}, cột {error.colno}.") from error
        if not isinstance(formula, dict) or not isinstance(formula.get("groups"), dict):
            raise forms.ValidationError("Công thức cần có mục «groups».")
        try:
            score_766(KpiCounts(received=1, settled=1, on_time=1, with_fee=1), formula)
        except (KeyError, TypeError, ValueError, ArithmeticError) as error:
            raise forms.ValidationError(f"Công thức không dùng được: {error}") from error
        return formula


class ProfileForm(forms.Form):
    name = forms.CharField(label="Tên mẫu", max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in FIELD_NAMES:
            self.fields[f"header_{name}"] = forms.CharField(
                label=f"Cột cho «{DEFAULT_PROFILE.label(name)}»",
                required=False,
                max_length=255,
                help_text="Tiêu đề cột trong tệp; nhiều cách viết thì ngăn bằng «|».",
            )

    def headers(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(f"header_{name}", "") for name in FIELD_NAMES}


class ApiClientForm(forms.Form):
    name = forms.CharField(label="Tên hệ thống", max_length=200)
    unit = forms.ModelChoiceField(label="Đơn vị (được gửi hồ sơ của đơn vị và cấp dưới)", queryset=Unit.objects.none())

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units if units is not None else Unit.objects.all()
