import io
import time
from datetime import date
from decimal import Decimal

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Length

from cchc.plans.documents import (
    DecisionDocument,
    DocumentHeader,
    ReportDocument,
    Section,
    Signer,
    SimpleTable,
    read_plan_docx,
    write_decision_with_plan_docx,
    write_plan_docx,
    write_report_docx,
)
from cchc.plans.documents.official import official_date_line
from cchc.plans.tests.fixtures.documents import sample_plan


def _written(write, *documents) -> io.BytesIO:
    buffer = io.BytesIO()
    write(*documents, buffer)
    buffer.seek(0)
    return buffer


@pytest.fixture(scope="module")
def plan():
    return sample_plan(30)


@pytest.fixture(scope="module")
def plan_file(plan) -> bytes:
    return _written(write_plan_docx, plan).getvalue()


def _expected_tasks(plan) -> list[tuple[str, ...]]:
    return [
        (area.title, task.number, task.title, task.output, task.lead, task.coordinating, task.deadline_text)
        for area in plan.task_areas
        for task in area.tasks
    ]


def _read_tasks(draft) -> list[tuple[str, ...]]:
    return [
        (task.area, task.number, task.title, task.output, task.lead, task.coordinating, task.deadline_text)
        for task in draft.tasks
    ]


def test_a_written_plan_reads_back_with_the_same_tasks_and_budget(plan, plan_file) -> None:
    draft = read_plan_docx(io.BytesIO(plan_file))
    assert len(plan.task_areas) == 4 and len(draft.tasks) == 30
    assert _read_tasks(draft) == _expected_tasks(plan)
    assert [task.area_number for task in draft.tasks[::8]] == ["I", "II", "III", "IV"]
    assert draft.budget is not None
    assert [(line.item, line.total_amount, line.own_amount, line.support_amount) for line in draft.budget.lines] == [
        (line.item, line.total, line.own, line.support) for line in plan.budget.lines
    ]
    assert draft.budget.total == "1.081.000"
    assert draft.budget.total_in_words == "Một tỷ không trăm tám mươi mốt triệu đồng"
    assert draft.warnings == []


def test_a_written_plan_reads_back_with_its_metadata_and_derived_deadlines(plan_file) -> None:
    draft = read_plan_docx(io.BytesIO(plan_file))
    assert draft.metadata["code"] == "15/KH-UBND"
    assert draft.metadata["date"] == date(2026, 1, 5)
    assert draft.metadata["title"] == "Cải cách hành chính xã Hoàng Việt năm 2026"
    assert draft.metadata["issuing_body"] == "ỦY BAN NHÂN DÂN XÃ HOÀNG VIỆT"
    assert draft.metadata["superior_body"] == "UBND HUYỆN VĂN LÃNG"
    first = draft.tasks[0]
    assert (first.deadline_text, first.due_dates) == ("Tháng 02/2026", [date(2026, 2, 28)])
    assert draft.tasks[6].criterion_code == "3.4.2"


def _mm(length: Length | None) -> int:
    assert length is not None
    return round(length.mm)


def test_pages_are_a4_with_the_decree_margins_and_the_task_appendix_is_landscape(plan_file) -> None:
    sections = docx.Document(io.BytesIO(plan_file)).sections
    body, tasks, budget = sections
    assert (_mm(body.page_width), _mm(body.page_height)) == (210, 297)
    assert 20 <= _mm(body.top_margin) <= 25 and 20 <= _mm(body.bottom_margin) <= 25
    assert 30 <= _mm(body.left_margin) <= 35 and 15 <= _mm(body.right_margin) <= 20
    assert tasks.orientation == WD_ORIENT.LANDSCAPE
    assert (_mm(tasks.page_width), _mm(tasks.page_height)) == (297, 210)
    assert budget.orientation == WD_ORIENT.PORTRAIT
    assert (_mm(budget.page_width), _mm(budget.page_height)) == (210, 297)


def test_text_is_times_new_roman_at_fourteen_points(plan_file) -> None:
    document = docx.Document(io.BytesIO(plan_file))
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size.pt == 14
    defaults = document.styles.element.find(qn("w:docDefaults"))
    for fonts in defaults.iter(qn("w:rFonts")):
        assert fonts.get(qn("w:ascii")) == "Times New Roman"
        assert fonts.get(qn("w:asciiTheme")) is None


def _paragraph_runs(cell) -> list[tuple[str, bool, bool]]:
    return [
        (paragraph.text, bool(paragraph.runs[0].bold), bool(paragraph.runs[0].italic))
        for paragraph in cell.paragraphs
        if paragraph.text
    ]


