import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from cchc.surveys import exports, services
from cchc.surveys.models import Response
from cchc.surveys.tests.helpers import add_answers, columns, make_round, round_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey_round(world):  # type: ignore[no-untyped-def]
    return make_round([world.commune, world.other_commune], organiser=world.province)


def workbook(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run_import(survey_round: Any, path: Path) -> tuple[int, str, str]:
    output, errors = io.StringIO(), io.StringIO()
    try:
        call_command("surveys", "import-responses", survey_round.code, str(path), stdout=output, stderr=errors)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, output.getvalue(), errors.getvalue()


def test_paper_sheets_in_the_wide_layout_are_imported_and_counted(survey_round, tmp_path) -> None:
    path = tmp_path / "phieu.xlsx"
    path.write_bytes(
        workbook(
            [
                ["Mã phiếu", "Mã đơn vị", "LV", "TRE", "XL", "A1", "A2", "B1", "SL"],
                ["G001", "X01", 1, 1, 2, 5, 4, 4, 2],
                ["G002", "X01", 2, 2, None, 3, 4, 2, None],
                ["G003", "X02", 1, None, None, 4, None, 5, 1],
            ]
        )
    )

    code, output, _ = run_import(survey_round, path)

    assert code == 0
    assert "Đã nhập 3 phiếu" in output
    first = Response.objects.get(sheet_reference="G001")
    assert first.channel == Response.Channel.IMPORT
    assert first.answers == {"LV": "1", "TRE": "1", "XL": "2", "A1": 5, "A2": 4, "B1": 4, "SL": 2}
    assert first.respondent == {"field_used": "1"}


def test_answers_in_the_long_layout_make_one_sheet_per_sheet_code(survey_round, tmp_path) -> None:
    path = tmp_path / "tra-loi.csv"
    path.write_text(
        "Mã phiếu;Mã đơn vị;Mã câu hỏi;Trả lời\n"
        "P1;X01;LV;1\nP1;X01;A1;5\nP1;X01;B1;2\n"
        "P2;X01;LV;2\nP2;X01;A1;4\n"
        "P1;X02;LV;1\nP1;X02;A2;3\n",
        encoding="utf-8-sig",
    )

    code, output, _ = run_import(survey_round, path)

    assert code == 0, output
    assert Response.objects.count() == 3
    assert Response.objects.get(sheet_reference="P1", round_unit__unit__code="X01").answers == {
        "LV": "1",
        "A1": 5,
        "B1": 2,
    }


def test_import_errors_name_the_row_and_column_in_vietnamese_and_nothing_is_saved(survey_round, tmp_path) -> None:
    path = tmp_path / "loi.xlsx"
    path.write_bytes(
        workbook(
            [
                ["Mã phiếu", "Mã đơn vị", "LV", "A1", "A2", "B1"],
                ["G001", "X01", 1, 5, 4, 4],
                ["G002", "X99", 1, 5, 4, 4],
                ["G003", "X01", 7, 5, 4, 4],
                ["G004", "X01", 1, 6, 4, 4],
                ["G001", "X01", 2, 4, 4, 4],
            ]
        )
    )

    code, _, errors = run_import(survey_round, path)

    assert code == 1
    assert "Dòng 3, cột «Mã đơn vị»: đơn vị «X99» không tham gia đợt khảo sát «KS-THU»" in errors
    assert "Dòng 4, cột «LV»: lựa chọn «7» không có trong câu hỏi (có: 1, 2)" in errors
    assert "Dòng 5, cột «A1»: câu trả lời «6» ngoài thang 1–5" in errors
    assert "Dòng 6, cột «Mã phiếu»: mã phiếu «G001» trùng với dòng 2" in errors
    assert "chưa lưu phiếu nào" in errors
    assert Response.objects.count() == 0


def test_an_unknown_question_is_named_by_its_column_or_row(survey_round, tmp_path) -> None:
    wide = tmp_path / "rong.xlsx"
    wide.write_bytes(workbook([["Mã đơn vị", "A1", "Z9"], ["X01", 5, 1]]))
    long = tmp_path / "dai.csv"
    long.write_text("Mã phiếu,Mã đơn vị,Mã câu hỏi,Trả lời\nP1,X01,A1,5\nP1,X01,Z9,1\n", encoding="utf-8")

    _, _, wide_errors = run_import(survey_round, wide)
    _, _, long_errors = run_import(survey_round, long)

    assert "Dòng 1, cột «Z9»: không có câu hỏi mã «Z9» trong bộ câu hỏi THU v1" in wide_errors
    assert "Dòng 3, cột «Mã câu hỏi»: không có câu hỏi mã «Z9» trong bộ câu hỏi THU v1" in long_errors
    assert Response.objects.count() == 0


def test_the_same_file_imported_twice_is_refused_the_second_time(survey_round, tmp_path) -> None:
    path = tmp_path / "phieu.xlsx"
    path.write_bytes(workbook([["Mã phiếu", "Mã đơn vị", "LV", "A1"], ["G001", "X01", 1, 5]]))

    assert run_import(survey_round, path)[0] == 0
    code, _, errors = run_import(survey_round, path)

    assert code == 1
    assert "phiếu «G001» của đơn vị «X01» đã được nhập trước đây" in errors
    assert Response.objects.count() == 1


def test_the_answers_export_reads_back_into_another_round_and_gives_the_same_results(world, survey_round) -> None:
    add_answers(
        round_unit(survey_round, world.commune),
        columns(LV=["1", "2", "1"], A1=[5, 4, 2], A2=[4, None, 1], B1=[4, 4, 3]),
    )
    add_answers(round_unit(survey_round, world.other_commune), columns(LV=["2"], A1=[5], A2=[5], B1=[1]))
    content = exports.answers_workbook(survey_round, list(survey_round.round_units.select_related("unit")))
    headers = [cell.value for cell in load_workbook(io.BytesIO(content)).active[1]]  # type: ignore[index]
    assert headers[:4] == ["Mã phiếu", "Mã đơn vị", "Tên đơn vị", "Kênh"]
    copy = make_round(
        [world.commune, world.other_commune],
        organiser=world.province,
        code="KS-BAN-SAO",
        questionnaire=survey_round.questionnaire,
    )

    result = services.import_responses(copy, io.BytesIO(content), filename="xuat.xlsx")

    assert result.ok, [str(error) for error in result.errors]
    output = io.StringIO()
    call_command("surveys", "results", survey_round.code, "--json", stdout=output)
    original = json.loads(output.getvalue())
    output = io.StringIO()
    call_command("surveys", "results", copy.code, "--json", stdout=output)
    assert json.loads(output.getvalue())["units"] == original["units"]
    assert set(Response.objects.filter(round_unit__round=copy).values_list("channel", flat=True)) == {"web"}
