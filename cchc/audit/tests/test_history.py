from django.urls import reverse

from cchc.accounts import services as account_services
from cchc.accounts.models import Role
from cchc.audit.models import Change
from cchc.organisation import services as org_services


def test_creating_a_person_records_who_did_it_and_the_new_membership(world):
    person = account_services.create_person(
        actor=world.officer, username="vanhoa.x01", full_name="Nguyễn Văn Hòa", unit=world.commune, role=Role.SPECIALIST
    )
    changes = Change.objects.filter(actor=world.officer)
    assert {change.object_type for change in changes} == {"accounts.user", "accounts.membership"}
    assert all(change.unit == world.commune for change in changes)
    assert "password" not in changes.get(object_type="accounts.user").after
    assert person.memberships.get().role == Role.SPECIALIST


def test_closing_a_merged_unit_keeps_before_and_after(world):
    import datetime as dt

    org_services.close_unit(
        actor=world.admin, unit=world.other_commune, valid_to=dt.date(2025, 6, 30), successor=world.commune
    )
    change = Change.objects.get(object_id=str(world.other_commune.pk))
    assert change.before["valid_to"] is None
    assert change.after["valid_to"] == "2025-06-30"
    assert change.after["successor"] == world.commune.pk


def test_a_leader_reads_the_history_of_their_unit_and_not_of_others(client, world):
    org_services.save_unit(actor=world.admin, unit=world.commune, data={"place_name": "HV"})
    org_services.save_unit(actor=world.admin, unit=world.other_commune, data={"place_name": "BX"})
    client.force_login(world.leader)
    page = client.get(reverse("audit:index")).content.decode()
    assert "Xã Hoàng Việt" in page
    assert "Xã Ba Xa" not in page
    other = client.get(reverse("audit:object", args=["organisation.unit", world.other_commune.pk]))
    assert other.status_code == 403


def test_history_can_be_read_per_person(client, world):
    org_services.save_unit(actor=world.admin, unit=world.commune, data={"place_name": "HV"})
    client.force_login(world.admin)
    page = client.get(reverse("audit:index") + f"?actor={world.admin.pk}").content.decode()
    assert "Xã Hoàng Việt" in page
    empty = client.get(reverse("audit:index") + f"?actor={world.officer.pk}").content.decode()
    assert "Chưa có thay đổi nào" in empty
