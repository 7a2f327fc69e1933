"""What every assessment view needs: objects found through the access rule, htmx and error helpers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from cchc.accounts.access import Action, can, can_see
from cchc.assessment.models import Round, RoundUnit


def rounds_for(user: Any) -> QuerySet[Round]:
    return Round.objects.visible_to(user).select_related("criteria_set", "organiser", "organiser__kind")


def get_round(request: HttpRequest, pk: int) -> Round:
    return get_object_or_404(rounds_for(request.user), pk=pk)


def get_round_unit(request: HttpRequest, pk: int) -> RoundUnit:
    """Another unit's officer gets 404 here: the entry is not in what they may see."""
    return get_object_or_404(
        RoundUnit.objects.visible_to(request.user).select_related(
            "round", "round__criteria_set", "round__organiser", "unit", "unit__kind", "submitted_by"
        ),
        pk=pk,
    )


def manages(user: Any, round_: Round) -> bool:
    return can(user, Action.ADMINISTER, round_.organiser)


def oversees(user: Any, round_: Round) -> bool:
    """Sees the round from above: every unit's scores and the provisional ranking."""
    return can_see(user, round_.organiser)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def error_messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def flash_errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error_messages(error):
        messages.error(request, message)
