"""Forms: the target (rank, rise or index, with the trend option) and the what-if changes."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms

from cchc.assessment.scoring import ScoringError, to_decimal
from cchc.remediation.planner import PlanningError
from cchc.remediation.targets import LeafChange, Target, WhatIfRow

TARGET_KINDS = [("rise", "Tăng bậc so với năm trước"), ("rank", "Đạt thứ hạng"), ("index", "Đạt chỉ số (%)")]


class TargetForm(forms.Form):
    kind = forms.ChoiceField(label="Loại mục tiêu", choices=TARGET_KINDS, initial="rise", widget=forms.RadioSelect)
    value = forms.DecimalField(
        label="Giá trị",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        help_text="Số bậc cần tăng, thứ hạng mục tiêu hoặc chỉ số (%). Để trống: tăng 01 bậc.",
    )
    trend = forms.BooleanField(label="Các đơn vị khác giữ xu hướng so với đợt trước", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, value = data.get("kind") or "rise", data.get("value")
        if value is None:
            data["target"] = Target.default() if kind == "rise" else None
            if kind != "rise":
                self.add_error("value", "Nhập thứ hạng hoặc chỉ số mục tiêu.")
            return data
        if kind in ("rank", "rise") and value != value.to_integral_value():
            self.add_error("value", "Thứ hạng và số bậc là số nguyên.")
            return data
        try:
            data["target"] = Target.from_choice(kind, value)
        except PlanningError as error:
            self.add_error("value", str(error))
        return data

    def target(self) -> Target:
        target = self.cleaned_data.get("target") if self.is_valid() else None
        return target or Target.default()


def target_form(data: Mapping[str, Any]) -> TargetForm:
    """Bound to the query (or posted data) when it names a target, else unbound with the default."""
    return TargetForm(data if "kind" in data else None)


def what_if_changes(data: Mapping[str, Any], rows: list[WhatIfRow]) -> tuple[list[LeafChange], list[str]]:
    """Changes from the what-if form: «points-CODE», «rate-CODE», «na-CODE»; blank fields change nothing."""
    changes: list[LeafChange] = []
    errors: list[str] = []
    for row in rows:
        if data.get(f"na-{row.code}"):
            changes.append(LeafChange(row.code, not_applicable=True))
            continue
        rate_text = str(data.get(f"rate-{row.code}") or "").strip()
        points_text = str(data.get(f"points-{row.code}") or "").strip()
        try:
            if rate_text and row.takes_rate and _differs(rate_text, row.rate):
                changes.append(LeafChange(row.code, rate=to_decimal(rate_text)))
            elif points_text and _differs(points_text, row.points):
                changes.append(LeafChange(row.code, points=to_decimal(points_text)))
        except ScoringError as error:
            errors.append(f"Tiêu chí {row.code}: {error}.")
    return changes, errors


def _differs(text: str, current: Decimal | None) -> bool:
    return current is None or to_decimal(text) != current
