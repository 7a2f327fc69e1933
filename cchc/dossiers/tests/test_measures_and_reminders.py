"""Named measures for criteria and targets, the home page card and the overdue reminders."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from cchc.dossiers.measures_provider import RATE_BY_CODE
from cchc.dossiers.reminders import collect
from cchc.dossiers.tests.factories import record, save
from cchc.measures.periods import quarter, year
from cchc.measures.readings import read, read_many
from cchc.measures.services import sync_definitions
from cchc.notifications.services import notify

pytestmark = pytest.mark.django_db

APRIL = datetime(2024, 4, 1, 8)


@pytest.fixture
def measures(world):  # type: ignore[no-untyped-def]
    sync_definitions()
    save(
        [
            record("EARLY", APRIL, datetime(2024, 4, 5, 16), datetime(2024, 4, 3, 9), channel=2, online_level="full"),
            record("LATE", APRIL, datetime(2024, 4, 5, 16), datetime(2024, 4, 9, 9), apology_date=date(2024, 4, 4)),
            record("OTHER", APRIL, datetime(2024, 4, 5, 16), datetime(2024, 4, 5, 9), unit_code="X02"),
            record("OPEN", APRIL, datetime(2024, 4, 5, 16), unit_code="X02", has_fee=True, paid_online=True),
        ]
    )


def test_every_measure_the_sample_criteria_bind_to_is_registered():
    codes = set()
    for path in Path("cchc/assessment/data").glob("*.json"):
        codes.update(
            value
            for value in json.dumps(json.loads(path.read_text(encoding="utf-8"))).split('"')
            if value.startswith("dossier.")
        )
    sync_definitions()
    from cchc.measures.models import Measure

    assert codes and codes <= set(Measure.objects.filter(source="dossiers").values_list("code", flat=True))


def test_rates_read_for_a_commune_and_for_the_province_summing_its_subtree(world, measures):
    second_quarter = quarter(2024, 2)
    commune = read("dossier.settled_on_time_rate", world.commune, second_quarter, date(2025, 1, 1))
    province = read("dossier.settled_on_time_rate", world.province, second_quarter, date(2025, 1, 1))
    assert (commune.value, commune.numerator, commune.denominator) == (Decimal("50.00"), 1, 2)
    assert (province.value, province.numerator, province.denominator) == (Decimal("66.67"), 2, 3)


def test_the_apology_rate_counts_late_and_overdue_dossiers(world, measures):
    readings = read_many("dossier.apologised_rate", [world.commune, world.other_commune], year(2024), date(2025, 1, 1))
    assert readings[world.commune.pk].value == 100
    assert (readings[world.other_commune.pk].numerator, readings[world.other_commune.pk].denominator) == (0, 1)


def test_counts_averages_and_766_scores_are_measures_too(world, measures):
    as_of = date(2025, 1, 1)
    assert read("dossier.overdue_count", world.province, year(2024), as_of).value == 1
    assert read("dossier.paid_online_rate", world.province, year(2024), as_of).value == 100
    assert read("dossier.average_processing_days", world.commune, year(2024), as_of).value == Decimal(
        "4.00"
    )  # (2 + 6) / 2
    progress = read("dossier.score_766.progress", world.province, year(2024), as_of).value
    assert progress == Decimal("13.33")  # 20 points × 2/3 on time


def test_every_rate_measure_has_a_vietnamese_definition_and_both_labels():
    for measure in RATE_BY_CODE.values():
        assert measure.definition and measure.numerator_label and measure.denominator_label


def test_the_home_page_card_shows_this_years_on_time_rate_and_overdue_now(client, world):
    today = timezone.localdate()
    first = max(date(today.year, 1, 1), today - timedelta(days=6))
    if (today - first).days < 2:
        pytest.skip("the first two days of a year have no finished dossier of that year to show")
    start = datetime.combine(first, datetime.min.time()) + timedelta(hours=8)
    save(
        [
            record("DONE", start, start + timedelta(days=1), start + timedelta(days=1)),
            record("STUCK", start, start),
        ]
    )
    client.force_login(world.officer)
    content = client.get(reverse("core:home")).content.decode()
    assert "Hồ sơ thủ tục hành chính" in content and "100,00%" in content and "1 hồ sơ đang quá hạn" in content


def test_an_overdue_dossier_without_apology_reminds_the_units_focal_officer_once(world):
    today = date(2024, 4, 20)
    save(
        [
            record("OVERDUE", APRIL, datetime(2024, 4, 5, 16)),
            record("APOLOGISED", APRIL, datetime(2024, 4, 5, 16), apology_date=date(2024, 4, 4)),
            record("NOT-YET", APRIL, datetime(2024, 4, 25, 16)),
        ]
    )
    reminders = list(collect(today))
    assert [(reminder.user_id, reminder.key) for reminder in reminders] == [
        (world.officer.pk, "dossiers.overdue-no-apology.OVERDUE")
    ]
    assert notify(reminders[0]) is not None
    assert notify(next(iter(collect(today + timedelta(days=1))))) is None
