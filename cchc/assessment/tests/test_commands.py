"""`cchc framework …` and `cchc round …` from the command line."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cchc.assessment import criteria, framework_io
from cchc.assessment.models import CriteriaSet, Phase, Round, RoundUnit
from cchc.assessment.tests.conftest import small_set_data
from cchc.audit.models import Change

SAMPLE = framework_io.SAMPLES_DIRECTORY / "commune_sample_2024.json"


def test_a_criteria_set_exported_as_excel_or_json_imports_back_as_the_same_set(db, tmp_path, capsys):
    call_command("framework", "import", str(SAMPLE))
    assert "MAU-XA-2024, phiên bản 1" in capsys.readouterr().out
    stored = CriteriaSet.objects.get(code="MAU-XA-2024")
    assert stored.is_sample and stored.criteria.filter(is_leaf=True).count() == 60
    original = framework_io.load_json(SAMPLE)
    for suffix in ("xlsx", "json"):
        output = tmp_path / f"bo.{suffix}"
        call_command("framework", "export", "MAU-XA-2024", "-o", str(output))
        again = criteria.parse(output.read_bytes(), output.name)
        assert framework_io.criteria_set_to_dict(again) == framework_io.criteria_set_to_dict(original)
        call_command("framework", "import", str(output))
        assert "không thay đổi" in capsys.readouterr().out
    assert CriteriaSet.objects.filter(code="MAU-XA-2024").count() == 1


def test_a_changed_set_becomes_a_new_version_and_retires_the_old_one(db, tmp_path):
    first = tmp_path / "bo.json"
    first.write_text(framework_io.criteria_set_to_json(small_set_data()), encoding="utf-8")
    call_command("framework", "import", str(first))
    changed = small_set_data()
    changed.nodes[0].children[0].children[0].title = "Tỷ lệ hồ sơ giải quyết đúng hạn"
    second = tmp_path / "bo-moi.json"
    second.write_text(framework_io.criteria_set_to_json(changed), encoding="utf-8")
    call_command("framework", "import", str(second))
    versions = dict(CriteriaSet.objects.filter(code="BTC-THU").values_list("version", "status"))
    assert versions == {1: "retired", 2: "active"}
    assert Change.objects.filter(object_type="assessment.criteriaset", action="import").count() == 2


def test_a_bad_criteria_file_prints_every_row_error_and_saves_nothing(db, tmp_path, capsys):
    data = json.loads(framework_io.criteria_set_to_json(small_set_data()))
    data["criteria"][3]["rule"] = "đoán mò"
    data["criteria"][4]["max_points"] = "một"
    path = tmp_path / "sai.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SystemExit):
        call_command("framework", "import", str(path))
    errors = capsys.readouterr().err
    assert "Mục 4, trường «rule»" in errors and "Mục 5, trường «max_points»" in errors
    assert "Tệp có 2 lỗi; chưa lưu gì." in errors
    data = json.loads(framework_io.criteria_set_to_json(small_set_data()))
    data["criteria"][2]["max_points"] = 5  # 3.4's children no longer add up to its maximum
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SystemExit):
        call_command("framework", "import", str(path))
    assert "3.4 có tổng điểm con" in capsys.readouterr().err
    assert not CriteriaSet.objects.exists()


def test_round_create_builds_units_and_phases_and_publish_freezes_it(world, tmp_path, capsys):
    path = tmp_path / "bo.json"
    path.write_text(framework_io.criteria_set_to_json(small_set_data()), encoding="utf-8")
    call_command("framework", "import", str(path))
    call_command("round", "create", "R-2025", "--framework", "BTC-THU", "--year", "2025", "--units", "X01,X02")
    call_command(
        "round",
        "create",
        "R-2026",
        "--framework",
        "BTC-THU",
        "--year",
        "2026",
        "--units",
        "X01,X02",
        "--previous",
        "R-2025",
        "--second-appraisal",
    )
    out = capsys.readouterr().out
    assert "Đã tạo đợt R-2026" in out and "Tỉnh Thử Nghiệm" in out
    current = Round.objects.get(code="R-2026")
    assert current.previous.code == "R-2025" and current.organiser == world.province
    assert set(RoundUnit.objects.filter(round=current).values_list("unit__code", flat=True)) == {"X01", "X02"}
    assert list(Phase.objects.filter(round=current).values_list("kind", flat=True)) == [
        "self_assessment",
        "appraisal",
        "second_appraisal",
        "survey_points",
        "final",
        "published",
    ]
    call_command("round", "publish", "R-2025")
    assert Round.objects.get(code="R-2025").is_published
    with pytest.raises(SystemExit):
        call_command("round", "publish", "R-2025")
    with pytest.raises(CommandError, match="X99"):
        call_command("round", "create", "R-X", "--framework", "BTC-THU", "--year", "2026", "--units", "X01,X99")


def test_round_results_prints_a_readable_table(world, round_, capsys):
    call_command("round", "results", round_.code)
    out = capsys.readouterr().out
    assert "tạm tính" in out and "X01" in out and "0,00%" in out
