"""Home-page cards: figures waiting for this unit's review, its own figures still to report, and how
many units below have not reported the last period."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.access import Action, can, member_units
from cchc.core.dashboard import Card
from cchc.core.formatting import date as vn_date
from cchc.measures.entry_views import REPORTED, reported_measures_for
from cchc.measures.models import Measure, MeasureValue
from cchc.measures.periods import latest_complete
from cchc.measures.reminders import deadline
from cchc.organisation.models import Unit


def cards(request: HttpRequest, unit: Unit) -> list[Card]:
    result: list[Card] = []
    today = timezone.localdate()
    period = latest_complete("month", today)
    own = reported_measures_for(unit)
    if own and can(request.user, Action.EDIT, unit):
        done = MeasureValue.objects.filter(
            unit=unit, measure__in=own, period_key=period.key, status__in=REPORTED
        ).count()
        remaining = len(own) - done
        due = deadline(own[0], period)
        late = " – đã quá hạn" if remaining and today > due else ""
        result.append(
            Card(
                title="Số liệu cần báo cáo",
                figure=str(remaining),
                figure_label=f"chỉ số {period.label.lower()} chưa gửi duyệt (hạn {vn_date(due)}){late}",
                url=f"{reverse('measures:entry')}?period={period.key}",
                link_label="Nhập số liệu",
                order=40,
            )
        )
    if any(can(request.user, Action.REVIEW, below) for below in unit.children.all()[:1]):
        result.extend(_superior_cards(request, unit, period.key))
    return result


def _superior_cards(request: HttpRequest, unit: Unit, period_key: str) -> list[Card]:
    own_ids = [member.pk for member in member_units(request.user)]
    waiting = (
        MeasureValue.objects.for_action(request.user, Action.REVIEW)
        .filter(status=MeasureValue.Status.SUBMITTED, unit__path__startswith=unit.path)
        .exclude(unit__in=own_ids)
        .count()
    )
    measures = list(Measure.objects.filter(source=Measure.Source.REPORTED, is_active=True))
    levels = {measure.reporting_level for measure in measures if measure.reporting_level}
    below = Unit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk).active_on()
    if levels:
        below = below.filter(kind__level__in=levels)
    complete = (
        MeasureValue.objects.filter(unit__in=below, measure__in=measures, period_key=period_key, status__in=REPORTED)
        .values("unit_id")
        .annotate(reported=Count("id"))
        .filter(reported__gte=len(measures))
        .count()
    )
    late = below.count() - complete
    return [
        Card(
            title="Số liệu chờ duyệt",
            figure=str(waiting),
            figure_label="số liệu của đơn vị cấp dưới đang chờ duyệt",
            url=reverse("measures:review"),
            link_label="Mở hàng chờ duyệt",
            order=41,
        ),
        Card(
            title="Đơn vị chưa báo cáo",
            figure=str(late),
            figure_label=f"đơn vị cấp dưới chưa gửi đủ số liệu kỳ {period_key}",
            url=f"{reverse('measures:missing')}?period={period_key}",
            link_label="Xem ai chưa báo cáo",
            order=42,
        ),
    ]
