"""Home page card: the current round's self-assessment progress and deadline, the last published result."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.access import can_see
from cchc.assessment.models import Criterion, LeafScore, Phase, Round, RoundUnit
from cchc.assessment.results import latest_published
from cchc.core.dashboard import Card
from cchc.core.formatting import date, percent
from cchc.organisation.models import Unit


def cards(request: HttpRequest, unit: Unit) -> list[Card]:
    if not can_see(request.user, unit):
        return []
    result = [card for card in (_participant_card(unit), _organiser_card(unit)) if card is not None]
    return result


def _last_result_line(unit: Unit) -> tuple[str, str] | None:
    published = latest_published(unit)
    if published is None or published.index is None:
        return None
    count = RoundUnit.objects.filter(round=published.round).count()
    rank = f", xếp thứ {published.rank:02d}/{count:02d}" if published.rank else ""
    change = ""
    if published.rank_change:
        change = f", {'tăng' if published.rank_change > 0 else 'giảm'} {abs(published.rank_change):02d} bậc"
    text = f"Năm {published.round.year}: {percent(published.index)}{rank}{change}"
    return text, reverse("assessment:unit_results", args=[published.round_id, unit.pk])


def _participant_card(unit: Unit) -> Card | None:
    entry = (
        RoundUnit.objects.filter(unit=unit, round__status=Round.Status.IN_PROGRESS)
        .select_related("round")
        .order_by("-round__year")
        .first()
    )
    last = _last_result_line(unit)
    if entry is None and last is None:
        return None
    lines: list[tuple[str, str]] = []
    if entry is None:
        assert last is not None
        return Card(title="Chỉ số CCHC", lines=[last], url=last[1], link_label="Xem kết quả", order=30)
    leaves = Criterion.objects.filter(criteria_set_id=entry.round.criteria_set_id, is_leaf=True, survey=False).count()
    done = (
        LeafScore.objects.filter(round_unit=entry, criterion__survey=False)
        .filter(Q(self_points__isnull=False) | Q(not_applicable=True))
        .count()
    )
    phase = Phase.objects.filter(round_id=entry.round_id, kind=Phase.Kind.SELF_ASSESSMENT).first()
    if phase and phase.closes_on:
        days = (phase.closes_on - timezone.localdate()).days
        remaining = f" (còn {days} ngày)" if days >= 0 else " (đã quá hạn)"
        lines.append((f"Hạn tự đánh giá: {date(phase.closes_on)}{remaining}", ""))
    lines.append((entry.get_state_display(), ""))
    if last is not None:
        lines.append(last)
    url = reverse("assessment:self_assessment", args=[entry.pk])
    return Card(
        title=f"Tự đánh giá Chỉ số CCHC năm {entry.round.year}",
        figure=f"{done}/{leaves}",
        figure_label="tiêu chí đã chấm",
        lines=lines,
        url=url,
        link_label="Mở màn hình tự đánh giá",
        order=30,
    )


def _organiser_card(unit: Unit) -> Card | None:
    round_ = (
        Round.objects.filter(organiser=unit, status=Round.Status.IN_PROGRESS)
        .annotate(
            unit_count=Count("round_units", distinct=True),
            submitted=Count("round_units", filter=~Q(round_units__state=RoundUnit.State.DRAFT), distinct=True),
        )
        .order_by("-year")
        .first()
    )
    if round_ is None:
        return None
    return Card(
        title=f"Đánh giá Chỉ số CCHC năm {round_.year}",
        figure=f"{round_.submitted}/{round_.unit_count}",  # type: ignore[attr-defined]
        figure_label="đơn vị đã gửi tự đánh giá",
        url=reverse("assessment:round", args=[round_.pk]),
        link_label="Theo dõi đợt đánh giá",
        order=31,
    )
