import io
from decimal import Decimal

from cchc.audit.models import Change
from cchc.measures.importing import import_values
from cchc.measures.models import MeasureValue
from cchc.measures.tests.conftest import stored_value
from cchc.organisation.tabular import write_xlsx

HEADER = "Mã đơn vị,Mã chỉ số,Kỳ,Tử số,Mẫu số,Giá trị,Ghi chú\n"


def csv(*lines):
    return io.BytesIO((HEADER + "\n".join(lines) + "\n").encode("utf-8"))


def test_a_sheet_of_figures_for_many_units_is_imported_as_submitted(world, measures):
    sheet = write_xlsx(
        ["Mã đơn vị", "Mã chỉ số", "Kỳ", "Tử số", "Mẫu số", "Giá trị"],
        [
            ["X01", "docs.digitally_signed_rate", "2025-03", 96, 100, None],
            ["X02", "docs.digitally_signed_rate", "Tháng 3/2025", 45, 50, None],
            ["X01", "staff.civil_servants", "2025-03", None, None, 21],
        ],
    )
    result = import_values(io.BytesIO(sheet), filename="so-lieu.xlsx")
    assert result.ok, result.errors
    assert result.created == 3
    assert set(MeasureValue.objects.values_list("status", flat=True)) == {MeasureValue.Status.SUBMITTED}
    assert MeasureValue.objects.get(unit=world.other_commune).value == Decimal("90.00")
    assert Change.objects.filter(action="import").count() == 3


def test_every_wrong_row_is_named_and_nothing_is_saved(world, measures):
    stored_value(measures["docs.digitally_signed_rate"], world.commune, "2025-02", numerator=9, denominator=10)
    result = import_values(
        csv(
            "X01,docs.digitally_signed_rate,2025-03,96,100,,đúng",
            "X99,docs.digitally_signed_rate,2025-03,96,100,,",
            "X02,docs.khong_co,2025-03,96,100,,",
            "X02,docs.digitally_signed_rate,tháng ba,96,100,,",
            "X02,docs.outgoing_electronic_rate,2025-03,5,-1,,",
            "X02,finance.public_investment_disbursed_rate,2025-03,120,100,,",
            "X01,docs.digitally_signed_rate,2025-02,10,10,,",
            "X01,staff.civil_servants,2025-03,,,hai mươi,",
        ),
        filename="so-lieu.csv",
    )
    assert not result.ok
    messages = [str(error) for error in result.errors]
    assert messages == [
        "Dòng 3, cột «Mã đơn vị»: không có đơn vị mã «X99»",
        "Dòng 4, cột «Mã chỉ số»: không có chỉ số mã «docs.khong_co»",
        "Dòng 5, cột «Kỳ»: Kỳ «tháng ba» không hợp lệ (ví dụ: 2024-03, 2024-Q1, 2024-H1, 2024-9M, 2024).",
        "Dòng 6, cột «Mẫu số»: mẫu số không được âm",
        "Dòng 7, cột «Tử số»: tử số (120) không được lớn hơn mẫu số (100)",
        "Dòng 8, cột «Kỳ»: số liệu kỳ Tháng 02/2025 của Xã Hoàng Việt đã được duyệt và khóa",
        "Dòng 9, cột «Giá trị»: «hai mươi» không phải là số",
    ]
    assert MeasureValue.objects.count() == 1
    assert not Change.objects.exists()


def test_a_file_without_the_required_columns_is_refused_whole(world, measures):
    result = import_values(io.BytesIO("Đơn vị,Kỳ\nX01,2025-03\n".encode()), filename="sai.csv")
    assert str(result.errors[0]) == "Dòng 1: Thiếu cột: «Mã đơn vị», «Mã chỉ số»."


def test_the_same_unit_measure_and_period_twice_in_a_file_is_an_error(world, measures):
    result = import_values(
        csv("X01,docs.digitally_signed_rate,2025-03,1,2,,", "X01,docs.digitally_signed_rate,2025-03,1,2,,"),
        filename="trung.csv",
    )
    assert [str(error) for error in result.errors] == ["Dòng 3, cột «Kỳ»: trùng đơn vị, chỉ số và kỳ với dòng 2"]
    assert not MeasureValue.objects.exists()


def test_numbers_may_be_written_the_vietnamese_way(world, measures):
    result = import_values(
        io.BytesIO(
            "Mã đơn vị;Mã chỉ số;Kỳ;Tử số;Mẫu số\n"
            "X01;finance.public_investment_disbursed_rate;2025-03;1.234,5;2.469\n".encode()
        ),
        filename="vn.csv",
    )
    assert result.ok, result.errors
    value = MeasureValue.objects.get()
    assert (value.numerator, value.denominator, value.value) == (Decimal("1234.5"), 2469, Decimal("50.00"))


def test_a_web_import_enters_only_units_the_actor_may_edit(world, measures):
    result = import_values(csv("X02,docs.digitally_signed_rate,2025-03,1,2,,"), filename="x.csv", actor=world.officer)
    assert [str(error) for error in result.errors] == [
        "Dòng 2, cột «Mã đơn vị»: bạn không có quyền nhập số liệu cho Xã Ba Xa"
    ]
