"""Home page card: the current round's progress against its sample targets, and the latest index."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.http import HttpRequest
from django.urls import reverse

from cchc.accounts.access import can_see
from cchc.core.dashboard import Card
from cchc.core.formatting import number, percent
from cchc.organisation.models import Unit
from cchc.surveys.models import RoundUnit, SurveyRound
from cchc.surveys.permissions import can_review
from cchc.surveys.results import progress_percentage, results_for


def subtree_index(survey_round: SurveyRound, unit: Unit) -> tuple[Decimal | None, int]:
    """The round's index over the unit's subtree, and the answers it counts."""
    round_units = list(RoundUnit.objects.filter(round=survey_round, unit__path__startswith=unit.path))
    result = results_for(survey_round, round_units).get(())
    return (result.index, result.responses) if result else (None, 0)


def cards(request: HttpRequest, unit: Unit) -> list[Card]:
    if not can_see(request.user, unit):
        return []
    in_subtree = RoundUnit.objects.filter(unit__path__startswith=unit.path)
    if not in_subtree.exists():
        return []
    card = Card(title="Khảo sát hài lòng", url=reverse("surveys:index"), link_label="Xem khảo sát", order=40)
    closed = (
        SurveyRound.objects.filter(status=SurveyRound.Status.CLOSED, round_units__in=in_subtree)
        .distinct()
        .order_by("-closes_on", "-pk")
        .first()
    )
    if closed is not None:
        index, counted = subtree_index(closed, unit)
        card.figure = percent(index) if index is not None else "—"
        card.figure_label = f"Chỉ số hài lòng, {closed.title} ({number(counted)} phiếu)"
    current = (
        SurveyRound.objects.filter(status=SurveyRound.Status.OPEN, round_units__in=in_subtree)
        .distinct()
        .order_by("-opens_on", "-pk")
        .first()
    )
    if current is not None:
        mine = in_subtree.filter(round=current)
        totals = mine.aggregate(
            counted=Count("responses", filter=Q(responses__excluded=False)),
            pending=Count(
                "responses",
                filter=Q(responses__is_flagged=True, responses__excluded=False, responses__reviewed_at__isnull=True),
            ),
        )
        target = mine.aggregate(total=Sum("sample_target"))["total"] or 0
        own = mine.filter(unit=unit).first()
        url = (
            reverse("surveys:unit_results", args=[own.pk])
            if own
            else reverse("surveys:round_detail", args=[current.pk])
        )
        progress = progress_percentage(totals["counted"], target)
        text = f"Đợt đang mở «{current.title}»: {number(totals['counted'])}"
        text += f" / {number(target)} phiếu ({percent(progress)})" if target else " phiếu"
        card.lines.append((text, url))
        if own is not None and totals["pending"] and can_review(request.user, unit):
            review = reverse("surveys:unit_review", args=[own.pk])
            card.lines.append((f"{number(totals['pending'])} phiếu có cảnh báo chờ xem xét", review))
        if not card.figure:
            card.figure = percent(progress) if progress is not None else number(totals["counted"])
            card.figure_label = "tiến độ thu phiếu" if progress is not None else "phiếu đã thu"
    return [card]
