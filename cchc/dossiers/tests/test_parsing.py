import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from cchc.dossiers.fast_reading import read_records, table_record_batches
from cchc.dossiers.parsing import (
    CHANNEL_IN_PERSON,
    CHANNEL_ONLINE,
    CHANNEL_POSTAL,
    DEFAULT_PROFILE,
    FIELD_NAMES,
    ONLINE_FULL,
    ONLINE_PARTIAL,
    DossierRecord,
    ImportFileError,
    ImportProfile,
    normalise_header,
    parse_boolean,
    parse_channel,
    parse_count,
    parse_date,
    parse_datetime,
    parse_online_level,
    validate_row,
    validate_rows,
)
from cchc.dossiers.tables import iter_rows, open_table

HEADERS = [DEFAULT_PROFILE.label(name) for name in FIELD_NAMES]
UNITS = {"XA01", "XA02"}
GOOD_ROW = [
    "HS001",
    "XA01",
    "1.001193",
    "Đăng ký khai sinh",
    "Hộ tịch",
    "01/04/2024 08:00",
    "05/04/2024 16:30",
    "04/04/2024 10:00:00",
    "04/04/2024 15:00",
    "2",
    "toàn trình",
    "có",
    "không",
    "x",
    "1",
    "0",
    "",
    "Đã trả kết quả",
]
GOOD_RECORD = DossierRecord(
    code="HS001",
    unit_code="XA01",
    procedure_code="1.001193",
    procedure_name="Đăng ký khai sinh",
    field="Hộ tịch",
    received=datetime(2024, 4, 1, 8, 0),
    due=datetime(2024, 4, 5, 16, 30),
    finished=datetime(2024, 4, 4, 10, 0),
    returned=datetime(2024, 4, 4, 15, 0),
    channel=CHANNEL_ONLINE,
    online_level=ONLINE_FULL,
    components_digitised=True,
    result_digitised=False,
    has_fee=True,
    paid_online=True,
    supplement_requests=0,
    apology_date=None,
    status="Đã trả kết quả",
)


def quoted(cell):
    return '"' + cell.replace('"', '""') + '"' if any(mark in cell for mark in ',;"\n') else cell


def write_text_csv(path, rows, delimiter=",", bom=True):
    text = "\r\n".join(delimiter.join(quoted(cell) for cell in row) for row in rows) + "\r\n"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def with_cell(row, field_name, value):
    changed = list(row)
    changed[FIELD_NAMES.index(field_name)] = value
    return changed


def both_paths(path, units=UNITS):
    """The fast reader and the dict-based reader; they must agree on every file."""
    fast = list(read_records(path, units))
    reference = list(validate_rows(iter_rows(path), units))
    assert fast == reference
    return fast


# Headers.


def test_headers_match_whatever_their_case_spacing_normal_form_bom_and_tone_placement():
    assert normalise_header("\ufeff  MÃ  hồ SƠ ") == normalise_header("Mã hồ sơ")
    assert normalise_header(unicodedata.normalize("NFD", "Ngày tiếp nhận")) == normalise_header("Ngày tiếp nhận")
    assert normalise_header("Số hoá kết quả") == normalise_header("Số hóa kết quả")
    assert normalise_header("Khoẻ") == normalise_header("khỏe")
    assert normalise_header("Hoàn thành") == "hoàn thành"  # the mark moves only at a syllable's end


def test_a_csv_with_unusual_but_equivalent_headers_is_read(tmp_path):
    headers = [unicodedata.normalize("NFD", header.upper()) + "  " for header in HEADERS]
    headers[FIELD_NAMES.index("components_digitised")] = "Số hoá thành phần"
    path = write_text_csv(tmp_path / "dossiers.csv", [headers, GOOD_ROW])
    assert both_paths(path) == [(2, GOOD_RECORD, [])]


def test_missing_required_headers_are_one_file_level_error_listing_them(tmp_path):
    headers = [header for header in HEADERS if header not in ("Mã đơn vị", "Ngày hẹn trả")]
    path = write_text_csv(tmp_path / "dossiers.csv", [headers, GOOD_ROW[:16]])
    with pytest.raises(ImportFileError) as caught:
        read_records(path, UNITS)
    assert caught.value.missing_headers == ["Mã đơn vị", "Ngày hẹn trả"]
    assert caught.value.messages == ["Tệp thiếu cột bắt buộc: «Mã đơn vị», «Ngày hẹn trả»"]


