from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from cchc.accounts.access import Action, can, require, unit_filter_for_action
from cchc.audit.models import Change
from cchc.organisation import io, services
from cchc.organisation.forms import ImportForm, UnitForm
from cchc.organisation.models import Unit


def _manageable(user: Any) -> QuerySet[Unit]:
    return Unit.objects.filter(unit_filter_for_action(user, Action.MANAGE_ORGANISATION))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    units = list(Unit.objects.visible_to(request.user).select_related("kind", "successor").order_by("path"))
    search = request.GET.get("q", "").strip().casefold()
    show_closed = request.GET.get("closed") == "1"
    if search:
        units = [unit for unit in units if search in unit.name.casefold() or search in unit.code.casefold()]
    if not show_closed:
        units = [unit for unit in units if unit.valid_to is None or unit.is_active_on()]
    base_depth = min((unit.depth for unit in units), default=0)
    rows = [{"unit": unit, "indent": unit.depth - base_depth} for unit in units]
    return render(
        request,
        "organisation/index.html",
        {
            "rows": rows,
            "search": request.GET.get("q", ""),
            "show_closed": show_closed,
            "can_manage": _manageable(request.user).exists(),
        },
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.visible_to(request.user).select_related("kind", "parent", "successor"), pk=pk)
    children = unit.children.select_related("kind").order_by("name")
    return render(
        request,
        "organisation/detail.html",
        {
            "unit": unit,
            "children": children,
            "predecessors": unit.predecessors.order_by("name"),
            "people": unit.memberships.current().select_related("user", "position").order_by("role"),
            "can_edit": can(request.user, Action.MANAGE_ORGANISATION, unit),
            "can_read_history": can(request.user, Action.VIEW_AUDIT, unit),
            "history": Change.objects.for_object(unit).select_related("actor")[:10],
        },
    )


@login_required
def edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    manageable = _manageable(request.user)
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk) if pk else Unit()
    if pk:
        require(request.user, Action.MANAGE_ORGANISATION, unit)
    elif not manageable.exists():
        raise PermissionDenied
    form = UnitForm(request.POST or None, instance=unit if pk else None, parents=manageable)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if data["parent"] is None and not request.user.is_superuser:
            form.add_error("parent", "Hãy chọn đơn vị cấp trên.")
        else:
            try:
                saved = services.save_unit(actor=request.user, unit=unit if pk else Unit(), data=data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"Đã lưu đơn vị {saved.name}.")
                return redirect("organisation:detail", pk=saved.pk)
    return render(request, "organisation/form.html", {"form": form, "unit": unit if pk else None})


@login_required
def import_units(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied("Chỉ quản trị hệ thống được nhập cây tổ chức.")
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = io.import_units(upload, actor=request.user, filename=upload.name)
        if result.ok:
            messages.success(
                request,
                f"Đã nhập: {result.created} đơn vị mới, {result.updated} cập nhật, {result.unchanged} không đổi.",
            )
            return redirect("organisation:index")
    return render(request, "organisation/import.html", {"form": form, "result": result})


@login_required
def export_units(request: HttpRequest) -> HttpResponse:
    as_csv = request.GET.get("format") == "csv"
    content = io.export_units(Unit.objects.visible_to(request.user), as_csv=as_csv)
    extension, mime = (
        ("csv", "text/csv; charset=utf-8")
        if as_csv
        else ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="don-vi.{extension}"'
    return response
