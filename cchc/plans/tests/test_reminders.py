import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from cchc.notifications.models import Notification
from cchc.notifications.services import run_reminders, send_digests
from cchc.plans import reminders
from cchc.plans.models import ReminderSettings
from cchc.plans.services import (
    SYSTEM,
    add_task,
    create_implementing_plan,
    create_plan,
    issue_plan,
    record_progress,
    update_reminder_settings,
)
from cchc.plans.tests.conftest import make_province_plan

DUE = dt.date(2026, 3, 13)  # a Friday; no public holiday in the two weeks before


@pytest.fixture
def commune_tasks(world):
    for user, address in ((world.officer, "canbo@x01.vn"), (world.specialist, "tuphap@x01.vn")):
        user.email = address
        user.save(update_fields=["email"])
    plan = create_plan(actor=world.officer, unit=world.commune, title="CCHC xã Hoàng Việt năm 2026", year=2026)
    with_official = add_task(
        actor=world.officer,
        plan=plan,
        title="Rà soát thủ tục hành chính",
        deadline_text="Trước ngày 13/03",
        responsible=world.specialist,
    )
    unowned = add_task(
        actor=world.officer, plan=plan, title="Niêm yết công khai TTHC", deadline_text="Trước ngày 13/03"
    )
    another = add_task(actor=world.officer, plan=plan, title="Báo cáo quý I", deadline_text="Trước ngày 13/03")
    issue_plan(actor=world.leader, plan=plan, number="4", document_date=dt.date(2026, 1, 10))
    return with_official, unowned, another


def _collected(today: dt.date) -> list[tuple[int, str, str]]:
    return sorted((item.user_id, item.key.split(":")[1], item.category) for item in reminders.collect(today))


@pytest.mark.parametrize(
    ("today", "stage"),
    [
        (dt.date(2026, 3, 3), None),  # 8 working days before
        (dt.date(2026, 3, 4), "due7"),
        (dt.date(2026, 3, 9), "due7"),  # 5 working days: still the 7-day mark
        (dt.date(2026, 3, 10), "due3"),
        (dt.date(2026, 3, 12), "due1"),
        (dt.date(2026, 3, 13), "due1"),  # the due day itself
    ],
)
def test_reminders_come_seven_three_and_one_working_days_before_the_deadline(
    world, commune_tasks, today, stage
) -> None:
    found = _collected(today)
    if stage is None:
        assert found == []
        return
    assert found == sorted(
        [
            (world.specialist.pk, stage, Notification.Category.DEADLINE),
            (world.officer.pk, stage, Notification.Category.DEADLINE),
            (world.officer.pk, stage, Notification.Category.DEADLINE),
        ]
    )


def test_the_responsible_official_is_reminded_and_otherwise_the_units_focal_officer(world, commune_tasks) -> None:
    with_official, unowned, _another = commune_tasks
    by_task = {item.url: item.user_id for item in reminders.collect(dt.date(2026, 3, 12))}
    assert by_task[f"/ke-hoach/nhiem-vu/{with_official.pk}/"] == world.specialist.pk
    assert by_task[f"/ke-hoach/nhiem-vu/{unowned.pk}/"] == world.officer.pk


def test_an_overdue_task_is_reminded_once_and_a_completed_one_never(world, commune_tasks) -> None:
    _with_official, _unowned, another = commune_tasks
    record_progress(
        actor=world.officer,
        task=another,
        percent=Decimal(100),
        reported_on=dt.date(2026, 3, 12),
        today=dt.date(2026, 3, 12),
    )
    found = list(reminders.collect(dt.date(2026, 3, 16)))
    assert sorted((item.user_id, item.category) for item in found) == sorted(
        [(world.specialist.pk, "overdue"), (world.officer.pk, "overdue")]
    )
    assert {item.title for item in found} == {
        "Nhiệm vụ «Rà soát thủ tục hành chính» (Xã Hoàng Việt) đã quá hạn 13/03/2026",
        "Nhiệm vụ «Niêm yết công khai TTHC» (Xã Hoàng Việt) đã quá hạn 13/03/2026",
    }
    assert run_reminders(dt.date(2026, 3, 16)) == 2
    assert run_reminders(dt.date(2026, 3, 17)) == 0  # the same overdue task is not repeated


