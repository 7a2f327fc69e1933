import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.plans.models import Plan, ProgressUpdate, Task, TaskAssignment
from cchc.plans.services import add_task, create_plan, issue_plan, record_progress

PDF = b"%PDF-1.4 minh chung"


@pytest.fixture
def commune_task(world) -> Task:
    plan = create_plan(actor=world.officer, unit=world.commune, title="CCHC xã Hoàng Việt năm 2026", year=2026)
    task = add_task(actor=world.officer, plan=plan, title="Niêm yết công khai TTHC", deadline_text="Quý II")
    issue_plan(actor=world.leader, plan=plan, number="4", document_date=dt.date(2026, 1, 10))
    return task


def _progress_form(percent: str = "60") -> dict[str, str]:
    return {"percent": percent, "reported_on": "2026-03-02", "note": "Đã niêm yết"}


def test_another_communes_officer_cannot_see_or_update_the_communes_task(client, world, commune_task) -> None:
    client.force_login(world.other_officer)
    assert client.get(reverse("plans:task", args=[commune_task.pk])).status_code == 404
    response = client.post(reverse("plans:task_progress", args=[commune_task.pk]), _progress_form())
    assert response.status_code == 404
    assert client.get(reverse("plans:detail", args=[commune_task.plan_id])).status_code == 404
    assert client.post(reverse("plans:close", args=[commune_task.plan_id])).status_code == 404
    commune_task.refresh_from_db()
    assert commune_task.progress == 0 and not ProgressUpdate.objects.exists()
    assert Plan.objects.get(pk=commune_task.plan_id).status == Plan.Status.ISSUED


def test_the_communes_own_officer_updates_progress_with_evidence(client, world, commune_task) -> None:
    client.force_login(world.specialist)
    evidence = SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("plans:task_progress", args=[commune_task.pk]), {**_progress_form(), "evidence": evidence}
    )
    assert response.status_code == 302
    commune_task.refresh_from_db()
    assert (commune_task.progress, commune_task.status) == (Decimal(60), Task.Status.IN_PROGRESS)
    update = ProgressUpdate.objects.get()
    assert (update.created_by, update.evidence_name) == (world.specialist, "bien-ban.pdf")
    download = client.get(reverse("plans:evidence", args=[update.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    client.force_login(world.other_officer)
    assert client.get(reverse("plans:evidence", args=[update.pk])).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "không thuộc loại được phép"),
        ("gia-mao.pdf", b"MZ\x90\x00 not a pdf", "không khớp với đuôi .pdf"),
    ],
)
def test_evidence_is_checked_by_extension_and_content(client, world, commune_task, name, content, message) -> None:
    client.force_login(world.officer)
    upload = SimpleUploadedFile(name, content)
    response = client.post(
        reverse("plans:task_progress", args=[commune_task.pk]), {**_progress_form(), "evidence": upload}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ProgressUpdate.objects.exists()
    commune_task.refresh_from_db()
    assert commune_task.progress == 0


def test_a_commune_cannot_report_progress_for_another_commune_on_a_shared_task(world, province_plan) -> None:
    task = province_plan.communes_lead
    record_progress(
        actor=world.other_officer,
        task=task,
        percent=Decimal(30),
        reported_on=dt.date(2026, 1, 20),
        unit=world.other_commune,
    )
    with pytest.raises(PermissionDenied):
        record_progress(actor=world.other_officer, task=task, percent=Decimal(100), unit=world.commune)
    mine = TaskAssignment.objects.get(task=task, unit=world.commune, role="lead")
    theirs = TaskAssignment.objects.get(task=task, unit=world.other_commune, role="lead")
    assert (mine.progress, theirs.progress) == (Decimal(0), Decimal(30))


def test_a_coordinating_unit_adds_its_contribution_but_cannot_change_the_leads_progress(
    client, world, province_plan
) -> None:
    task = province_plan.department_lead  # led by Sở Nội vụ, the communes coordinate
    client.force_login(world.officer)
    page = client.get(reverse("plans:task", args=[task.pk]))
    assert page.status_code == 200
    assert page.context["contribution_form"] is not None and page.context["progress_form"] is None
    response = client.post(
        reverse("plans:task_contribution", args=[task.pk]),
        {"reported_on": "2026-03-02", "note": "Đã cung cấp danh sách TTHC"},
    )
    assert response.status_code == 302
    contribution = ProgressUpdate.objects.get()
    assert (contribution.kind, contribution.unit, contribution.percent) == ("contribution", world.commune, None)
    forbidden = client.post(reverse("plans:task_progress", args=[task.pk]), _progress_form("100"))
    assert forbidden.status_code == 403
    task.refresh_from_db()
    assert task.progress == 0
    assert ProgressUpdate.objects.count() == 1


def test_a_lead_unit_cannot_pose_as_coordinating(client, world, province_plan) -> None:
    client.force_login(world.officer)
    response = client.post(
        reverse("plans:task_contribution", args=[province_plan.weighted.pk]),
        {"reported_on": "2026-03-02", "note": "..."},
    )
    assert response.status_code == 403


def test_only_the_issuing_units_planners_edit_a_draft(client, world) -> None:
    plan = create_plan(actor=world.officer, unit=world.commune, title="Dự thảo xã Hoàng Việt", year=2026)
    client.force_login(world.other_officer)
    assert client.get(reverse("plans:edit", args=[plan.pk])).status_code == 404
    assert client.post(reverse("plans:delete", args=[plan.pk])).status_code == 404
    client.force_login(world.specialist)  # may enter data, not draft plans
    assert client.get(reverse("plans:edit", args=[plan.pk])).status_code == 403
    assert (
        client.post(reverse("plans:issue", args=[plan.pk]), {"number": "1", "document_date": "2026-01-05"}).status_code
        == 403
    )
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT and plan.title == "Dự thảo xã Hoàng Việt"


def test_the_leader_issues_and_the_focal_officer_drafts(client, world) -> None:
    plan = create_plan(actor=world.officer, unit=world.commune, title="Kế hoạch tuyên truyền", year=2026)
    add_task(actor=world.officer, plan=plan, title="Tuyên truyền", deadline_text="Quý I")
    client.force_login(world.leader)
    response = client.post(reverse("plans:issue", args=[plan.pk]), {"number": "9", "document_date": "2026-01-05"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.code) == (Plan.Status.ISSUED, "9/KH-UBND")


def test_a_commune_sees_the_superior_plan_that_assigns_it_tasks_but_not_its_rollup(
    client, world, province_plan
) -> None:
    client.force_login(world.officer)
    assert client.get(reverse("plans:detail", args=[province_plan.plan.pk])).status_code == 200
    assert client.get(reverse("plans:rollup", args=[province_plan.plan.pk])).status_code == 404
    assert client.get(reverse("plans:edit", args=[province_plan.plan.pk])).status_code == 403
