import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from cchc.plans import dashboard
from cchc.plans.models import Plan, Task
from cchc.plans.services import add_task, create_implementing_plan, create_plan, issue_plan, record_progress
from cchc.plans.tests.fixtures.documents import messy_plan_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _management(prefix: str, total: int, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_the_plan_list_filters_and_links_to_each_plan(client, world, province_plan) -> None:
    draft = create_plan(
        actor=world.officer,
        unit=world.commune,
        title="Kế hoạch tuyên truyền 2026",
        year=2026,
        kind=Plan.Kind.PROPAGANDA,
    )
    client.force_login(world.officer)
    own = client.get(reverse("plans:index"))
    assert [plan.pk for plan in own.context["page_obj"]] == [draft.pk]
    assigned = client.get(reverse("plans:index"), {"pham_vi": "assigned"})
    assert [plan.pk for plan in assigned.context["page_obj"]] == [province_plan.plan.pk]
    none = client.get(reverse("plans:index"), {"loai": "annual"})
    assert list(none.context["page_obj"]) == []
    assert "Không có kế hoạch nào khớp bộ lọc." in none.content.decode()


def test_the_plan_page_shows_tasks_by_area_with_progress_and_overdue_badges(client, world, province_plan) -> None:
    client.force_login(world.provincial_focal)
    response = client.get(reverse("plans:detail", args=[province_plan.plan.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH" in html and "II. CẢI CÁCH THỦ TỤC HÀNH CHÍNH" in html
    assert 'data-bar="0"' in html and "Quá hạn" in html  # the test runs after the 2026 deadlines
    assert "<dd>2026</dd>" in html and "2.026" not in html  # a year is not a number with thousands
    assert 'style="' not in html and "<script>" not in html  # CSP: no inline styles or scripts


def test_a_plan_is_created_then_filled_in_as_tables_and_issued(client, world) -> None:
    client.force_login(world.officer)
    response = client.post(
        reverse("plans:create"),
        {
            "kind": "annual",
            "year": "2026",
            "title": "CCHC xã Hoàng Việt năm 2026",
            "code_suffix": "KH-UBND",
            "signer_position": "Chủ tịch",
            "signer_authority": "TM",
            "decision_code_suffix": "QĐ-UBND",
            "recipients": "UBND tỉnh\n- Các bộ phận chuyên môn",
        },
    )
    plan = Plan.objects.get()
    assert response.url == reverse("plans:edit_contents", args=[plan.pk])
    assert plan.recipients == ["UBND tỉnh", "Các bộ phận chuyên môn"]
    data = {
        **_management("mt", 1),
        **_management("nv", 3),
        **_management("kp", 2),
        "mt-0-text": "Hoàn thành 100% nhiệm vụ",
        "nv-0-area": "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
        "nv-0-title": "Ban hành kế hoạch tuyên truyền",
        "nv-0-lead": "Văn hóa - Xã hội",
        "nv-0-deadline_text": "Quý I",
        "nv-0-responsible": str(world.specialist.pk),
        "nv-0-weight": "2",
        "nv-1-area": "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
        "nv-1-title": "Báo cáo định kỳ",
        "nv-1-deadline_text": "Hằng quý",
        "nv-1-weight": "1",
        "nv-2-weight": "1",  # a blank extra row is ignored
        "kp-0-item": "Tuyên truyền",
        "kp-0-total": "1.081.000",
        "kp-1-item": "Dòng sai",
        "kp-1-total": "12a",
    }
    invalid = client.post(reverse("plans:edit_contents", args=[plan.pk]), data)
    assert invalid.status_code == 200 and "«12a» không phải là số tiền" in invalid.content.decode()
    assert not plan.tasks.exists()
    data["kp-1-DELETE"] = "on"
    assert client.post(reverse("plans:edit_contents", args=[plan.pk]), data).status_code == 302
    tasks = list(plan.tasks.order_by("order"))
    assert [(task.title, task.weight, task.responsible, task.recurrence) for task in tasks] == [
        ("Ban hành kế hoạch tuyên truyền", 2, world.specialist, ""),
        ("Báo cáo định kỳ", 1, None, "quarterly"),
    ]
    assert [line.total for line in plan.budget_lines.all()] == [Decimal(1081000)]
    assert plan.objectives.get().text == "Hoàn thành 100% nhiệm vụ"
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "Bằng chữ: Một tỷ không trăm tám mươi mốt triệu đồng." in page
    client.force_login(world.leader)
    client.post(reverse("plans:issue", args=[plan.pk]), {"number": "12", "document_date": "2026-01-15"})
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ISSUED


def test_the_import_preview_lets_the_user_fix_rows_before_the_draft_is_saved(client, world) -> None:
    client.force_login(world.officer)
    upload = SimpleUploadedFile("ke-hoach.docx", messy_plan_docx().getvalue(), content_type=DOCX)
    preview = client.post(reverse("plans:import"), {"file": upload, "kind": "annual"})
    assert preview.status_code == 200 and not Plan.objects.exists()
    tasks = preview.context["tasks"]
    assert len(tasks.forms) == 7 + 3
    assert tasks.forms[3].initial["title"] == "Rà soát, đơn giản hóa TTHC\n(tiếp) trình UBND huyện phê duyệt"
    assert preview.context["metadata_form"].initial["title"] == "Cải cách hành chính xã Hoàng Việt năm 2024"
    data = {
        "buoc": "luu",
        "kind": "annual",
        "year": "2024",
        "title": "Cải cách hành chính xã Hoàng Việt năm 2024",
        "number": "15",
        "code_suffix": "KH-UBND",
        **_management("nv", 2, 2),
        **_management("kp", 1, 1),
        "nv-0-area": "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
        "nv-0-title": "Ban hành kế hoạch CCHC năm 2024",
        "nv-0-deadline_text": "Quý I",
        "nv-0-weight": "1",
        "nv-1-area": "II. CẢI CÁCH THỦ TỤC HÀNH CHÍNH",
        "nv-1-title": "",
        "nv-1-weight": "1",
        "kp-0-item": "Tuyên truyền",
        "kp-0-total": "531,000,00",
    }
    refused = client.post(reverse("plans:import"), data)
    assert refused.status_code == 400 and not Plan.objects.exists()
    errors = refused.context["errors"]
    assert "Bảng nhiệm vụ, dòng 2, cột «Nhiệm vụ»: Trường này là bắt buộc." in errors
    assert any(error.startswith("Bảng kinh phí, dòng 1, cột «Tổng kinh phí»: «531,000,00»") for error in errors)
    data.update({"nv-1-title": "Rà soát TTHC (đã sửa)", "nv-1-deadline_text": "Quý II, III", "kp-0-total": "531.000"})
    saved = client.post(reverse("plans:import"), data)
    plan = Plan.objects.get()
    assert saved.url == reverse("plans:detail", args=[plan.pk])
    assert (plan.status, plan.code, plan.unit) == (Plan.Status.DRAFT, "15/KH-UBND", world.commune)
    assert list(plan.tasks.values_list("title", "due_date")) == [
        ("Ban hành kế hoạch CCHC năm 2024", dt.date(2024, 3, 31)),
        ("Rà soát TTHC (đã sửa)", dt.date(2024, 9, 30)),
    ]
    assert plan.budget_lines.get().total == Decimal(531000)


def test_an_unreadable_upload_is_refused_on_the_upload_form(client, world) -> None:
    client.force_login(world.officer)
    upload = SimpleUploadedFile("anh.png", b"\x89PNG....")
    response = client.post(reverse("plans:import"), {"file": upload, "kind": "annual"})
    assert response.status_code == 200
    assert "không phải .docx hoặc .xlsx" in response.content.decode()


def test_the_task_page_lists_the_progress_history(client, world, province_plan) -> None:
    record_progress(
        actor=world.officer,
        task=province_plan.communes_lead,
        percent=Decimal(50),
        note="Đang soạn",
        reported_on=dt.date(2026, 1, 15),
    )
    client.force_login(world.provincial_focal)
    html = client.get(reverse("plans:task", args=[province_plan.communes_lead.pk])).content.decode()
    assert "Đang soạn" in html and "Xã Hoàng Việt" in html and "15/01/2026" in html


def test_the_focal_officer_sees_what_falls_due_this_week_on_the_home_page(client, world) -> None:
    today = dt.date.today()
    plan = create_plan(actor=world.officer, unit=world.commune, title="CCHC", year=today.year)
    soon = today + dt.timedelta(days=min(2, 6 - today.weekday()))
    add_task(actor=world.officer, plan=plan, title="Gửi báo cáo tuần này", deadline_text=f"Trước ngày {soon:%d/%m/%Y}")
    add_task(
        actor=world.officer,
        plan=plan,
        title="Việc đã quá hạn",
        deadline_text=f"Trước ngày {today - dt.timedelta(days=3):%d/%m/%Y}",
    )
    issue_plan(actor=world.leader, plan=plan, number="8", document_date=today - dt.timedelta(days=30))
    request = RequestFactory().get("/")
    request.user = world.officer
    cards = {card.title: card for card in dashboard.cards(request, world.commune)}
    assert cards["Nhiệm vụ đến hạn tuần này"].figure == "1"
    assert "Gửi báo cáo tuần này" in cards["Nhiệm vụ đến hạn tuần này"].lines[0][0]
    assert cards["Nhiệm vụ quá hạn"].figure == "1"
    assert cards[f"Tiến độ kế hoạch CCHC năm {today.year}"].figure == "0,00%"
    client.force_login(world.officer)
    home = client.get("/").content.decode()
    assert "Nhiệm vụ đến hạn tuần này" in home
    due = client.get(reverse("plans:due"))
    assert [item.task.title for item, _day in due.context["due"]] == ["Gửi báo cáo tuần này"]


def test_reminder_settings_are_edited_by_an_administrator_only(client, world) -> None:
    client.force_login(world.officer)
    assert client.get(reverse("plans:reminder_settings")).status_code == 403
    client.force_login(world.admin)
    response = client.post(reverse("plans:reminder_settings"), {"days_before": "10, 5; 2", "remind_overdue": "on"})
    assert response.status_code == 302
    from cchc.plans.models import ReminderSettings

    assert ReminderSettings.current().days() == [10, 5, 2]
    bad = client.post(reverse("plans:reminder_settings"), {"days_before": "bảy"})
    assert "Chỉ nhập các số nguyên" in bad.content.decode()


def test_a_commune_implements_the_superior_plan_from_its_inbox(client, world, province_plan) -> None:
    client.force_login(world.officer)
    response = client.post(reverse("plans:implement", args=[province_plan.plan.pk]))
    own = Plan.objects.get(unit=world.commune)
    assert response.url == reverse("plans:detail", args=[own.pk])
    assert own.tasks.filter(assigned_from=province_plan.weighted).exists()
    client.force_login(world.other_officer)
    client.post(reverse("plans:implement", args=[province_plan.plan.pk]))
    assert Plan.objects.filter(superior_plan=province_plan.plan).count() == 2


@pytest.mark.parametrize("url_name", ["plans:index", "plans:inbox", "plans:due", "plans:reports", "plans:import"])
def test_every_list_page_answers_for_a_commune_officer(client, world, province_plan, url_name) -> None:
    client.force_login(world.officer)
    assert client.get(reverse(url_name)).status_code == 200


def test_an_implementing_task_links_to_the_task_it_carries_out(world, province_plan) -> None:
    own = create_implementing_plan(actor=world.officer, superior_plan=province_plan.plan, unit=world.commune)
    task = own.tasks.get(assigned_from=province_plan.communes_lead)
    assert task.assigned_from is not None and task.assigned_from.plan == province_plan.plan
    assert list(Task.objects.filter(implementations=task)) == [province_plan.communes_lead]