def test_each_person_gets_one_email_a_day_listing_every_reminder_and_none_when_there_is_nothing(
    world, commune_tasks
) -> None:
    assert run_reminders(dt.date(2026, 3, 4)) == 3
    assert send_digests() == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"canbo@x01.vn", "tuphap@x01.vn"}
    officer_mail = by_recipient["canbo@x01.vn"].body
    assert "Niêm yết công khai TTHC" in officer_mail and "Báo cáo quý I" in officer_mail
    assert "(hạn 13/03/2026)" in officer_mail
    mail.outbox.clear()
    assert run_reminders(dt.date(2026, 3, 4)) == 0  # the daily job ran twice: nothing new
    assert send_digests() == 0
    assert mail.outbox == []
    assert run_reminders(dt.date(2026, 3, 10)) == 3  # the next mark is a new reminder
    assert send_digests() == 2


def test_nothing_is_sent_when_no_task_is_near_its_deadline(world, commune_tasks) -> None:
    assert run_reminders(dt.date(2026, 2, 2)) == 0
    assert send_digests() == 0 and mail.outbox == []


def test_the_reminder_marks_are_data_an_administrator_changes(world, commune_tasks) -> None:
    update_reminder_settings(actor=world.admin, days_before=[5], remind_overdue=False)
    assert ReminderSettings.current().days() == [5]
    assert _collected(dt.date(2026, 3, 4)) == []
    assert {stage for _user, stage, _category in _collected(dt.date(2026, 3, 6))} == {"due5"}
    assert list(reminders.collect(dt.date(2026, 3, 16))) == []


def test_a_focal_officer_cannot_change_the_reminder_marks(world) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        update_reminder_settings(actor=world.officer, days_before=[2], remind_overdue=True)
    update_reminder_settings(actor=SYSTEM, days_before=[10, 2], remind_overdue=True)
    assert ReminderSettings.current().days() == [10, 2]


def test_a_task_assigned_by_the_superior_reminds_each_communes_focal_officer_until_it_plans_it_itself(world) -> None:
    plan = make_province_plan(world).plan
    first = {(item.user_id, item.unit_id) for item in reminders.collect(dt.date(2026, 1, 27))}
    assert first == {(world.officer.pk, world.commune.pk), (world.other_officer.pk, world.other_commune.pk)}
    own = create_implementing_plan(actor=world.officer, superior_plan=plan, unit=world.commune)
    own.tasks.filter(title__startswith="Ban hành").update(responsible=world.specialist)
    issue_plan(actor=world.leader, plan=own, number="2", document_date=dt.date(2026, 1, 20))
    after = {(item.user_id, item.unit_id) for item in reminders.collect(dt.date(2026, 1, 27))}
    # The commune's own task now carries the reminder, to its official; X02 is still reminded directly.
    assert after == {(world.specialist.pk, world.commune.pk), (world.other_officer.pk, world.other_commune.pk)}


def test_tet_holidays_are_not_counted_as_working_days(world) -> None:
    pytest.importorskip("cchc.dossiers.calendar")
    # Tuesday 24/02/2026 is two working days after Friday 13/02 (16–20/02 are the Tết holidays).
    assert reminders.working_days_between(dt.date(2026, 2, 13), dt.date(2026, 2, 24)) == 2
    assert reminders.weekdays_between(dt.date(2026, 2, 13), dt.date(2026, 2, 24)) == 7
    assert reminders.stage_for(dt.date(2026, 2, 13), dt.date(2026, 2, 24), [7, 3, 1]) == 3
