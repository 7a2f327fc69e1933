from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cchc.notifications.models import Notification
from cchc.notifications.services import mark_read


@login_required
def index(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.for_user(request.user).select_related("unit")
    page = Paginator(notifications, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/index.html", {"page_obj": page})


@login_required
@require_POST
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    mark_read(request.user, [notification])
    return redirect(notification.url or "notifications:index")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    mark_read(request.user, Notification.objects.for_user(request.user).unread())
    return redirect("notifications:index")
