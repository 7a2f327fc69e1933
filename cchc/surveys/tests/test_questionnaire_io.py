import io
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from cchc.surveys.questionnaire import (
    SCALE_LABELS,
    Condition,
    Factor,
    FactorMethod,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireError,
    RespondentAttribute,
    ScoringMethod,
    Section,
)
from cchc.surveys.questionnaire_io import (
    dump_questionnaire_json,
    load_questionnaire_json,
    load_template,
    questionnaire_excel_bytes,
    questionnaire_from_dict,
    questionnaire_to_dict,
    read_questionnaire_excel,
)


def workbook_bytes(rows: list[list[Any]], extra_sheets: dict[str, list[list[Any]]] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Câu hỏi"
    for row in rows:
        sheet.append(row)
    for title, sheet_rows in (extra_sheets or {}).items():
        extra = workbook.create_sheet(title)
        for row in sheet_rows:
            extra.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_problems(data: bytes) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        read_questionnaire_excel(data)
    return caught.value.problems


HEADER = ["Mã câu hỏi", "Nội dung", "Loại", "Yếu tố"]


def test_the_sipas_template_has_five_factors_each_with_three_to_six_criteria() -> None:
    sipas = load_template("sipas_2024")

    assert [factor.name["vi"] for factor in sipas.factors] == [
        "Tiếp cận dịch vụ",
        "Thủ tục hành chính",
        "Công chức giải quyết công việc",
        "Kết quả giải quyết",
        "Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị",
    ]
    for factor in sipas.factors:
        assert 3 <= len(sipas.factor_criteria(factor.code)) <= 6
    assert sipas.languages == ("vi", "en")


def test_the_sipas_template_asks_about_the_appointment_and_an_apology_when_late() -> None:
    sipas = load_template("sipas_2024")
    kept = sipas.question("KQ.1")
    apology = sipas.question("KQ.2")

    assert kept.text["vi"] == "Hồ sơ có được trả đúng hẹn không?"
    assert kept.text["en"] == "Was the appointment kept?"
    late = next(code for code, labels in kept.options.items() if labels["vi"] == "Trễ hẹn")
    assert apology.condition == Condition("KQ.1", (late,))
    assert apology.is_shown({"KQ.1": late})
    assert not apology.is_shown({"KQ.1": "2"})


def test_the_sipas_template_asks_who_answered_and_which_field_was_used() -> None:
    sipas = load_template("sipas_2024")

    for attribute in RespondentAttribute:
        question = sipas.respondent_question(attribute)
        assert question is not None, attribute
        assert question.kind is QuestionKind.SINGLE
    assert sipas.question("CC.1").kind is QuestionKind.NUMBER  # number of trips
    assert sipas.question("MD.2").kind is QuestionKind.MULTIPLE  # expectations


def test_a_questionnaire_survives_a_round_trip_through_json() -> None:
    sipas = load_template("sipas_2024")

    assert load_questionnaire_json(dump_questionnaire_json(sipas)) == sipas


def test_a_questionnaire_survives_a_round_trip_through_excel() -> None:
    sipas = load_template("sipas_2024")

    assert read_questionnaire_excel(questionnaire_excel_bytes(sipas)) == sipas


def test_the_exported_sheet_has_the_vietnamese_columns_and_words() -> None:
    workbook = load_workbook(io.BytesIO(questionnaire_excel_bytes(load_template("sipas_2024"))))
    rows = list(workbook["Câu hỏi"].iter_rows(values_only=True))
    header = list(rows[0])
    by_code = {row[header.index("Mã câu hỏi")]: row for row in rows[1:]}

    for column in ("Mã câu hỏi", "Nội dung", "Loại", "Yếu tố", "Phần", "Lựa chọn", "Điều kiện", "Bắt buộc"):
        assert column in header
    assert "Nội dung (English)" in header
    assert by_code["KQ.2"][header.index("Lựa chọn")] == "1=Có; 2=Không"
    assert by_code["KQ.2"][header.index("Điều kiện")] == "KQ.1 = 3"
    assert by_code["TC.2"][header.index("Loại")] == "Thang 5 mức"
    assert by_code["TC.2"][header.index("Yếu tố")] == "TC"
    assert by_code["A.1"][header.index("Bắt buộc")] == "Có"


def test_a_sheet_with_only_the_four_required_columns_is_enough() -> None:
    data = workbook_bytes(
        [
            HEADER,
            ["Q1", "Ông/bà có được trả kết quả đúng hẹn?", "Một lựa chọn", ""],
            ["Q2", "Thái độ công chức", "Thang 5 mức", "CC"],
            ["Q3", "Số lần đi lại", "Số", "CC"],
            ["Q4", "Ý kiến khác", "Văn bản ngắn", ""],
            ["Q5", "Kênh nộp hồ sơ", "Nhiều lựa chọn", ""],
        ]
    )

    problems = import_problems(data)

    assert problems == [
        "Trang tính 'Câu hỏi', dòng 2, cột 'Lựa chọn': câu 'Một lựa chọn' phải có danh sách lựa chọn",
        "Trang tính 'Câu hỏi', dòng 6, cột 'Lựa chọn': câu 'Nhiều lựa chọn' phải có danh sách lựa chọn",
    ]


def test_a_minimal_sheet_with_options_imports_with_factors_taken_from_the_questions() -> None:
    data = workbook_bytes(
        [
            [*HEADER, "Lựa chọn", "Lựa chọn (English)", "Điều kiện", "Nội dung (English)"],
            ["Q1", "Hồ sơ có trả đúng hẹn?", "Một lựa chọn", "", "1=Có; 2=Không", "1=Yes; 2=No", "", "On time?"],
            ["Q2", "Có nhận thư xin lỗi?", "Một lựa chọn", "", "1=Có; 2=Không", "", "Q1 = 2", ""],
            ["Q3", "Thái độ công chức", "Thang 5 mức", "CC", "", "", "", ""],
        ]
    )

    questionnaire = read_questionnaire_excel(data, code="LOCAL-2025", name="Khảo sát xã")

    assert questionnaire.code == "LOCAL-2025"
    assert questionnaire.name == {"vi": "Khảo sát xã"}
    assert questionnaire.languages == ("vi", "en")
    assert questionnaire.factors == (Factor("CC", {"vi": "CC"}),)
    assert questionnaire.question("Q1").options == {
        "1": {"vi": "Có", "en": "Yes"},
        "2": {"vi": "Không", "en": "No"},
    }
    assert questionnaire.question("Q1").text == {"vi": "Hồ sơ có trả đúng hẹn?", "en": "On time?"}
    assert questionnaire.question("Q2").condition == Condition("Q1", ("2",))
    assert questionnaire.question("Q3").option_labels() == SCALE_LABELS


def test_import_errors_name_the_row_and_column_in_vietnamese_all_at_once() -> None:
    data = workbook_bytes(
        [
            [*HEADER, "Lựa chọn", "Bắt buộc"],
            ["Q1", "Câu một", "Thang 7 mức", "", "", ""],
            ["", "Câu không mã", "Số", "", "", ""],
            ["Q3", "Câu ba", "Một lựa chọn", "", "1=Có; Không", ""],
            ["Q4", "Câu bốn", "Số", "", "", "Chắc chắn"],
        ]
    )

    problems = import_problems(data)

    assert problems[0].startswith("Trang tính 'Câu hỏi', dòng 2, cột 'Loại': loại 'Thang 7 mức' không hợp lệ")
    assert problems[1] == "Trang tính 'Câu hỏi', dòng 3, cột 'Mã câu hỏi': thiếu mã câu hỏi"
    assert problems[2].startswith("Trang tính 'Câu hỏi', dòng 4, cột 'Lựa chọn': 'Không' không đúng dạng")
    assert problems[3].startswith("Trang tính 'Câu hỏi', dòng 5, cột 'Bắt buộc'")
    assert len(problems) == 4


def test_a_condition_on_a_later_or_unknown_question_is_refused_at_its_row() -> None:
    data = workbook_bytes(
        [
            [*HEADER, "Lựa chọn", "Điều kiện"],
            ["Q1", "Câu một", "Một lựa chọn", "", "1=Có; 2=Không", "Q2 = 1"],
            ["Q2", "Câu hai", "Một lựa chọn", "", "1=Có; 2=Không", "Q1 thuộc [1, 3]"],
        ]
    )

    assert import_problems(data) == [
        "Trang tính 'Câu hỏi', dòng 2, cột 'Điều kiện': điều kiện dựa vào câu 'Q2' không có ở phía trước",
        "Trang tính 'Câu hỏi', dòng 3, cột 'Điều kiện': điều kiện dùng lựa chọn không có ở câu 'Q1': 3",
    ]


def test_a_factor_missing_from_the_factor_sheet_is_refused_at_its_row() -> None:
    data = workbook_bytes(
        [HEADER, ["Q1", "Thái độ", "Thang 5 mức", "CB"]],
        {"Yếu tố": [["Mã yếu tố", "Tên yếu tố"], ["CC", "Công chức giải quyết công việc"]]},
    )

    assert import_problems(data) == ["Trang tính 'Câu hỏi', dòng 2, cột 'Yếu tố': yếu tố 'CB' chưa được khai báo"]


def test_missing_and_unknown_columns_are_reported() -> None:
    data = workbook_bytes([["Mã câu hỏi", "Nội dung", "Loai cau"], ["Q1", "Câu một", "Số"]])

    problems = import_problems(data)

    assert "Trang tính 'Câu hỏi': thiếu cột 'Loại'" in problems
    assert (
        "Trang tính 'Câu hỏi', dòng 1, cột 'Loai cau': cột không được hỗ trợ; hãy đổi tên hoặc xoá cột này" in problems
    )


def test_translated_options_must_use_the_vietnamese_codes() -> None:
    data = workbook_bytes(
        [
            [*HEADER, "Lựa chọn (English)", "Lựa chọn"],
            ["Q1", "Câu một", "Một lựa chọn", "", "1=Yes; 3=No", "1=Có; 2=Không"],
        ]
    )

    assert import_problems(data) == [
        "Trang tính 'Câu hỏi', dòng 2, cột 'Lựa chọn (English)': mã lựa chọn không có ở cột 'Lựa chọn': 3"
    ]


def test_a_file_that_is_not_a_workbook_is_refused_in_vietnamese() -> None:
    with pytest.raises(QuestionnaireError, match="Không đọc được tệp Excel"):
        read_questionnaire_excel(b"not a workbook")


def test_text_that_looks_like_a_formula_stays_text() -> None:
    questionnaire = Questionnaire(
        code="F",
        version=2,
        name={"vi": '=HYPERLINK("x")'},
        sections=(
            Section(
                "S",
                {"vi": "Phần"},
                (
                    Question(
                        "Q1",
                        {"vi": "=1+1"},
                        QuestionKind.SINGLE,
                        options={"1": {"vi": "Có; nhưng chậm"}, "2": {"vi": "a=b"}},
                    ),
                ),
            ),
        ),
    )

    assert read_questionnaire_excel(questionnaire_excel_bytes(questionnaire)) == questionnaire


def test_the_scoring_method_and_weights_survive_excel() -> None:
    questionnaire = Questionnaire(
        code="W",
        version=3,
        name={"vi": "Có trọng số"},
        method=ScoringMethod(FactorMethod.POOLED, {"A": Decimal("1.5"), "B": Decimal(1)}),
        factors=(Factor("A", {"vi": "Yếu tố A"}), Factor("B", {"vi": "Yếu tố B"})),
        sections=(
            Section(
                "S",
                {"vi": "Phần"},
                (
                    Question("Q1", {"vi": "Một"}, QuestionKind.SCALE5, factor="A", required=True),
                    Question("Q2", {"vi": "Hai"}, QuestionKind.SCALE5, factor="B", criterion="Hai"),
                ),
            ),
        ),
    )

    assert read_questionnaire_excel(questionnaire_excel_bytes(questionnaire)) == questionnaire


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Q3 = 2", Condition("Q3", ("2",))),
        ("Q3 in [1,2]", Condition("Q3", ("1", "2"))),
        ("show if Q3 in [1, 2]", Condition("Q3", ("1", "2"))),
        ("Hiện khi Q3 thuộc 1; 2", Condition("Q3", ("1", "2"))),
        ("Q3 ≠ 1", Condition("Q3", ("1",), negated=True)),
        ("KQ.1 không thuộc [1, 2]", Condition("KQ.1", ("1", "2"), negated=True)),
    ],
)
def test_a_condition_is_read_in_several_spellings(text: str, expected: Condition) -> None:
    assert Condition.parse(text) == expected
    assert Condition.parse(expected.as_text()) == expected


