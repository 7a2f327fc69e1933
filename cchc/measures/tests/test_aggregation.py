from decimal import Decimal

from cchc.measures.models import MeasureValue
from cchc.measures.periods import parse
from cchc.measures.readings import read
from cchc.measures.tests.conftest import stored_value
from cchc.testing import make_unit


def test_a_rate_aggregates_up_the_tree_from_numerators_and_denominators_not_an_average_of_rates(world, signed):
    # 9 of 10 documents signed (90%) and 50 of 100 (50%): the province signed 59 of 110, 53,64%, not 70%.
    stored_value(signed, world.commune, "2025-03", numerator=9, denominator=10)
    stored_value(signed, world.other_commune, "2025-03", numerator=50, denominator=100)
    reading = read(signed, world.province, parse("2025-03"))
    assert reading.numerator == 59
    assert reading.denominator == 110
    assert reading.value == Decimal("53.64")
    assert reading.value != (Decimal(90) + Decimal(50)) / 2


def test_a_rate_over_a_quarter_sums_the_months_numerators_and_denominators(world, signed):
    stored_value(signed, world.commune, "2025-01", numerator=1, denominator=1)
    stored_value(signed, world.commune, "2025-02", numerator=0, denominator=3)
    assert read(signed, world.commune, parse("2025-Q1")).value == Decimal("25.00")


def test_a_rate_aggregates_through_an_intermediate_level(world, signed):
    district = make_unit("Huyện Giữa", "huyen", parent=world.province, code="H01")
    lower = make_unit("Xã Dưới", "xa", parent=district, code="X09")
    stored_value(signed, lower, "2025-03", numerator=3, denominator=4)
    stored_value(signed, world.commune, "2025-03", numerator=1, denominator=4)
    assert read(signed, district, parse("2025-03")).value == Decimal("75.00")
    assert read(signed, world.province, parse("2025-03")).value == Decimal("50.00")


def test_only_approved_figures_count_upwards(world, signed):
    stored_value(signed, world.commune, "2025-03", numerator=9, denominator=10)
    stored_value(
        signed, world.other_commune, "2025-03", numerator=0, denominator=90, status=MeasureValue.Status.SUBMITTED
    )
    assert read(signed, world.province, parse("2025-03")).value == Decimal("90.00")


def test_a_staff_count_adds_each_units_latest_figure(world, measures):
    staff = measures["staff.civil_servants"]
    stored_value(staff, world.commune, "2025-01", value=22)
    stored_value(staff, world.commune, "2025-02", value=21)
    stored_value(staff, world.other_commune, "2025-01", value=19)
    assert read(staff, world.province, parse("2025-Q1")).value == 40
