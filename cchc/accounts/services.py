"""Writes about people and their memberships; each audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cchc.accounts.access import Action, forget_cached_memberships, require
from cchc.accounts.models import Membership, Position, User
from cchc.audit.services import record, snapshot
from cchc.organisation.models import Unit


@transaction.atomic
def create_person(
    *,
    actor: Any,
    username: str,
    full_name: str,
    email: str = "",
    password: str | None = None,
    unit: Unit,
    role: str,
    position: Position | None = None,
) -> User:
    require(actor, Action.MANAGE_PEOPLE, unit)
    user = User(username=username, full_name=full_name, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    record(actor=actor, action="create", instance=user, after=snapshot(user), unit=unit)
    add_membership(actor=actor, user=user, unit=unit, role=role, position=position)
    return user


@transaction.atomic
def add_membership(*, actor: Any, user: User, unit: Unit, role: str, position: Position | None = None) -> Membership:
    require(actor, Action.MANAGE_PEOPLE, unit)
    membership, _created = Membership.objects.update_or_create(
        user=user, unit=unit, role=role, defaults={"position": position, "is_active": True, "valid_to": None}
    )
    record(actor=actor, action="access", instance=membership, after=snapshot(membership), unit=unit)
    forget_cached_memberships(user)
    return membership


@transaction.atomic
def end_membership(*, actor: Any, membership: Membership) -> None:
    require(actor, Action.MANAGE_PEOPLE, membership.unit)
    before = snapshot(membership)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    record(
        actor=actor,
        action="access",
        instance=membership,
        before=before,
        after=snapshot(membership),
        unit=membership.unit,
    )
    forget_cached_memberships(membership.user)
