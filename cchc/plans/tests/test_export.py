import datetime as dt
import io
from decimal import Decimal

import docx
import pytest
from django.core.management import call_command
from django.urls import reverse

from cchc.plans.documents import read_plan_docx, read_task_table_xlsx
from cchc.plans.exporting import plan_document, plan_docx_bytes, task_table_xlsx
from cchc.plans.models import Plan
from cchc.plans.services import add_budget_line, add_objective, add_task, create_plan, issue_plan, update_plan


@pytest.fixture
def plan(world) -> Plan:
    plan = create_plan(
        actor=world.officer,
        unit=world.commune,
        title="Cải cách hành chính xã Hoàng Việt năm 2026",
        year=2026,
        purpose="Nâng cao chất lượng phục vụ người dân.",
        implementation="Văn phòng - Thống kê theo dõi, tổng hợp, báo cáo.",
        signer_name="Âu Hồng Ngân",
        recipients=["UBND tỉnh (qua Sở Nội vụ)", "Các bộ phận chuyên môn", "Lưu: VT"],
        legal_bases="Thực hiện Kế hoạch số 15/KH-UBND ngày 05/01/2026 của UBND tỉnh;",
    )
    add_objective(actor=world.officer, plan=plan, text="Tỷ lệ hồ sơ giải quyết đúng hạn đạt từ 95% trở lên")
    add_task(
        actor=world.officer,
        plan=plan,
        area="I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
        title="Ban hành kế hoạch tuyên truyền\n- Tin, bài",
        output="Kế hoạch",
        lead_text="Văn hóa - Xã hội",
        deadline_text="Quý I",
    )
    add_task(
        actor=world.officer,
        plan=plan,
        area="I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
        title="Báo cáo CCHC định kỳ",
        output="Báo cáo",
        lead_text="Văn phòng - Thống kê",
        deadline_text="6 tháng, cuối năm",
    )
    add_task(
        actor=world.officer,
        plan=plan,
        area="II. CẢI CÁCH THỦ TỤC HÀNH CHÍNH",
        title="Số hóa hồ sơ TTHC",
        output="Hồ sơ số hóa",
        lead_text="Tư pháp - Hộ tịch",
        coordinating_text="Văn phòng - Thống kê",
        deadline_text="Hằng tháng",
        criterion_code="7.3.3",
    )
    add_budget_line(
        actor=world.officer,
        plan=plan,
        item="Tuyên truyền",
        total=Decimal(531000),
        own=Decimal(31000),
        support=Decimal(500000),
    )
    add_budget_line(
        actor=world.officer,
        plan=plan,
        item="Số hóa",
        total=Decimal(550000),
        own=Decimal(50000),
        support=Decimal(500000),
    )
    issue_plan(actor=world.leader, plan=plan, number="15", document_date=dt.date(2026, 1, 5))
    plan.refresh_from_db()
    return plan


def test_the_exported_plan_opens_with_python_docx_and_carries_the_tasks(plan) -> None:
    document = docx.Document(io.BytesIO(plan_docx_bytes(plan)))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "KẾ HOẠCH" in text and "Cải cách hành chính xã Hoàng Việt năm 2026" in text
    assert "Thực hiện Kế hoạch số 15/KH-UBND ngày 05/01/2026 của UBND tỉnh;" in text
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert {"Ban hành kế hoạch tuyên truyền\n- Tin, bài", "Báo cáo CCHC định kỳ", "Số hóa hồ sơ TTHC"} <= cells
    header_lines = {paragraph.text for cell in document.tables[0].rows[0].cells for paragraph in cell.paragraphs}
    assert {"Số: 15/KH-UBND", "Hoàng Việt, ngày 05 tháng 01 năm 2026"} <= header_lines


def test_the_exported_plan_reads_back_with_the_same_tasks_budget_and_total_in_words(plan) -> None:
    draft = read_plan_docx(io.BytesIO(plan_docx_bytes(plan)))
    assert [(task.area_number, task.number, task.title, task.lead, task.deadline_text) for task in draft.tasks] == [
        ("I", "1", "Ban hành kế hoạch tuyên truyền\n- Tin, bài", "Văn hóa - Xã hội", "Quý I"),
        ("I", "2", "Báo cáo CCHC định kỳ", "Văn phòng - Thống kê", "6 tháng, cuối năm"),
        ("II", "1", "Số hóa hồ sơ TTHC", "Tư pháp - Hộ tịch", "Hằng tháng"),
    ]
    assert draft.metadata["code"] == "15/KH-UBND"
    assert draft.budget is not None and draft.budget.total == "1.081.000"
    assert draft.budget.total_in_words == "Một tỷ không trăm tám mươi mốt triệu đồng"
    assert draft.warnings == []


