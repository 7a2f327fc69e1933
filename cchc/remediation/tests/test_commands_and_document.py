import io
import json

import pytest
from django.core.management import call_command
from docx import Document

from cchc.plans.models import Plan
from cchc.remediation import services
from cchc.remediation.documents import remediation_docx_bytes


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("remediation", *args, stdout=out)
    return out.getvalue()


def test_the_draft_command_prints_the_draft_as_json_and_saves_it_unless_dry_run(world, published):
    data = json.loads(run("draft", "CCHC-2025", "--unit", "X01", "--dry-run", "--json"))
    assert data["unit"] == "X01" and data["target_rank"] == 2 and data["plan"] is None
    assert [task["criterion"] for task in data["tasks"]] == ["7.3.4", "3.4.3", "3.4.4"]
    assert data["tasks"][1] == {
        "criterion": "3.4.3",
        "title": "Tiêu chí 3.4.3",
        "points_lost": "0.50",
        "responsible": "tuphap.x01",
        "responsible_username": "tuphap.x01",
        "timeframe": "Quý I/2026",
        "direction": "Khắc phục tiêu chí 3.4.3",
    }
    assert not Plan.objects.exists()
    saved = json.loads(run("draft", "CCHC-2025", "--unit", "X01", "--target-rank", "1", "--json"))
    assert saved["target_rank"] == 1
    plan = Plan.objects.get(pk=saved["plan"])
    assert list(plan.tasks.order_by("order").values_list("criterion_code", flat=True)) == ["7.3.4", "3.4.3", "3.4.4"]


def test_the_target_command_prints_points_needed_achievable_cost_and_leaves(world, published, tmp_path):
    data = json.loads(run("target", "CCHC-2025", "--unit", "X01", "--rank", "1", "--json"))
    assert data["points_needed"] == "1.50" and data["achievable"] is True and data["cost"] == "2.00"
    assert [(leaf["code"], leaf["points"]) for leaf in data["leaves"]] == [("3.4.3", "0.50"), ("7.3.4", "1.00")]
    efforts = tmp_path / "cong-suc.csv"
    efforts.write_text("Mã tiêu chí;Công sức\n3.4.3;9\n7.3.4;1\n", encoding="utf-8")
    weighted = json.loads(
        run("target", "CCHC-2025", "--unit", "X01", "--rank", "1", "--effort", str(efforts), "--json")
    )
    assert [leaf["code"] for leaf in weighted["leaves"]] == ["3.4.4", "7.3.4"] and weighted["cost"] == "4.00"
    rise = json.loads(run("target", "CCHC-2025", "--unit", "X02", "--rise", "1", "--json"))
    assert (rise["current_rank"], rise["target_rank"], rise["points_needed"]) == (3, 2, "1.00")


def test_the_commands_refuse_an_unknown_unit_or_a_bad_effort_file(world, published, tmp_path, capsys):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="XX9"):
        run("target", "CCHC-2025", "--unit", "XX9", "--rank", "1")
    bad = tmp_path / "sai.csv"
    bad.write_text("Mã tiêu chí;Công sức\n3.4.3;nhiều\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        run("target", "CCHC-2025", "--unit", "X01", "--rank", "1", "--effort", str(bad))
    assert "Dòng 2, cột «Công sức»" in capsys.readouterr().err


def _texts(document) -> list[str]:  # type: ignore[no-untyped-def]
    texts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                texts.extend(paragraph.text for paragraph in cell.paragraphs)
    return texts


def test_the_docx_is_laid_out_as_seed_004_decision_then_plan_then_one_task_row_per_lost_leaf(world, published):
    draft = services.draft_remediation(world.officer, published, world.commune)
    plan = services.save_draft(actor=world.officer, draft=draft)
    document = Document(io.BytesIO(remediation_docx_bytes(plan)))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    texts = _texts(document)
    header = [paragraph.text for paragraph in document.tables[0].rows[0].cells[0].paragraphs]
    assert header[:2] == ["ỦY BAN NHÂN DÂN", "XÃ HOÀNG VIỆT"]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert paragraphs.index("QUYẾT ĐỊNH") < paragraphs.index("KẾ HOẠCH")
    assert plan.title in paragraphs
    assert "Nơi nhận:" in texts and "- Lưu: VT." in texts
    assert world.leader.full_name in texts and "CHỦ TỊCH" in texts
    assert any(text.startswith("II. ĐÁNH GIÁ, PHÂN TÍCH KẾT QUẢ") for text in paragraphs)
    assert "(1) Tiêu chí 3.4.3 – Tiêu chí 3.4.3 (bị trừ 0,50/1,00 điểm)" in paragraphs
    assert any(text.startswith("- Công chức tham mưu khắc phục: Công chức Tư pháp – Hộ tịch") for text in paragraphs)
    assert "- Thời gian thực hiện: Quý I/2026." in paragraphs
    assert "- Định hướng khắc phục: Khắc phục tiêu chí 3.4.3" in paragraphs
    task_table = document.tables[-1]
    assert [cell.text for cell in task_table.rows[0].cells][:2] == ["TT", "Nhiệm vụ"]
    task_rows = [row for row in task_table.rows[2:] if row.cells[0].text.isdigit()]
    assert len(task_rows) == 3 == len(draft.tasks)
    assert [row.cells[1].text.split(" – ")[0] for row in task_rows] == [
        "Tiêu chí 3.4.3",
        "Tiêu chí 3.4.4",
        "Tiêu chí 7.3.4",
    ]
    assert [row.cells[5].text for row in task_rows] == [
        "Quý I/2026",
        "Thường xuyên trong năm 2026",
        "Thường xuyên trong năm 2026",
    ]


def test_the_plans_download_of_a_remediation_plan_uses_the_remediation_layout(client, world):
    import io

    from docx import Document

    from cchc.plans import services as plan_services
    from cchc.plans.models import Plan

    plan = plan_services.create_plan(
        actor=world.officer, unit=world.commune, title="Khắc phục Chỉ số CCHC năm 2026", kind=Plan.Kind.REMEDIATION
    )
    plan_services.add_task(actor=world.officer, plan=plan, title="Tiêu chí 3.4.1 – giải quyết hồ sơ đúng hạn")
    client.force_login(world.officer)
    response = client.get(f"/ke-hoach/{plan.pk}/tai-ve/")
    assert response.status_code == 200
    text = "\n".join(paragraph.text for paragraph in Document(io.BytesIO(response.content)).paragraphs)
    assert "QUYẾT ĐỊNH" in text
    assert "PHÂN CÔNG TRÁCH NHIỆM THAM MƯU" in text
