import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cchc.measures.models import Measure, MeasureValue
from cchc.measures.tests.conftest import stored_value


def run(*args):
    output = StringIO()
    call_command("measures", *args, stdout=output, stderr=StringIO())
    return output.getvalue()


def test_the_values_command_prints_one_json_object_per_unit_and_period(world, signed):
    stored_value(signed, world.commune, "2025-01", numerator=9, denominator=10)
    stored_value(signed, world.other_commune, "2025-01", numerator=50, denominator=100)
    stored_value(signed, world.commune, "2025-02", numerator=3, denominator=4, status=MeasureValue.Status.SUBMITTED)
    rows = json.loads(run("values", signed.code, "--from", "2025-01", "--to", "2025-02", "--json"))
    assert rows == [
        {"unit": "X01", "unit_name": "Xã Hoàng Việt", "period": "2025-01", "value": 90,
         "numerator": 9, "denominator": 10, "status": "approved"},
        {"unit": "X01", "unit_name": "Xã Hoàng Việt", "period": "2025-02", "value": 75,
         "numerator": 3, "denominator": 4, "status": "submitted"},
        {"unit": "X02", "unit_name": "Xã Ba Xa", "period": "2025-01", "value": 50,
         "numerator": 50, "denominator": 100, "status": "approved"},
        {"unit": "X02", "unit_name": "Xã Ba Xa", "period": "2025-02", "value": None,
         "numerator": None, "denominator": None, "status": "missing"},
    ]  # fmt: skip


def test_the_values_command_for_a_superior_unit_aggregates_the_approved_figures_below(world, signed):
    stored_value(signed, world.commune, "2025-01", numerator=9, denominator=10)
    stored_value(signed, world.other_commune, "2025-01", numerator=50, denominator=100)
    rows = json.loads(run("values", signed.code, "--from", "2025-01", "--to", "2025-01", "--unit", "T01", "--json"))
    assert rows == [
        {"unit": "T01", "unit_name": "Tỉnh Thử Nghiệm", "period": "2025-01", "value": 53.64,
         "numerator": 59, "denominator": 110, "status": "aggregated"},
    ]  # fmt: skip


def test_the_values_command_explains_an_unknown_measure_or_period_in_vietnamese(world, signed):
    with pytest.raises(CommandError, match=r"Không có chỉ số mã «khong\.co»"):
        run("values", "khong.co", "--from", "2025-01", "--to", "2025-02")
    with pytest.raises(CommandError, match="không hợp lệ"):
        run("values", signed.code, "--from", "2025-14", "--to", "2025-02")
    with pytest.raises(CommandError, match="Không có đơn vị mã «Z9»"):
        run("values", signed.code, "--from", "2025-01", "--to", "2025-02", "--unit", "Z9")


def test_the_import_command_saves_nothing_and_exits_with_an_error_when_a_row_is_wrong(world, measures, tmp_path):
    path = tmp_path / "so-lieu.csv"
    path.write_text(
        "Mã đơn vị,Mã chỉ số,Kỳ,Tử số,Mẫu số\nX01,docs.digitally_signed_rate,2025-03,9,10\n"
        "X01,docs.outgoing_electronic_rate,2025-03,11,10\n",
        encoding="utf-8",
    )
    errors = StringIO()
    with pytest.raises(SystemExit) as exit_code:
        call_command("measures", "import", str(path), stdout=StringIO(), stderr=errors)
    assert exit_code.value.code == 1
    assert "Dòng 3, cột «Tử số»" in errors.getvalue()
    assert not MeasureValue.objects.exists()
    path.write_text(
        "Mã đơn vị,Mã chỉ số,Kỳ,Tử số,Mẫu số\nX01,docs.digitally_signed_rate,2025-03,9,10\n", encoding="utf-8"
    )
    assert "Đã nhập 1 số liệu" in run("import", str(path))


def test_the_sync_command_writes_the_measure_catalogue(db):
    assert "Đã đồng bộ chỉ số" in run("sync")
    assert Measure.objects.filter(code="finance.public_investment_disbursed_rate", source="reported").exists()
