import datetime as dt
import io
from decimal import Decimal

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.measures.periods import parse
from cchc.plans.models import Report
from cchc.plans.reporting import report_document, report_period, task_lines
from cchc.plans.services import create_implementing_plan, issue_plan, record_progress, record_report


def _commune_progress(world, province_plan):
    own = create_implementing_plan(actor=world.officer, superior_plan=province_plan.plan, unit=world.commune)
    issue_plan(actor=world.leader, plan=own, number="3", document_date=dt.date(2026, 1, 20))
    first, digitising = own.tasks.order_by("order")
    record_progress(
        actor=world.officer,
        task=first,
        percent=Decimal(100),
        note="Đã ban hành Kế hoạch số 3/KH-UBND",
        reported_on=dt.date(2026, 1, 20),
    )
    record_progress(
        actor=world.officer,
        task=digitising,
        percent=Decimal(40),
        note="Số hóa được 40% hồ sơ",
        reported_on=dt.date(2026, 3, 20),
    )
    record_progress(
        actor=world.officer,
        task=digitising,
        percent=Decimal(80),
        note="Số hóa được 80% hồ sơ",
        reported_on=dt.date(2026, 7, 10),
    )
    return own


def test_the_period_reported_now_is_the_last_complete_one() -> None:
    today = dt.date(2026, 7, 20)
    assert report_period("month", today).key == "2026-06"
    assert report_period("quarter", today).key == "2026-Q2"
    assert report_period("half", today).key == "2026-H1"
    assert report_period("nine_months", today).key == "2025-9M"
    assert report_period("year", today).key == "2025"


def test_a_quarterly_report_is_drafted_from_task_progress_as_of_the_end_of_the_quarter(world, province_plan) -> None:
    _commune_progress(world, province_plan)
    lines = task_lines(world.commune, parse("2026-Q1"), dt.date(2026, 11, 1))
    assert [(line.assignment.task.title[:20], line.progress, line.note, line.overdue) for line in lines] == [
        ("Ban hành kế hoạch CC", Decimal(100), "Đã ban hành Kế hoạch số 3/KH-UBND", False),
        ("Số hóa hồ sơ, kết qu", Decimal(40), "Số hóa được 40% hồ sơ", False),
    ]
    report = report_document(world.commune, parse("2026-Q1"), dt.date(2026, 11, 1))
    assert report.subject == "Kết quả thực hiện công tác cải cách hành chính quý I/2026"
    summary = report.sections[0].paragraphs[0]
    assert summary.startswith(
        "Tổng số nhiệm vụ được giao chủ trì trong năm: 2; đã hoàn thành: 1 (50,00%), trong đó đúng hạn: 1"
    )
    assert report.preamble[0].startswith("Thực hiện Kế hoạch số 3/KH-UBND ngày 20/01/2026 của UBND xã Hoàng Việt")


def test_the_yearly_report_names_overdue_tasks_to_explain(world, province_plan) -> None:
    _commune_progress(world, province_plan)
    report = report_document(world.commune, parse("2026"), dt.date(2026, 11, 1))
    problems = report.sections[2].paragraphs
    assert problems == [
        "- Nhiệm vụ «Số hóa hồ sơ, kết quả giải quyết TTHC tối thiểu 55%» (hạn 30/09/2026) chưa hoàn thành, "
        "đạt 80%. Nguyên nhân: (đơn vị giải trình)."
    ]


def test_the_draft_report_downloads_as_a_word_document(client, world, province_plan) -> None:
    _commune_progress(world, province_plan)
    client.force_login(world.officer)
    response = client.get(reverse("plans:report_draft"), {"loai_ky": "quarter", "ky": "2026-Q1"})
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "BÁO CÁO" in text and "quý I/2026" in text
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "Số hóa được 40% hồ sơ" in cells


def test_the_superior_sees_which_units_have_reported_the_period(client, world, province_plan) -> None:
    client.force_login(world.officer)
    signed = SimpleUploadedFile("bao-cao-quy-1.pdf", b"%PDF-1.7 signed")
    response = client.post(
        reverse("plans:report_record"),
        {"period_key": "2026-Q1", "number": "12/BC-UBND", "sent_on": "2026-04-05", "document": signed},
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.unit, report.period_key, report.status, report.sent_by) == (
        world.commune,
        "2026-Q1",
        "sent",
        world.officer,
    )
    client.force_login(world.provincial_focal)
    page = client.get(reverse("plans:reports"), {"loai_ky": "quarter", "ky": "2026-Q1"})
    assert (page.context["received_count"], page.context["below_total"]) == (1, 3)
    rows = {child.code: found for child, found in page.context["page_obj"]}
    assert rows["X01"] == report and rows["X02"] is None
    missing = client.get(reverse("plans:reports"), {"loai_ky": "quarter", "ky": "2026-Q1", "hien": "chua"})
    assert {child.code for child, _found in missing.context["page_obj"]} == {"X02", "SNV"}
    assert client.get(reverse("plans:report_document", args=[report.pk])).status_code == 200
    client.force_login(world.other_officer)
    assert client.get(reverse("plans:report_document", args=[report.pk])).status_code == 404


def test_a_specialist_cannot_record_the_units_report(world) -> None:
    import pytest
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        record_report(actor=world.specialist, unit=world.commune, period_key="2026-Q1", period_kind="quarter")
    assert not Report.objects.exists()
