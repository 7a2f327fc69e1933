from __future__ import annotations

from django import forms

from cchc.organisation.models import Unit


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "kind", "parent", "valid_from", "valid_to", "successor", "place_name", "email"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
            "valid_to": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
        }

    def __init__(self, *args, parents=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if parents is not None:
            self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
            self.fields["successor"].queryset = parents  # type: ignore[attr-defined]
        self.fields["parent"].required = False


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Tệp Excel (.xlsx) hoặc CSV", help_text="Các cột: Mã đơn vị, Tên đơn vị, Loại, Mã đơn vị cấp trên."
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("Chỉ nhận tệp .xlsx hoặc .csv.")
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError("Tệp lớn hơn 10 MB.")
        return upload
