from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cchc.accounts import services
from cchc.accounts.access import ROLE_RULES, Action, unit_filter_for_action
from cchc.accounts.forms import LoginForm, MembershipForm, PersonForm
from cchc.accounts.models import Membership, Role, User
from cchc.organisation.models import Unit


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def people_visible_to(user: Any) -> QuerySet[User]:
    """People with a membership in a unit where the user may manage people, or the user themself."""
    units = Unit.objects.filter(unit_filter_for_action(user, Action.MANAGE_PEOPLE))
    if user.is_superuser:
        return User.objects.all()
    return User.objects.filter(Q(memberships__unit__in=units) | Q(pk=user.pk)).distinct()


@login_required
def people(request: HttpRequest) -> HttpResponse:
    queryset = people_visible_to(request.user).prefetch_related("memberships__unit", "memberships__position")
    search = request.GET.get("q", "").strip()
    if search:
        queryset = queryset.filter(Q(full_name__icontains=search) | Q(username__icontains=search))
    role = request.GET.get("role", "")
    if role:
        queryset = queryset.filter(memberships__role=role)
    page = Paginator(queryset.order_by("full_name", "username"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/people.html",
        {
            "page_obj": page,
            "search": search,
            "roles": Role.choices,
            "role": role,
            "role_rules": ROLE_RULES,
        },
    )


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    units = Unit.objects.filter(unit_filter_for_action(request.user, Action.MANAGE_PEOPLE))
    if not units.exists():
        return render(request, "403.html", status=403)
    form = PersonForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = services.create_person(
            actor=request.user,
            username=data["username"],
            full_name=data["full_name"],
            email=data["email"],
            password=data["password"] or None,
            unit=data["unit"],
            role=data["role"],
            position=data["position"],
        )
        messages.success(request, f"Đã tạo tài khoản {person.display_name}.")
        return redirect("accounts:person", pk=person.pk)
    return render(request, "accounts/person_form.html", {"form": form})


@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(people_visible_to(request.user), pk=pk)
    units = Unit.objects.filter(unit_filter_for_action(request.user, Action.MANAGE_PEOPLE))
    form = MembershipForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        services.add_membership(
            actor=request.user,
            user=person,
            unit=form.cleaned_data["unit"],
            role=form.cleaned_data["role"],
            position=form.cleaned_data["position"],
        )
        messages.success(request, "Đã thêm phân công.")
        return redirect("accounts:person", pk=person.pk)
    memberships = person.memberships.select_related("unit", "position").order_by("-is_active", "unit__path")
    manageable = set(units.values_list("pk", flat=True))
    return render(
        request,
        "accounts/person.html",
        {
            "person": person,
            "memberships": memberships,
            "form": form,
            "manageable": manageable,
        },
    )


@login_required
@require_POST
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    units = Unit.objects.filter(unit_filter_for_action(request.user, Action.MANAGE_PEOPLE))
    membership = get_object_or_404(Membership.objects.filter(unit__in=units), pk=pk)
    services.end_membership(actor=request.user, membership=membership)
    messages.success(request, "Đã kết thúc phân công.")
    return redirect("accounts:person", pk=membership.user_id)
