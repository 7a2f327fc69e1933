"""The demo province: fictional, realistic and deterministic.

`cchc demo` builds the organisation and people here, then calls each app's `demo.load(context)` in
DEMO_ORDER, so that later capabilities extend the demo with their own data.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from cchc.accounts.models import Membership, Position, Role, User
from cchc.organisation.models import Unit, UnitKind

DEMO_PASSWORD = "cchc-demo-2026"
PROVINCE_CODE = "HS"
MERGER_DATE = dt.date(2025, 7, 1)

# Each app's demo module, in the order their data depends on each other.
DEMO_ORDER = ["measures", "dossiers", "surveys", "plans", "assessment", "remediation"]

FIRST_SYLLABLES = [
    "Tân",
    "Hòa",
    "Bình",
    "Phú",
    "Thạch",
    "Đông",
    "Tây",
    "Nam",
    "An",
    "Vĩnh",
    "Quang",
    "Hưng",
    "Minh",
    "Thanh",
    "Hồng",
    "Kim",
    "Long",
    "Phúc",
    "Xuân",
    "Đức",
    "Yên",
    "Hải",
    "Cẩm",
    "Gia",
]
SECOND_SYLLABLES = [
    "Lập",
    "Bình",
    "Sơn",
    "Hà",
    "Phong",
    "Lạc",
    "Thịnh",
    "Tiến",
    "Hòa",
    "Trung",
    "Thành",
    "Lộc",
    "Mỹ",
    "Khánh",
    "Yên",
    "Điền",
    "Xuyên",
    "Tường",
    "Hiệp",
    "Phước",
]
FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE_NAMES = ["Văn", "Thị", "Minh", "Đức", "Thanh", "Ngọc", "Quang", "Thu", "Hữu", "Kim"]
GIVEN_NAMES = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hòa",
    "Hùng",
    "Hương",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phong",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vân",
]
DEPARTMENTS = [
    ("SNV", "Sở Nội vụ"),
    ("STP", "Sở Tư pháp"),
    ("VPUB", "Văn phòng UBND tỉnh"),
    ("STC", "Sở Tài chính"),
    ("SKHCN", "Sở Khoa học và Công nghệ"),
    ("SNNMT", "Sở Nông nghiệp và Môi trường"),
    ("SXD", "Sở Xây dựng"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("SYT", "Sở Y tế"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
]
COMMUNE_POSITIONS = [
    ("Chủ tịch", Role.LEADER, True),
    ("Phó Chủ tịch", Role.VIEWER, True),
    ("Công chức Văn phòng – Thống kê", Role.FOCAL, False),
    ("Công chức Tư pháp – Hộ tịch", Role.SPECIALIST, False),
    ("Công chức Tài chính – Kế toán", Role.SPECIALIST, False),
    ("Công chức Văn hóa – Xã hội", Role.SPECIALIST, False),
    ("Công chức Địa chính – Xây dựng", Role.SPECIALIST, False),
]


@dataclass
class DemoContext:
    """What every app's demo loader receives."""

    today: dt.date
    province: Unit
    departments: dict[str, Unit]
    communes: list[Unit]  # today's communes and wards (after the 2025 reform)
    legacy_district: Unit
    legacy_communes: list[Unit]  # the district's communes before 1 July 2025
    logins: dict[
        str, User
    ]  # demo logins by role name: admin, leader, focal, specialist, appraiser, viewer, other_focal
    officials: dict[tuple[int, str], User]  # (unit id, position name) → the official holding it
    seed: int = 2026
    log: Callable[[str], None] = print
    random: random.Random = field(default_factory=lambda: random.Random(2026))

    @property
    def home_commune(self) -> Unit:
        """The commune of the demo logins (the one the walkthrough uses)."""
        return self.communes[0]

    @property
    def other_commune(self) -> Unit:
        return self.communes[1]


def _names(rng: random.Random, count: int) -> list[str]:
    pairs = [f"{first} {second}" for first in FIRST_SYLLABLES for second in SECOND_SYLLABLES if first != second]
    rng.shuffle(pairs)
    return pairs[:count]


def _person_name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"


def _unit(code: str, name: str, kind: UnitKind, parent: Unit | None, **extra) -> Unit:  # type: ignore[no-untyped-def]
    unit = Unit(code=code, name=name, kind=kind, parent=parent, **extra)
    unit.save()
    unit.path = (parent.path if parent else "") + f"{unit.pk:06d}."
    unit.depth = parent.depth + 1 if parent else 0
    Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
    return unit


