"""Home cards: the unit's tasks due this week, its overdue tasks and its annual plan's progress."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.access import Action, can
from cchc.core.dashboard import Card
from cchc.core.formatting import date as vn_date
from cchc.core.formatting import percent
from cchc.organisation.models import Unit
from cchc.plans.models import Plan, TaskAssignment
from cchc.plans.queries import current_annual_plan, due_this_week, overdue_work
from cchc.plans.rollup import plan_progress

LINES = 4


def cards(request: HttpRequest, unit: Unit) -> list[Card]:
    if not can(request.user, Action.VIEW, unit):
        return []
    today = timezone.localdate()
    due = due_this_week(unit, today)
    overdue = list(overdue_work(unit, today)[: LINES + 1])
    overdue_count = overdue_work(unit, today).count()
    result = [
        Card(
            title="Nhiệm vụ đến hạn tuần này",
            figure=str(len(due)),
            figure_label="nhiệm vụ đến hạn từ hôm nay đến Chủ nhật",
            lines=[
                (f"{vn_date(day)} · {_short(assignment.task.title)}", reverse("plans:task", args=[assignment.task_id]))
                for assignment, day in due[:LINES]
            ],
            url=reverse("plans:due"),
            link_label="Xem việc đến hạn",
            order=20,
        ),
        Card(
            title="Nhiệm vụ quá hạn",
            figure=str(overdue_count),
            figure_label="nhiệm vụ đã quá hạn mà chưa hoàn thành",
            lines=[
                (
                    f"hạn {vn_date(item.task.due_date)} · {_short(item.task.title)}",
                    reverse("plans:task", args=[item.task_id]),
                )
                for item in overdue[:LINES]
            ],
            url=f"{reverse('plans:inbox')}?tinh_trang=qua_han",
            link_label="Xem việc quá hạn",
            order=21,
        ),
    ]
    plan = current_annual_plan(unit, today.year)
    if plan is not None:
        lines = [
            (f"{plan.tasks.filter(completed_on__isnull=False).count()}/{plan.tasks.count()} nhiệm vụ đã hoàn thành", "")
        ]
        units = (
            TaskAssignment.objects.filter(task__plan=plan, unit__kind__is_administrative=True)
            .exclude(unit=plan.unit)
            .values("unit")
            .distinct()
            .count()
        )
        if units:
            issued = plan.implementing_plans.exclude(status=Plan.Status.DRAFT).count()
            lines.append(
                (f"{issued}/{units} đơn vị đã ban hành kế hoạch thực hiện", reverse("plans:rollup", args=[plan.pk]))
            )
        result.append(
            Card(
                title=f"Tiến độ kế hoạch CCHC năm {plan.year}",
                figure=percent(plan_progress(plan)),
                figure_label=plan.code_display,
                lines=lines,
                url=reverse("plans:detail", args=[plan.pk]),
                link_label="Mở kế hoạch",
                order=22,
            )
        )
    elif can(request.user, Action.MANAGE_PLANS, unit):
        drafts = Plan.objects.filter(unit=unit, year=today.year, status=Plan.Status.DRAFT).count()
        result.append(
            Card(
                title=f"Kế hoạch CCHC năm {today.year}",
                figure="Chưa ban hành",
                figure_label=f"{drafts} dự thảo" if drafts else "Chưa có dự thảo",
                url=reverse("plans:inbox"),
                link_label="Lập kế hoạch từ việc được giao",
                order=22,
            )
        )
    return result


def _short(text: str, length: int = 70) -> str:
    single = " ".join(text.split())
    return single if len(single) <= length else single[: length - 1] + "…"
