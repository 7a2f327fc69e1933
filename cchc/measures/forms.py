from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from cchc.measures.figures import parse_number
from cchc.measures.models import Measure, MeasureValue


class NumberField(forms.CharField):
    """A number typed in Vietnamese style (1.234 or 92,5) as well as 1234 or 92.5."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        try:
            return parse_number(text)
        except ValueError as error:
            raise forms.ValidationError(f"{str(error)[0].upper()}{str(error)[1:]}.") from error


class ValueForm(forms.Form):
    """A unit's figure of one reported measure for one period."""

    numerator = NumberField(label="Tử số", required=False)
    denominator = NumberField(label="Mẫu số", required=False)
    value = NumberField(label="Giá trị", required=False)
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(
        label="Tệp minh chứng",
        required=False,
        help_text="PDF, Word, Excel, JPEG hoặc PNG.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: Any, measure: Measure, stored: MeasureValue | None = None, **kwargs: Any) -> None:
        if stored is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "numerator": _plain(stored.numerator),
                "denominator": _plain(stored.denominator),
                "value": _plain(stored.value),
                "note": stored.note,
            }
        kwargs.setdefault("prefix", f"m{measure.pk}")
        super().__init__(*args, **kwargs)
        self.measure = measure
        if measure.is_rate:
            del self.fields["value"]
            self.fields["numerator"].label = measure.numerator_label or "Tử số"
            self.fields["denominator"].label = measure.denominator_label or "Mẫu số"
        else:
            del self.fields["numerator"]
            del self.fields["denominator"]
            self.fields["value"].label = f"Giá trị ({measure.get_kind_display().lower()})"
        for name in ("numerator", "denominator", "value"):
            if name in self.fields:
                self.fields[name].widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})


def _plain(number: Decimal | None) -> str:
    if number is None:
        return ""
    normalised = number.normalize()
    text = f"{normalised:f}"
    return text.replace(".", ",")


class ReviewForm(forms.Form):
    review_note = forms.CharField(
        label="Ý kiến", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label="Lý do mở lại", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
