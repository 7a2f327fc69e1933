import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cchc.audit.models import Change
from cchc.surveys.models import Response
from cchc.surveys.tests.helpers import add_answers, columns, make_round, round_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(world):  # type: ignore[no-untyped-def]
    """A province round with both communes, each with answers; one of X01's is flagged."""
    survey_round = make_round([world.commune, world.other_commune], organiser=world.province)
    own = round_unit(survey_round, world.commune)
    add_answers(own, columns(LV=["1", "2"], A1=[5, 4], A2=[4, 4], B1=[4, 2]))
    add_answers(own, columns(LV=["1"], A1=[1], A2=[1], B1=[1]), flags=["too_fast"])
    add_answers(round_unit(survey_round, world.other_commune), columns(LV=["2"], A1=[2], A2=[2], B1=[2]))
    return survey_round


def sheet_rows(content: bytes, title: str) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content))[title].iter_rows(values_only=True))


def test_another_communes_officer_gets_404_on_results_review_settings_and_the_qr_page(client, world, shared) -> None:
    own = round_unit(shared, world.commune)
    client.force_login(world.other_officer)

    for name in ("unit_results", "unit_review", "unit_manage", "unit_qr", "unit_qr_svg"):
        assert client.get(reverse(f"surveys:{name}", args=[own.pk])).status_code == 404, name


def test_another_communes_officer_cannot_exclude_an_answer_and_nothing_changes(client, world, shared) -> None:
    flagged = Response.objects.get(is_flagged=True)
    client.force_login(world.other_officer)

    response = client.post(reverse("surveys:response_exclude", args=[flagged.pk]), {"reason": "thử"})

    assert response.status_code == 404
    flagged.refresh_from_db()
    assert not flagged.excluded
    assert not Change.objects.filter(object_type="surveys.response").exists()


def test_a_round_export_holds_only_the_units_the_reader_may_see(client, world, shared) -> None:
    client.force_login(world.other_officer)

    answers = client.get(reverse("surveys:round_export_answers", args=[shared.pk]))
    results = client.get(reverse("surveys:round_export_results", args=[shared.pk]))

    assert answers.status_code == 200
    assert {row[1] for row in sheet_rows(answers.content, "Phiếu trả lời")[1:]} == {"X02"}
    assert [row[0] for row in sheet_rows(results.content, "Theo đơn vị")[1:]] == ["X02"]
    detail = client.get(reverse("surveys:round_detail", args=[shared.pk])).content.decode()
    assert "Xã Ba Xa" in detail and "Xã Hoàng Việt" not in detail


def test_a_round_run_by_one_commune_is_invisible_to_another(client, world) -> None:
    own_round = make_round([world.commune], organiser=world.commune, code="KS-RIENG")
    client.force_login(world.other_officer)

    for name in ("round_detail", "round_units", "round_export_answers", "round_export_results", "round_import"):
        assert client.get(reverse(f"surveys:{name}", args=[own_round.pk])).status_code == 404, name
    assert "KS-RIENG" not in client.get(reverse("surveys:index")).content.decode()


def test_the_focal_officer_excludes_a_flagged_answer_with_a_reason_and_it_is_audited(client, world, shared) -> None:
    flagged = Response.objects.get(is_flagged=True)
    client.force_login(world.officer)
    review = client.get(reverse("surveys:unit_review", args=[flagged.round_unit_id]))
    assert "Điền phiếu nhanh bất thường" in review.content.decode()

    client.post(reverse("surveys:response_exclude", args=[flagged.pk]), {"reason": "Điền trong 3 giây"})

    flagged.refresh_from_db()
    assert flagged.excluded and flagged.excluded_reason == "Điền trong 3 giây"
    assert flagged.excluded_by == world.officer and flagged.excluded_at is not None
    change = Change.objects.get(object_type="surveys.response", object_id=str(flagged.pk))
    assert change.actor == world.officer and change.unit == world.commune
    assert "Điền trong 3 giây" in change.note
    assert change.after is not None and "answers" not in change.after and change.after["excluded"] is True


def test_an_exclusion_needs_a_reason(client, world, shared) -> None:
    flagged = Response.objects.get(is_flagged=True)
    client.force_login(world.officer)

    client.post(reverse("surveys:response_exclude", args=[flagged.pk]), {"reason": "  "})

    flagged.refresh_from_db()
    assert not flagged.excluded


def test_an_excluded_answer_can_be_restored_and_the_restore_is_audited(client, world, shared) -> None:
    flagged = Response.objects.get(is_flagged=True)
    client.force_login(world.officer)
    client.post(reverse("surveys:response_exclude", args=[flagged.pk]), {"reason": "Nghi trùng"})

    client.post(reverse("surveys:response_restore", args=[flagged.pk]))

    flagged.refresh_from_db()
    assert not flagged.excluded and flagged.reviewed_at is not None
    assert Change.objects.filter(object_type="surveys.response", object_id=str(flagged.pk)).count() == 2


def test_a_specialist_reads_the_results_but_may_not_review_answers(client, world, shared) -> None:
    own = round_unit(shared, world.commune)
    flagged = Response.objects.get(is_flagged=True)
    client.force_login(world.specialist)

    assert client.get(reverse("surveys:unit_results", args=[own.pk])).status_code == 200
    assert client.get(reverse("surveys:unit_review", args=[own.pk])).status_code == 403
    assert client.post(reverse("surveys:response_exclude", args=[flagged.pk]), {"reason": "x"}).status_code == 403
    flagged.refresh_from_db()
    assert not flagged.excluded


def test_the_provincial_appraiser_reviews_a_commune_below(client, world, shared) -> None:
    client.force_login(world.appraiser)

    assert client.get(reverse("surveys:unit_review", args=[round_unit(shared, world.commune).pk])).status_code == 200


def test_nothing_about_the_respondent_is_stored_so_no_page_can_list_answers_by_person(client, world, shared) -> None:
    fields = {field.name for field in Response._meta.get_fields()}

    assert fields == {
        "id",
        "round_unit",
        "submitted_at",
        "channel",
        "answers",
        "respondent",
        "flags",
        "is_flagged",
        "fingerprint",
        "sheet_reference",
        "excluded",
        "excluded_reason",
        "excluded_by",  # the officer who excluded it, never the respondent
        "excluded_at",
        "reviewed_at",
    }
    client.force_login(world.officer)
    answers = client.get(reverse("surveys:round_export_answers", args=[shared.pk]))
    headers = sheet_rows(answers.content, "Phiếu trả lời")[0]
    assert headers[:4] == ("Mã phiếu", "Mã đơn vị", "Tên đơn vị", "Kênh")
    assert set(headers[4:]) == {"LV", "TRE", "XL", "A1", "A2", "B1", "SL"}


def test_officer_pages_need_a_login(client, world, shared) -> None:
    response = client.get(reverse("surveys:round_detail", args=[shared.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_province_wide_export_is_built_in_the_background_with_only_what_the_requester_sees(
    client, world, shared, monkeypatch
) -> None:
    from cchc.jobs.models import Job
    from cchc.jobs.runner import run_pending
    from cchc.surveys import views

    monkeypatch.setattr(views, "DIRECT_EXPORT_UNITS", 1)
    client.force_login(world.provincial_focal)

    response = client.get(reverse("surveys:round_export_results", args=[shared.pk]))

    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.unit == world.province
    run_pending()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    content = job.result_file.read()
    assert [row[0] for row in sheet_rows(content, "Theo đơn vị")[1:]] == ["X01", "X02", None]
    client.force_login(world.officer)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