def test_the_signature_block_and_recipients_follow_the_decree(plan) -> None:
    built = plan_document(plan)
    assert built.signer.authority_lines() == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert built.recipients == ["UBND tỉnh (qua Sở Nội vụ)", "Các bộ phận chuyên môn"]  # «Lưu» is the writer's
    assert built.header.issuing_body_lines() == ["ỦY BAN NHÂN DÂN", "XÃ HOÀNG VIỆT"]


def test_a_plan_issued_by_a_decision_is_exported_as_the_decision_then_the_plan(world, plan) -> None:
    Plan.objects.filter(pk=plan.pk).update(
        with_decision=True, decision_number="215", decision_date=dt.date(2025, 12, 26)
    )
    plan.refresh_from_db()
    document = docx.Document(io.BytesIO(plan_docx_bytes(plan)))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert text.index("QUYẾT ĐỊNH") < text.index("KẾ HOẠCH")
    assert "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch cải cách hành chính xã Hoàng Việt năm 2026." in text
    assert "(Kèm theo Quyết định số 215/QĐ-UBND ngày 26/12/2025 của Chủ tịch Ủy ban nhân dân xã Hoàng Việt)" in text


def test_the_task_table_exports_to_excel_and_reads_back(plan) -> None:
    draft = read_task_table_xlsx(io.BytesIO(task_table_xlsx(plan)), default_year=2026)
    assert [(task.area, task.title, task.deadline_text, task.criterion_code) for task in draft.tasks] == [
        ("CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "Ban hành kế hoạch tuyên truyền\n- Tin, bài", "Quý I", None),
        ("CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "Báo cáo CCHC định kỳ", "6 tháng, cuối năm", None),
        ("CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "Số hóa hồ sơ TTHC", "Hằng tháng", "7.3.3"),
    ]


def test_the_export_command_writes_docx_and_xlsx(plan, tmp_path, capsys) -> None:
    call_command("plans", "export", "15/KH-UBND", "--unit", "X01", "-o", str(tmp_path / "kh.docx"))
    call_command("plans", "export", str(plan.pk), "-o", str(tmp_path / "kh.xlsx"))
    call_command("plans", "export", str(plan.pk), "--decision", "-o", str(tmp_path / "qd.docx"))
    assert len(read_plan_docx(tmp_path / "kh.docx").tasks) == 3
    assert len(read_task_table_xlsx(tmp_path / "kh.xlsx", default_year=2026).tasks) == 3
    assert "QUYẾT ĐỊNH" in [paragraph.text for paragraph in docx.Document(tmp_path / "qd.docx").paragraphs]
    assert "Đã xuất Kế hoạch số 15/KH-UBND" in capsys.readouterr().out


def test_download_buttons_serve_the_documents_to_those_who_see_the_plan(client, world, plan) -> None:
    client.force_login(world.officer)
    response = client.get(reverse("plans:export", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ke-hoach-15-KH-UBND.docx"'
    assert len(read_plan_docx(io.BytesIO(response.content)).tasks) == 3
    xlsx = client.get(reverse("plans:export", args=[plan.pk]) + "?dinh_dang=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    client.force_login(world.other_officer)
    assert client.get(reverse("plans:export", args=[plan.pk])).status_code == 404


def test_a_drafts_number_is_left_blank_in_the_document(world) -> None:
    draft = create_plan(actor=world.officer, unit=world.commune, title="Dự thảo", year=2026)
    add_task(actor=world.officer, plan=draft, title="Nhiệm vụ", deadline_text="Quý I")
    update_plan(actor=world.officer, plan=draft, signer_name="Âu Hồng Ngân")
    header = docx.Document(io.BytesIO(plan_docx_bytes(draft))).tables[0].rows[0].cells[0]
    number_line = next(paragraph.text for paragraph in header.paragraphs if paragraph.text.startswith("Số:"))
    assert number_line.replace(" ", "") == "Số:/KH-UBND"