@transaction.atomic
def build_organisation(log: Callable[[str], None] = print) -> DemoContext:
    rng = random.Random(2026)
    kinds = {kind.code: kind for kind in UnitKind.objects.all()}
    province = _unit(
        PROVINCE_CODE, "Tỉnh Hòa Sơn", kinds["tinh"], None, place_name="Hòa Sơn", valid_from=dt.date(2025, 7, 1)
    )
    departments = {code: _unit(code, name, kinds["so"], province, place_name="Hòa Sơn") for code, name in DEPARTMENTS}
    names = _names(rng, 110)
    communes = []
    for index, name in enumerate(names[:100], start=1):
        kind = kinds["phuong"] if index % 5 == 0 else kinds["xa"]
        if index == 100:
            kind = kinds["dac-khu"]
        communes.append(
            _unit(f"HS{index:03d}", f"{kind.name} {name}", kind, province, place_name=name, valid_from=MERGER_DATE)
        )
    # The legacy three-level structure: a district and its communes until 30 June 2025, each merged into
    # one of today's communes (its successor) so that its history stays readable.
    legacy_district = _unit(
        "HS-BG",
        "Huyện Bình Giang",
        kinds["huyen"],
        province,
        valid_to=MERGER_DATE - dt.timedelta(days=1),
        place_name="Bình Giang",
        successor=None,
    )
    legacy_communes = []
    for index, name in enumerate(names[100:110], start=1):
        kind = kinds["thi-tran"] if index == 1 else kinds["xa"]
        legacy_communes.append(
            _unit(
                f"HS-BG{index:02d}",
                f"{kind.name} {name}",
                kind,
                legacy_district,
                valid_to=MERGER_DATE - dt.timedelta(days=1),
                successor=communes[(index - 1) // 2],
                place_name=name,
            )
        )
    log(f"Đã tạo {2 + len(departments) + len(communes) + len(legacy_communes)} đơn vị.")

    positions = {
        name: Position.objects.get_or_create(name=name, defaults={"is_leadership": leadership})[0]
        for name, _role, leadership in COMMUNE_POSITIONS
    }
    positions["Chuyên viên Sở Nội vụ"] = Position.objects.get_or_create(name="Chuyên viên Sở Nội vụ")[0]
    positions["Giám đốc Sở"] = Position.objects.get_or_create(name="Giám đốc Sở", defaults={"is_leadership": True})[0]
    unusable = make_password(None)
    officials: dict[tuple[int, str], User] = {}
    users: list[User] = []
    memberships: list[tuple[User, Unit, str, Position]] = []
    for commune in communes:
        for position_name, role, _leadership in COMMUNE_POSITIONS:
            user = User(username=f"{commune.code.lower()}.{len(users)}", full_name=_person_name(rng), password=unusable)
            users.append(user)
            memberships.append((user, commune, role, positions[position_name]))
            officials[(0, position_name)] = user
    User.objects.bulk_create(users)
    Membership.objects.bulk_create(
        [Membership(user=user, unit=unit, role=role, position=position) for user, unit, role, position in memberships]
    )
    officials = {(unit.pk, position.name): user for user, unit, _role, position in memberships}

    password = make_password(DEMO_PASSWORD)
    home, other = communes[0], communes[1]
    logins: dict[str, User] = {}

    def login(username: str, full_name: str, unit: Unit, role: str, position: str, **extra) -> User:  # type: ignore[no-untyped-def]
        user = User.objects.create(
            username=username, full_name=full_name, password=password, email=f"{username}@hoason.gov.vn", **extra
        )
        Membership.objects.create(user=user, unit=unit, role=role, position=positions[position])
        return user

    logins["admin"] = login(
        "quantri",
        "Quản trị hệ thống",
        province,
        Role.ADMINISTRATOR,
        "Chuyên viên Sở Nội vụ",
        is_superuser=True,
        is_staff=True,
    )
    logins["appraiser"] = login("thamdinh", "Lê Thu Hà", departments["SNV"], Role.APPRAISER, "Chuyên viên Sở Nội vụ")
    Membership.objects.create(
        user=logins["appraiser"], unit=province, role=Role.APPRAISER, position=positions["Chuyên viên Sở Nội vụ"]
    )
    logins["provincial_focal"] = login("daumoi.tinh", "Phạm Minh Quân", province, Role.FOCAL, "Chuyên viên Sở Nội vụ")
    # The walkthrough's commune: its chairman and officials log in with the demo password.
    for role_name, username, position in [
        ("leader", "chutich", "Chủ tịch"),
        ("focal", "canbo", "Công chức Văn phòng – Thống kê"),
        ("specialist", "tuphap", "Công chức Tư pháp – Hộ tịch"),
        ("viewer", "xem", "Phó Chủ tịch"),
    ]:
        official = officials[(home.pk, position)]
        official.username = username
        official.password = password
        official.email = f"{username}@hoason.gov.vn"
        official.save(update_fields=["username", "password", "email"])
        logins[role_name] = official
    other_focal = officials[(other.pk, "Công chức Văn phòng – Thống kê")]
    other_focal.username, other_focal.password, other_focal.email = "canbo2", password, "canbo2@hoason.gov.vn"
    other_focal.save(update_fields=["username", "password", "email"])
    logins["other_focal"] = other_focal
    log(f"Đã tạo {User.objects.count()} cán bộ, công chức và {len(logins)} tài khoản đăng nhập mẫu.")
    return DemoContext(
        today=timezone.localdate(),
        province=province,
        departments=departments,
        communes=communes,
        legacy_district=legacy_district,
        legacy_communes=legacy_communes,
        logins=logins,
        officials=officials,
        log=log,
    )


def load(log: Callable[[str], None] = print) -> DemoContext:
    started = time.monotonic()
    context = build_organisation(log)
    for app in DEMO_ORDER:
        try:
            module = importlib.import_module(f"cchc.{app}.demo")
        except ModuleNotFoundError as error:
            if error.name == f"cchc.{app}.demo":
                continue
            raise
        app_started = time.monotonic()
        module.load(context)
        log(f"  · {app}: {time.monotonic() - app_started:.1f} giây")
    log(f"Dữ liệu mẫu đã sẵn sàng sau {time.monotonic() - started:.1f} giây.")
    return context


DEMO_LOGINS = [
    ("quantri", "Quản trị hệ thống (toàn tỉnh)"),
    ("thamdinh", "Thẩm định viên Sở Nội vụ"),
    ("daumoi.tinh", "Đầu mối CCHC cấp tỉnh"),
    ("chutich", "Chủ tịch UBND xã (lãnh đạo đơn vị)"),
    ("canbo", "Công chức Văn phòng – Thống kê (đầu mối CCHC của xã)"),
    ("tuphap", "Công chức Tư pháp – Hộ tịch (chuyên môn)"),
    ("xem", "Phó Chủ tịch (chỉ xem)"),
    ("canbo2", "Đầu mối CCHC của một xã khác"),
]