def test_the_header_has_the_issuing_body_on_the_left_and_the_national_motto_on_the_right(plan_file) -> None:
    header = docx.Document(io.BytesIO(plan_file)).tables[0]
    left, right = header.rows[0].cells
    assert _paragraph_runs(left) == [
        ("UBND HUYỆN VĂN LÃNG", False, False),
        ("ỦY BAN NHÂN DÂN", True, False),
        ("XÃ HOÀNG VIỆT", True, False),
        ("Số: 15/KH-UBND", False, False),
    ]
    assert _paragraph_runs(right) == [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False),
        ("Độc lập - Tự do - Hạnh phúc", True, False),
        ("Hoàng Việt, ngày 05 tháng 01 năm 2026", False, True),
    ]
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2026, 1, 5), "Hoàng Việt, ngày 05 tháng 01 năm 2026"),
        (date(2026, 2, 15), "Hoàng Việt, ngày 15 tháng 02 năm 2026"),
        (date(2026, 3, 9), "Hoàng Việt, ngày 09 tháng 3 năm 2026"),
        (date(2026, 12, 31), "Hoàng Việt, ngày 31 tháng 12 năm 2026"),
        (None, "Hoàng Việt, ngày      tháng      năm 2026"),
    ],
)
def test_document_dates_pad_days_below_ten_and_only_january_and_february(on, expected) -> None:
    assert official_date_line("Hoàng Việt", on, 2026) == expected


def test_a_draft_without_number_leaves_room_for_it() -> None:
    plan = sample_plan(3)
    plan.header.number = ""
    header = docx.Document(_written(write_plan_docx, plan)).tables[0]
    assert "Số:       /KH-UBND" in header.rows[0].cells[0].text


def test_the_task_table_repeats_its_header_and_merges_bold_area_rows(plan_file) -> None:
    table = docx.Document(io.BytesIO(plan_file)).tables[2]
    assert [cell.text for cell in table.rows[0].cells] == [
        "TT", "Nhiệm vụ", "Sản phẩm", "Chủ trì", "Phối hợp", "Thời gian hoàn thành",
    ]  # fmt: skip
    header_flags = [row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None for row in table.rows]
    assert header_flags[:2] == [True, True] and not any(header_flags[2:])
    area_row = table.rows[2]
    assert len(area_row._tr.tc_lst) == 2
    assert area_row._tr.tc_lst[1].grid_span == 5
    assert area_row.cells[0].text == "I"
    assert area_row.cells[1].text == "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH"
    assert area_row.cells[1].paragraphs[0].runs[0].bold
    assert area_row.cells[1].paragraphs[0].paragraph_format.keep_with_next
    assert table.rows[3].cells[1].paragraphs[0].style.name == "CCHC Table Text"


def test_the_budget_appendix_has_a_total_row_and_the_total_in_words(plan_file) -> None:
    document = docx.Document(io.BytesIO(plan_file))
    budget = document.tables[-1]
    assert [cell.text for cell in budget.rows[-1].cells] == ["", "Tổng cộng", "1.081.000", "81.000", "1.000.000"]
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert "Đơn vị tính: nghìn đồng" in texts
    assert "(Bằng chữ: Một tỷ không trăm tám mươi mốt triệu đồng)" in texts


def test_recipients_sit_bottom_left_and_the_signature_bottom_right(plan_file) -> None:
    signature = docx.Document(io.BytesIO(plan_file)).tables[1]
    left, right = signature.rows[0].cells
    label = left.paragraphs[0].runs[0]
    assert (label.text, label.bold, label.italic) == ("Nơi nhận:", True, True)
    items = [paragraph.text for paragraph in left.paragraphs[1:]]
    assert items == ["- UBND huyện Văn Lãng;", "- TT Đảng ủy, HĐND xã;", "- Các bộ phận chuyên môn;", "- Lưu: VT, VP."]
    assert all(paragraph.runs[0].font.size.pt == 11 for paragraph in left.paragraphs[1:])
    lines = [(paragraph.text, paragraph.runs[0].bold) for paragraph in right.paragraphs if paragraph.text]
    assert lines == [("TM. ỦY BAN NHÂN DÂN", True), ("CHỦ TỊCH", True), ("Âu Hồng Ngân", True)]


def test_a_deputy_signs_for_the_chairman() -> None:
    assert Signer.for_committee("Nguyễn Văn B", deputy=True).authority_lines() == [
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    ]
    assert Signer("Nguyễn Văn B", "PHÓ CHỦ TỊCH", deputy_for="CHỦ TỊCH").authority_lines() == [
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    ]


