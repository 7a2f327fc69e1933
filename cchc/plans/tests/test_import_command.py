import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from cchc.audit.models import Change
from cchc.plans.models import Plan
from cchc.plans.tests.fixtures.documents import TASK_HEADER, messy_plan_docx


def _run(*args: str) -> dict:
    out = io.StringIO()
    call_command("plans", "import", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def messy_file(tmp_path):
    path = tmp_path / "ke-hoach.docx"
    path.write_bytes(messy_plan_docx().getvalue())
    return path


def test_a_plan_with_split_and_merged_cells_imports_through_the_command_json(db, messy_file) -> None:
    result = _run(str(messy_file), "--dry-run")
    tasks = result["tasks"]
    assert [task["number"] for task in tasks] == ["1", "2", "3", "4", "5", "6", "7"]
    assert tasks[0]["title"] == "Ban hành kế hoạch CCHC năm 2024\n- Kế hoạch tuyên truyền\n- Kế hoạch kiểm tra"
    assert tasks[0]["area"] == "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH" and tasks[0]["due_dates"] == ["2024-03-31"]
    # A lead cell merged down over two tasks applies to both.
    assert (tasks[1]["lead"], tasks[2]["lead"]) == ("Văn hóa - Xã hội", "Văn hóa - Xã hội")
    assert (tasks[1]["recurrence"], tasks[2]["recurrence"]) == ("continuous", "quarterly")
    # A row broken by a page joins its task; so does a task split into the next table.
    assert tasks[3] == {
        "area": "CẢI CÁCH THỦ TỤC HÀNH CHÍNH",
        "number": "4",
        "title": "Rà soát, đơn giản hóa TTHC\n(tiếp) trình UBND huyện phê duyệt",
        "output": "Báo cáo rà soát\nTờ trình",
        "lead": "Văn phòng - Thống kê",
        "coordinating": "Tư pháp - Hộ tịch",
        "deadline_text": "Quý II, III",
        "due_dates": ["2024-06-30", "2024-09-30"],
        "recurrence": None,
        "criterion": None,
    }
    assert tasks[4]["title"] == "Niêm yết công khai TTHC\ntại Bộ phận một cửa"
    assert tasks[5]["criterion"] == "3.4.3"
    assert result["budget"]["lines"][0] == {
        "item": "Tuyên truyền",
        "total": "531.000",
        "own": "31.000",
        "support": "500.000",
    }
    assert result["budget"]["total"] == "1.081.000"
    assert result["budget"]["total_in_words"] == "Một tỷ không trăm tám mươi mốt triệu đồng"
    assert result["metadata"]["code"] == "15/KH-UBND" and result["metadata"]["date"] == "2023-12-28"
    assert "plan" not in result and not Plan.objects.exists()


def _merged_workbook(path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.create_sheet("Nhiệm vụ", 0)
    workbook.remove(workbook.worksheets[1])
    sheet.append(list(TASK_HEADER))
    sheet.append(["I", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"])
    sheet.merge_cells("B2:F2")
    sheet.append(["1", "Niêm yết TTHC", "Danh mục", "Văn phòng - Thống kê", "", "Quý I/2026"])
    sheet.append(["2", "Số hóa hồ sơ", "Hồ sơ số", None, "Tư pháp - Hộ tịch", "Hằng quý"])
    sheet.merge_cells("D3:D4")
    sheet.append(["", "(tiếp) đạt tối thiểu 55%", "", "", "", ""])
    workbook.save(path)


def test_an_excel_task_table_with_merged_cells_imports_through_the_command_json(db, tmp_path) -> None:
    path = tmp_path / "nhiem-vu.xlsx"
    _merged_workbook(path)
    tasks = _run(str(path), "--dry-run", "--year", "2026")["tasks"]
    assert [(task["number"], task["area"], task["lead"]) for task in tasks] == [
        ("1", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "Văn phòng - Thống kê"),
        ("2", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "Văn phòng - Thống kê"),
    ]
    assert tasks[1]["title"] == "Số hóa hồ sơ\n(tiếp) đạt tối thiểu 55%"
    assert tasks[1]["due_dates"] == ["2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"]
    assert tasks[1]["recurrence"] == "quarterly"


def test_without_dry_run_the_command_saves_a_draft_plan_for_the_unit(world, messy_file) -> None:
    result = _run(str(messy_file), "--unit", "X01")
    plan = Plan.objects.get(pk=result["plan"]["id"])
    assert (plan.unit, plan.status, plan.year, plan.code) == (world.commune, Plan.Status.DRAFT, 2024, "15/KH-UBND")
    assert plan.title == "Cải cách hành chính xã Hoàng Việt năm 2024"
    assert plan.tasks.count() == 7 == result["plan"]["tasks"]
    fourth = plan.tasks.get(number="4", area__title="CẢI CÁCH THỦ TỤC HÀNH CHÍNH")
    assert fourth.due_dates == ["2024-06-30", "2024-09-30"]
    assert [area.numeral for area in plan.areas.all()] == ["I", "II"]
    assert [(line.item, line.total, line.own, line.support) for line in plan.budget_lines.all()] == [
        ("Tuyên truyền", Decimal(531000), Decimal(31000), Decimal(500000)),
        ("Số hóa", Decimal(550000), Decimal(50000), Decimal(500000)),
    ]
    assert Change.objects.filter(action="import", object_id=str(plan.pk)).exists()


def test_a_file_that_is_not_a_plan_is_refused_in_vietnamese_and_nothing_is_saved(world, tmp_path, capsys) -> None:
    path = tmp_path / "hong.docx"
    path.write_bytes(b"not a zip")
    with pytest.raises(SystemExit) as exit_info:
        call_command("plans", "import", str(path), "--unit", "X01")
    assert exit_info.value.code == 1
    assert "Tệp không phải là tài liệu Word .docx hợp lệ." in capsys.readouterr().err
    assert not Plan.objects.exists()


def test_saving_needs_a_unit(db, messy_file, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        call_command("plans", "import", str(messy_file))
    assert exit_info.value.code == 2
    assert "--unit" in capsys.readouterr().err
