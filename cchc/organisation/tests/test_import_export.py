import io

import pytest
from django.core.management import call_command

from cchc.audit.models import Change
from cchc.organisation import io as org_io
from cchc.organisation.models import Unit
from cchc.organisation.tabular import write_csv, write_xlsx

HEADERS = ["Mã đơn vị", "Tên đơn vị", "Loại", "Mã đơn vị cấp trên"]


def csv_file(rows, headers=HEADERS, name="don-vi.csv"):
    data = io.BytesIO(write_csv(headers, rows))
    data.name = name
    return data


def test_a_tree_imports_in_any_row_order(db):
    result = org_io.import_units(
        csv_file(
            [
                ["X01", "Xã Hoàng Việt", "Xã", "T01"],
                ["T01", "Tỉnh Lạng Sơn", "Tỉnh", ""],
                ["P01", "Phường Đông Kinh", "phường", "T01"],
            ]
        )
    )
    assert result.ok, result.errors
    assert result.created == 3
    commune = Unit.objects.get(code="X01")
    assert commune.parent.code == "T01"
    assert commune.kind.name == "Xã"
    assert commune.path.startswith(commune.parent.path)
    assert Change.objects.filter(object_type="organisation.unit", action="import").count() == 3


def test_importing_the_same_file_twice_changes_nothing_the_second_time(db):
    rows = [["T01", "Tỉnh Lạng Sơn", "Tỉnh", ""], ["X01", "Xã Hoàng Việt", "Xã", "T01"]]
    org_io.import_units(csv_file(rows))
    second = org_io.import_units(csv_file(rows))
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert Unit.objects.count() == 2


def test_a_reimport_updates_names_and_moves_units(db):
    org_io.import_units(
        csv_file(
            [
                ["T01", "Tỉnh A", "Tỉnh", ""],
                ["H01", "Huyện B", "Huyện", "T01"],
                ["X01", "Xã C", "Xã", "H01"],
            ]
        )
    )
    result = org_io.import_units(csv_file([["X01", "Xã C mới", "Xã", "T01"]]))
    assert result.updated == 1
    commune = Unit.objects.get(code="X01")
    assert commune.name == "Xã C mới"
    assert commune.parent.code == "T01"
    assert commune.depth == 1


def test_an_unknown_kind_is_an_error_naming_the_row_and_nothing_is_saved(db):
    result = org_io.import_units(
        csv_file(
            [
                ["T01", "Tỉnh A", "Tỉnh", ""],
                ["X01", "Xã B", "Làng", "T01"],
            ]
        )
    )
    assert not result.ok
    assert next(str(error) for error in result.errors).startswith("Dòng 3, cột «Loại»: loại «Làng» không có")
    assert Unit.objects.count() == 0


@pytest.mark.parametrize(
    "rows,expected",
    [
        (
            [["T01", "Tỉnh A", "Tỉnh", ""], ["T01", "Tỉnh A", "Tỉnh", ""]],
            "Dòng 3, cột «Mã đơn vị»: mã «T01» trùng với dòng 2",
        ),
        ([["X01", "Xã B", "Xã", "T99"]], "Dòng 2, cột «Mã đơn vị cấp trên»: không có đơn vị cấp trên mã «T99»"),
        ([["X01", "", "Xã", ""]], "Dòng 2, cột «Tên đơn vị»: thiếu tên đơn vị"),
        (
            [["A", "A", "Xã", "B"], ["B", "B", "Xã", "A"]],
            "Dòng 2, cột «Mã đơn vị cấp trên»: quan hệ cấp trên tạo thành vòng lặp",
        ),
    ],
)
def test_bad_rows_are_reported_by_row_and_column(db, rows, expected):
    result = org_io.import_units(csv_file(rows))
    assert expected in [str(error) for error in result.errors]
    assert Unit.objects.count() == 0


def test_a_file_without_the_required_columns_names_the_missing_ones(db):
    result = org_io.import_units(csv_file([["T01", "Tỉnh A"]], headers=["Mã đơn vị", "Tên"]))
    assert not result.ok
    assert "«Tên đơn vị»" in str(result.errors[0]) and "«Loại»" in str(result.errors[0])


def test_a_semicolon_csv_with_a_byte_order_mark_is_read(db):
    data = "\ufeffMã đơn vị;Tên đơn vị;Loại;Mã đơn vị cấp trên\nT01;Tỉnh A;Tỉnh;\n".encode()
    result = org_io.import_units(io.BytesIO(data), filename="x.csv")
    assert result.ok and result.created == 1


def test_export_then_import_gives_the_same_tree(db, tmp_path):
    org_io.import_units(
        csv_file(
            [
                ["T01", "Tỉnh A", "Tỉnh", ""],
                ["H01", "Huyện B", "Huyện", "T01"],
                ["X01", "Xã C", "Xã", "H01"],
                ["X02", "Xã D", "Xã", "T01"],
            ]
        )
    )
    Unit.objects.filter(code="X01").update(successor=Unit.objects.get(code="X02"))
    before = org_io.export_rows()
    exported = tmp_path / "tree.xlsx"
    exported.write_bytes(org_io.export_units())
    Unit.objects.update(successor=None)
    for unit in Unit.objects.order_by("-depth"):
        unit.delete()
    result = org_io.import_units(str(exported))
    assert result.ok, result.errors
    assert org_io.export_rows() == before


def test_the_command_line_imports_and_exports(db, tmp_path, capsys):
    source = tmp_path / "units.xlsx"
    source.write_bytes(write_xlsx(HEADERS, [["T01", "Tỉnh A", "Tỉnh", ""], ["X01", "Xã B", "Xã", "T01"]]))
    call_command("org", "import", str(source))
    assert "2 đơn vị mới" in capsys.readouterr().out
    target = tmp_path / "out.csv"
    call_command("org", "export", "-o", str(target))
    assert "Xã B" in target.read_text(encoding="utf-8-sig")


def test_the_command_line_fails_with_row_errors(db, tmp_path):
    source = tmp_path / "units.csv"
    source.write_bytes(write_csv(HEADERS, [["X01", "Xã B", "Thôn", ""]]))
    with pytest.raises(SystemExit):
        call_command("org", "import", str(source))
    assert Unit.objects.count() == 0
