import datetime as dt
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from cchc.audit.models import Change
from cchc.surveys.models import InvitationCode, Questionnaire, RoundUnit, SurveyRound
from cchc.surveys.questionnaire_io import dump_questionnaire_json, questionnaire_excel_bytes
from cchc.surveys.submission import code_hash
from cchc.surveys.tests.helpers import make_questionnaire, make_round, round_unit, small_definition

pytestmark = pytest.mark.django_db


def command(*arguments: str) -> str:
    output = io.StringIO()
    call_command("surveys", *arguments, stdout=output, stderr=io.StringIO())
    return output.getvalue()


def test_a_questionnaire_is_imported_from_excel_or_json_once_per_version(world, tmp_path) -> None:
    excel = tmp_path / "bo-cau-hoi.xlsx"
    excel.write_bytes(questionnaire_excel_bytes(small_definition()))
    as_json = tmp_path / "bo-cau-hoi.json"
    as_json.write_text(dump_questionnaire_json(small_definition()), encoding="utf-8")

    assert "Đã nhập bộ câu hỏi THU v1" in command("import-questionnaire", str(excel))
    assert "đã có, không thay đổi" in command("import-questionnaire", str(as_json))
    changed = tmp_path / "doi.json"
    changed.write_text(dump_questionnaire_json(small_definition()).replace("Tiêu chí A1", "Tiêu chí mới"), "utf-8")
    with pytest.raises(CommandError, match="hãy tăng số phiên bản"):
        command("import-questionnaire", str(changed))
    assert Questionnaire.objects.count() == 1


def test_a_round_is_created_from_the_command_line_with_its_units_and_links(world) -> None:
    make_questionnaire()

    output = command(
        "create-round", "KS-2026", "--questionnaire", "THU", "--units", "X01,X02", "--opens", "01/03/2026",
        "--closes", "30/04/2026", "--target", "40", "--open",
    )  # fmt: skip

    survey_round = SurveyRound.objects.get(code="KS-2026")
    assert survey_round.unit == world.province
    assert survey_round.status == SurveyRound.Status.OPEN
    assert survey_round.closes_on == dt.date(2026, 4, 30)
    assert list(survey_round.round_units.values_list("unit__code", "sample_target")) == [("X01", 40), ("X02", 40)]
    assert f"/khao-sat/r/{round_unit(survey_round, world.commune).token}/" in output


def test_the_command_names_unknown_units_and_questionnaires(world) -> None:
    make_questionnaire()
    with pytest.raises(CommandError, match="Không có đơn vị mã: X77"):
        command("create-round", "KS", "--questionnaire", "THU", "--units", "X01,X77")
    with pytest.raises(CommandError, match="Không có bộ câu hỏi «KHAC»"):
        command("create-round", "KS", "--questionnaire", "KHAC", "--units", "X01")
    assert not SurveyRound.objects.exists()


def test_the_focal_officer_creates_a_round_for_the_commune_from_the_page(client, world) -> None:
    questionnaire = make_questionnaire()
    client.force_login(world.officer)
    assert client.get(reverse("surveys:round_create")).status_code == 200

    response = client.post(
        reverse("surveys:round_create"),
        {
            "code": "KS-X01",
            "title": "Khảo sát tại Bộ phận Một cửa",
            "questionnaire": questionnaire.pk,
            "organiser": world.commune.pk,
            "opens_on": "2026-03-01",
            "closes_on": "2026-05-31",
            "units": [world.commune.pk],
        },
    )

    survey_round = SurveyRound.objects.get(code="KS-X01")
    assert response["Location"] == reverse("surveys:round_detail", args=[survey_round.pk])
    assert Change.objects.filter(object_type="surveys.surveyround", actor=world.officer).exists()


def test_a_commune_officer_cannot_organise_a_round_for_another_commune(client, world) -> None:
    questionnaire = make_questionnaire()
    client.force_login(world.officer)

    response = client.post(
        reverse("surveys:round_create"),
        {
            "code": "KS-X02",
            "title": "Không được",
            "questionnaire": questionnaire.pk,
            "organiser": world.other_commune.pk,
            "units": [world.other_commune.pk],
        },
    )

    assert response.status_code == 200  # the form says the choice is not allowed
    assert not SurveyRound.objects.exists()


def test_the_organiser_opens_and_closes_a_round_and_each_change_is_audited(client, world) -> None:
    survey_round = make_round([world.commune], organiser=world.province, status=SurveyRound.Status.DRAFT)
    client.force_login(world.officer)
    assert client.post(reverse("surveys:round_status", args=[survey_round.pk]), {"status": "open"}).status_code == 403

    client.force_login(world.provincial_focal)
    client.post(reverse("surveys:round_status", args=[survey_round.pk]), {"status": "open"})
    survey_round.refresh_from_db()
    assert survey_round.status == SurveyRound.Status.OPEN
    client.post(reverse("surveys:round_status", args=[survey_round.pk]), {"status": "closed"})
    survey_round.refresh_from_db()
    assert survey_round.status == SurveyRound.Status.CLOSED
    assert Change.objects.filter(object_type="surveys.surveyround", action="state").count() == 2


