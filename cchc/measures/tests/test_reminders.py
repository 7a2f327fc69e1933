import datetime as dt

from cchc.measures import reminders
from cchc.measures.models import MeasureValue
from cchc.measures.tests.conftest import stored_value
from cchc.notifications.models import Notification

# March 2025's figures are due on 5 April 2025, a Saturday; 2 April is 3 working days before.


def collected(day, category=None):
    return [item for item in reminders.collect(day) if category is None or item.category == category]


def report_everything(world, measures, unit, period="2025-03", status=MeasureValue.Status.SUBMITTED):
    for measure in measures.values():
        if measure.is_reported:
            stored_value(measure, unit, period, numerator=1, denominator=1, value=1, status=status)


def test_the_deadline_is_the_reporting_day_of_the_following_month(signed):
    assert reminders.deadline(signed, reminders.latest_complete("month", dt.date(2025, 4, 1))) == dt.date(2025, 4, 5)


def test_working_days_are_counted_monday_to_friday():
    assert reminders.working_days_until(dt.date(2025, 4, 2), dt.date(2025, 4, 5)) == 2
    assert reminders.working_days_until(dt.date(2025, 4, 1), dt.date(2025, 4, 5)) == 3


def test_focal_officers_of_units_that_have_not_reported_are_reminded_three_working_days_before(world, measures):
    report_everything(world, measures, world.other_commune)
    found = collected(dt.date(2025, 4, 1), Notification.Category.DEADLINE)
    assert [item.user_id for item in found] == [world.officer.pk]
    assert "trước ngày 05/04/2025" in found[0].title
    assert found[0].key.startswith("measures:due3:")


def test_the_last_reminder_comes_one_working_day_before_and_nothing_earlier(world, measures):
    assert collected(dt.date(2025, 3, 31), Notification.Category.DEADLINE) == []
    found = collected(dt.date(2025, 4, 4), Notification.Category.DEADLINE)
    assert {item.user_id for item in found} == {world.officer.pk, world.other_officer.pk}
    assert all(item.key.startswith("measures:due1:") for item in found)


def test_after_the_deadline_units_still_missing_get_an_overdue_reminder(world, measures):
    report_everything(world, measures, world.commune)
    overdue = collected(dt.date(2025, 4, 10), Notification.Category.OVERDUE)
    assert [item.user_id for item in overdue] == [world.other_officer.pk]
    assert "đã quá hạn 05/04/2025" in overdue[0].title


def test_a_draft_does_not_count_as_reported(world, measures):
    report_everything(world, measures, world.commune, status=MeasureValue.Status.DRAFT)
    assert [item.user_id for item in collected(dt.date(2025, 4, 10), Notification.Category.OVERDUE)] == [
        world.officer.pk,
        world.other_officer.pk,
    ]


def test_reviewers_of_the_superior_unit_are_reminded_of_figures_waiting(world, measures):
    report_everything(world, measures, world.commune)
    review = collected(dt.date(2025, 4, 10), Notification.Category.REVIEW)
    assert {item.user_id for item in review} == {world.provincial_focal.pk, world.appraiser.pk}
    assert all(item.unit_id == world.province.pk for item in review)
