"""Forms of the plan screens; the editable task and budget tables serve both import preview and editing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.forms import formset_factory

from cchc.measures.periods import parse
from cchc.plans.documents.amounts import AmountFormatError, parse_amount
from cchc.plans.entries import BudgetEntry, ObjectiveEntry, TaskEntry
from cchc.plans.evidence import ACCEPT
from cchc.plans.models import Plan

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COMPARATORS = [("", "—"), (">=", "≥"), (">", ">"), ("<=", "≤"), ("<", "<"), ("=", "=")]


def lines(text: str) -> list[str]:
    return [line.strip().lstrip("-").strip() for line in text.splitlines() if line.strip().lstrip("-").strip()]


class PlanForm(forms.Form):
    kind = forms.ChoiceField(label="Loại kế hoạch", choices=Plan.Kind.choices)
    year = forms.IntegerField(label="Năm kế hoạch", min_value=1990, max_value=2100)
    title = forms.CharField(label="Trích yếu (tên kế hoạch)", max_length=500)
    number = forms.CharField(label="Số", max_length=20, required=False, help_text="Để trống khi còn dự thảo.")
    code_suffix = forms.CharField(label="Ký hiệu", max_length=40, initial="KH-UBND")
    place = forms.CharField(label="Địa danh", max_length=100, required=False)
    document_date = forms.DateField(label="Ngày ban hành", required=False, widget=DATE_WIDGET)
    legal_bases = forms.CharField(
        label="Căn cứ ban hành",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Mỗi căn cứ một dòng.",
    )
    theme = forms.CharField(label="Chủ đề năm", max_length=300, required=False)
    purpose = forms.CharField(
        label="Mục đích, yêu cầu",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Mỗi đoạn một dòng.",
    )
    implementation = forms.CharField(
        label="Tổ chức thực hiện",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Mỗi đoạn một dòng.",
    )
    closing = forms.CharField(label="Đoạn kết", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    recipients = forms.CharField(
        label="Nơi nhận",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Mỗi nơi nhận một dòng; «Lưu: VT» được thêm tự động.",
    )
    signer_name = forms.CharField(label="Người ký", max_length=150, required=False)
    signer_authority = forms.ChoiceField(label="Thẩm quyền ký", choices=Plan.Authority.choices, required=False)
    signer_position = forms.CharField(label="Chức vụ người ký", max_length=100, initial="Chủ tịch")
    issue_by = forms.DateField(label="Hạn cấp dưới ban hành kế hoạch thực hiện", required=False, widget=DATE_WIDGET)
    with_decision = forms.BooleanField(label="Ban hành kèm quyết định (QĐ)", required=False)
    decision_number = forms.CharField(label="Số quyết định", max_length=20, required=False)
    decision_code_suffix = forms.CharField(label="Ký hiệu quyết định", max_length=40, initial="QĐ-UBND")
    decision_date = forms.DateField(label="Ngày quyết định", required=False, widget=DATE_WIDGET)
    source_round_code = forms.CharField(label="Đợt đánh giá (kế hoạch khắc phục)", max_length=60, required=False)
    source_criteria = forms.CharField(
        label="Tiêu chí bị trừ điểm", required=False, help_text="Mã tiêu chí, cách nhau bởi dấu phẩy: 3.4.1, 7.3.3"
    )

    @classmethod
    def initial_for(cls, plan: Plan) -> dict[str, Any]:
        initial = {name: getattr(plan, name) for name in cls.base_fields if hasattr(plan, name)}
        initial["recipients"] = "\n".join(plan.recipients)
        initial["source_criteria"] = ", ".join(plan.source_criteria)
        return initial

    def plan_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["recipients"] = lines(data.get("recipients", ""))
        data["source_criteria"] = [code.strip() for code in data.get("source_criteria", "").split(",") if code.strip()]
        data["signer_authority"] = data.get("signer_authority") or ""
        return data


class ObjectiveForm(forms.Form):
    text = forms.CharField(label="Mục tiêu", widget=forms.Textarea(attrs={"rows": 2}))
    measure = forms.ChoiceField(label="Chỉ số theo dõi", required=False)
    comparator = forms.ChoiceField(label="So sánh", choices=COMPARATORS, required=False)
    target_value = forms.DecimalField(label="Chỉ tiêu", required=False, localize=True)
    target_date = forms.DateField(label="Đến ngày", required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, measure_choices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [("", "— Không gắn chỉ số —"), *(measure_choices or [])]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("measure") and (data.get("target_value") is None or not data.get("comparator")):
            raise forms.ValidationError("Mục tiêu gắn với chỉ số cần có phép so sánh và chỉ tiêu.")
        return data

    def entry(self) -> ObjectiveEntry:
        data = self.cleaned_data
        return ObjectiveEntry(
            text=data["text"],
            measure_id=int(data["measure"]) if data.get("measure") else None,
            comparator=data.get("comparator") or "",
            target_value=data.get("target_value"),
            target_date=data.get("target_date"),
        )


ObjectiveFormSet = formset_factory(ObjectiveForm, extra=2, can_delete=True)


class TaskRowForm(forms.Form):
    task_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    area = forms.CharField(label="Lĩnh vực", max_length=300, required=False)
    number = forms.CharField(label="TT", max_length=20, required=False)
    title = forms.CharField(label="Nhiệm vụ", widget=forms.Textarea(attrs={"rows": 2}))
    output = forms.CharField(label="Sản phẩm", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    lead = forms.CharField(label="Chủ trì", max_length=500, required=False)
    coordinating = forms.CharField(label="Phối hợp", max_length=500, required=False)
    deadline_text = forms.CharField(label="Thời gian hoàn thành", max_length=300, required=False)
    criterion_code = forms.CharField(label="Tiêu chí", max_length=30, required=False)
    responsible = forms.ChoiceField(label="Công chức phụ trách", required=False)
    weight = forms.IntegerField(label="Trọng số", min_value=1, max_value=100, initial=1)

    def __init__(self, *args: Any, official_choices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].choices = [("", "—"), *(official_choices or [])]  # type: ignore[attr-defined]

    def entry(self) -> TaskEntry:
        data = self.cleaned_data
        return TaskEntry(
            title=data["title"],
            area=data.get("area", ""),
            number=data.get("number", ""),
            output=data.get("output", ""),
            lead=data.get("lead", ""),
            coordinating=data.get("coordinating", ""),
            deadline_text=data.get("deadline_text", ""),
            criterion_code=data.get("criterion_code", ""),
            responsible_id=int(data["responsible"]) if data.get("responsible") else None,
            weight=data.get("weight") or 1,
            task_id=data.get("task_id"),
        )


class BaseRowFormSet(forms.BaseFormSet):
    """Rows left entirely blank are ignored; errors are shown by row number."""

    def kept_forms(self) -> list[forms.Form]:
        return [
            form
            for form in self.forms
            if form.has_changed() and not (self.can_delete and form.cleaned_data.get("DELETE"))
        ]


TaskFormSet = formset_factory(TaskRowForm, formset=BaseRowFormSet, extra=3, can_delete=True)


class AmountField(forms.CharField):
    """An amount in thousand đồng as documents write it (1.081.000)."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        try:
            amount = parse_amount(text or "")
        except AmountFormatError as error:
            raise forms.ValidationError(f"«{text}» không phải là số tiền (ví dụ: 1.081.000).") from error
        if amount is not None and amount < 0:
            raise forms.ValidationError("Số tiền không được âm.")
        return amount