def test_the_commune_sets_its_own_targets_and_sees_progress_against_them(client, world) -> None:
    survey_round = make_round([world.commune], organiser=world.province)
    own = round_unit(survey_round, world.commune)
    client.force_login(world.officer)
    page = client.get(reverse("surveys:unit_manage", args=[own.pk]))
    assert page.status_code == 200

    client.post(
        reverse("surveys:unit_manage", args=[own.pk]),
        {
            "sample_target": "30",
            "satisfaction_target": "≥ 90%",
            "field_target__1": "> 85%",
            "group__field_used__1": "12",
        },
    )

    own.refresh_from_db()
    assert own.sample_target == 30
    assert own.satisfaction_target == "≥ 90%"
    assert own.field_satisfaction_targets == {"1": "> 85%"}
    assert own.group_targets == {"field_used": {"1": 12}}
    results = client.get(reverse("surveys:unit_results", args=[own.pk])).content.decode()
    assert "0 / 30" in results and "Lĩnh vực thủ tục «Đất đai»: 0 / 12" in results


def test_a_badly_written_target_is_refused_with_an_example(client, world) -> None:
    own = round_unit(make_round([world.commune], organiser=world.province), world.commune)
    client.force_login(world.officer)

    response = client.post(reverse("surveys:unit_manage", args=[own.pk]), {"satisfaction_target": "chín mươi"})

    assert "ví dụ: &#x27;≥ 90%&#x27;" in response.content.decode() or "ví dụ: '≥ 90%'" in response.content.decode()
    own.refresh_from_db()
    assert own.satisfaction_target == ""


def test_invitation_codes_are_downloaded_once_and_only_their_hashes_kept(client, world) -> None:
    own = round_unit(make_round([world.commune], organiser=world.province), world.commune)
    client.force_login(world.officer)

    response = client.post(reverse("surveys:unit_invitations", args=[own.pk]), {"action": "generate", "count": "5"})

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))[1:]  # type: ignore[union-attr]
    codes = [row[1] for row in rows]
    assert len(codes) == 5 and all(re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code) for code in codes)
    stored = set(InvitationCode.objects.values_list("code_hash", flat=True))
    assert stored == {code_hash(own, code) for code in codes}


def test_the_kiosk_setup_link_appears_once_a_key_is_issued(client, world) -> None:
    own = round_unit(make_round([world.commune], organiser=world.province), world.commune)
    client.force_login(world.officer)

    client.post(reverse("surveys:unit_kiosk", args=[own.pk]))

    own.refresh_from_db()
    page = client.get(reverse("surveys:unit_manage", args=[own.pk])).content.decode()
    assert f"/khao-sat/k/{own.token}/?key={own.kiosk_key}" in page


def test_the_printable_qr_page_holds_an_svg_code_for_the_short_link(client, world) -> None:
    own = round_unit(make_round([world.commune], organiser=world.province), world.commune)
    client.force_login(world.officer)

    page = client.get(reverse("surveys:unit_qr", args=[own.pk])).content.decode()
    svg = client.get(reverse("surveys:unit_qr_svg", args=[own.pk]))

    assert "<svg" in page and f"testserver/khao-sat/r/{own.token}/" in page
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.startswith(b"<svg")


def test_the_officer_pages_render_for_a_round_with_answers(client, world) -> None:
    survey_round = make_round([world.commune, world.other_commune], organiser=world.province)
    from cchc.surveys.tests.helpers import add_answers, columns

    add_answers(round_unit(survey_round, world.commune), columns(LV=["1", "2"], A1=[5, 3], A2=[4, 4], B1=[4, 1]))
    client.force_login(world.provincial_focal)
    own = round_unit(survey_round, world.commune)

    for url in (
        reverse("surveys:index"),
        reverse("surveys:round_detail", args=[survey_round.pk]),
        reverse("surveys:round_units", args=[survey_round.pk]),
        reverse("surveys:round_import", args=[survey_round.pk]),
        reverse("surveys:round_edit", args=[survey_round.pk]),
        reverse("surveys:unit_results", args=[own.pk]) + "?nhom=sex",
        reverse("surveys:questionnaires"),
        reverse("surveys:questionnaire_detail", args=[survey_round.questionnaire.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'style="' not in response.content.decode(), url
    excel = client.get(reverse("surveys:questionnaire_excel", args=[survey_round.questionnaire.pk]))
    assert excel.status_code == 200


def test_a_paper_file_uploaded_with_errors_saves_nothing_and_lists_the_rows(client, world) -> None:
    survey_round = make_round([world.commune], organiser=world.commune)
    client.force_login(world.officer)
    upload = io.BytesIO("Mã phiếu,Mã đơn vị,Mã câu hỏi,Trả lời\nP1,X01,A1,9\n".encode())
    upload.name = "giay.csv"

    response = client.post(reverse("surveys:round_import", args=[survey_round.pk]), {"file": upload})

    assert "Dòng 2, cột «Trả lời»: câu trả lời «9» ngoài thang 1–5" in response.content.decode()
    assert not RoundUnit.objects.get().responses.exists()


def test_results_json_lists_every_unit_even_without_answers(world) -> None:
    survey_round = make_round([world.commune], organiser=world.commune)

    document = json.loads(command("results", survey_round.code, "--json"))

    assert document["units"] == [
        {"unit": "X01", "name": "Xã Hoàng Việt", "responses": 0, "factors": {}, "index": None, "margin_of_error": None}
    ]
