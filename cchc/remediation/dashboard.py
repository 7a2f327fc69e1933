"""Home page card for the current unit: its remediation plan from the last published result, and the
way to the target rank. Kept to a few queries: nothing is recomputed here."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from cchc.accounts.access import can_see
from cchc.assessment.models import RoundUnit
from cchc.assessment.results import latest_published
from cchc.core.dashboard import Card
from cchc.core.formatting import percent
from cchc.organisation.models import Unit
from cchc.plans.models import Plan, Task
from cchc.remediation.models import RemediationPlan


def cards(request: HttpRequest, unit: Unit) -> list[Card]:
    if not can_see(request.user, unit):
        return []
    entry = latest_published(unit)
    if entry is None or entry.index is None:
        return []
    round_ = entry.round
    count = RoundUnit.objects.filter(round=round_, rank__isnull=False).count()
    target_url = reverse("remediation:target", args=[round_.pk, unit.pk])
    result_line = f"Năm {round_.year}: {percent(entry.index)}"
    if entry.rank:
        result_line += f", xếp thứ {entry.rank:02d}/{count:02d}"
    lines = [(result_line, reverse("assessment:unit_results", args=[round_.pk, unit.pk]))]
    link = RemediationPlan.objects.filter(round=round_, plan__unit=unit).select_related("plan").first()
    # A remediation plan entered by hand (or imported) for the next year counts as the unit's plan too.
    plan = (
        link.plan
        if link is not None
        else Plan.objects.filter(unit=unit, kind=Plan.Kind.REMEDIATION, year=round_.year + 1).order_by("-pk").first()
    )
    if plan is None:
        lines.append(("Lộ trình lên hạng", target_url))
        return [
            Card(
                title=f"Kế hoạch khắc phục năm {round_.year + 1}",
                figure_label="Chưa lập kế hoạch khắc phục từ kết quả đã công bố",
                lines=lines,
                url=reverse("remediation:draft", args=[round_.pk, unit.pk]),
                link_label="Lập kế hoạch khắc phục",
                order=32,
            )
        ]
    tasks = Task.objects.filter(plan=plan)
    done = tasks.filter(status=Task.Status.COMPLETED).count()
    lines.append((f"{plan.code_display} ({plan.get_status_display().lower()})", ""))
    lines.append(("Tải kế hoạch (.docx)", reverse("remediation:export", args=[plan.pk])))
    lines.append(("Lộ trình lên hạng", target_url))
    return [
        Card(
            title=f"Kế hoạch khắc phục năm {round_.year + 1}",
            figure=f"{done}/{tasks.count()}",
            figure_label="tiêu chí đã khắc phục xong",
            lines=lines,
            url=reverse("plans:detail", args=[plan.pk]),
            link_label="Mở kế hoạch",
            order=32,
        )
    ]
