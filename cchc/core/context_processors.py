"""The navigation, the unit switcher and the current unit, on every page."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from cchc.accounts.access import Action, can, member_units
from cchc.core.current import current_unit

# (url name, label, the namespace that marks it active). Modules appear once their app has pages.
MODULES = [
    ("core:home", "Tổng quan", "core"),
    ("plans:index", "Kế hoạch", "plans"),
    ("assessment:index", "Chỉ số CCHC", "assessment"),
    ("dossiers:index", "Hồ sơ TTHC", "dossiers"),
    ("surveys:index", "Khảo sát hài lòng", "surveys"),
    ("measures:index", "Chỉ tiêu", "measures"),
    ("plans:reports", "Báo cáo", "reports"),
]


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def navigation(request: HttpRequest) -> dict:
    if not request.user.is_authenticated:
        return {}
    namespace = request.resolver_match.namespace if request.resolver_match else ""
    url_name = request.resolver_match.url_name if request.resolver_match else ""
    items = []
    for name, label, marker in MODULES:
        url = _url(name)
        if url is None:
            continue
        active = namespace == marker or (marker == "reports" and namespace == "plans" and url_name == "reports")
        if marker == "plans" and url_name == "reports":
            active = False
        items.append({"url": url, "label": label, "active": active})
    unit = current_unit(request)
    admin_items = []
    if unit is not None:
        for name, label, action in [
            ("organisation:index", "Đơn vị", Action.VIEW),
            ("accounts:people", "Người dùng", Action.MANAGE_PEOPLE),
            ("audit:index", "Lịch sử thay đổi", Action.VIEW_AUDIT),
        ]:
            if can(request.user, action, unit) and (url := _url(name)):
                admin_items.append({"url": url, "label": label, "active": namespace == name.split(":")[0]})
    from cchc.notifications.models import Notification

    return {
        "unread_notifications": Notification.objects.for_user(request.user).unread().count(),
        "nav_items": items,
        "nav_admin_items": admin_items,
        "member_units": member_units(request.user),
        "current_unit": unit,
    }
