"""The access matrix: who sees and changes which unit; forbidden requests change nothing."""

import pytest
from django.urls import reverse

from cchc.accounts.access import Action, can
from cchc.accounts.models import Membership, Role
from cchc.audit.models import Change
from cchc.organisation.models import Unit


@pytest.mark.parametrize(
    "persona,action,unit_name,allowed",
    [
        ("officer", Action.VIEW, "commune", True),
        ("officer", Action.EDIT, "commune", True),
        ("officer", Action.VIEW, "other_commune", False),
        ("officer", Action.EDIT, "other_commune", False),
        ("officer", Action.VIEW, "province", False),
        ("officer", Action.APPRAISE, "commune", False),
        ("leader", Action.SUBMIT, "commune", True),
        ("specialist", Action.SUBMIT, "commune", False),
        ("specialist", Action.EDIT, "commune", True),
        ("appraiser", Action.VIEW, "commune", True),
        ("appraiser", Action.APPRAISE, "commune", True),
        ("appraiser", Action.EDIT, "commune", False),
        ("appraiser", Action.APPRAISE, "province", False),
        ("provincial_focal", Action.REVIEW, "other_commune", True),
        ("provincial_focal", Action.EDIT, "other_commune", False),
        ("other_officer", Action.VIEW, "commune", False),
        ("admin", Action.ADMINISTER, "commune", True),
    ],
)
def test_the_role_table_decides(world, persona, action, unit_name, allowed):
    assert can(getattr(world, persona), action, getattr(world, unit_name)) is allowed


def test_a_commune_officer_sees_only_their_commune(world):
    visible = set(Unit.objects.visible_to(world.officer).values_list("code", flat=True))
    assert visible == {"X01"}


def test_a_provincial_appraiser_sees_the_province_and_everything_below(world):
    visible = set(Unit.objects.visible_to(world.appraiser).values_list("code", flat=True))
    assert visible == {"T01", "SNV", "X01", "X02"}


def test_an_ended_membership_grants_nothing(world):
    Membership.objects.filter(user=world.officer).update(is_active=False)
    world.officer.refresh_from_db()
    assert not Unit.objects.visible_to(world.officer).exists()


def test_an_anonymous_user_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Unit.objects.visible_to(AnonymousUser()).exists()


def test_an_officer_of_another_commune_cannot_read_the_unit_page(client, world):
    client.force_login(world.other_officer)
    assert client.get(reverse("organisation:detail", args=[world.commune.pk])).status_code == 404


def test_an_officer_cannot_edit_a_unit_and_nothing_changes(client, world):
    client.force_login(world.officer)
    url = reverse("organisation:edit", args=[world.commune.pk])
    response = client.post(url, {"code": "X01", "name": "Đổi tên", "kind": world.commune.kind_id})
    assert response.status_code == 403
    world.commune.refresh_from_db()
    assert world.commune.name == "Xã Hoàng Việt"
    assert not Change.objects.exists()


def test_another_communes_officer_cannot_add_people_to_this_commune(client, world):
    client.force_login(world.other_officer)
    response = client.post(
        reverse("accounts:person", args=[world.officer.pk]), {"unit": world.commune.pk, "role": Role.LEADER}
    )
    assert response.status_code == 404
    assert not Membership.objects.filter(user=world.officer, role=Role.LEADER).exists()


def test_a_focal_officer_cannot_end_another_communes_membership(client, world):
    membership = Membership.objects.get(user=world.other_officer)
    client.force_login(world.officer)
    response = client.post(reverse("accounts:membership_end", args=[membership.pk]))
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.is_active


def test_the_export_contains_only_visible_units(client, world):
    client.force_login(world.officer)
    response = client.get(reverse("organisation:export") + "?format=csv")
    text = response.content.decode("utf-8-sig")
    assert "Xã Hoàng Việt" in text
    assert "Xã Ba Xa" not in text
    assert "Tỉnh Thử Nghiệm" not in text


def test_only_a_system_administrator_may_import_the_tree(client, world):
    client.force_login(world.provincial_focal)
    assert client.get(reverse("organisation:import")).status_code == 403


def test_a_superior_administrator_edits_a_commune_and_the_change_is_recorded(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("organisation:edit", args=[world.commune.pk]),
        {
            "code": "X01",
            "name": "Xã Hoàng Việt Mới",
            "kind": world.commune.kind_id,
            "parent": world.province.pk,
            "place_name": "Hoàng Việt",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    change = Change.objects.get(object_type="organisation.unit", object_id=str(world.commune.pk))
    assert change.actor == world.admin
    assert change.before["name"] == "Xã Hoàng Việt"
    assert change.after["name"] == "Xã Hoàng Việt Mới"