def test_a_header_appearing_twice_is_a_file_level_error(tmp_path):
    path = write_text_csv(tmp_path / "dossiers.csv", [[*HEADERS, "Mã TTHC"], [*GOOD_ROW, "X"]])
    with pytest.raises(ImportFileError, match="«Mã TTHC» xuất hiện nhiều lần"):
        iter_rows(path)


def test_an_empty_file_is_a_file_level_error(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(ImportFileError, match="không có dữ liệu"):
        read_records(path, UNITS)


def test_title_rows_above_the_header_are_skipped_and_rows_keep_their_spreadsheet_numbers(tmp_path):
    rows = [["SỔ THEO DÕI HỒ SƠ NĂM 2024"], [], HEADERS, GOOD_ROW]
    path = write_text_csv(tmp_path / "dossiers.csv", rows)
    assert [(number, record) for number, record, _ in both_paths(path)] == [(4, GOOD_RECORD)]


# CSV dialects.


@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("bom", [True, False])
def test_comma_and_semicolon_files_with_or_without_bom_are_read(tmp_path, delimiter, bom):
    path = write_text_csv(tmp_path / "dossiers.csv", [HEADERS, GOOD_ROW], delimiter=delimiter, bom=bom)
    assert both_paths(path) == [(2, GOOD_RECORD, [])]


def test_a_semicolon_file_whose_names_contain_commas_is_read_with_semicolons(tmp_path):
    row = with_cell(GOOD_ROW, "procedure_name", "Chứng thực hợp đồng, giao dịch, di chúc")
    path = write_text_csv(tmp_path / "dossiers.csv", [HEADERS, row], delimiter=";")
    ((_, record, errors),) = both_paths(path)
    assert errors == []
    assert record.procedure_name == "Chứng thực hợp đồng, giao dịch, di chúc"


def test_a_quoted_multi_line_cell_stays_in_one_row_and_later_rows_keep_spreadsheet_numbers(tmp_path):
    first = with_cell(GOOD_ROW, "status", "Đã trả\nkết quả")
    second = with_cell(GOOD_ROW, "code", "HS002")
    path = write_text_csv(tmp_path / "dossiers.csv", [HEADERS, first, [], second])
    result = both_paths(path)
    assert [number for number, _, _ in result] == [2, 4]
    assert result[0][1].status == "Đã trả\nkết quả"


def test_a_file_not_in_utf8_is_rejected_with_advice(tmp_path):
    path = tmp_path / "dossiers.csv"
    windows_1258_row = ",".join(GOOD_ROW).encode().replace("Đ".encode(), b"\xd0")  # Đ in Windows-1258
    path.write_bytes(",".join(HEADERS).encode() + b"\r\n" + windows_1258_row)
    with pytest.raises(ImportFileError, match="UTF-8"):
        list(read_records(path, UNITS))


def test_an_unsupported_file_type_is_rejected(tmp_path):
    with pytest.raises(ImportFileError, match=r"\.pdf"):
        iter_rows(tmp_path / "dossiers.pdf")


def test_a_row_with_more_cells_than_the_header_is_reported_not_shifted(tmp_path):
    row = [*GOOD_ROW[:3], "Chứng thực hợp đồng", " giao dịch", *GOOD_ROW[4:]]
    path = write_text_csv(tmp_path / "dossiers.csv", [HEADERS, row])
    ((_, record, errors),) = both_paths(path)
    assert record is None
    assert any("nhiều ô hơn tiêu đề" in error.message_vi for error in errors)


def test_a_short_row_reads_its_missing_trailing_cells_as_empty(tmp_path):
    row = GOOD_ROW[:16]
    path = write_text_csv(tmp_path / "dossiers.csv", [HEADERS, row])
    ((_, record, errors),) = both_paths(path)
    assert errors == []
    assert record == GOOD_RECORD._replace(status="")


# Spreadsheets.


def test_an_xlsx_sheet_is_read_with_excel_row_numbers_and_native_cell_types(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Báo cáo hồ sơ TTHC"])
    sheet.append([])
    sheet.append(HEADERS)
    row = list(GOOD_ROW)
    row[FIELD_NAMES.index("received")] = datetime(2024, 4, 1, 8, 0)
    row[FIELD_NAMES.index("due")] = 45387.6875  # Excel serial of 05/04/2024 16:30
    row[FIELD_NAMES.index("channel")] = 2
    row[FIELD_NAMES.index("paid_online")] = True
    row[FIELD_NAMES.index("supplement_requests")] = 0
    sheet.append(row)
    numeric_code = with_cell(row, "code", 240001)
    sheet.append(numeric_code)
    path = tmp_path / "dossiers.xlsx"
    workbook.save(path)
    result = both_paths(path)
    assert result == [(4, GOOD_RECORD, []), (5, GOOD_RECORD._replace(code="240001"), [])]


# Value parsers.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/04/2024", datetime(2024, 4, 5)),
        ("5/4/2024", datetime(2024, 4, 5)),
        ("05/04/2024 16:30", datetime(2024, 4, 5, 16, 30)),
        ("05/04/2024 16:30:15", datetime(2024, 4, 5, 16, 30, 15)),
        ("05-04-2024 08:00", datetime(2024, 4, 5, 8, 0)),
        ("08:30 05/04/2024", datetime(2024, 4, 5, 8, 30)),
        ("2024-04-05", datetime(2024, 4, 5)),
        ("2024-04-05T08:00", datetime(2024, 4, 5, 8, 0)),
        ("2024-04-05 08:00:00.000", datetime(2024, 4, 5, 8, 0)),
        ("2024-04-05 8:00", datetime(2024, 4, 5, 8, 0)),
        ("2024-04-05T01:00:00Z", datetime(2024, 4, 5, 8, 0)),
        ("45387", datetime(2024, 4, 5)),
        ("  05/04/2024  ", datetime(2024, 4, 5)),
    ],
)
def test_dates_are_read_in_vietnamese_iso_and_excel_forms(text, expected):
    assert parse_datetime(text) == (expected, None)


