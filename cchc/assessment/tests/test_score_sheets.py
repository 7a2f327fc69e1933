"""Bulk score entry: every bad row is named and nothing is saved; export and import give the same scores."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from cchc.assessment import services
from cchc.assessment.models import LeafScore
from cchc.assessment.score_sheets import COLUMNS, ScoreSheetError, export_scores, read_score_sheet
from cchc.assessment.tests.conftest import criterion

D = Decimal


def sheet(rows: list[list[object]], headers: tuple[str, ...] = COLUMNS) -> io.BytesIO:
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.append(list(headers))
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def snapshot_scores():
    return sorted(
        LeafScore.objects.values_list(
            "round_unit__unit__code", "criterion__code", "self_points", "appraised_points", "not_applicable"
        )
    )


def test_a_good_sheet_stores_self_and_appraised_points_and_not_applicable_marks(world, round_):
    rows = read_score_sheet(
        sheet([["X01", "3.4.1", 2, 1.5, ""], ["X01", "3.4.3", None, None, "có"], ["x02", "7.3.3", "1,5", None, "0"]]),
        round_,
        filename="diem.xlsx",
    )
    summary = services.import_scores(actor=services.COMMAND_LINE, round_=round_, rows=rows)
    assert (summary.created, summary.updated) == (3, 0)
    assert snapshot_scores() == [
        ("X01", "3.4.1", D("2.00"), D("1.50"), False),
        ("X01", "3.4.3", None, None, True),
        ("X02", "7.3.3", D("1.50"), None, False),
    ]


def test_a_bad_sheet_is_rejected_row_by_row_and_nothing_is_saved(world, round_):
    services.import_scores(
        actor=services.COMMAND_LINE,
        round_=round_,
        rows=read_score_sheet(sheet([["X01", "3.4.1", 1, None, ""]]), round_, filename="a.xlsx"),
    )
    before = snapshot_scores()
    bad = sheet(
        [
            ["X01", "3.4.1", 2, None, ""],  # row 2: fine on its own
            ["X99", "3.4.1", 1, None, ""],  # row 3: unknown unit
            ["X01", "3.4", 1, None, ""],  # row 4: not a leaf
            ["X01", "3.4.3", 5, None, ""],  # row 5: above the maximum
            ["X02", "3.4.4", 1, None, "x"],  # row 6: not applicable with points
            ["X02", "7.3.3", "nhiều", None, ""],  # row 7: not a number
            ["X02", "7.3.4", 1, None, "có lẽ"],  # row 8: unknown mark
            ["X01", "3.4.1", 1, None, ""],  # row 9: duplicate of row 2
        ]
    )
    with pytest.raises(ScoreSheetError) as raised:
        read_score_sheet(bad, round_, filename="diem.xlsx")
    errors = raised.value.errors
    assert errors[0].startswith("Dòng 3, cột «Mã đơn vị»") and "X99" in errors[0]
    assert any(error.startswith("Dòng 4, cột «Mã tiêu chí»") for error in errors)
    assert any(error.startswith("Dòng 5, cột «Điểm tự chấm»") and "từ 0 đến 1" in error for error in errors)
    assert any(error.startswith("Dòng 6, cột «Không áp dụng»") for error in errors)
    assert any(error.startswith("Dòng 7, cột «Điểm tự chấm»") for error in errors)
    assert any(error.startswith("Dòng 8, cột «Không áp dụng»") for error in errors)
    assert any(error.startswith("Dòng 9") and "dòng 2" in error for error in errors)
    assert not any(error.startswith("Dòng 2") for error in errors)
    assert snapshot_scores() == before


def test_a_sheet_without_the_required_columns_names_them(world, round_):
    with pytest.raises(ScoreSheetError, match="Điểm thẩm định"):
        read_score_sheet(sheet([["X01", "3.4.1", 1]], headers=COLUMNS[:3]), round_, filename="diem.xlsx")


def test_exported_scores_import_back_unchanged(world, round_):
    rows = read_score_sheet(
        sheet([["X01", "3.4.1", 2, 1.5, ""], ["X01", "3.4.3", None, None, "x"], ["X02", "7.3.7", 0.5, 0.5, ""]]),
        round_,
        filename="a.xlsx",
    )
    services.import_scores(actor=services.COMMAND_LINE, round_=round_, rows=rows)
    before = snapshot_scores()
    exported = export_scores(round_)
    workbook = load_workbook(io.BytesIO(exported))
    worksheet = workbook.active
    assert [cell.value for cell in worksheet[1]][:5] == list(COLUMNS)
    assert worksheet.max_row == 1 + 2 * 7  # two units × seven leaves, every leaf listed
    summary = services.import_scores(
        actor=services.COMMAND_LINE,
        round_=round_,
        rows=read_score_sheet(io.BytesIO(exported), round_, filename="diem.xlsx"),
    )
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 14)
    assert snapshot_scores() == before


def test_the_import_command_prints_the_errors_and_saves_nothing(world, round_, tmp_path, capsys):
    path = tmp_path / "diem.xlsx"
    path.write_bytes(sheet([["X01", "3.4.1", 9, None, ""]]).getvalue())
    with pytest.raises(SystemExit) as exited:
        call_command("round", "import-scores", round_.code, str(path))
    assert exited.value.code == 1
    assert "Dòng 2, cột «Điểm tự chấm»" in capsys.readouterr().err
    assert LeafScore.objects.count() == 0


def test_import_and_results_commands_work_together(world, round_, tmp_path, capsys):
    path = tmp_path / "diem.xlsx"
    rows = [["X01", code, points, None, ""] for code, points in (("3.4.1", 2), ("3.4.3", 1), ("7.3.3", 1))]
    rows.append(["X01", "3.4.4", None, None, "x"])
    rows += [["X02", code, points, None, ""] for code, points in (("3.4.1", 2), ("3.4.3", 1), ("7.3.3", 2))]
    path.write_bytes(sheet(rows).getvalue())
    call_command("round", "import-scores", round_.code, str(path))
    assert "7 mới" in capsys.readouterr().out
    call_command("round", "results", round_.code, "--json")
    printed = json.loads(capsys.readouterr().out)
    # Equal indexes share rank 1; ties are listed by unit code. X01's not-applicable leaf left its maximum.
    assert printed == [
        {
            "unit": "X01",
            "points": "4.00",
            "max_points": "8.00",
            "index": "50.00",
            "rank": 1,
            "rank_change": None,
            "group": "Trung bình",
        },
        {
            "unit": "X02",
            "points": "5.00",
            "max_points": "10.00",
            "index": "50.00",
            "rank": 1,
            "rank_change": None,
            "group": "Trung bình",
        },
    ]
    assert criterion(round_, "3.4.4").max_points == D(2)
