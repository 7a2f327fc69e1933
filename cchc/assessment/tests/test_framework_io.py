import io
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from cchc.assessment.framework_io import (
    COLUMNS,
    INFO_FIELDS,
    CriteriaSet,
    FrameworkImportError,
    criteria_set_from_dict,
    criteria_set_from_json,
    criteria_set_to_dict,
    criteria_set_to_json,
    excel_bytes,
    load_samples,
    read_excel,
    validate_criteria_set,
)
from cchc.assessment.ranking import CriterionNode
from cchc.assessment.scoring import RULE_KINDS

D = Decimal
HEADERS = [header for _, header in COLUMNS[:5]]
SEED_CODES = ("3.1.1.2", "3.4.1", "3.4.3", "6.2.3", "7.3.3", "7.3.4", "7.3.6", "7.3.7")


def samples() -> dict[str, CriteriaSet]:
    return {criteria_set.code: criteria_set for criteria_set in load_samples()}


def criteria_sheet(workbook: Workbook) -> Worksheet:
    del workbook[workbook.sheetnames[0]]
    return workbook.create_sheet("Tiêu chí")


def workbook_bytes(rows: list[list[object]], info: dict[str, object] | None = None) -> bytes:
    workbook = Workbook()
    sheet = criteria_sheet(workbook)
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    metadata = {"code": "BTC-1", "name": "Bộ thử", "year_from": 2024, "total_points": 10, **(info or {})}
    info_sheet = workbook.create_sheet("Thông tin")
    for name, label in INFO_FIELDS:
        if name in metadata:
            info_sheet.append([label, metadata[name]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_errors(content: bytes) -> list[str]:
    with pytest.raises(FrameworkImportError) as raised:
        read_excel(io.BytesIO(content))
    return raised.value.errors


# --- the samples ---------------------------------------------------------------------------------


def test_both_samples_load_are_labelled_samples_and_total_100_points():
    sets = samples()
    assert set(sets) == {"MAU-XA-2024", "MAU-TINH-876"}
    for criteria_set in sets.values():
        assert criteria_set.is_sample
        assert criteria_set.name.startswith("Mẫu – ")
        assert criteria_set.computed_total() == D(100)
        assert validate_criteria_set(criteria_set) == []


def test_the_commune_sample_carries_the_seed_codes_and_feeds_leaves_from_measures():
    commune = samples()["MAU-XA-2024"]
    assert commune.applies_to_year(2024) and commune.applies_to_year(2025) and not commune.applies_to_year(2026)
    assert len(commune.nodes) == 8
    for code in SEED_CODES:
        node = commune.find(code)
        assert node is not None and node.is_leaf, code
        assert node.remediation_hint and node.evidence_required and node.advising_position and node.timeframe
    measures = {node.code: node.params["measure"] for node in commune.leaves() if node.rule_kind == "measure"}
    assert measures["3.4.1"] == "dossier.settled_on_time_rate"
    assert measures["3.4.3"] == "dossier.apologised_rate"
    assert measures["7.3.3"] == "dossier.results_digitised_rate"
    assert measures["7.3.4"] == "dossier.online_rate"
    assert measures["7.3.6"] == "dossier.online_full_rate"
    assert measures["7.3.7"] == "dossier.paid_online_rate"
    assert "survey.satisfaction_index" in {value for code, value in measures.items() if code.startswith("8.")}
    assert "plan.task_completion_rate" in measures.values()
    assert {node.rule_kind for node in commune.leaves()} == set(RULE_KINDS)


def test_the_provincial_sample_has_eight_areas_and_32_survey_points():
    province = samples()["MAU-TINH-876"]
    assert len(province.nodes) == 8
    assert province.survey_points() == D(32)
    assert "876/QĐ-BNV" in province.decision


@pytest.mark.parametrize("code", ["MAU-XA-2024", "MAU-TINH-876"])
def test_a_sample_exported_and_imported_again_is_the_same_set(code):
    criteria_set = samples()[code]
    assert read_excel(io.BytesIO(excel_bytes(criteria_set))) == criteria_set
    assert criteria_set_from_json(criteria_set_to_json(criteria_set)) == criteria_set


def test_the_excel_export_has_the_documented_columns_and_keeps_codes_as_text():
    workbook = load_workbook(io.BytesIO(excel_bytes(samples()["MAU-XA-2024"])))
    sheet = workbook["Tiêu chí"]
    assert [cell.value for cell in sheet[1]] == [header for _, header in COLUMNS]
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "3.1.1.2" in codes and all(isinstance(code, str) for code in codes)
    assert workbook["Thông tin"]["B1"].value == "MAU-XA-2024"


# --- import rules and errors ------------------------------------------------------------------------


def test_an_empty_rule_on_a_leaf_means_manual_points_and_vietnamese_words_are_accepted():
    content = workbook_bytes(
        [
            ["1", "Lĩnh vực", 10, None, None],
            ["1.1", "Thủ công", 4, None, None],
            ["1.2", "Theo tỷ lệ", 6, "Tỷ lệ", '{"full_at": 80}'],
        ]
    )
    criteria_set = read_excel(io.BytesIO(content))
    assert criteria_set.find("1.1").rule_kind == "manual"
    assert criteria_set.find("1.2").rule_kind == "proportional"
    assert criteria_set.find("1.2").params == {"full_at": D(80)}


def test_a_parent_whose_children_do_not_add_up_is_reported_with_its_row():
    content = workbook_bytes(
        [
            ["3", "Cải cách TTHC", 10, None, None],
            ["3.1", "Kiểm soát", 3, None, None],
            ["3.1.1", "Rà soát", 1.5, None, None],
            ["3.1.2", "Công khai", 1.5, None, None],
            ["3.2", "Một cửa", 4.5, None, None],
            ["3.4", "Kết quả giải quyết", 2.5, None, None],
            ["3.4.1", "Đúng hạn", 2, None, None],
            ["3.4.3", "Xin lỗi", 1, None, None],
        ]
    )
    assert import_errors(content) == ["Dòng 7: tiêu chí 3.4 có tổng điểm con 3,00 khác điểm tối đa 2,50"]


def test_bonus_leaves_are_left_out_of_the_parent_sum():
    content = workbook_bytes(
        [
            ["1", "Lĩnh vực", 10, None, None],
            ["1.1", "Chấm", 10, None, None],
            ["1.2", "Thưởng", 1, "Điểm thưởng", '{"per_occurrence": 0.5}'],
        ]
    )
    assert read_excel(io.BytesIO(content)).find("1.2").is_bonus


def test_every_bad_row_is_reported_by_row_and_column_and_nothing_is_returned():
    content = workbook_bytes(
        [
            ["1", "Lĩnh vực", 10, "Thủ công", None],
            ["1.1", "", "mười", None, None],
            ["1.2", "Tỷ lệ", 5, "Bốc thăm", None],
            ["1.3", "Theo bậc", 5, "Theo bậc", "{tiers: 1}"],
            ["2.1", "Mồ côi", 1, None, None],
            ["1.a", "Mã sai", 1, None, None],
        ]
    )
    errors = import_errors(content)
    assert "Dòng 3, cột «Tên tiêu chí»: thiếu tên tiêu chí" in errors
    assert "Dòng 3, cột «Điểm tối đa»: «mười» không phải là số" in errors
    assert any(error.startswith("Dòng 4, cột «Cách chấm»: cách chấm «Bốc thăm» không hợp lệ") for error in errors)
    assert any(error.startswith("Dòng 5, cột «Tham số»: tham số không phải JSON hợp lệ") for error in errors)
    assert "Dòng 6, cột «Mã»: tiêu chí 2.1 không có tiêu chí cha 2" in errors
    assert "Dòng 7, cột «Mã»: mã «1.a» không hợp lệ (dạng 3, 3.4, 3.4.1)" in errors


def test_rules_on_parents_and_invalid_leaf_parameters_are_reported():
    content = workbook_bytes(
        [
            ["1", "Lĩnh vực", 10, "Thủ công", None],
            ["1.1", "Tỷ lệ", 10, "proportional", '{"full_at": 0}'],
        ]
    )
    errors = import_errors(content)
    assert errors == [
        "Dòng 2, cột «Cách chấm»: tiêu chí 1 có tiêu chí con nên không được có cách chấm (đang là «Thủ công»)",
        "Dòng 3, cột «Tham số»: tiêu chí 1.1: «full_at» 0% phải lớn hơn 0% và không quá 100%",
    ]


def test_a_repeated_code_names_both_rows():
    content = workbook_bytes([["1", "Lĩnh vực", 10, None, None], ["1", "Lặp", 10, None, None]])
    assert import_errors(content) == ["Dòng 3, cột «Mã»: mã 1 trùng với dòng 2"]


def test_the_set_total_is_checked():
    content = workbook_bytes([["1", "Lĩnh vực", 8, None, None]])
    assert import_errors(content) == ["Tổng điểm các lĩnh vực 8,00 khác tổng điểm của bộ tiêu chí 10,00"]


def test_metadata_problems_name_the_information_sheet_row():
    content = workbook_bytes([["1", "Lĩnh vực", 10, None, None]], info={"year_from": "năm nay", "code": ""})
    errors = import_errors(content)
    assert "Trang «Thông tin», dòng 1 («Mã bộ tiêu chí»): bắt buộc phải có" in errors
    assert "Trang «Thông tin», dòng 3 («Từ năm»): «năm nay» không phải là năm" in errors


def test_a_sheet_without_the_required_columns_is_refused():
    workbook = Workbook()
    sheet = criteria_sheet(workbook)
    sheet.append(["Mã", "Tên tiêu chí", "Điểm"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert import_errors(buffer.getvalue()) == [
        "Trang «Tiêu chí», dòng 1: thiếu cột «Điểm tối đa», «Cách chấm», «Tham số»"
    ]


def test_a_file_that_is_not_a_workbook_is_refused():
    assert import_errors(b"not a workbook") == ["Tệp không phải là bảng tính Excel (.xlsx) hợp lệ"]


def test_json_errors_name_the_item_and_field():
    data = criteria_set_to_dict(samples()["MAU-XA-2024"])
    data["criteria"][2]["max_points"] = "nhiều"
    with pytest.raises(FrameworkImportError) as raised:
        criteria_set_from_dict(data)
    assert raised.value.errors == ["Mục 3, trường «max_points»: «nhiều» không phải là số"]


def test_json_export_writes_plain_numbers():
    data = json.loads(criteria_set_to_json(samples()["MAU-XA-2024"]))
    first_leaf = next(item for item in data["criteria"] if item["code"] == "3.4.1")
    assert first_leaf["max_points"] == 4
    assert first_leaf["params"]["tiers"][1] == {"min_rate": 97, "points": 3}


# --- round trip on random trees ----------------------------------------------------------------------

texts = (
    st.text(
        alphabet=st.characters(whitelist_categories=("L", "N"), whitelist_characters=" –,.()ăâđêôơưạảấầẩẫậ"),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
points = st.integers(min_value=1, max_value=1000).map(lambda value: D(value) / 100)


@st.composite
def leaf_rules(draw, maximum):
    kind = draw(st.sampled_from(["manual", "yes_no", "tiers", "proportional", "penalty", "bonus", "measure"]))
    if kind == "manual":
        params = draw(st.sampled_from([{}, {"steps": [D(0), maximum]}]))
    elif kind == "yes_no":
        params = {}
    elif kind in ("tiers", "measure") and draw(st.booleans()):
        params = {"tiers": [{"min_rate": D(90), "points": maximum}, {"min_rate": D("50.5"), "points": D(0)}]}
    else:
        kind = "proportional" if kind in ("tiers", "measure") else kind
        params = {}
        if kind == "proportional":
            params = {"full_at": draw(st.integers(min_value=1, max_value=100).map(D))}
        elif kind == "penalty":
            params = {"per_occurrence": D("0.25")}
        elif kind == "bonus":
            params = {"per_occurrence": D("0.5"), "cap": D(2)}
    if kind == "measure" or (params.get("tiers") and draw(st.booleans())):
        kind = "measure"
        shape = "tiers" if "tiers" in params else "proportional"
        params = {"measure": "dossier.online_rate", "shape": shape, **(params or {"full_at": D(50)})}
    return kind, params


@st.composite
def subtrees(draw, code, depth):
    if depth >= 3 or draw(st.integers(min_value=0, max_value=2)) == 0:
        maximum = draw(points)
        kind, params = draw(leaf_rules(maximum))
        return CriterionNode(
            code=code,
            title=draw(texts),
            max_points=maximum,
            rule_kind=kind,
            params=params,
            evidence_required=draw(st.one_of(st.just(""), texts)),
            advising_position=draw(st.sampled_from(["", "Văn phòng – Thống kê", "Tư pháp – Hộ tịch"])),
            remediation_hint=draw(st.one_of(st.just(""), texts)),
            timeframe=draw(st.sampled_from(["", "Thường xuyên trong năm {năm}", "Quý I/{năm}"])),
            effort=draw(st.sampled_from([D(1), D("2.5"), D(0)])),
            survey=draw(st.booleans()),
        )
    children = [draw(subtrees(f"{code}.{number}", depth + 1)) for number in range(1, draw(st.integers(1, 3)) + 1)]
    node = CriterionNode(code=code, title=draw(texts), max_points=D(0), children=children)
    node.max_points = node.children_sum()
    return node


@st.composite
def criteria_sets(draw):
    roots = [draw(subtrees(str(number), 1)) for number in range(1, draw(st.integers(1, 4)) + 1)]
    total = sum((root.max_points for root in roots if not root.is_bonus), D(0))
    return CriteriaSet(
        code=draw(texts),
        name=draw(texts),
        year_from=draw(st.integers(2020, 2030)),
        year_to=draw(st.one_of(st.none(), st.integers(2030, 2040))),
        unit_kinds=draw(st.lists(st.sampled_from(["xa", "phuong", "tinh"]), unique=True)),
        decision=draw(st.one_of(st.just(""), texts)),
        is_sample=draw(st.booleans()),
        total_points=total,
        nodes=roots,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(criteria_sets())
def test_any_valid_set_survives_an_excel_round_trip(criteria_set):
    assert validate_criteria_set(criteria_set) == []
    assert read_excel(io.BytesIO(excel_bytes(criteria_set))) == criteria_set


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(criteria_sets())
def test_any_valid_set_survives_a_json_round_trip(criteria_set):
    assert criteria_set_from_json(criteria_set_to_json(criteria_set)) == criteria_set