def test_native_date_values_and_serial_numbers_are_read():
    assert parse_datetime(datetime(2024, 4, 5, 8, 0)) == (datetime(2024, 4, 5, 8, 0), None)
    assert parse_datetime(date(2024, 4, 5)) == (datetime(2024, 4, 5), None)
    assert parse_datetime(45387.5) == (datetime(2024, 4, 5, 12, 0), None)
    assert parse_datetime(None) == (None, None)
    assert parse_datetime("") == (None, None)
    assert parse_date("05/04/2024 16:30") == (date(2024, 4, 5), None)


@pytest.mark.parametrize("text", ["31/02/2024", "05/04/24", "hôm qua", "05/04/2024 25:00", "05/13/2024", "5"])
def test_unreadable_dates_give_a_vietnamese_message_quoting_the_value(text):
    value, error = parse_datetime(text)
    assert value is None
    assert error is not None and f"«{text}»" in error and "dd/mm/yyyy" in error


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", CHANNEL_IN_PERSON),
        ("Trực tiếp", CHANNEL_IN_PERSON),
        ("2", CHANNEL_ONLINE),
        ("trực tuyến", CHANNEL_ONLINE),
        (2.0, CHANNEL_ONLINE),
        ("3", CHANNEL_POSTAL),
        ("Bưu chính (công ích)", CHANNEL_POSTAL),
        ("bưu chính công ích", CHANNEL_POSTAL),
        ("", None),
    ],
)
def test_channels_are_read_from_digits_and_words(text, expected):
    assert parse_channel(text) == (expected, None)


def test_an_unknown_channel_is_an_error():
    value, error = parse_channel("fax")
    assert value is None and error is not None and "«fax»" in error


