"""A commune sees and changes only its own dossiers; administration needs the administrator."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.urls import reverse

from cchc.dossiers.importing import import_file
from cchc.dossiers.models import ApiClient, CalendarDay, Dossier
from cchc.dossiers.permissions import import_scope
from cchc.dossiers.synthetic import write_csv
from cchc.dossiers.tests.factories import record, save

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossiers(world):  # type: ignore[no-untyped-def]
    save(
        [
            record("OWN-1", datetime(2024, 4, 1, 8), datetime(2024, 4, 5, 16)),
            record("OTHER-1", datetime(2024, 4, 1, 8), datetime(2024, 4, 5, 16), unit_code="X02"),
        ]
    )
    return {code: pk for code, pk in Dossier.objects.values_list("code", "pk")}


def test_a_commune_officer_opens_their_own_dossier_and_gets_404_on_another_communes(client, world, dossiers):
    client.force_login(world.officer)
    assert client.get(reverse("dossiers:detail", args=[dossiers["OWN-1"]])).status_code == 200
    assert client.get(reverse("dossiers:detail", args=[dossiers["OTHER-1"]])).status_code == 404


def test_the_list_of_a_commune_holds_only_its_dossiers_and_another_communes_unit_is_404(client, world, dossiers):
    client.force_login(world.officer)
    response = client.get(reverse("dossiers:list"), {"period": "2024"})
    codes = [dossier.code for dossier in response.context["page_obj"].object_list]
    assert codes == ["OWN-1"]
    assert client.get(reverse("dossiers:list"), {"unit": world.other_commune.pk}).status_code == 404
    assert client.get(reverse("dossiers:index"), {"unit": world.other_commune.pk}).status_code == 404


def test_the_province_sees_every_communes_dossiers(client, world, dossiers):
    client.force_login(world.appraiser)
    response = client.get(reverse("dossiers:list"), {"unit": world.province.pk, "period": "2024"})
    assert {dossier.code for dossier in response.context["page_obj"].object_list} == {"OWN-1", "OTHER-1"}


def test_a_commune_officer_cannot_import_another_communes_dossiers_nor_overwrite_them(world, dossiers, tmp_path):
    scope = import_scope(world.officer)
    assert scope == [world.commune.pk]
    write_csv(tmp_path / "other.csv", [record("NEW-2", datetime(2024, 4, 2, 8), datetime(2024, 4, 6), unit_code="X02")])
    refused = import_file(tmp_path / "other.csv", allowed_unit_ids=scope)
    assert not refused.saved and "không có quyền" in refused.errors[0].message_vi
    write_csv(tmp_path / "takeover.csv", [record("OTHER-1", datetime(2024, 4, 2, 8), datetime(2024, 4, 6))])
    takeover = import_file(tmp_path / "takeover.csv", allowed_unit_ids=scope)
    assert not takeover.saved
    other = Dossier.objects.get(code="OTHER-1")
    assert (other.unit, other.received_day.day) == (world.other_commune, 1)
    assert not Dossier.objects.filter(code="NEW-2").exists()


def test_a_user_without_a_unit_to_edit_cannot_open_the_import_page(client, world):
    from cchc.testing import make_user

    viewer = make_user("xem.x01", unit=world.commune, role="viewer")
    client.force_login(viewer)
    assert client.get(reverse("dossiers:import")).status_code == 403
    client.force_login(world.officer)
    assert client.get(reverse("dossiers:import")).status_code == 200


@pytest.mark.parametrize("name", ["dossiers:calendar", "dossiers:rules", "dossiers:profiles", "dossiers:clients"])
def test_administration_pages_are_refused_to_a_commune_officer(client, world, name):
    client.force_login(world.officer)
    assert client.get(reverse(name)).status_code == 403


def test_a_commune_officer_cannot_change_the_calendar_nor_create_a_connection(client, world):
    client.force_login(world.officer)
    response = client.post(reverse("dossiers:calendar"), {"day": "2024-04-12", "kind": "day_off", "name": "Thử"})
    assert response.status_code == 403
    assert not CalendarDay.objects.filter(day="2024-04-12").exists()
    response = client.post(reverse("dossiers:clients"), {"name": "Lạ", "unit": world.commune.pk})
    assert response.status_code == 403 and ApiClient.objects.count() == 0


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("dossiers:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_partial_import_refusing_another_communes_code_keeps_every_figure_exact(world, dossiers, tmp_path):
    from cchc.dossiers import aggregates
    from cchc.dossiers.kpis import kpis

    def figures():  # type: ignore[no-untyped-def]
        return [kpis(unit, date(2024, 1, 1), date(2024, 12, 31), date(2025, 1, 1))[0].counts for unit in units]

    units = [world.province, world.commune, world.other_commune]
    records = [
        record("OTHER-1", datetime(2024, 4, 2, 8), datetime(2024, 4, 6)),  # stored for X02: refused
        record("OWN-2", datetime(2024, 5, 2, 8), datetime(2024, 5, 6), finished=datetime(2024, 5, 3, 9)),
    ]
    write_csv(tmp_path / "mixed.csv", records)
    result = import_file(tmp_path / "mixed.csv", allowed_unit_ids=import_scope(world.officer), partial=True)
    assert (result.saved, result.created, result.error_count) == (True, 1, 1)
    kept = figures()
    aggregates.rebuild()  # the aggregates from scratch: what the import's increments must equal
    assert kept == figures()
    assert kept[1].received == 2 and kept[2].received == 1
