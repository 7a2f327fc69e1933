"""A province plan of 2026 in the test province: tasks led by the communes, by Sở Nội vụ, and internal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from cchc.plans.models import Plan, Task
from cchc.plans.services import add_task, create_plan, issue_plan
from cchc.testing import Province


@dataclass
class ProvincePlan:
    plan: Plan
    communes_lead: Task  # led by every commune, Sở Nội vụ coordinates
    department_lead: Task  # led by Sở Nội vụ, the communes coordinate
    weighted: Task  # led by every commune, weight 3


def make_province_plan(world: Province, *, issue: bool = True) -> ProvincePlan:
    actor = world.provincial_focal
    plan = create_plan(
        actor=actor,
        unit=world.province,
        title="Cải cách hành chính tỉnh Thử Nghiệm năm 2026",
        year=2026,
        issue_by=dt.date(2026, 1, 31),
        signer_name="Nguyễn Văn Tỉnh",
        recipients=["Bộ Nội vụ", "UBND các xã"],
    )
    communes_lead = add_task(
        actor=actor,
        plan=plan,
        area="I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
        title="Ban hành kế hoạch CCHC năm 2026 của cấp xã",
        output="Kế hoạch",
        lead_text="UBND các xã, phường, đặc khu",
        coordinating_text="Sở Nội vụ",
        deadline_text="Trước ngày 31/01",
    )
    department_lead = add_task(
        actor=actor,
        plan=plan,
        area="I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
        title="Kiểm tra công tác cải cách hành chính",
        output="Báo cáo kiểm tra",
        lead_text="Sở Nội vụ",
        coordinating_text="UBND các xã, phường, đặc khu",
        deadline_text="Quý II",
    )
    weighted = add_task(
        actor=actor,
        plan=plan,
        area="III. CẢI CÁCH THỦ TỤC HÀNH CHÍNH",
        title="Số hóa hồ sơ, kết quả giải quyết TTHC tối thiểu 55%",
        output="Tỷ lệ hồ sơ số hóa",
        lead_text="UBND các xã, phường, đặc khu",
        deadline_text="Quý III",
        criterion_code="7.3.3",
        weight=3,
    )
    if issue:
        issue_plan(actor=actor, plan=plan, number="15", document_date=dt.date(2026, 1, 5))
        plan.refresh_from_db()
    return ProvincePlan(plan, communes_lead, department_lead, weighted)


@pytest.fixture
def province_plan(world: Province) -> ProvincePlan:
    return make_province_plan(world)
