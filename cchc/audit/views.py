from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cchc.accounts.access import Action, is_system_administrator, unit_filter_for_action
from cchc.audit.models import Change
from cchc.organisation.models import Unit


def changes_visible_to(user):  # type: ignore[no-untyped-def]
    """Leaders and administrators read the history of their units; everyone reads their own acts."""
    if is_system_administrator(user):
        return Change.objects.all()
    units = Unit.objects.filter(unit_filter_for_action(user, Action.VIEW_AUDIT))
    return Change.objects.filter(Q(unit__in=units) | Q(actor=user))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    changes = changes_visible_to(request.user).select_related("actor", "unit")
    actor = request.GET.get("actor", "")
    if actor.isdigit():
        changes = changes.filter(actor_id=int(actor))
    object_type = request.GET.get("type", "")
    if object_type:
        changes = changes.filter(object_type=object_type)
    page = Paginator(changes, 50).get_page(request.GET.get("page"))
    return render(request, "audit/index.html", {"page_obj": page, "actor": actor, "object_type": object_type})


@login_required
def object_history(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    changes = changes_visible_to(request.user).filter(object_type=object_type, object_id=object_id)
    if not changes.exists() and not Change.objects.filter(object_type=object_type, object_id=object_id).exists():
        return render(request, "audit/object.html", {"changes": [], "object_type": object_type})
    if not changes.exists():
        raise PermissionDenied
    page = Paginator(changes.select_related("actor"), 50).get_page(request.GET.get("page"))
    return render(
        request, "audit/object.html", {"page_obj": page, "changes": page.object_list, "object_type": object_type}
    )