def test_body_sections_are_numbered_by_level(plan_file) -> None:
    texts = [paragraph.text for paragraph in docx.Document(io.BytesIO(plan_file)).paragraphs]
    headings = [text for text in texts if text[:3] in ("I. ", "II.", "III", "IV.", "1. ", "2. ")]
    assert headings == [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "2. Yêu cầu",
        "II. MỤC TIÊU",
        "III. NHIỆM VỤ, GIẢI PHÁP",
        "IV. TỔ CHỨC THỰC HIỆN",
    ]
    assert texts.index("KẾ HOẠCH") < texts.index("Cải cách hành chính xã Hoàng Việt năm 2026")


def _decision() -> DecisionDocument:
    return DecisionDocument(
        header=DocumentHeader(
            issuing_body="Ủy ban nhân dân xã Hoàng Việt",
            place="Hoàng Việt",
            number="3",
            type_code="QĐ",
            date=date(2026, 1, 5),
        ),
        subject="Về việc ban hành Kế hoạch cải cách hành chính năm 2026",
        signer=Signer("Âu Hồng Ngân"),
        legal_bases=["Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;"],
        proposal="Theo đề nghị của công chức Văn phòng - Thống kê.",
        recipients=["Như Điều 4", "UBND huyện Văn Lãng"],
    )


def test_a_decision_carries_the_plan_after_a_page_break_and_reads_back(plan) -> None:
    written = _written(write_decision_with_plan_docx, _decision(), plan)
    document = docx.Document(io.BytesIO(written.getvalue()))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert texts.index("QUYẾT ĐỊNH") < texts.index("QUYẾT ĐỊNH:") < texts.index("KẾ HOẠCH")
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ HOÀNG VIỆT" in texts
    articles = [text for text in texts if text.startswith("Điều ")]
    assert [article[:7] for article in articles] == ["Điều 1.", "Điều 2.", "Điều 3.", "Điều 4."]
    assert "Kế hoạch cải cách hành chính xã Hoàng Việt năm 2026" in articles[0]
    breaks = document.element.body.findall(f".//{qn('w:br')}[@{qn('w:type')}='page']")
    assert len(breaks) == 1
    draft = read_plan_docx(written)
    assert draft.metadata["code"] == "3/QĐ-UBND"
    assert draft.metadata["attachment_note"] == (
        "(Kèm theo Quyết định số 3/QĐ-UBND ngày 05/01/2026 của Chủ tịch Ủy ban nhân dân xã Hoàng Việt)"
    )
    assert _read_tasks(draft) == _expected_tasks(plan)
    assert draft.budget is not None and draft.budget.total == "1.081.000"


def test_a_report_has_its_sections_table_and_signature() -> None:
    report = ReportDocument(
        header=DocumentHeader(
            issuing_body="Ủy ban nhân dân xã Hoàng Việt",
            place="Hoàng Việt",
            number="40",
            type_code="BC",
            date=date(2026, 3, 20),
        ),
        subject="Kết quả thực hiện công tác cải cách hành chính quý I năm 2026",
        signer=Signer.for_committee("Nguyễn Văn B", deputy=True),
        sections=[
            Section(
                "Kết quả thực hiện",
                ["Đã hoàn thành 5/30 nhiệm vụ."],
                table=SimpleTable(["TT", "Nhiệm vụ", "Tiến độ"], [["1", "Ban hành kế hoạch", "100%"]]),
            ),
            Section("Phương hướng quý II"),
        ],
        recipients=["UBND huyện Văn Lãng"],
    )
    document = docx.Document(_written(write_report_docx, report))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert texts[texts.index("BÁO CÁO") + 1] == report.subject
    assert "I. KẾT QUẢ THỰC HIỆN" in texts and "II. PHƯƠNG HƯỚNG QUÝ II" in texts
    header, table, signature = document.tables
    assert "Số: 40/BC-UBND" in header.rows[0].cells[0].text
    assert [cell.text for cell in table.rows[1].cells] == ["1", "Ban hành kế hoạch", "100%"]
    assert "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH" in signature.rows[0].cells[1].text


def test_large_task_tables_are_written_in_linear_time() -> None:
    small, large = sample_plan(50), sample_plan(400)
    started = time.perf_counter()
    _written(write_plan_docx, small)
    small_seconds = time.perf_counter() - started
    started = time.perf_counter()
    _written(write_plan_docx, large)
    large_seconds = time.perf_counter() - started
    # Eight times the rows; a quadratic writer (table.cell in a loop) would take ~64 times longer.
    assert large_seconds < max(small_seconds, 0.05) * 20


def test_budget_totals_default_to_the_sum_of_the_lines(plan) -> None:
    assert plan.budget.computed_total == Decimal(1081000)
