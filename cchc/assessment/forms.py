"""Forms of the assessment screens; the inline leaf forms are read directly in the views."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from cchc.assessment.evidence_files import ACCEPT_ATTRIBUTE
from cchc.assessment.models import CriteriaSet, Round
from cchc.organisation.models import Unit


class DateInput(forms.DateInput):
    input_type = "date"


class FileImportForm(forms.Form):
    file = forms.FileField(label="Tệp (.xlsx hoặc .json)")


class ScoreImportForm(forms.Form):
    file = forms.FileField(label="Tệp điểm (.xlsx hoặc .csv)")


class RoundCreateForm(forms.Form):
    code = forms.CharField(label="Mã đợt", max_length=60, help_text="Ví dụ: CCHC-XA-2026")
    name = forms.CharField(label="Tên đợt", max_length=300, required=False)
    criteria_set = forms.ModelChoiceField(label="Bộ tiêu chí", queryset=CriteriaSet.objects.none())
    year = forms.IntegerField(label="Năm đánh giá", min_value=2000, max_value=2100)
    organiser = forms.ModelChoiceField(label="Cơ quan tổ chức đánh giá", queryset=Unit.objects.none())
    previous = forms.ModelChoiceField(
        label="Đợt trước (để tính thay đổi thứ hạng)", queryset=Round.objects.none(), required=False
    )
    has_second_appraisal = forms.BooleanField(label="Có thẩm định vòng hai", required=False)

    def __init__(self, *args: Any, organisers: Any, rounds: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].queryset = CriteriaSet.objects.exclude(status=CriteriaSet.Status.RETIRED)  # type: ignore[attr-defined]
        self.fields["organiser"].queryset = organisers  # type: ignore[attr-defined]
        self.fields["previous"].queryset = rounds  # type: ignore[attr-defined]


class PhaseDatesForm(forms.Form):
    opens_on = forms.DateField(label="Bắt đầu", required=False, widget=DateInput)
    closes_on = forms.DateField(label="Hạn", required=False, widget=DateInput)


class ReopenForm(forms.Form):
    reason = forms.CharField(label="Lý do mở lại", widget=forms.Textarea(attrs={"rows": 2}))
    closes_on = forms.DateField(label="Hạn mới", required=False, widget=DateInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 2}))


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(label="Tệp", widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
    title = forms.CharField(label="Tên tài liệu", max_length=300, required=False)
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)


class EvidenceRequestForm(forms.Form):
    note = forms.CharField(label="Nội dung yêu cầu bổ sung", widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label="Trả lời", widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    number = forms.CharField(label="Số quyết định", max_length=20, required=False)
    date = forms.DateField(label="Ngày ký", required=False, widget=DateInput)
    signer_name = forms.CharField(label="Người ký", max_length=150, required=False)
    deputy = forms.BooleanField(label="Phó Chủ tịch ký thay (KT. CHỦ TỊCH)", required=False)
    legal_bases = forms.CharField(
        label="Căn cứ (mỗi dòng một căn cứ)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    proposal = forms.CharField(label="Theo đề nghị của", max_length=300, required=False)

    def bases(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["legal_bases"].splitlines() if line.strip()]

    def signed_on(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("date")
        return value
