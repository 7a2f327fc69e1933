import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cchc.audit.models import Change
from cchc.notifications.models import Notification
from cchc.plans.models import Plan, Task, TaskAssignment
from cchc.plans.rollup import plan_progress, rollup, summarise
from cchc.plans.services import (
    add_task,
    create_implementing_plan,
    create_plan,
    issue_plan,
    record_progress,
)
from cchc.plans.tests.conftest import make_province_plan

LEAD, COORDINATING = TaskAssignment.Role.LEAD, TaskAssignment.Role.COORDINATING


def _assigned(task: Task) -> set[tuple[str, str]]:
    return {(item.unit.code, item.role) for item in task.assignments.select_related("unit")}


def test_issuing_a_plan_assigns_each_task_to_its_lead_and_coordinating_units(world, province_plan) -> None:
    assert _assigned(province_plan.communes_lead) == {("X01", LEAD), ("X02", LEAD), ("SNV", COORDINATING)}
    assert _assigned(province_plan.department_lead) == {("SNV", LEAD), ("X01", COORDINATING), ("X02", COORDINATING)}
    assert list(province_plan.communes_lead.lead_units.values_list("code", flat=True)) == ["X01", "X02"]
    plan = province_plan.plan
    assert (plan.status, plan.code, plan.document_date) == (Plan.Status.ISSUED, "15/KH-UBND", dt.date(2026, 1, 5))
    assert Change.objects.filter(object_type="plans.plan", object_id=str(plan.pk), action="state").exists()


def test_a_task_naming_no_unit_is_assigned_to_the_issuing_unit_itself(world) -> None:
    plan = create_plan(actor=world.officer, unit=world.commune, title="CCHC xã Hoàng Việt năm 2026", year=2026)
    task = add_task(actor=world.officer, plan=plan, title="Niêm yết TTHC", lead_text="Văn phòng - Thống kê")
    issue_plan(actor=world.leader, plan=plan, number="3")
    assert _assigned(task) == {("X01", LEAD)}


def test_the_units_are_told_of_their_assignments_once_the_plan_is_issued(
    world, django_capture_on_commit_callbacks
) -> None:
    plan = make_province_plan(world, issue=False).plan
    with django_capture_on_commit_callbacks(execute=True):
        issue_plan(actor=world.provincial_focal, plan=plan, number="15")
    notice = Notification.objects.get(user=world.officer, category=Notification.Category.ASSIGNMENT)
    assert (
        notice.title == "UBND tỉnh Thử Nghiệm giao 2 nhiệm vụ chủ trì, 1 nhiệm vụ phối hợp theo Kế hoạch số 15/KH-UBND"
    )
    assert notice.url == reverse("plans:inbox")
    assert Notification.objects.filter(user=world.other_officer, category="assignment").count() == 1


def test_each_unit_sees_what_is_assigned_to_it_in_its_inbox(client, world, province_plan) -> None:
    client.force_login(world.officer)
    response = client.get(reverse("plans:inbox"))
    assert response.status_code == 200
    items = list(response.context["page_obj"])
    assert {(item.task.title, item.role) for item in items} == {
        ("Ban hành kế hoạch CCHC năm 2026 của cấp xã", LEAD),
        ("Kiểm tra công tác cải cách hành chính", COORDINATING),
        ("Số hóa hồ sơ, kết quả giải quyết TTHC tối thiểu 55%", LEAD),
    }
    assert [plan.pk for plan in response.context["to_implement"]] == [province_plan.plan.pk]


