"""Plan screens: list, detail, drafting, issuing, cascade to lower units, roll-up and export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc.accounts.access import Action, can, can_see, require
from cchc.accounts.models import Membership
from cchc.core.current import current_unit
from cchc.organisation.models import Unit
from cchc.plans import services
from cchc.plans.exporting import budget_total, budget_total_in_words, plan_docx_bytes, task_table_xlsx
from cchc.plans.forms import (
    BudgetFormSet,
    IssueForm,
    ObjectiveFormSet,
    PlanForm,
    TaskFormSet,
    amount_text,
)
from cchc.plans.models import Plan, Task, TaskAssignment
from cchc.plans.objectives import objective_statuses
from cchc.plans.rollup import plan_progress, rollup, summarise

PAGE_SIZE = 50
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCOPES = [
    ("unit", "Của đơn vị"),
    ("assigned", "Giao việc cho đơn vị"),
    ("below", "Của đơn vị cấp dưới"),
    ("all", "Tất cả"),
]


def unit_or_404(request: HttpRequest) -> Unit:
    unit = current_unit(request)
    if unit is None:
        raise Http404("Tài khoản chưa được phân công vào đơn vị nào.")
    return unit


def visible_plans(request: HttpRequest) -> QuerySet[Plan]:
    return Plan.objects.visible_to(request.user)


def plan_or_404(request: HttpRequest, pk: int) -> Plan:
    return get_object_or_404(visible_plans(request).select_related("unit", "unit__kind", "superior_plan"), pk=pk)


def official_choices(unit: Unit) -> list[tuple[str, str]]:
    memberships = (
        Membership.objects.current()
        .filter(unit=unit)
        .select_related("user", "position")
        .order_by("position__name", "user__full_name")
    )
    seen: dict[int, str] = {}
    for membership in memberships:
        position = f" – {membership.position.name}" if membership.position else ""
        seen.setdefault(membership.user_id, f"{membership.user.display_name}{position}")
    return [(str(user_id), label) for user_id, label in seen.items()]


def measure_choices() -> list[tuple[str, str]]:
    from cchc.measures.models import Measure

    return [(str(pk), name) for pk, name in Measure.objects.filter(is_active=True).values_list("pk", "name")]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    unit = unit_or_404(request)
    scope = request.GET.get("pham_vi", "unit")
    plans = visible_plans(request).select_related("unit")
    if scope == "unit":
        plans = plans.filter(unit=unit)
    elif scope == "assigned":
        plans = plans.filter(tasks__assignments__unit=unit).exclude(unit=unit).distinct()
    elif scope == "below":
        plans = plans.filter(unit__path__startswith=unit.path).exclude(unit=unit)
    year = request.GET.get("nam", "")
    if year.isdigit():
        plans = plans.filter(year=int(year))
    kind = request.GET.get("loai", "")
    if kind in Plan.Kind.values:
        plans = plans.filter(kind=kind)
    status = request.GET.get("trang_thai", "")
    if status in Plan.Status.values:
        plans = plans.filter(status=status)
    query = request.GET.get("q", "").strip()
    if query:
        plans = plans.filter(Q(title__icontains=query) | Q(number=query) | Q(unit__name__icontains=query))
    plans = plans.annotate(task_count=Count("tasks", distinct=True)).order_by("-year", "unit__path", "-pk")
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    years = sorted(set(visible_plans(request).values_list("year", flat=True)), reverse=True)
    return render(
        request,
        "plans/index.html",
        {
            "unit": unit,
            "page_obj": page,
            "scope": scope,
            "scopes": SCOPES,
            "years": years,
            "kinds": Plan.Kind.choices,
            "statuses": Plan.Status.choices,
            "can_manage": can(request.user, Action.MANAGE_PLANS, unit),
        },
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    unit = unit_or_404(request)
    require(request.user, Action.MANAGE_PLANS, unit)
    today = timezone.localdate()
    initial = {
        "kind": request.GET.get("loai", Plan.Kind.ANNUAL),
        "year": today.year,
        "code_suffix": "KH-UBND",
        "place": unit.place_name or unit.name,
        "signer_position": "Chủ tịch",
        "signer_authority": Plan.Authority.ON_BEHALF,
        "decision_code_suffix": "QĐ-UBND",
    }
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.plan_fields()
        title, kind, year = fields.pop("title"), fields.pop("kind"), fields.pop("year")
        try:
            plan = services.create_plan(actor=request.user, unit=unit, title=title, kind=kind, year=year, **fields)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Đã tạo dự thảo kế hoạch. Tiếp theo: nhập mục tiêu, nhiệm vụ và kinh phí.")
            return redirect("plans:edit_contents", plan.pk)
    return render(request, "plans/form.html", {"form": form, "unit": unit, "plan": None})


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    today = timezone.localdate()
    tasks = list(plan.tasks.select_related("area", "responsible").prefetch_related("lead_units", "coordinating_units"))
    groups: list[tuple[Any, list[Task]]] = []
    for task in tasks:
        if not groups or groups[-1][0] != task.area:
            groups.append((task.area, []))
        groups[-1][1].append(task)
    groups.sort(key=lambda group: (group[0] is None, group[0].order if group[0] else 0))
    total = budget_total(plan)
    user = request.user
    own_unit = current_unit(request)
    assigned_to_me = (
        own_unit is not None
        and own_unit.pk != plan.unit_id
        and TaskAssignment.objects.filter(task__plan=plan, unit=own_unit, role=TaskAssignment.Role.LEAD).exists()
    )
    my_plan = Plan.objects.filter(superior_plan=plan, unit=own_unit).first() if assigned_to_me and own_unit else None
    return render(
        request,
        "plans/detail.html",
        {
            "plan": plan,
            "groups": groups,
            "task_count": len(tasks),
            "overdue_ids": {task.pk for task in tasks if task.is_overdue(today)},
            "objectives": objective_statuses(plan, today),
            "budget_lines": list(plan.budget_lines.all()),
            "budget_total": total,
            "budget_total_text": amount_text(total),
            "budget_in_words": budget_total_in_words(total) if total else "",
            "progress": plan_progress(plan),
            "implementing_plans": plan.implementing_plans.select_related("unit").order_by("unit__path")[:10],
            "implementing_count": plan.implementing_plans.count(),
            "can_manage": can(user, Action.MANAGE_PLANS, plan.unit),
            "can_issue": can(user, Action.MANAGE_PLANS, plan.unit) or can(user, Action.SUBMIT, plan.unit),
            "can_see_rollup": can_see(user, plan.unit)
            and TaskAssignment.objects.filter(task__plan=plan).exclude(unit=plan.unit).exists(),
            "assigned_to_me": assigned_to_me,
            "my_plan": my_plan,
            "can_implement": assigned_to_me and own_unit is not None and can(user, Action.MANAGE_PLANS, own_unit),
            "issue_form": _issue_form(plan, today),
            "today": today,
        },
    )


def _issue_form(plan: Plan, today: Any) -> IssueForm:
    form = IssueForm(
        initial={
            "number": plan.decision_number if plan.with_decision else plan.number,
            "document_date": (plan.decision_date if plan.with_decision else plan.document_date) or today,
        }
    )
    if plan.with_decision:
        form.fields["number"].label = "Số quyết định ban hành"
    return form


def _managed_plan(request: HttpRequest, pk: int) -> Plan:
    plan = plan_or_404(request, pk)
    require(request.user, Action.MANAGE_PLANS, plan.unit)
    return plan


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    form = PlanForm(request.POST or None, initial=PlanForm.initial_for(plan))
    if request.method == "POST" and form.is_valid():
        fields = form.plan_fields()
        if not plan.is_draft:
            fields = {"issue_by": fields["issue_by"]}
        try:
            services.update_plan(actor=request.user, plan=plan, **fields)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Đã lưu thông tin kế hoạch.")
            return redirect("plans:detail", plan.pk)
    return render(request, "plans/form.html", {"form": form, "unit": plan.unit, "plan": plan})


@login_required
def edit_contents(request: HttpRequest, pk: int) -> HttpResponse:
    """Objectives, the task table and the budget of a draft, edited as tables."""
    plan = _managed_plan(request, pk)
    if not plan.is_draft:
        messages.error(request, services.NOT_DRAFT)
        return redirect("plans:detail", plan.pk)
    officials = official_choices(plan.unit)
    measures = measure_choices()
    if request.method == "POST":
        objectives = ObjectiveFormSet(request.POST, prefix="mt", form_kwargs={"measure_choices": measures})
        tasks = TaskFormSet(request.POST, prefix="nv", form_kwargs={"official_choices": officials})
        budget = BudgetFormSet(request.POST, prefix="kp")
        if objectives.is_valid() and tasks.is_valid() and budget.is_valid():
            try:
                services.replace_objectives(
                    actor=request.user,
                    plan=plan,
                    objectives=[
                        form.entry()
                        for form in objectives.forms
                        if form.has_changed() and not form.cleaned_data.get("DELETE")
                    ],
                )
                services.replace_contents(
                    actor=request.user,
                    plan=plan,
                    tasks=[form.entry() for form in tasks.kept_forms()],  # type: ignore[attr-defined]
                    budget=[form.entry() for form in budget.kept_forms()],  # type: ignore[attr-defined]
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "Đã lưu mục tiêu, nhiệm vụ và kinh phí.")
                return redirect("plans:detail", plan.pk)
    else:
        objectives = ObjectiveFormSet(
            prefix="mt", form_kwargs={"measure_choices": measures}, initial=_objective_initial(plan)
        )
        tasks = TaskFormSet(prefix="nv", form_kwargs={"official_choices": officials}, initial=_task_initial(plan))
        budget = BudgetFormSet(prefix="kp", initial=_budget_initial(plan))
    return render(
        request,
        "plans/contents.html",
        {"plan": plan, "objectives": objectives, "tasks": tasks, "budget": budget},
    )


def _objective_initial(plan: Plan) -> list[dict[str, Any]]:
    return [
        {
            "text": objective.text,
            "measure": str(objective.measure_id or ""),
            "comparator": objective.comparator,
            "target_value": objective.target_value,
            "target_date": objective.target_date,
        }
        for objective in plan.objectives.all()
    ]


def _task_initial(plan: Plan) -> list[dict[str, Any]]:
    return [
        {
            "task_id": task.pk,
            "area": str(task.area) if task.area else "",
            "number": task.number,
            "title": task.title,
            "output": task.output,
            "lead": task.lead_text,
            "coordinating": task.coordinating_text,
            "deadline_text": task.deadline_text,
            "criterion_code": task.criterion_code,
            "responsible": str(task.responsible_id or ""),
            "weight": task.weight,
        }
        for task in plan.tasks.select_related("area")
    ]


def _budget_initial(plan: Plan) -> list[dict[str, Any]]:
    return [
        {
            "number": line.number,
            "item": line.item,
            "total": amount_text(line.total),
            "own": amount_text(line.own),
            "support": amount_text(line.support),
        }
        for line in plan.budget_lines.all()
    ]


@login_required
@require_POST
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    form = IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Cần nhập số văn bản và ngày ban hành hợp lệ.")
        return redirect("plans:detail", plan.pk)
    try:
        services.issue_plan(
            actor=request.user,
            plan=plan,
            number=form.cleaned_data["number"],
            document_date=form.cleaned_data["document_date"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Đã ban hành kế hoạch; nhiệm vụ đã được giao cho các đơn vị chủ trì, phối hợp.")
    return redirect("plans:detail", plan.pk)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    try:
        services.close_plan(actor=request.user, plan=plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Đã kết thúc kế hoạch.")
    return redirect("plans:detail", plan.pk)


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    try:
        services.delete_plan(actor=request.user, plan=plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("plans:detail", plan.pk)
    messages.success(request, "Đã xóa dự thảo kế hoạch.")
    return redirect("plans:index")


@login_required
@require_POST
def implement(request: HttpRequest, pk: int) -> HttpResponse:
    """The current unit drafts its own plan from a superior plan that assigns it tasks."""
    superior = plan_or_404(request, pk)
    unit = unit_or_404(request)
    try:
        plan = services.create_implementing_plan(actor=request.user, superior_plan=superior, unit=unit)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("plans:detail", superior.pk)
    messages.success(
        request, f"Đã lập dự thảo kế hoạch với {plan.tasks.count()} nhiệm vụ được giao; hãy rà soát và bổ sung."
    )
    return redirect("plans:detail", plan.pk)


@login_required
def rollup_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    if not can_see(request.user, plan.unit):
        raise Http404("Không tìm thấy kế hoạch.")
    today = timezone.localdate()
    rows = rollup(plan, today)
    state = request.GET.get("tinh_trang", "")
    shown = [row for row in rows if not state or row.issue_state == state]
    order = request.GET.get("sap_xep", "")
    if order == "tien_do":
        shown.sort(key=lambda row: row.progress)
    elif order == "qua_han":
        shown.sort(key=lambda row: -row.overdue)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/rollup.html",
        {
            "plan": plan,
            "page_obj": page,
            "summary": summarise(rows),
            "state": state,
            "order": order,
            "progress": plan_progress(plan),
            "today": today,
            "states": [
                ("on_time", "Ban hành đúng hạn"),
                ("late", "Ban hành chậm"),
                ("draft", "Đang dự thảo"),
                ("not_issued", "Quá hạn, chưa ban hành"),
                ("pending", "Chưa ban hành"),
            ],
        },
    )


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    kind = request.GET.get("dinh_dang", "docx")
    base = (plan.number or "du-thao") + "-" + plan.code_suffix
    if kind == "xlsx":
        response = HttpResponse(task_table_xlsx(plan), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="nhiem-vu-{base}.xlsx"'
        return response
    if kind not in ("docx", "qd"):
        raise Http404("Định dạng không hỗ trợ.")
    if plan.kind == Plan.Kind.REMEDIATION:
        # A remediation plan is issued in its own layout (decision, analysis per criterion, appendix), which
        # the remediation app writes; imported here because that app builds on this one.
        from cchc.remediation.documents import remediation_docx_bytes

        data = remediation_docx_bytes(plan)
    else:
        data = plan_docx_bytes(plan, with_decision=True if kind == "qd" else None)
    response = HttpResponse(data, content_type=DOCX)
    prefix = "quyet-dinh-ke-hoach" if kind == "qd" or plan.with_decision else "ke-hoach"
    response["Content-Disposition"] = f'attachment; filename="{prefix}-{base}.docx"'
    return response
