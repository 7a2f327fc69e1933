"""Importing registers: formats, re-import, bad files, partial imports, saved profiles, the command."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from cchc.dossiers import importing
from cchc.dossiers.importing import import_file
from cchc.dossiers.kpis import kpis
from cchc.dossiers.models import (
    Dossier,
    ImportBatch,
    Procedure,
    SavedImportProfile,
    UnitDayCount,
)
from cchc.dossiers.synthetic import write_csv, write_xlsx
from cchc.dossiers.tests.factories import aggregate_rows, clear_dossiers, random_records, record

pytestmark = pytest.mark.django_db

HEADER = (
    "Mã hồ sơ,Mã đơn vị,Mã TTHC,Tên TTHC,Lĩnh vực,Ngày tiếp nhận,Ngày hẹn trả,Ngày kết thúc xử lý,Ngày trả kết quả,"
    "Kênh nộp,Mức độ trực tuyến,Số hóa thành phần,Số hóa kết quả,Có nghĩa vụ tài chính,Thanh toán trực tuyến,"
    "Số lần yêu cầu bổ sung,Ngày xin lỗi,Trạng thái"
)
GOOD_ROW = (
    "HS-1,X01,1.001,Đăng ký khai sinh,Hộ tịch,01/04/2024 08:00,05/04/2024 16:30,04/04/2024 10:00,,"
    "2,toàn trình,có,có,không,không,0,,Đã trả"
)


def _csv(tmp_path: Path, lines: list[str], name: str = "so-ho-so.csv", encoding: str = "utf-8-sig") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def _clear() -> None:
    clear_dossiers()


def _totals(as_of: date = date(2025, 1, 1)):
    return kpis(None, date(2024, 1, 1), date(2024, 12, 31), as_of)[0].counts


def test_a_csv_with_a_bom_and_commas_is_imported_with_its_procedure_and_field(world, tmp_path):
    result = import_file(_csv(tmp_path, [HEADER, GOOD_ROW]))
    assert (result.saved, result.created, result.updated) == (True, 1, 0)
    dossier = Dossier.objects.select_related("procedure__field").get(code="HS-1")
    assert (dossier.outcome, dossier.channel, dossier.online_level) == ("early", 2, "full")
    assert (dossier.procedure.name, dossier.procedure.field.name) == ("Đăng ký khai sinh", "Hộ tịch")
    assert dossier.received_at.astimezone(tz=None).hour in range(24)
    assert _totals().online_full == 1


def test_a_semicolon_csv_without_a_bom_is_imported(world, tmp_path):
    path = _csv(tmp_path, [HEADER.replace(",", ";"), GOOD_ROW.replace(",", ";")], encoding="utf-8")
    assert import_file(path).created == 1


def test_timestamps_keep_their_vietnam_local_time(world, tmp_path):
    import_file(_csv(tmp_path, [HEADER, GOOD_ROW]))
    received = Dossier.objects.get(code="HS-1").received_at
    assert received.isoformat() == "2024-04-01T01:00:00+00:00"


def test_timestamps_to_the_microsecond_and_around_local_midnight_are_stored_exactly(world, tmp_path):
    # Local midnight is 17:00 UTC the day before: the days are the local ones, the instants exact.
    row = GOOD_ROW.replace("01/04/2024 08:00", "2024-04-01T00:30:00.000001").replace(
        "04/04/2024 10:00,", "2024-04-04T23:59:59.999999,2024-04-05 00:00:00.5"
    )
    assert import_file(_csv(tmp_path, [HEADER, row])).created == 1
    dossier = Dossier.objects.get(code="HS-1")
    stamps = (dossier.received_at, dossier.finished_at, dossier.returned_at)
    assert [stamp.astimezone(UTC).isoformat() for stamp in stamps] == [
        "2024-03-31T17:30:00.000001+00:00",
        "2024-04-04T16:59:59.999999+00:00",
        "2024-04-04T17:00:00.500000+00:00",
    ]
    assert (dossier.received_day, dossier.end_day) == (date(2024, 4, 1), date(2024, 4, 4))


def test_an_xlsx_register_is_imported_like_the_same_csv(world, tmp_path):
    records = random_records(3, 60, ["X01", "X02"])
    write_xlsx(tmp_path / "so.xlsx", records)
    result = import_file(tmp_path / "so.xlsx")
    assert (result.saved, result.created) == (True, 60)
    from_xlsx = _totals()
    _clear()
    write_csv(tmp_path / "so.csv", records)
    assert import_file(tmp_path / "so.csv").updated == 0
    assert _totals() == from_xlsx


def test_re_importing_a_file_updates_dossiers_without_duplicates_and_keeps_the_figures(world, tmp_path):
    records = random_records(4, 80, ["X01", "X02"])
    write_csv(tmp_path / "so.csv", records)
    import_file(tmp_path / "so.csv")
    first = _totals()
    again = import_file(tmp_path / "so.csv")
    assert (again.created, again.updated) == (0, 80)
    assert Dossier.objects.count() == 80
    assert _totals() == first


def test_re_importing_a_finished_dossier_moves_it_from_overdue_to_late(world, tmp_path):
    write_csv(tmp_path / "open.csv", [record("A", datetime(2024, 4, 1, 8), datetime(2024, 4, 5, 16))])
    import_file(tmp_path / "open.csv")
    assert (_totals().overdue, _totals().late) == (1, 0)
    write_csv(
        tmp_path / "done.csv", [record("A", datetime(2024, 4, 1, 8), datetime(2024, 4, 5, 16), datetime(2024, 4, 9, 9))]
    )
    result = import_file(tmp_path / "done.csv")
    assert (result.created, result.updated) == (0, 1)
    assert (_totals().overdue, _totals().late, _totals().settled) == (0, 1, 1)


def test_a_file_with_a_bad_row_is_rejected_whole_with_a_report_naming_row_and_column(world, tmp_path):
    lines = [
        HEADER,
        GOOD_ROW,
        GOOD_ROW.replace("HS-1", "HS-2").replace("X01", "X99"),
        GOOD_ROW.replace("HS-1", "HS-3").replace("05/04/2024 16:30", "31/02/2024"),
        GOOD_ROW.replace("HS-1", "HS-4").replace("05/04/2024 16:30", "20/03/2024"),
    ]
    result = import_file(_csv(tmp_path, lines))
    assert not result.saved
    assert Dossier.objects.count() == 0 and Procedure.objects.count() == 0 and UnitDayCount.objects.count() == 0
    found = {(error.row, error.column_header) for error in result.errors}
    assert found == {(3, "Mã đơn vị"), (4, "Ngày hẹn trả"), (5, "Ngày hẹn trả")}
    messages = " ".join(error.message_vi for error in result.errors)
    assert "X99" in messages and "trước ngày tiếp nhận" in messages
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(result.report_xlsx())).get_sheet_by_index(0).to_python()
    assert sheet[0] == ["Dòng", "Cột", "Giá trị", "Lỗi"]
    assert {(int(row[0]), row[1]) for row in sheet[1:]} == found
    assert ImportBatch.objects.get().status == ImportBatch.Status.REJECTED


def test_the_partial_option_imports_the_valid_rows_and_reports_the_rest(world, tmp_path):
    lines = [HEADER, GOOD_ROW, GOOD_ROW.replace("HS-1", "HS-2").replace(",2,toàn trình", ",7,toàn trình")]
    result = import_file(_csv(tmp_path, lines), partial=True)
    assert (result.saved, result.created, result.error_count) == (True, 1, 1)
    assert result.errors[0].row == 3 and result.errors[0].column_header == "Kênh nộp"
    assert list(Dossier.objects.values_list("code", flat=True)) == ["HS-1"]
    assert ImportBatch.objects.get().status == ImportBatch.Status.PARTIAL


def test_a_file_without_the_required_headers_names_them(world, tmp_path):
    result = import_file(_csv(tmp_path, ["Mã hồ sơ,Mã đơn vị", "HS-1,X01"]))
    assert not result.saved
    assert "Mã TTHC" in result.file_errors[0] and "Ngày tiếp nhận" in result.file_errors[0]


def test_a_crash_while_writing_leaves_nothing_of_the_file(world, tmp_path, monkeypatch):
    records = random_records(5, 30, ["X01"])
    write_csv(tmp_path / "so.csv", records)

    def broken(self):
        raise RuntimeError("mất điện")

    monkeypatch.setattr("cchc.dossiers.store.DossierWriter.finish", broken)
    with pytest.raises(RuntimeError):
        import_file(tmp_path / "so.csv")
    assert Dossier.objects.count() == 0 and UnitDayCount.objects.count() == 0


def test_a_large_file_is_read_in_a_second_process_with_the_same_result(world, tmp_path, monkeypatch):
    records = random_records(6, 50, ["X01", "X02"])
    write_csv(tmp_path / "so.csv", records)
    monkeypatch.setattr(importing, "READER_PROCESS_ROWS", 1)
    result = import_file(tmp_path / "so.csv")
    assert (result.saved, result.created) == (True, 50)
    in_process = _totals()
    _clear()
    monkeypatch.setattr(importing, "READER_PROCESS_ROWS", 10**9)
    import_file(tmp_path / "so.csv")
    assert _totals() == in_process


def test_a_saved_profile_maps_another_exports_headers(world, tmp_path):
    SavedImportProfile.objects.create(
        name="mot-cua-cu",
        headers={
            "code": "So ho so",
            "unit_code": "Don vi",
            "procedure_code": "Ma thu tuc",
            "received": "Ngay nhan",
            "due": "Ngay hen | Han tra",
            "finished": "Ngay xong",
        },
    )
    path = _csv(
        tmp_path, ["So ho so,Don vi,Ma thu tuc,Ngay nhan,Han tra,Ngay xong", "A-1,X02,9.9,2024-04-01,2024-04-05,"]
    )
    result = import_file(path, profile=importing.profile_by_name("mot-cua-cu"))
    assert result.created == 1
    assert Dossier.objects.get(code="A-1").due_day == date(2024, 4, 5)


def test_the_import_command_imports_several_files_and_writes_an_error_report_for_a_bad_one(world, tmp_path, capsys):
    good = _csv(tmp_path, [HEADER, GOOD_ROW], name="tot.csv")
    bad = _csv(tmp_path, [HEADER, GOOD_ROW.replace("HS-1", "HS-9").replace("X01", "X77")], name="loi.csv")
    with pytest.raises(SystemExit) as exit_info:
        call_command("dossiers", "import", str(good), str(bad))
    assert exit_info.value.code == 1
    output = capsys.readouterr()
    assert "1 hồ sơ mới" in output.out
    assert "Dòng 2, cột «Mã đơn vị»" in output.err
    assert (tmp_path / "loi.loi.xlsx").exists()
    assert list(Dossier.objects.values_list("code", flat=True)) == ["HS-1"]


def test_a_big_first_load_drops_and_rebuilds_the_indexes_with_the_same_figures(world, tmp_path, monkeypatch):
    from django.db import connection

    from cchc.dossiers import column_sums, store

    records = random_records(7, 80, ["X01", "X02"])
    write_csv(tmp_path / "so.csv", records)
    import_file(tmp_path / "so.csv")
    expected, expected_rows = _totals(), aggregate_rows()
    _clear()
    monkeypatch.setattr(store, "BULK_ROWS", 10)
    # PostgreSQL: merges of 15 hand back their columns, summed in chunks of at most 35.
    monkeypatch.setattr(importing, "BATCH_SIZE", 15)
    monkeypatch.setattr(store, "MERGE_ROWS", 15)
    monkeypatch.setattr(column_sums, "CHUNK_DOSSIERS", 35)
    assert import_file(tmp_path / "so.csv").created == 80
    assert _totals() == expected
    assert aggregate_rows() == expected_rows
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Dossier._meta.db_table)
    names = set(constraints)
    assert {index.name for index in Dossier._meta.indexes} <= names
    assert sum(1 for details in constraints.values() if details.get("foreign_key")) == 2
    assert any(details["unique"] and details["columns"] == ["code"] for details in constraints.values())
    assert [details["columns"] for details in constraints.values() if details["primary_key"]] == [["id"]]
    assert import_file(tmp_path / "so.csv").updated == 80  # the code is unique again: re-import updates


def test_a_big_first_load_keeps_the_primary_key_another_table_refers_to(world, tmp_path, monkeypatch):
    from django.db import connection

    from cchc.dossiers import store

    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL drops keys for a big load")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE dossier_note (dossier_id bigint REFERENCES {Dossier._meta.db_table} (id))")
    monkeypatch.setattr(store, "BULK_ROWS", 10)
    write_csv(tmp_path / "so.csv", random_records(7, 40, ["X01", "X02"]))
    primary_index = "SELECT indexrelid FROM pg_index WHERE indisprimary AND indrelid = %s::regclass"
    with connection.cursor() as cursor:
        cursor.execute(primary_index, [Dossier._meta.db_table])
        before = cursor.fetchone()
    assert import_file(tmp_path / "so.csv").created == 40
    with connection.cursor() as cursor:
        cursor.execute(primary_index, [Dossier._meta.db_table])
        assert cursor.fetchone() == before  # the same index: never dropped and rebuilt


def test_dossier_codes_compare_byte_by_byte():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite compares bytes already")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT collation_name FROM information_schema.columns "
            "WHERE table_name = 'dossiers_dossier' AND column_name = 'code'"
        )
        assert cursor.fetchone() == ("C",)


def test_codes_and_statuses_with_backslashes_tabs_and_line_breaks_are_kept_exactly(world, tmp_path):
    path = tmp_path / "so.csv"
    path.write_text(
        HEADER + "\n" + GOOD_ROW.replace("HS-1", "HS\\1").replace("Đã trả", '"Đã\ttrả\nxong"') + "\n", encoding="utf-8"
    )
    assert import_file(path).created == 1
    dossier = Dossier.objects.get()
    assert (dossier.code, dossier.status) == ("HS\\1", "Đã\ttrả\nxong")


def test_a_workbooks_rows_are_counted_from_its_dimension_or_estimated_without_one(tmp_path):
    from openpyxl import Workbook

    declared = Workbook()
    for number in range(41):
        declared.active.append([f"HS-{number}", "X01"])
    declared.save(tmp_path / "declared.xlsx")
    assert importing.count_rows(tmp_path / "declared.xlsx") == 40  # the header row is not a dossier

    records = random_records(8, 3000, ["X01"])
    write_xlsx(tmp_path / "streamed.xlsx", records)  # openpyxl's streaming writer declares no dimension
    estimate = importing.count_rows(tmp_path / "streamed.xlsx")
    assert estimate is not None and 2700 <= estimate <= 3300

    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    assert importing.count_rows(tmp_path / "broken.xlsx") is None
    (tmp_path / "so.csv").write_text("a\nb\nc\n", encoding="utf-8")
    assert importing.count_rows(tmp_path / "so.csv") == 2


def test_a_large_workbook_takes_the_bulk_path_in_a_second_process(world, tmp_path, monkeypatch):
    from cchc.dossiers import rows, store

    records = random_records(9, 60, ["X01", "X02"])
    write_xlsx(tmp_path / "so.xlsx", records)
    write_csv(tmp_path / "so.csv", records)
    import_file(tmp_path / "so.csv")
    expected = _totals()
    _clear()
    monkeypatch.setattr(importing, "READER_PROCESS_ROWS", 10)
    monkeypatch.setattr(store, "BULK_ROWS", 10)
    used = []
    original = rows.prepare_file_in_process
    monkeypatch.setattr(importing, "prepare_file_in_process", lambda *args: used.append(1) or original(*args))
    result = import_file(tmp_path / "so.xlsx")
    assert (result.saved, result.created, used) == (True, 60, [1])
    assert _totals() == expected


class _ExitsWhenUnpickled:
    """Stands for the reader's arguments: the reader process exits while receiving them."""

    def __reduce__(self) -> tuple[object, tuple[int]]:
        import os

        return (os._exit, (3,))


def test_a_reader_process_that_dies_fails_the_read_with_a_message(tmp_path):
    from cchc.dossiers import rows
    from cchc.dossiers.parsing import DEFAULT_PROFILE

    path = _csv(tmp_path, [HEADER, GOOD_ROW])
    with pytest.raises(rows.ReaderFailed, match="dừng đột ngột"):
        list(rows.prepare_file_in_process(path, DEFAULT_PROFILE, _ExitsWhenUnpickled(), 10))  # type: ignore[arg-type]