def test_a_condition_is_met_by_any_chosen_option_and_never_by_a_blank() -> None:
    shown_for_one_or_two = Condition("Q3", ("1", "2"))
    hidden_for_one = Condition("Q3", ("1",), negated=True)

    assert shown_for_one_or_two.is_met({"Q3": 2})
    assert shown_for_one_or_two.is_met({"Q3": ["3", "1"]})
    assert not shown_for_one_or_two.is_met({"Q3": "3"})
    assert not shown_for_one_or_two.is_met({})
    assert hidden_for_one.is_met({"Q3": "2"})
    assert not hidden_for_one.is_met({"Q3": "1"})
    assert not hidden_for_one.is_met({"Q3": ""})


def test_a_malformed_condition_is_explained() -> None:
    with pytest.raises(ValueError, match="không đúng mẫu"):
        Condition.parse("nếu Q3 có")


def test_validation_finds_duplicate_codes_and_incomplete_weights() -> None:
    questionnaire = Questionnaire(
        code="V",
        version=1,
        name={"vi": "Thử"},
        method=ScoringMethod(factor_weights={"A": Decimal(1)}),
        factors=(Factor("A", {"vi": "A"}), Factor("B", {"vi": "B"})),
        sections=(
            Section(
                "S",
                {"vi": "Phần"},
                (
                    Question("Q1", {"vi": "Một"}, QuestionKind.SCALE5, factor="A"),
                    Question("Q1", {"vi": "Hai"}, QuestionKind.NUMBER, options={"1": {"vi": "x"}}),
                ),
            ),
        ),
    )

    with pytest.raises(QuestionnaireError) as caught:
        questionnaire.validate()

    assert caught.value.problems == [
        "Yếu tố 'B' chưa có trọng số (đã khai báo trọng số thì phải đủ mọi yếu tố)",
        "Câu hỏi 'Q1': mã câu hỏi bị trùng",
        "Câu hỏi 'Q1': câu 'Số' không có danh sách lựa chọn",
    ]


