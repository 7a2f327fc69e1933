import datetime as dt

from django.core import mail

from cchc.notifications.models import Notification
from cchc.notifications.services import Reminder, notify, send_digests


def test_the_same_reminder_is_stored_once(world):
    reminder = Reminder(user_id=world.officer.pk, key="task:1:7", title="Nhiệm vụ A còn 7 ngày làm việc")
    assert notify(reminder) is not None
    assert notify(reminder) is None
    assert Notification.objects.count() == 1


def test_each_person_gets_one_digest_listing_everything_and_nobody_gets_an_empty_one(world):
    world.officer.email = "canbo@example.vn"
    world.officer.save()
    world.leader.email = "chutich@example.vn"
    world.leader.save()
    for index in range(3):
        notify(
            Reminder(user_id=world.officer.pk, key=f"k{index}", title=f"Việc {index}", due_date=dt.date(2026, 12, 1))
        )
    assert send_digests() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["canbo@example.vn"]
    assert "Việc 0" in mail.outbox[0].body and "Việc 2" in mail.outbox[0].body
    assert "01/12/2026" in mail.outbox[0].body
    assert send_digests() == 0
    assert len(mail.outbox) == 1


def test_a_person_reads_only_their_own_notifications(client, world):
    notification = notify(Reminder(user_id=world.officer.pk, key="x", title="Riêng tư", url="/"))
    client.force_login(world.other_officer)
    assert client.post(f"/thong-bao/{notification.pk}/mo/").status_code == 404
    assert "Riêng tư" not in client.get("/thong-bao/").content.decode()