class BudgetRowForm(forms.Form):
    number = forms.CharField(label="TT", max_length=10, required=False)
    item = forms.CharField(label="Nội dung", max_length=500)
    total = AmountField(label="Tổng kinh phí", required=False)
    own = AmountField(label="Ngân sách tự đảm bảo", required=False)
    support = AmountField(label="Đề nghị hỗ trợ", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("total") is None and data.get("own") is None and data.get("support") is None and data.get("item"):
            self.add_error("total", "Chưa nhập số tiền.")
        return data

    def entry(self) -> BudgetEntry:
        data = self.cleaned_data
        total = data.get("total")
        if total is None:
            total = (data.get("own") or Decimal(0)) + (data.get("support") or Decimal(0))
        return BudgetEntry(data["item"], total, data.get("own"), data.get("support"), data.get("number", ""))


BudgetFormSet = formset_factory(BudgetRowForm, formset=BaseRowFormSet, extra=2, can_delete=True)


def amount_text(amount: Decimal | None) -> str:
    from cchc.plans.documents.amounts import format_amount

    return format_amount(amount) if amount is not None else ""


class IssueForm(forms.Form):
    number = forms.CharField(label="Số văn bản", max_length=20)
    document_date = forms.DateField(label="Ngày ban hành", widget=DATE_WIDGET)


class ProgressForm(forms.Form):
    unit = forms.ChoiceField(label="Đơn vị báo cáo", required=False)
    percent = forms.DecimalField(label="Tiến độ (%)", min_value=0, max_value=100, decimal_places=2, localize=True)
    reported_on = forms.DateField(label="Ngày", widget=DATE_WIDGET)
    note = forms.CharField(label="Kết quả, sản phẩm đã có", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(
        label="Tệp minh chứng",
        required=False,
        help_text="PDF, Word, Excel, JPEG hoặc PNG.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args: Any, unit_choices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices or []  # type: ignore[attr-defined]
        if len(unit_choices or []) <= 1:
            self.fields["unit"].widget = forms.HiddenInput()


class ContributionForm(forms.Form):
    unit = forms.ChoiceField(label="Đơn vị phối hợp", required=False)
    reported_on = forms.DateField(label="Ngày", widget=DATE_WIDGET)
    note = forms.CharField(label="Nội dung đã phối hợp thực hiện", widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(
        label="Tệp minh chứng",
        required=False,
        help_text="PDF, Word, Excel, JPEG hoặc PNG.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args: Any, unit_choices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices or []  # type: ignore[attr-defined]
        if len(unit_choices or []) <= 1:
            self.fields["unit"].widget = forms.HiddenInput()


class ResponsibleForm(forms.Form):
    responsible = forms.ChoiceField(label="Công chức phụ trách", required=False)

    def __init__(self, *args: Any, official_choices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].choices = [("", "— Chưa giao —"), *(official_choices or [])]  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Tệp kế hoạch",
        help_text="Văn bản kế hoạch .docx, hoặc bảng nhiệm vụ .xlsx.",
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.xlsx"}),
    )
    kind = forms.ChoiceField(label="Loại kế hoạch", choices=Plan.Kind.choices)
    year = forms.IntegerField(
        label="Năm kế hoạch", min_value=1990, max_value=2100, required=False, help_text="Khi tệp không ghi năm."
    )


class ImportMetadataForm(forms.Form):
    kind = forms.ChoiceField(label="Loại kế hoạch", choices=Plan.Kind.choices)
    year = forms.IntegerField(label="Năm kế hoạch", min_value=1990, max_value=2100)
    title = forms.CharField(label="Trích yếu (tên kế hoạch)", max_length=500)
    number = forms.CharField(label="Số", max_length=20, required=False)
    code_suffix = forms.CharField(label="Ký hiệu", max_length=40, initial="KH-UBND")
    place = forms.CharField(label="Địa danh", max_length=100, required=False)
    document_date = forms.DateField(label="Ngày văn bản", required=False, widget=DATE_WIDGET)


class ReportForm(forms.Form):
    period_key = forms.CharField(widget=forms.HiddenInput)
    number = forms.CharField(label="Số báo cáo", max_length=40, required=False)
    sent_on = forms.DateField(label="Ngày gửi", widget=DATE_WIDGET)
    document = forms.FileField(
        label="Văn bản đã ký (tùy chọn)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text="PDF hoặc Word.",
    )
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_period_key(self) -> str:
        try:
            return parse(self.cleaned_data["period_key"]).key
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


class ReminderSettingsForm(forms.Form):
    days_before = forms.CharField(
        label="Nhắc trước hạn (số ngày làm việc)", help_text="Các mốc cách nhau bởi dấu phẩy, ví dụ: 7, 3, 1"
    )
    remind_overdue = forms.BooleanField(label="Nhắc khi nhiệm vụ quá hạn", required=False)

    def clean_days_before(self) -> list[int]:
        text = self.cleaned_data["days_before"]
        try:
            return [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
        except ValueError as error:
            raise forms.ValidationError("Chỉ nhập các số nguyên, cách nhau bởi dấu phẩy.") from error
