"""What every dossier screen reads from the request: the unit, the period, the as-of date, the figure.

Drill-down lists use `figure_condition`, the same attribution as the counts (kpi_math), so a list
always holds exactly the dossiers behind the number it was opened from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlencode

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.access import can_see
from cchc.core.current import current_unit
from cchc.measures.periods import Period, PeriodKind, custom, half, month, nine_months, parse, quarter, year
from cchc.organisation.models import Unit

FIGURES: Final[dict[str, str]] = {
    "received": "Hồ sơ tiếp nhận",
    "online": "Tiếp nhận trực tuyến",
    "online_full": "Trực tuyến toàn trình",
    "components_digitised": "Số hóa thành phần hồ sơ",
    "with_fee": "Có nghĩa vụ tài chính",
    "paid_online": "Thanh toán trực tuyến",
    "settled": "Đã giải quyết",
    "early": "Giải quyết trước hạn",
    "on_time": "Giải quyết đúng hạn",
    "late": "Giải quyết trễ hạn",
    "results_digitised": "Số hóa kết quả",
    "overdue": "Quá hạn chưa giải quyết",
    "in_progress": "Đang giải quyết trong hạn",
    "late_or_overdue": "Trễ hạn hoặc quá hạn",
    "apologised": "Trễ, quá hạn có văn bản xin lỗi",
    "apologised_in_time": "Xin lỗi đúng thời hạn",
    "due_soon": "Sắp đến hạn",
    "overdue_no_apology": "Quá hạn chưa có văn bản xin lỗi",
    "late_apology": "Xin lỗi muộn",
}
WARNINGS: Final = ("due_soon", "overdue_no_apology", "late_apology")


@dataclass(frozen=True)
class Selection:
    """The unit (its subtree), the period and the as-of date a screen shows."""

    unit: Unit
    period: Period
    as_of: dt.date

    @property
    def cut(self) -> dt.date:
        return min(self.period.end, self.as_of)

    def query(self, **extra: object) -> str:
        params: dict[str, object] = {"unit": self.unit.pk, "as_of": self.as_of.isoformat()}
        if self.period.kind == PeriodKind.CUSTOM:
            params["from"], params["to"] = self.period.start.isoformat(), self.period.end.isoformat()
        else:
            params["period"] = self.period.key
        params.update({key: value for key, value in extra.items() if value not in (None, "")})
        return urlencode(params)

    def list_url(self, figure: str, **extra: object) -> str:
        return f"{reverse('dossiers:list')}?{self.query(figure=figure, **extra)}"


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        try:
            return dt.datetime.strptime(text.strip(), "%d/%m/%Y").date()
        except ValueError:
            return None


def selected_unit(request: HttpRequest) -> Unit:
    """The unit asked for (if the user may see it) or the current unit; 404 for another's unit."""
    unit_id = request.GET.get("unit", "").strip()
    if unit_id:
        unit = Unit.objects.select_related("kind").filter(pk=int(unit_id) if unit_id.isdigit() else 0).first()
        if unit is None or not can_see(request.user, unit):
            raise Http404("Không tìm thấy đơn vị.")
        return unit
    unit = current_unit(request)
    if unit is None:
        raise Http404("Tài khoản chưa được phân công vào đơn vị nào.")
    return unit


def selection(request: HttpRequest) -> Selection:
    today = timezone.localdate()
    as_of = _date(request.GET.get("as_of")) or today
    start, end = _date(request.GET.get("from")), _date(request.GET.get("to"))
    period: Period | None = None
    if start and end and start <= end:
        period = custom(start, end)
    elif request.GET.get("period"):
        try:
            period = parse(request.GET["period"])
        except ValueError:
            period = None
    return Selection(selected_unit(request), period or year(as_of.year), as_of)


def period_choices(today: dt.date) -> list[tuple[str, list[Period]]]:
    """Periods offered in the selector: this year's and the two before."""
    groups = []
    for number in (today.year, today.year - 1, today.year - 2):
        periods = [year(number), nine_months(number), half(number, 1), half(number, 2)]
        periods += [quarter(number, index) for index in range(1, 5)]
        periods += [month(number, index) for index in range(1, 13)]
        groups.append((f"Năm {number}", periods))
    return groups


def figure_condition(
    figure: str, start: dt.date, cut: dt.date, today: dt.date | None = None, due_soon_until: dt.date | None = None
) -> Q:
    """The dossiers behind a figure of [start, cut] (cut = the period's last day or the as-of date).

    The early warnings look at `today` whatever the period; «due soon» runs to `due_soon_until`.
    """
    today = today or timezone.localdate()
    received = Q(received_day__gte=start, received_day__lte=cut)
    settled = Q(end_day__gte=start, end_day__lte=cut)
    open_at_cut = Q(received_day__lte=cut) & (Q(end_day__isnull=True) | Q(end_day__gt=cut))
    overdue = open_at_cut & Q(due_day__lt=cut)
    late = settled & Q(outcome="late")
    apology_known = Q(apology_date__isnull=False, apology_date__lte=cut)
    conditions = {
        "received": received,
        "online": received & Q(channel=2),
        "online_full": received & Q(channel=2, online_level="full"),
        "components_digitised": received & Q(components_digitised=True),
        "with_fee": received & Q(has_fee=True),
        "paid_online": received & Q(has_fee=True, paid_online=True),
        "settled": settled,
        "early": settled & Q(outcome="early"),
        "on_time": settled & Q(outcome="on_time"),
        "late": late,
        "results_digitised": settled & Q(result_digitised=True),
        "overdue": overdue,
        "in_progress": open_at_cut & (Q(due_day__isnull=True) | Q(due_day__gte=cut)),
        "late_or_overdue": late | overdue,
        "apologised": (late | overdue) & apology_known,
        "apologised_in_time": (late | overdue) & apology_known & Q(apology_in_time=True),
        "due_soon": Q(end_day__isnull=True, due_day__gte=today, due_day__lte=due_soon_until or today),
        "overdue_no_apology": Q(end_day__isnull=True, due_day__lt=today, apology_date__isnull=True),
        "late_apology": Q(apology_in_time=False) & (Q(outcome="late") | Q(end_day__isnull=True, due_day__lt=today)),
    }
    if figure not in conditions:
        raise Http404("Không có chỉ tiêu này.")
    return conditions[figure]
