import io
import json
from datetime import date, datetime
from decimal import Decimal

import docx
import openpyxl
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from openpyxl.worksheet.worksheet import Worksheet

from cchc.plans.documents import PlanImportError, plan_draft_to_json, read_plan_docx, read_task_table_xlsx
from cchc.plans.tests.fixtures.documents import TASK_HEADER, add_header_table, docx_bytes, fill_row, messy_plan_docx


@pytest.fixture(scope="module")
def messy_draft():
    return read_plan_docx(messy_plan_docx())


def test_header_metadata_is_read_from_the_two_column_header(messy_draft) -> None:
    metadata = messy_draft.metadata
    assert metadata["number"] == "15"
    assert metadata["code"] == "15/KH-UBND"
    assert metadata["document_type"] == "KH"
    assert metadata["place"] == "Hoàng Việt"
    assert metadata["date"] == date(2023, 12, 28)
    assert metadata["issuing_body"] == "ỦY BAN NHÂN DÂN XÃ HOÀNG VIỆT"
    assert metadata["superior_body"] == "UBND HUYỆN VĂN LÃNG"
    assert metadata["title"] == "Cải cách hành chính xã Hoàng Việt năm 2024"


def test_a_plan_issued_in_december_resolves_deadlines_in_the_year_of_its_title(messy_draft) -> None:
    assert messy_draft.metadata["year"] == 2024
    assert messy_draft.tasks[0].due_dates == [date(2024, 3, 31)]


def test_header_repeats_numbering_rows_and_empty_rows_are_not_tasks(messy_draft) -> None:
    assert [task.number for task in messy_draft.tasks] == ["1", "2", "3", "4", "5", "6", "7"]
    assert messy_draft.warnings == []


