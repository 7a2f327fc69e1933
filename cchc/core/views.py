from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cchc.core.current import current_unit, set_current_unit
from cchc.core.dashboard import collect_cards
from cchc.organisation.models import Unit


@login_required
def home(request: HttpRequest) -> HttpResponse:
    unit = current_unit(request)
    cards = collect_cards(request, unit) if unit else []
    return render(request, "core/home.html", {"unit": unit, "cards": cards})


@login_required
@require_POST
def switch_unit(request: HttpRequest) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=request.POST.get("unit") or 0)
    set_current_unit(request, unit)
    messages.success(request, f"Đang làm việc với đơn vị: {unit.name}.")
    next_url = request.POST.get("next") or request.headers.get("Referer") or "/"
    from django.utils.http import url_has_allowed_host_and_scheme

    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url)


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
