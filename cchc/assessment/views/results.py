"""Results: ranking, a unit's lost points, heat map of areas × units, history, Excel and the decision."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from cchc.accounts.access import can_see
from cchc.assessment import decision, exports
from cchc.assessment.forms import DecisionForm
from cchc.assessment.results import heat_class, lost_points, round_results, unit_history
from cchc.assessment.views.common import get_round, oversees
from cchc.organisation.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _require_oversight(request: HttpRequest, round_: object) -> None:
    if not oversees(request.user, round_):  # type: ignore[arg-type]
        raise PermissionDenied("Chỉ cơ quan tổ chức đánh giá xem được kết quả chi tiết của mọi đơn vị.")


@login_required
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round(request, pk)
    sees_all = oversees(request.user, round_)
    results = round_results(round_) if (round_.is_published or sees_all) else None
    visible_units = {unit.pk for unit in Unit.objects.visible_to(request.user).only("pk")} if results else set()
    return render(
        request,
        "assessment/results.html",
        {"round": round_, "results": results, "sees_all": sees_all, "visible_units": visible_units},
    )


@login_required
def unit_results(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    round_ = get_round(request, pk)
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=unit_pk)
    results = round_results(round_)
    result = results.for_unit(unit.pk)
    if result is None:
        raise PermissionDenied("Đơn vị không tham gia đợt đánh giá này.")
    areas = [
        {
            "criterion": area,
            "node": result.total.nodes.get(area.code),
            "class": heat_class(result.area_index(area.code)),
        }
        for area in results.areas()
    ]
    return render(
        request,
        "assessment/unit_results.html",
        {
            "round": round_,
            "unit": unit,
            "result": result,
            "provisional": results.provisional,
            "areas": areas,
            "lost": lost_points(result, results.tree),
            "count": results.ranked_count,
        },
    )


@login_required
def heatmap(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round(request, pk)
    _require_oversight(request, round_)
    results = round_results(round_)
    areas = results.areas()
    rows = [
        {
            "result": result,
            "cells": [
                {"index": result.area_index(area.code), "class": heat_class(result.area_index(area.code))}
                for area in areas
            ],
        }
        for result in results.results
    ]
    return render(
        request, "assessment/heatmap.html", {"round": round_, "areas": areas, "rows": rows, "results": results}
    )


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round(request, pk)
    _require_oversight(request, round_)
    response = HttpResponse(exports.results_workbook(round_results(round_)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ket-qua-{round_.code}.xlsx"'
    return response


@login_required
def decision_document(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round(request, pk)
    _require_oversight(request, round_)
    defaults = decision.default_options(round_, timezone.localdate())
    form = DecisionForm(
        request.POST or None,
        initial={
            "date": defaults.date,
            "signer_name": defaults.signer_name,
            "legal_bases": "\n".join(defaults.legal_bases),
            "proposal": defaults.proposal,
        },
    )
    if request.method == "POST" and form.is_valid():
        options = decision.DecisionOptions(
            number=form.cleaned_data["number"].strip(),
            date=form.signed_on(),
            signer_name=form.cleaned_data["signer_name"].strip(),
            deputy=form.cleaned_data["deputy"],
            legal_bases=form.bases(),
            proposal=form.cleaned_data["proposal"].strip(),
        )
        content = decision.decision_bytes(round_results(round_), options)
        response = HttpResponse(content, content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="quyet-dinh-cong-bo-{round_.code}.docx"'
        return response
    return render(request, "assessment/decision.html", {"round": round_, "form": form})


@login_required
def history(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=unit_pk)
    rows = unit_history(unit)
    return render(
        request,
        "assessment/history.html",
        {"unit": unit, "rows": rows, "sees_unit": can_see(request.user, unit)},
    )
