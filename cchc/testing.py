"""Factories and personas shared by every app's tests.

The personas follow the style guide: a commune officer, an officer of another commune, a provincial
appraiser, a chairman, a system administrator. `make_province()` builds the small tree they live in.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from cchc.accounts.models import Membership, Position, Role, User
from cchc.organisation.models import Unit, UnitKind
from cchc.organisation.services import _refresh_paths

_sequence = itertools.count(1)


def make_unit(name: str, kind_code: str = "xa", parent: Unit | None = None, code: str | None = None, **extra) -> Unit:  # type: ignore[no-untyped-def]
    kind = UnitKind.objects.get(code=kind_code)
    unit = Unit.objects.create(code=code or f"U{next(_sequence):05d}", name=name, kind=kind, parent=parent, **extra)
    _refresh_paths(unit)
    return unit


def make_user(
    username: str | None = None,
    *,
    unit: Unit | None = None,
    role: str = Role.SPECIALIST,
    position: str | None = None,
    **extra,
) -> User:  # type: ignore[no-untyped-def]
    username = username or f"user{next(_sequence)}"
    user = User.objects.create_user(
        username=username, password="mat-khau-thu-nghiem", full_name=extra.pop("full_name", username), **extra
    )
    if unit is not None:
        position_object = Position.objects.get_or_create(name=position)[0] if position else None
        Membership.objects.create(user=user, unit=unit, role=role, position=position_object)
    return user


@dataclass
class Province:
    province: Unit
    department: Unit
    commune: Unit
    other_commune: Unit
    officer: User  # the commune's reform focal officer
    leader: User  # the commune's chairman
    specialist: User
    other_officer: User  # focal officer of another commune
    appraiser: User  # provincial appraiser (Sở Nội vụ)
    provincial_focal: User
    admin: User


def make_province() -> Province:
    province = make_unit("Tỉnh Thử Nghiệm", "tinh", code="T01")
    department = make_unit("Sở Nội vụ", "so", parent=province, code="SNV")
    commune = make_unit("Xã Hoàng Việt", "xa", parent=province, code="X01", place_name="Hoàng Việt")
    other = make_unit("Xã Ba Xa", "xa", parent=province, code="X02", place_name="Ba Xa")
    return Province(
        province=province,
        department=department,
        commune=commune,
        other_commune=other,
        officer=make_user("canbo.x01", unit=commune, role=Role.FOCAL, position="Công chức Văn phòng – Thống kê"),
        leader=make_user("chutich.x01", unit=commune, role=Role.LEADER, position="Chủ tịch"),
        specialist=make_user("tuphap.x01", unit=commune, role=Role.SPECIALIST, position="Công chức Tư pháp – Hộ tịch"),
        other_officer=make_user("canbo.x02", unit=other, role=Role.FOCAL, position="Công chức Văn phòng – Thống kê"),
        appraiser=make_user("thamdinh", unit=province, role=Role.APPRAISER, position="Chuyên viên Sở Nội vụ"),
        provincial_focal=make_user("daumoi.tinh", unit=province, role=Role.FOCAL, position="Chuyên viên Sở Nội vụ"),
        admin=User.objects.create_superuser("quantri", password="mat-khau-thu-nghiem", full_name="Quản trị"),
    )