@pytest.mark.parametrize(
    ("text", "expected"),
    [("một phần", ONLINE_PARTIAL), ("Toàn trình", ONLINE_FULL), ("Mức độ 4", ONLINE_FULL), ("", None)],
)
def test_online_levels_are_read(text, expected):
    assert parse_online_level(text) == (expected, None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("có", True),
        ("Có", True),
        ("x", True),
        ("1", True),
        ("true", True),
        ("Yes", True),
        (True, True),
        (1.0, True),
        ("không", False),
        ("Không", False),
        ("0", False),
        ("false", False),
        ("no", False),
        ("", False),
    ],
)
def test_booleans_are_read_in_vietnamese_and_english(value, expected):
    assert parse_boolean(value) == (expected, None)


def test_an_unreadable_boolean_is_an_error():
    assert parse_boolean("có lẽ")[1] is not None


@pytest.mark.parametrize(("value", "expected"), [("", 0), ("2", 2), (" 3 ", 3), ("2.0", 2), (1.0, 1), (None, 0)])
def test_counts_are_read_as_non_negative_whole_numbers(value, expected):
    assert parse_count(value) == (expected, None)


@pytest.mark.parametrize("value", ["-1", "1.5", "hai", "²"])
def test_other_counts_are_errors(value):
    assert parse_count(value)[1] is not None


# Row validation.


def raw_of(row):
    return dict(zip(FIELD_NAMES, row, strict=True))


def test_a_good_row_becomes_a_typed_record():
    assert validate_row(2, raw_of(GOOD_ROW), UNITS) == (GOOD_RECORD, [])


def test_a_due_date_before_the_received_date_names_the_row_and_column_in_vietnamese():
    record, errors = validate_row(12, raw_of(with_cell(GOOD_ROW, "due", "31/03/2024")), UNITS)
    assert record is None
    assert [str(error) for error in errors] == ["Dòng 12, cột «Ngày hẹn trả»: ngày hẹn trả trước ngày tiếp nhận"]
    assert errors[0].value == "31/03/2024"


def test_a_due_time_earlier_on_the_day_of_receipt_is_not_an_error():
    _, errors = validate_row(2, raw_of(with_cell(GOOD_ROW, "due", "01/04/2024 07:00")), UNITS)
    assert errors == []


def test_an_unknown_unit_is_an_error_unless_the_check_is_skipped():
    row = raw_of(with_cell(GOOD_ROW, "unit_code", "XA99"))
    _, errors = validate_row(3, row, UNITS)
    assert [str(error) for error in errors] == [
        "Dòng 3, cột «Mã đơn vị»: mã đơn vị «XA99» không có trong danh mục đơn vị"
    ]
    assert validate_row(3, row, None)[1] == []


def test_every_problem_of_a_row_is_reported_at_once():
    row = with_cell(with_cell(with_cell(GOOD_ROW, "code", " "), "received", "hôm qua"), "has_fee", "chắc")
    record, errors = validate_row(7, raw_of(row), UNITS)
    assert record is None
    assert [error.column_header for error in errors] == ["Mã hồ sơ", "Ngày tiếp nhận", "Có nghĩa vụ tài chính"]
    assert errors[0].message_vi == "thiếu mã hồ sơ"


def test_a_missing_received_date_is_an_error():
    _, errors = validate_row(2, raw_of(with_cell(GOOD_ROW, "received", "")), UNITS)
    assert [error.message_vi for error in errors] == ["thiếu ngày tiếp nhận"]


def test_a_duplicate_code_within_a_file_is_an_error_naming_both_rows(tmp_path):
    path = write_text_csv(
        tmp_path / "dossiers.csv", [HEADERS, GOOD_ROW, with_cell(GOOD_ROW, "code", "HS002"), GOOD_ROW]
    )
    result = both_paths(path)
    assert [record is not None for _, record, _ in result] == [True, True, False]
    assert [str(error) for error in result[2][2]] == [
        "Dòng 4, cột «Mã hồ sơ»: mã hồ sơ «HS001» trùng ở dòng 2 và dòng 4"
    ]


