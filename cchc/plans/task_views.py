"""Task screens: a task with its progress history, progress and contributions, evidence downloads, the
unit's inbox of assigned tasks and the focal officer's list of what is due this week."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc.accounts.access import Action, can, require
from cchc.accounts.models import User
from cchc.plans import services
from cchc.plans.forms import ContributionForm, ProgressForm, ResponsibleForm
from cchc.plans.models import Plan, ProgressUpdate, Task, TaskAssignment
from cchc.plans.queries import due_this_week, not_mirrored, overdue_work
from cchc.plans.views import PAGE_SIZE, official_choices, unit_or_404

INBOX_STATES = [("mo", "Đang thực hiện"), ("qua_han", "Quá hạn"), ("xong", "Đã hoàn thành")]


def task_or_404(request: HttpRequest, pk: int) -> Task:
    queryset = Task.objects.visible_to(request.user).select_related("plan", "plan__unit", "area", "responsible")
    return get_object_or_404(queryset, pk=pk)


def _choices(units: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(str(unit.pk), unit.name) for unit in units]


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = task_or_404(request, pk)
    today = timezone.localdate()
    lead_units = services.units_for(request.user, task, TaskAssignment.Role.LEAD)
    coordinating_units = services.units_for(request.user, task, TaskAssignment.Role.COORDINATING)
    is_open = task.plan.status == Plan.Status.ISSUED
    return render(
        request,
        "plans/task.html",
        _task_context(request, task, today, lead_units, coordinating_units, is_open),
    )


def _task_context(request, task, today, lead_units, coordinating_units, is_open, **forms):  # type: ignore[no-untyped-def]
    assignments = list(task.assignments.select_related("unit").order_by("role", "unit__path"))
    updates = list(ProgressUpdate.objects.filter(task=task).select_related("unit", "created_by"))
    initial = {"reported_on": today}
    progress_form = forms.get("progress_form") or ProgressForm(
        initial={**initial, "unit": lead_units[0].pk if lead_units else ""}, unit_choices=_choices(lead_units)
    )
    contribution_form = forms.get("contribution_form") or ContributionForm(
        initial={**initial, "unit": coordinating_units[0].pk if coordinating_units else ""},
        unit_choices=_choices(coordinating_units),
    )
    can_manage = can(request.user, Action.MANAGE_PLANS, task.plan.unit)
    return {
        "task": task,
        "plan": task.plan,
        "assignments": assignments,
        "lead_assignments": [item for item in assignments if item.role == TaskAssignment.Role.LEAD],
        "coordinating_assignments": [item for item in assignments if item.role == TaskAssignment.Role.COORDINATING],
        "updates": updates,
        "overdue": task.is_overdue(today),
        # The cascade, both ways: the superior's task this one implements, and the lower units' tasks
        # implementing this one (only those the user may see).
        "superior_task": Task.objects.visible_to(request.user)
        .select_related("plan__unit")
        .filter(pk=task.assigned_from_id)
        .first()
        if task.assigned_from_id
        else None,
        "implementations": list(
            Task.objects.visible_to(request.user)
            .filter(assigned_from=task)
            .select_related("plan__unit")
            .order_by("plan__unit__path")
        ),
        "next_due": task.next_due_date(today),
        "due_dates": task.due_date_list(),
        "progress_form": progress_form if lead_units and is_open else None,
        "contribution_form": contribution_form if coordinating_units and is_open else None,
        "responsible_form": ResponsibleForm(
            initial={"responsible": str(task.responsible_id or "")}, official_choices=official_choices(task.plan.unit)
        )
        if can_manage and task.plan.status != Plan.Status.CLOSED
        else None,
        "today": today,
    }


def _chosen_unit(form, units):  # type: ignore[no-untyped-def]
    chosen = form.cleaned_data.get("unit")
    return next((unit for unit in units if str(unit.pk) == str(chosen)), None)


@login_required
@require_POST
def add_progress(request: HttpRequest, pk: int) -> HttpResponse:
    task = task_or_404(request, pk)
    today = timezone.localdate()
    lead_units = services.units_for(request.user, task, TaskAssignment.Role.LEAD)
    if not lead_units:
        raise PermissionDenied("Bạn không thuộc đơn vị chủ trì nhiệm vụ này.")
    form = ProgressForm(request.POST, request.FILES, unit_choices=_choices(lead_units))
    if form.is_valid():
        try:
            services.record_progress(
                actor=request.user,
                task=task,
                percent=form.cleaned_data["percent"],
                note=form.cleaned_data["note"],
                reported_on=form.cleaned_data["reported_on"],
                evidence=form.cleaned_data.get("evidence"),
                unit=_chosen_unit(form, lead_units),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Đã cập nhật tiến độ.")
            return redirect("plans:task", task.pk)
    coordinating_units = services.units_for(request.user, task, TaskAssignment.Role.COORDINATING)
    context = _task_context(request, task, today, lead_units, coordinating_units, True, progress_form=form)
    return render(request, "plans/task.html", context, status=400)


@login_required
@require_POST
def add_contribution(request: HttpRequest, pk: int) -> HttpResponse:
    task = task_or_404(request, pk)
    today = timezone.localdate()
    coordinating_units = services.units_for(request.user, task, TaskAssignment.Role.COORDINATING)
    if not coordinating_units:
        raise PermissionDenied("Bạn không thuộc đơn vị phối hợp thực hiện nhiệm vụ này.")
    form = ContributionForm(request.POST, request.FILES, unit_choices=_choices(coordinating_units))
    if form.is_valid():
        try:
            services.add_contribution(
                actor=request.user,
                task=task,
                note=form.cleaned_data["note"],
                reported_on=form.cleaned_data["reported_on"],
                evidence=form.cleaned_data.get("evidence"),
                unit=_chosen_unit(form, coordinating_units),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Đã ghi nhận nội dung phối hợp.")
            return redirect("plans:task", task.pk)
    lead_units = services.units_for(request.user, task, TaskAssignment.Role.LEAD)
    context = _task_context(request, task, today, lead_units, coordinating_units, True, contribution_form=form)
    return render(request, "plans/task.html", context, status=400)


def _add_errors(form, error: ValidationError) -> None:  # type: ignore[no-untyped-def]
    if hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_POST
def set_responsible(request: HttpRequest, pk: int) -> HttpResponse:
    task = task_or_404(request, pk)
    require(request.user, Action.MANAGE_PLANS, task.plan.unit)
    form = ResponsibleForm(request.POST, official_choices=official_choices(task.plan.unit))
    if form.is_valid():
        chosen = form.cleaned_data["responsible"]
        user = User.objects.filter(pk=int(chosen)).first() if chosen else None
        try:
            services.set_responsible(actor=request.user, task=task, user=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Đã giao công chức phụ trách.")
    else:
        messages.error(request, "Công chức được chọn không hợp lệ.")
    return redirect("plans:task", task.pk)


@login_required
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    update = get_object_or_404(ProgressUpdate.objects.visible_to(request.user), pk=pk)
    if not update.evidence:
        raise Http404("Cập nhật này không có tệp minh chứng.")
    return FileResponse(update.evidence.open("rb"), as_attachment=True, filename=update.evidence_name or "minh-chung")


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Việc của đơn vị: every task assigned to the current unit, by plan, with its own progress."""
    unit = unit_or_404(request)
    require(request.user, Action.VIEW, unit)
    today = timezone.localdate()
    assignments = (
        TaskAssignment.objects.filter(unit=unit, task__plan__status__in=[Plan.Status.ISSUED, Plan.Status.CLOSED])
        .select_related("task", "task__plan", "task__plan__unit", "task__responsible")
        .order_by("task__due_date", "task__plan_id", "task__order")
    )
    assignments = not_mirrored(assignments)
    role = request.GET.get("vai_tro", "")
    if role in TaskAssignment.Role.values:
        assignments = assignments.filter(role=role)
    state = request.GET.get("tinh_trang", "")
    if state == "mo":
        assignments = assignments.filter(completed_on__isnull=True)
    elif state == "qua_han":
        assignments = assignments.overdue(today)
    elif state == "xong":
        assignments = assignments.filter(completed_on__isnull=False)
    source = request.GET.get("nguon", "")
    if source == "cap_tren":
        assignments = assignments.exclude(task__plan__unit=unit)
    elif source == "don_vi":
        assignments = assignments.filter(task__plan__unit=unit)
    page = Paginator(assignments, PAGE_SIZE).get_page(request.GET.get("page"))
    superior_plans = (
        Plan.objects.filter(tasks__assignments__unit=unit, tasks__assignments__role=TaskAssignment.Role.LEAD)
        .exclude(unit=unit)
        .exclude(status=Plan.Status.DRAFT)
        .distinct()
        .select_related("unit")
    )
    implemented = set(
        Plan.objects.filter(unit=unit, superior_plan__in=superior_plans).values_list("superior_plan_id", flat=True)
    )
    return render(
        request,
        "plans/inbox.html",
        {
            "unit": unit,
            "page_obj": page,
            "today": today,
            "role": role,
            "state": state,
            "source": source,
            "roles": TaskAssignment.Role.choices,
            "states": INBOX_STATES,
            "to_implement": [plan for plan in superior_plans if plan.pk not in implemented],
            "can_manage": can(request.user, Action.MANAGE_PLANS, unit),
        },
    )


@login_required
def due(request: HttpRequest) -> HttpResponse:
    """What falls due this week for the current unit, what is overdue, and the user's own tasks."""
    unit = unit_or_404(request)
    require(request.user, Action.VIEW, unit)
    today = timezone.localdate()
    mine = (
        Task.objects.in_issued_plans()
        .open()
        .filter(responsible=request.user)
        .select_related("plan")
        .order_by("due_date")[:50]
    )
    return render(
        request,
        "plans/due.html",
        {
            "unit": unit,
            "today": today,
            "due": due_this_week(unit, today),
            "overdue": list(overdue_work(unit, today)[:100]),
            "mine": mine,
        },
    )