def test_roman_numeral_area_rows_merged_or_not_group_the_tasks(messy_draft) -> None:
    areas = [(task.area_number, task.area) for task in messy_draft.tasks]
    assert areas[:3] == [("I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH")] * 3
    assert areas[3:] == [("II", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH")] * 4


def test_line_breaks_inside_a_cell_are_kept(messy_draft) -> None:
    assert messy_draft.tasks[0].title == (
        "Ban hành kế hoạch CCHC năm 2024\n- Kế hoạch tuyên truyền\n- Kế hoạch kiểm tra"
    )


def test_a_lead_cell_merged_down_two_tasks_applies_to_both(messy_draft) -> None:
    second, third = messy_draft.tasks[1], messy_draft.tasks[2]
    assert (second.lead, third.lead) == ("Văn hóa - Xã hội", "Văn hóa - Xã hội")
    assert second.coordinating == "Các đoàn thể"
    assert third.coordinating == ""


def test_a_row_broken_by_a_page_is_joined_to_its_task(messy_draft) -> None:
    fourth = messy_draft.tasks[3]
    assert fourth.title == "Rà soát, đơn giản hóa TTHC\n(tiếp) trình UBND huyện phê duyệt"
    assert fourth.output == "Báo cáo rà soát\nTờ trình"
    assert fourth.lead == "Văn phòng - Thống kê"
    assert fourth.coordinating == "Tư pháp - Hộ tịch"
    assert fourth.deadline_text == "Quý II, III"
    assert fourth.due_dates == [date(2024, 6, 30), date(2024, 9, 30)]
    assert fourth.source_rows == [(2, 9), (2, 10)]


def test_a_task_continued_in_the_next_split_table_is_joined(messy_draft) -> None:
    fifth = messy_draft.tasks[4]
    assert fifth.title == "Niêm yết công khai TTHC\ntại Bộ phận một cửa"
    assert fifth.output == "Danh mục TTHC"
    assert fifth.source_rows == [(2, 11), (3, 2)]
    assert fifth.area == "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"


def test_deadlines_are_kept_as_written_with_derived_dates(messy_draft) -> None:
    by_number = {task.number: task for task in messy_draft.tasks}
    assert by_number["2"].recurrence == "continuous" and by_number["2"].due_dates == []
    assert by_number["3"].recurrence == "quarterly"
    assert by_number["5"].due_dates == [date(2024, 2, 29)]
    assert by_number["6"].deadline_text == "Trước ngày 30/11"
    assert by_number["7"].due_dates == [date(2024, 3, 15)]


def test_a_criterion_code_mentioned_in_the_title_is_picked_up(messy_draft) -> None:
    assert [task.criterion_code for task in messy_draft.tasks] == [None] * 5 + ["3.4.3", None]


def test_the_budget_appendix_is_read_in_thousand_dong_with_the_total_in_words(messy_draft) -> None:
    budget = messy_draft.budget
    assert [(line.item, line.total, line.own, line.support) for line in budget.lines] == [
        ("Tuyên truyền", "531.000", "31.000", "500.000"),
        ("Số hóa", "550.000", "50.000", "500.000"),
    ]
    assert budget.lines[0].total_amount == Decimal(531000)
    assert budget.total == "1.081.000"
    assert budget.total_amount == Decimal(1081000)
    assert budget.total_in_words == "Một tỷ không trăm tám mươi mốt triệu đồng"


def test_the_json_has_the_documented_shape(messy_draft) -> None:
    payload = json.loads(json.dumps(plan_draft_to_json(messy_draft), ensure_ascii=False))
    assert payload["metadata"]["date"] == "2023-12-28"
    assert payload["tasks"][3] == {
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
    assert payload["budget"]["lines"][1] == {
        "item": "Số hóa",
        "total": "550.000",
        "own": "50.000",
        "support": "500.000",
    }
    assert payload["budget"]["total"] == "1.081.000"
    assert payload["budget"]["total_in_words"] == "Một tỷ không trăm tám mươi mốt triệu đồng"


def _plan_with_table(rows: list[tuple[str, ...]], *, title: str = "Kế hoạch năm 2025") -> docx.document.Document:
    document = docx.Document()
    add_header_table(document, date_line="Hà Nội, ngày 05 tháng 01 năm 2025")
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph(title)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for index, values in enumerate(rows):
        fill_row(table, index, values)
    return document


def test_a_two_row_header_with_lead_and_coordinating_under_one_merged_cell_is_understood() -> None:
    document = _plan_with_table(
        [
            ("TT", "Nhiệm vụ", "Cơ quan thực hiện", "", "Thời hạn"),
            ("", "", "Chủ trì", "Phối hợp", ""),
            ("1", "Kiểm tra CCHC", "Phòng Nội vụ", "Văn phòng", "Quý III"),
        ]
    )
    table = document.tables[1]
    first, second = table.rows[0].cells, table.rows[1].cells
    first[2].merge(first[3]).text = "Cơ quan thực hiện"
    for column in (0, 1, 4):
        first[column].merge(second[column])
    draft = read_plan_docx(docx_bytes(document))
    [task] = draft.tasks
    assert (task.title, task.lead, task.coordinating, task.deadline_text) == (
        "Kiểm tra CCHC", "Phòng Nội vụ", "Văn phòng", "Quý III",
    )  # fmt: skip
    assert task.due_dates == [date(2025, 9, 30)]


def test_a_table_split_without_repeating_its_header_continues_the_task_list() -> None:
    document = _plan_with_table([TASK_HEADER, ("1", "Nhiệm vụ một", "Báo cáo", "Văn phòng", "", "Quý I")])
    second = document.add_table(rows=2, cols=6)
    fill_row(second, 0, ("", "(tiếp theo)", "", "", "", ""))
    fill_row(second, 1, ("2", "Nhiệm vụ hai", "Kế hoạch", "Tư pháp", "", "Quý II"))
    draft = read_plan_docx(docx_bytes(document))
    assert [(task.number, task.title) for task in draft.tasks] == [
        ("1", "Nhiệm vụ một\n(tiếp theo)"),
        ("2", "Nhiệm vụ hai"),
    ]


def test_a_criterion_column_gives_the_criterion_code() -> None:
    document = _plan_with_table(
        [
            ("STT", "Tiêu chí", "Nội dung khắc phục", "Chủ trì", "Thời gian thực hiện"),
            ("1", "Tiêu chí thành phần 7.3.3 - Số hóa hồ sơ", "Số hóa 100% hồ sơ", "Một cửa", "Thường xuyên"),
        ]
    )
    [task] = read_plan_docx(docx_bytes(document)).tasks
    assert task.criterion_code == "7.3.3"
    assert task.recurrence == "continuous"


def test_a_row_without_number_before_any_task_is_kept_with_a_warning_naming_the_row() -> None:
    document = _plan_with_table([TASK_HEADER, ("", "Nhiệm vụ chưa đánh số", "", "Văn phòng", "", "Quý I")])
    draft = read_plan_docx(docx_bytes(document))
    assert [task.title for task in draft.tasks] == ["Nhiệm vụ chưa đánh số"]
    assert draft.warnings == [
        "Bảng 2, dòng 2: dòng không có số thứ tự và không nối tiếp nhiệm vụ nào; đã nhận thành một nhiệm vụ riêng."
    ]


def test_budget_problems_are_reported_by_row_and_column() -> None:
    document = _plan_with_table([TASK_HEADER, ("1", "Nhiệm vụ", "", "Văn phòng", "", "Quý I")])
    document.add_paragraph("Đơn vị tính: triệu đồng")
    budget = document.add_table(rows=4, cols=3)
    fill_row(budget, 0, ("Nội dung", "Tổng kinh phí", "Đề nghị hỗ trợ"))
    fill_row(budget, 1, ("Tuyên truyền", "12,5", "khoảng 10"))
    fill_row(budget, 2, ("Hội nghị", "7", ""))
    fill_row(budget, 3, ("Tổng cộng", "20", ""))
    draft = read_plan_docx(docx_bytes(document))
    assert draft.budget is not None
    assert draft.budget.unit == "triệu đồng"
    assert draft.budget.lines[0].total_amount == Decimal(12500)
    assert draft.budget.lines[0].support == "khoảng 10"
    assert draft.budget.lines[0].support_amount is None
    assert draft.budget.total_amount == Decimal(20000)
    assert draft.budget.total_in_words == "Hai mươi triệu đồng"
    assert draft.warnings == [
        "Bảng 3, dòng 2, cột “Đề nghị hỗ trợ”: không đọc được số tiền “khoảng 10”.",
        "Bảng 3, dòng 4: tổng cộng ghi 20 nhưng cộng các dòng được 19,5.",
    ]


def test_a_budget_without_total_row_is_summed_and_said_so() -> None:
    document = _plan_with_table([TASK_HEADER, ("1", "Nhiệm vụ", "", "Văn phòng", "", "Quý I")])
    document.add_paragraph("ĐVT: nghìn đồng")
    budget = document.add_table(rows=3, cols=2)
    fill_row(budget, 0, ("Nội dung chi", "Kinh phí"))
    fill_row(budget, 1, ("Tuyên truyền", "1.500"))
    fill_row(budget, 2, ("Hội nghị", "525"))
    draft = read_plan_docx(docx_bytes(document))
    assert draft.budget is not None
    assert (draft.budget.total, draft.budget.total_in_words) == (
        "2.025",
        "Hai triệu không trăm hai mươi lăm nghìn đồng",
    )
    assert draft.warnings == ["Bảng 3: bảng kinh phí không có dòng “Tổng cộng”; tổng được cộng từ các dòng."]


def test_a_header_written_as_paragraphs_and_a_title_on_two_lines_are_read() -> None:
    document = docx.Document()
    for line in ("ỦY BAN NHÂN DÂN", "XÃ MỸ THẠNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 369 /KH-UBND"):
        document.add_paragraph(line)
    document.add_paragraph("Mỹ Thạnh, ngày 09 tháng 7 năm 2015")
    document.add_paragraph("KẾ HOẠCH").alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in ("Phát động phong trào thi đua đẩy mạnh", "cải cách hành chính năm 2015"):
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("Thực hiện Kế hoạch số 1716/KH-UBND ...")
    table = document.add_table(rows=2, cols=6)
    fill_row(table, 0, TASK_HEADER)
    fill_row(table, 1, ("1", "Phát động thi đua", "", "Văn phòng", "", "Tháng 7"))
    draft = read_plan_docx(docx_bytes(document))
    assert draft.metadata["code"] == "369/KH-UBND"
    assert draft.metadata["issuing_body"] == "ỦY BAN NHÂN DÂN XÃ MỸ THẠNH"
    assert draft.metadata["date"] == date(2015, 7, 9)
    assert draft.metadata["title"] == "Phát động phong trào thi đua đẩy mạnh cải cách hành chính năm 2015"
    assert draft.tasks[0].due_dates == [date(2015, 7, 31)]


def test_without_any_year_the_default_year_resolves_deadlines() -> None:
    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Tuyên truyền cải cách hành chính")
    table = document.add_table(rows=2, cols=6)
    fill_row(table, 0, TASK_HEADER)
    fill_row(table, 1, ("1", "Tuyên truyền", "", "Văn phòng", "", "Quý I"))
    assert read_plan_docx(docx_bytes(document), default_year=2027).tasks[0].due_dates == [date(2027, 3, 31)]
    draft = read_plan_docx(docx_bytes(document))
    assert draft.warnings == [f"Không xác định được năm của kế hoạch; tạm dùng năm {date.today().year} để tính hạn."]


def test_a_file_that_is_not_a_docx_is_refused_in_vietnamese() -> None:
    with pytest.raises(PlanImportError, match=r"không phải là tài liệu Word \.docx"):
        read_plan_docx(io.BytesIO(b"%PDF-1.7 not a word file"))
    workbook_bytes = io.BytesIO()
    openpyxl.Workbook().save(workbook_bytes)
    workbook_bytes.seek(0)
    with pytest.raises(PlanImportError, match=r"không phải là tài liệu Word \.docx"):
        read_plan_docx(workbook_bytes)
    assert issubclass(PlanImportError, ValueError)


def test_a_docx_without_a_task_table_is_refused_in_vietnamese() -> None:
    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Không có phụ lục")
    with pytest.raises(PlanImportError, match="Không tìm thấy bảng nhiệm vụ"):
        read_plan_docx(docx_bytes(document))


def _task_workbook() -> io.BytesIO:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "Nhiệm vụ"
    sheet.append(["BẢNG NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2025"])
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(list(TASK_HEADER))
    sheet.append(["I. CẢI CÁCH THỂ CHẾ"])
    sheet.merge_cells("A4:F4")
    sheet.append([1, "Rà soát văn bản", "Báo cáo", "Tư pháp", "Văn phòng", "Quý II/2025"])
    sheet.append([None, "quy phạm pháp luật", None, None, None, None])
    sheet.append([2, "Kiểm tra văn bản", "Kết luận", "Tư pháp", None, datetime(2025, 11, 30)])
    sheet.append(["II", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"])
    sheet.append([3, "Số hóa hồ sơ", "Hồ sơ", "Một cửa", None, "Hằng tháng"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_the_task_table_is_read_from_an_excel_sheet() -> None:
    draft = read_task_table_xlsx(_task_workbook(), default_year=2025)
    assert [(task.area_number, task.number, task.title) for task in draft.tasks] == [
        ("I", "1", "Rà soát văn bản\nquy phạm pháp luật"),
        ("I", "2", "Kiểm tra văn bản"),
        ("II", "3", "Số hóa hồ sơ"),
    ]
    assert draft.tasks[0].due_dates == [date(2025, 6, 30)]
    assert draft.tasks[1].deadline_text == "30/11/2025"
    assert draft.tasks[1].due_dates == [date(2025, 11, 30)]
    assert draft.tasks[2].recurrence == "monthly"
    assert draft.tasks[0].source_rows == [(1, 5), (1, 6)]
    assert draft.budget is None


def test_a_file_that_is_not_a_workbook_is_refused_in_vietnamese() -> None:
    with pytest.raises(PlanImportError, match="không phải là bảng tính Excel"):
        read_task_table_xlsx(io.BytesIO(b"plain text"))


def test_alignment_values_written_by_libreoffice_do_not_break_reading() -> None:
    document = _plan_with_table([TASK_HEADER, ("1", "Nhiệm vụ", "", "Văn phòng", "", "Quý I")])
    paragraph = document.paragraphs[0]
    alignment = OxmlElement("w:jc")
    alignment.set(qn("w:val"), "end")
    paragraph._p.get_or_add_pPr().append(alignment)
    assert read_plan_docx(docx_bytes(document)).tasks[0].title == "Nhiệm vụ"