def test_a_commune_drafts_its_own_plan_from_the_superiors_prefilled_with_what_it_leads(world, province_plan) -> None:
    own = create_implementing_plan(actor=world.officer, superior_plan=province_plan.plan, unit=world.commune)
    assert own.status == Plan.Status.DRAFT and own.unit == world.commune and own.year == 2026
    assert own.superior_plan == province_plan.plan
    assert list(province_plan.plan.implementing_plans.all()) == [own]
    tasks = list(own.tasks.order_by("order"))
    assert [task.assigned_from for task in tasks] == [province_plan.communes_lead, province_plan.weighted]
    assert [(task.title, task.deadline_text, task.due_date, task.weight) for task in tasks] == [
        ("Ban hành kế hoạch CCHC năm 2026 của cấp xã", "Trước ngày 31/01", dt.date(2026, 1, 31), 1),
        ("Số hóa hồ sơ, kết quả giải quyết TTHC tối thiểu 55%", "Quý III", dt.date(2026, 9, 30), 3),
    ]
    assert list(province_plan.weighted.implementations.all()) == [tasks[1]]
    assert [area.title for area in own.areas.all()] == ["CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"]
    assert "Thực hiện Kế hoạch số 15/KH-UBND ngày 05/01/2026 của UBND tỉnh Thử Nghiệm" in own.legal_bases


def test_a_unit_has_one_implementing_plan_per_superior_plan(world, province_plan) -> None:
    create_implementing_plan(actor=world.officer, superior_plan=province_plan.plan, unit=world.commune)
    with pytest.raises(ValidationError, match="đã có kế hoạch thực hiện"):
        create_implementing_plan(actor=world.officer, superior_plan=province_plan.plan, unit=world.commune)


def _issue_own_plan(world, province_plan, unit, officer, issued_on: dt.date) -> Plan:
    own = create_implementing_plan(actor=officer, superior_plan=province_plan.plan, unit=unit)
    issue_plan(actor=officer, plan=own, number="7", document_date=issued_on)
    return own


def test_progress_on_implementing_tasks_rolls_up_to_the_superior_task_and_plan(world, province_plan) -> None:
    own = _issue_own_plan(world, province_plan, world.commune, world.officer, dt.date(2026, 1, 20))
    first, digitising = own.tasks.order_by("order")
    record_progress(actor=world.officer, task=first, percent=Decimal(100), reported_on=dt.date(2026, 1, 20))
    record_progress(actor=world.officer, task=digitising, percent=Decimal(40), reported_on=dt.date(2026, 2, 1))
    part = TaskAssignment.objects.get(task=province_plan.weighted, unit=world.commune, role=LEAD)
    assert (part.progress, part.completed_on) == (Decimal(40), None)
    issued_part = TaskAssignment.objects.get(task=province_plan.communes_lead, unit=world.commune, role=LEAD)
    assert (issued_part.progress, issued_part.completed_on) == (Decimal(100), dt.date(2026, 1, 20))
    province_plan.communes_lead.refresh_from_db()
    # Two communes lead it; only one has done its part.
    assert province_plan.communes_lead.progress == Decimal(50)
    assert province_plan.communes_lead.status == Task.Status.IN_PROGRESS
    # Tasks 50%, 0% (department), 20% (digitising, weight 3): (50 + 0 + 3 × 20) / 5.
    assert plan_progress(province_plan.plan) == Decimal("22.00")


def test_the_superior_sees_per_unit_whether_the_plan_was_issued_on_time_and_the_weighted_progress(
    world, province_plan
) -> None:
    own = _issue_own_plan(world, province_plan, world.commune, world.officer, dt.date(2026, 1, 20))
    first, digitising = own.tasks.order_by("order")
    record_progress(actor=world.officer, task=first, percent=Decimal(100), reported_on=dt.date(2026, 1, 20))
    record_progress(actor=world.officer, task=digitising, percent=Decimal(40), reported_on=dt.date(2026, 2, 1))
    rows = {row.unit.code: row for row in rollup(province_plan.plan, dt.date(2026, 2, 15))}
    assert set(rows) == {"X01", "X02", "SNV"}
    x01 = rows["X01"]
    assert (x01.issue_state, x01.implementing_plan) == ("on_time", own)
    assert (x01.assigned, x01.completed, x01.overdue) == (2, 1, 0)
    assert x01.progress == Decimal("55.00")  # (1 × 100 + 3 × 40) / 4
    x02 = rows["X02"]
    assert (x02.issue_state, x02.issue_label) == ("not_issued", "Quá hạn, chưa ban hành")
    assert (x02.assigned, x02.completed, x02.overdue, x02.progress) == (2, 0, 1, Decimal(0))
    assert rows["SNV"].issue_state == "not_required"
    summary = summarise(list(rows.values()))
    assert (summary.units, summary.issued_on_time, summary.not_issued) == (2, 1, 1)


