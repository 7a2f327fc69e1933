import datetime as dt
from decimal import Decimal

import pytest

from cchc.measures.models import Target
from cchc.measures.periods import parse
from cchc.measures.registry import Reading
from cchc.measures.targets import Status, rule_text, status_for, target_for, target_per_unit, targets_for
from cchc.testing import make_unit

DURING = dt.date(2025, 6, 15)
AFTER = dt.date(2026, 1, 10)


def make_target(measure, unit, comparator, value, **extra):
    extra.setdefault("period_key", "2025")
    return Target.objects.create(measure=measure, unit=unit, comparator=comparator, value=Decimal(value), **extra)


@pytest.mark.parametrize(
    "comparator,value,today,expected",
    [
        (">=", "95", DURING, Status.ACHIEVED),
        (">=", "94", DURING, Status.ON_TRACK),  # 1 point short, within 2
        (">=", "91", DURING, Status.AT_RISK),  # 4 points short, within 5
        (">=", "80", DURING, Status.OFF_TRACK),
        (">=", "94", AFTER, Status.OFF_TRACK),  # the year is over: not met is off track
        (">=", "95", AFTER, Status.ACHIEVED),
        (">", "95", DURING, Status.ON_TRACK),  # equal is not more than
        (">", "95.01", AFTER, Status.ACHIEVED),
        ("<=", "95", DURING, Status.ACHIEVED),
        ("<=", "97", DURING, Status.ON_TRACK),
        ("<=", "99", DURING, Status.AT_RISK),
        ("<=", "97", AFTER, Status.OFF_TRACK),
        ("<", "95", DURING, Status.ON_TRACK),
        ("<", "94.99", DURING, Status.ACHIEVED),
        ("=", "95", DURING, Status.ACHIEVED),
        ("=", "96", DURING, Status.ACHIEVED),  # better than the target in the measure's direction
        ("=", "93", DURING, Status.ON_TRACK),
        ("=", "93", AFTER, Status.OFF_TRACK),
    ],
)
def test_a_rates_status_against_a_target_of_95_percent(world, signed, comparator, value, today, expected):
    target = make_target(signed, world.commune, comparator, "95")
    assert status_for(target, Reading(Decimal(value)), today).status == expected


def test_equal_to_a_target_on_a_lower_is_better_measure_is_met_by_staying_below_it(world, measures):
    staff = measures["staff.civil_servants"]
    target = make_target(staff, world.commune, "=", "20")
    assert status_for(target, Decimal(19), DURING).status == Status.ACHIEVED
    # 21 is 5% above a target of 20: within the 5% «at risk» margin, beyond the 2% «on track» one.
    assert status_for(target, Decimal(21), DURING).status == Status.AT_RISK
    assert status_for(target, Decimal(23), DURING).status == Status.OFF_TRACK


def test_margins_are_stored_on_the_target(world, signed):
    target = make_target(signed, world.commune, ">=", "95", on_track_margin=Decimal("0.5"), at_risk_margin=Decimal(1))
    assert status_for(target, Decimal("94"), DURING).status == Status.AT_RISK
    assert status_for(target, Decimal("93.5"), DURING).status == Status.OFF_TRACK


def test_the_due_date_ends_the_targets_period_early(world, signed):
    target = make_target(signed, world.commune, ">=", "95", due_date=dt.date(2025, 6, 30))
    assert status_for(target, Decimal(94), dt.date(2025, 6, 30)).status == Status.ON_TRACK
    assert status_for(target, Decimal(94), dt.date(2025, 7, 1)).status == Status.OFF_TRACK


def test_no_value_has_no_status_but_the_rule_is_still_told(world, signed):
    target = make_target(signed, world.commune, ">", "95")
    result = status_for(target, Reading(None), DURING)
    assert result.status == Status.NO_DATA
    assert "cao hơn 95,00%" in result.rule


def test_the_rule_is_told_in_vietnamese_words(world, signed):
    rule = rule_text(make_target(signed, world.commune, ">=", "95"))
    assert rule.startswith("Đạt khi giá trị từ 95,00% trở lên.")
    assert "31/12/2025" in rule and "2,00 điểm %" in rule and "Hết kỳ mà chưa đạt là không đạt." in rule
    result = status_for(make_target(signed, world.commune, ">=", "95"), Decimal("92.5"), AFTER)
    assert result.label == "Không đạt"
    assert "còn thiếu 2,50 điểm %" in result.explanation


def test_a_provincial_target_for_every_unit_below_applies_to_each_commune(world, signed):
    for_each = make_target(signed, world.province, ">", "95", applies_to_units_below=True)
    make_target(signed, world.province, ">=", "90")  # the province's own, not for each commune
    assert target_for(signed, world.commune, parse("2025-03")) == for_each


def test_a_units_own_target_comes_before_its_superiors(world, signed):
    make_target(signed, world.province, ">", "95", applies_to_units_below=True)
    own = make_target(signed, world.commune, ">=", "98")
    found = targets_for(signed, world.commune, parse("2025-03"))
    assert found[0] == own and len(found) == 2


def test_a_target_applies_only_within_its_period(world, signed):
    make_target(signed, world.commune, ">=", "95", period_key="2024")
    assert target_for(signed, world.commune, parse("2025-03")) is None
    assert target_for(signed, world.commune, parse("2024-03")) is not None


def test_targets_of_many_units_are_found_at_once_the_same_way(world, signed):
    make_target(signed, world.province, ">", "95", applies_to_units_below=True)
    own = make_target(signed, world.other_commune, ">=", "90")
    elsewhere = make_unit("Tỉnh Khác", "tinh", code="T02")
    found = target_per_unit(signed, [world.commune, world.other_commune, elsewhere], parse("2025-03"))
    assert found[world.commune.pk] == target_for(signed, world.commune, parse("2025-03"))
    assert found[world.other_commune.pk] == own
    assert found[elsewhere.pk] is None