def test_json_problems_name_the_path() -> None:
    data = questionnaire_to_dict(load_template("sipas_2024"))
    data["sections"][1]["questions"][0]["kind"] = "slider"
    del data["sections"][0]["questions"][1]["code"]

    with pytest.raises(QuestionnaireError) as caught:
        questionnaire_from_dict(data)

    assert "sections[0].questions[1].code: thiếu giá trị" in caught.value.problems
    assert any(
        problem.startswith("sections[1].questions[0].kind: giá trị 'slider'") for problem in caught.value.problems
    )


def test_broken_json_names_its_line() -> None:
    with pytest.raises(QuestionnaireError, match="dòng 2"):
        load_questionnaire_json('{\n"code": }')


def test_a_file_from_a_newer_format_is_refused() -> None:
    data = questionnaire_to_dict(load_template("sipas_2024"))
    data["format_version"] = 99

    with pytest.raises(QuestionnaireError, match="phiên bản CCHC mới hơn"):
        load_questionnaire_json(json.dumps(data))


codes = st.from_regex(r"[A-Z][A-Z0-9]{0,3}(\.[0-9]{1,2})?", fullmatch=True)
words = (
    st.text(
        alphabet="abcdeghiklmnopqrstuvxyàáảãạăắằâấầđèéêếềìíòóôốồơớờùúưứừỳýABCĐƯ ,.?()/-%",
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def localised(draw: st.DrawFn, english: bool) -> dict[str, str]:
    text = {"vi": draw(words)}
    if english and draw(st.booleans()):
        text["en"] = draw(words)
    return text


@st.composite
def questionnaires(draw: st.DrawFn) -> Questionnaire:
    english = draw(st.booleans())
    factor_codes = draw(st.lists(codes, min_size=0, max_size=3, unique=True))
    factors = tuple(Factor(code, draw(localised(english))) for code in factor_codes)
    question_codes = draw(st.lists(codes, min_size=1, max_size=8, unique=True))
    questions: list[Question] = []
    for code in question_codes:
        kind = draw(st.sampled_from(list(QuestionKind)))
        options: dict[str, dict[str, str]] = {}
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            option_codes = draw(st.lists(st.sampled_from("123456789"), min_size=1, max_size=4, unique=True))
            options = {option: draw(localised(english)) for option in option_codes}
        condition = None
        choice_parents = [q for q in questions if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)]
        conditional: bool = draw(st.booleans())
        if choice_parents and conditional:
            parent = draw(st.sampled_from(choice_parents))
            values = draw(st.lists(st.sampled_from(sorted(parent.options)), min_size=1, max_size=2, unique=True))
            negated: bool = draw(st.booleans())
            condition = Condition(parent.code, tuple(values), negated=negated)
        questions.append(
            Question(
                code=code,
                text=draw(localised(english)),
                kind=kind,
                options=options,
                factor=draw(st.sampled_from(factor_codes)) if factor_codes and kind is QuestionKind.SCALE5 else None,
                criterion=draw(st.one_of(st.none(), words)) if kind is QuestionKind.SCALE5 else None,
                required=draw(st.booleans()),
                condition=condition,
            )
        )
    split = draw(st.integers(min_value=0, max_value=len(questions)))
    sections = (
        Section("P1", draw(localised(english)), tuple(questions[:split])),
        Section("P2", draw(localised(english)), tuple(questions[split:])),
    )
    return Questionnaire(
        code=draw(codes),
        version=draw(st.integers(min_value=1, max_value=50)),
        name=draw(localised(english)),
        languages=("vi", "en") if english else ("vi",),
        method=ScoringMethod(draw(st.sampled_from(list(FactorMethod)))),
        factors=factors,
        sections=sections,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questionnaires())
def test_any_valid_questionnaire_survives_json_and_excel(questionnaire: Questionnaire) -> None:
    questionnaire.validate()

    assert load_questionnaire_json(dump_questionnaire_json(questionnaire)) == questionnaire
    assert read_questionnaire_excel(questionnaire_excel_bytes(questionnaire)) == questionnaire


def test_problems_in_several_sheets_are_reported_together() -> None:
    data = workbook_bytes(
        [HEADER, ["Q1", "Câu một", "Thang 7 mức", ""]],
        {"Thông tin": [["Thuộc tính", "Giá trị"], ["Phiên bản", "hai"]]},
    )

    assert import_problems(data) == [
        "Trang tính 'Thông tin', dòng 2: phiên bản 'hai' phải là số nguyên từ 1 trở lên",
        "Trang tính 'Câu hỏi', dòng 2, cột 'Loại': loại 'Thang 7 mức' không hợp lệ; dùng một trong: "
        "Một lựa chọn, Nhiều lựa chọn, Thang 5 mức, Số, Văn bản ngắn",
    ]