def test_a_plan_issued_after_the_deadline_is_shown_late_by_so_many_days(world, province_plan) -> None:
    _issue_own_plan(world, province_plan, world.other_commune, world.other_officer, dt.date(2026, 2, 10))
    rows = {row.unit.code: row for row in rollup(province_plan.plan, dt.date(2026, 3, 1))}
    assert (rows["X02"].issue_state, rows["X02"].issue_label) == ("late", "Ban hành chậm 10 ngày")
    assert rows["X01"].issue_state == "not_issued"


def test_the_rollup_page_lists_the_units_for_the_superior_only(client, world, province_plan) -> None:
    client.force_login(world.provincial_focal)
    response = client.get(reverse("plans:rollup", args=[province_plan.plan.pk]))
    assert response.status_code == 200
    assert "Xã Hoàng Việt" in response.content.decode()
    client.force_login(world.officer)
    assert client.get(reverse("plans:rollup", args=[province_plan.plan.pk])).status_code == 404


def test_a_plan_cannot_be_issued_without_a_number_or_tasks(world) -> None:
    plan = create_plan(actor=world.officer, unit=world.commune, title="Kế hoạch trống", year=2026)
    with pytest.raises(ValidationError) as error:
        issue_plan(actor=world.leader, plan=plan)
    assert error.value.messages == ["Cần nhập số văn bản.", "Kế hoạch chưa có nhiệm vụ nào."]
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def test_deadlines_as_written_give_the_tasks_due_dates_and_recurrences(world) -> None:
    plan = create_plan(actor=world.officer, unit=world.commune, title="CCHC năm 2026", year=2026)
    cases = {
        "Quý I": (["2026-03-31"], ""),
        "Tháng 02/2026": (["2026-02-28"], ""),
        "Thường xuyên": ([], "continuous"),
        "6 tháng, cuối năm": (["2026-06-30", "2026-12-31"], "semiannual"),
        "Trước ngày 30/11": (["2026-11-30"], ""),
        "Theo quy định": ([], "as_regulated"),
        "Sau khi có văn bản chỉ đạo của tỉnh": ([], ""),
    }
    for text, (dates, recurrence) in cases.items():
        task = add_task(actor=world.officer, plan=plan, title=f"Nhiệm vụ {text}", deadline_text=text)
        assert (task.deadline_text, task.due_dates, task.recurrence) == (text, dates, recurrence)
        assert task.due_date == (dt.date.fromisoformat(dates[-1]) if dates else None)


def test_the_task_page_links_the_superior_task_and_the_lower_units_tasks(client, world, province_plan) -> None:
    source = province_plan.communes_lead
    implementing = create_implementing_plan(actor=world.officer, superior_plan=province_plan.plan, unit=world.commune)
    own = Task.objects.get(plan=implementing, assigned_from=source)
    client.force_login(world.officer)
    page = client.get(reverse("plans:task", args=[own.pk])).content.decode()
    assert "Thực hiện nhiệm vụ cấp trên" in page
    assert reverse("plans:task", args=[source.pk]) in page
    client.force_login(world.provincial_focal)
    page = client.get(reverse("plans:task", args=[source.pk])).content.decode()
    assert "Xã Hoàng Việt" in page
    assert reverse("plans:task", args=[own.pk]) in page