def test_a_profile_maps_other_headers_and_leaves_unmapped_columns_empty(tmp_path):
    profile = ImportProfile(
        name="tinh-khac",
        headers={
            "code": ("Số hồ sơ", "Mã hồ sơ"),
            "unit_code": "Đơn vị xử lý",
            "procedure_code": "Thủ tục",
            "received": "Tiếp nhận",
            "due": "Hẹn trả",
            "finished": "Hoàn thành",
        },
    )
    rows = [["Số hồ sơ", "Đơn vị xử lý", "Thủ tục", "Tiếp nhận", "Hẹn trả", "Hoàn thành", "Ghi chú"]]
    rows.append(["A1", "XA02", "2.000", "01/04/2024", "05/04/2024", "", "bỏ qua"])
    path = write_text_csv(tmp_path / "other.csv", rows)
    fast = list(read_records(path, UNITS, profile))
    assert fast == list(validate_rows(iter_rows(path, profile), UNITS, profile))
    ((_, record, errors),) = fast
    assert errors == []
    assert record == DossierRecord(
        "A1", "XA02", "2.000", "", "", datetime(2024, 4, 1), datetime(2024, 4, 5), None, None,
        None, None, False, False, False, False, 0, None, "",
    )  # fmt: skip


def test_batches_hold_every_row_once_in_order(tmp_path):
    rows = [HEADERS] + [with_cell(GOOD_ROW, "code", f"HS{index:03d}") for index in range(25)]
    path = write_text_csv(tmp_path / "dossiers.csv", rows)
    batches = list(table_record_batches(open_table(path, DEFAULT_PROFILE), UNITS, batch_size=10))
    assert [len(batch) for batch in batches] == [10, 10, 5]
    assert [number for batch in batches for number, _, _ in batch] == list(range(2, 27))


# The fast reader must agree with the reference path on any mix of good and bad cells.

cell_variants = {
    "code": ["HS001", "HS002", "", " HS003 ", "Hồ sơ 4"],
    "unit_code": ["XA01", "XA02", "XA99", "", " XA01"],
    "procedure_code": ["1.001193", "", "2.000"],
    "received": ["01/04/2024 08:00", "01/04/2024", "2024-04-01 08:00:00", "", "32/01/2024", "1/4/2024 8:00"],
    "due": ["05/04/2024 16:30", "", "31/03/2024", "01/04/2024 07:00", "05/04/2024 16:30:00", "45387"],
    "finished": ["04/04/2024 10:00:00", "", "31/03/2024 10:00", "2024-04-04T10:00", "04/04/2024 99:00"],
    "returned": ["04/04/2024 15:00", "", "01/04/2024 07:59:59"],
    "channel": ["1", "2", "Trực tuyến", "", "9"],
    "online_level": ["", "một phần", "toàn trình", "mọi mức"],
    "components_digitised": ["có", "không", "", "?"],
    "paid_online": ["x", "0", "Yes"],
    "supplement_requests": ["0", "2", "", "-1", "1.0"],
    "apology_date": ["", "04/04/2024", "04/04/2024 09:00", "trước"],
    "status": ["Đã trả kết quả", "", " Đang xử lý "],
}


@st.composite
def registers(draw, variants_by_field=None):
    """Up to eight rows drawn cell by cell from `variants_by_field` (cell_variants), some ragged."""
    rows = []
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        row = list(GOOD_ROW)
        for field_name, variants in (variants_by_field or cell_variants).items():
            row[FIELD_NAMES.index(field_name)] = draw(st.sampled_from(variants))
        if draw(st.integers(0, 9)) == 0:
            row = [*row, "thừa"] if draw(st.booleans()) else row[:15]
        rows.append(row)
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=registers(), delimiter=st.sampled_from([",", ";"]))
def test_the_fast_reader_agrees_with_the_reference_path_on_any_register(tmp_path, rows, delimiter):
    path = write_text_csv(tmp_path / "register.csv", [HEADERS, *rows], delimiter=delimiter)
    result = both_paths(path)
    assert len(result) == len(rows)


def test_a_boolean_cell_never_borrows_the_reading_of_an_equal_number(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(with_cell(with_cell(GOOD_ROW, "channel", 1), "code", "A"))
    sheet.append(with_cell(with_cell(GOOD_ROW, "channel", True), "code", "B"))
    path = tmp_path / "dossiers.xlsx"
    workbook.save(path)
    first, second = both_paths(path)
    assert first[1] is not None and first[1].channel == CHANNEL_IN_PERSON
    assert second[1] is None
    assert [error.column_header for error in second[2]] == ["Kênh nộp"]
