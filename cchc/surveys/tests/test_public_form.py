import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cchc.surveys import services, submission
from cchc.surveys.models import InvitationCode, Response, SubmissionTrace, SurveyRound
from cchc.surveys.tests.helpers import make_round, round_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(world):  # type: ignore[no-untyped-def]
    survey_round = make_round([world.commune, world.other_commune], organiser=world.province)
    return round_unit(survey_round, world.commune)


def form_url(target: Any) -> str:
    return reverse("surveys:public_form", args=[target.token])


def kiosk_url(target: Any) -> str:
    return reverse("surveys:kiosk_form", args=[target.token])


def honest_token(target: Any) -> str:
    """A form opened two minutes ago: a person's pace."""
    return submission.form_token(target, timezone.now() - dt.timedelta(minutes=2))


def sheet(target: Any, token: str | None = None, **answers: Any) -> dict[str, Any]:
    data = {"q-LV": "1", "q-TRE": "2", "q-A1": "5", "q-A2": "4", "q-B1": "4", "q-SL": "1"}
    data.update({f"q-{code}": value for code, value in answers.items()})
    data["opened"] = token if token is not None else honest_token(target)
    data["website"] = ""
    return data


def token_in(html: str) -> str:
    match = re.search(r'name="opened" value="([^"]+)"', html)
    assert match is not None
    return match.group(1)


def set_up_kiosk(client: Client, target: Any) -> None:
    key = services.rotate_kiosk_key(actor=None, round_unit=target)
    response = client.get(kiosk_url(target) + f"?key={key}")
    assert response.status_code == 302
    assert response["Location"] == kiosk_url(target)


def test_a_person_answers_without_logging_in_and_sees_the_thank_you_page(client, survey) -> None:
    page = client.get(form_url(survey))
    html = page.content.decode()

    assert page.status_code == 200
    assert "<fieldset" in html and "<legend>Tiêu chí A1" in html
    assert 'type="radio"' in html and "Rất hài lòng" in html and "Rất không hài lòng" in html
    assert 'data-condition-input="q-TRE"' in html

    response = client.post(form_url(survey), sheet(survey))

    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:public_thanks", args=[survey.token])
    assert "Cảm ơn" in client.get(response["Location"]).content.decode()
    stored = Response.objects.get()
    assert stored.channel == Response.Channel.WEB
    assert stored.answers == {"LV": "1", "TRE": "2", "A1": 5, "A2": 4, "B1": 4, "SL": 1}
    assert stored.respondent == {"field_used": "1"}
    assert stored.flags == []


def test_the_public_form_pages_carry_no_inline_script_style_or_handler(client, survey) -> None:
    html = client.get(form_url(survey)).content.decode()

    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert "style=" not in html and "onclick" not in html and "<style" not in html


def test_the_public_form_works_with_csrf_checks_for_an_anonymous_person(survey) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get(form_url(survey)).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert csrf is not None

    refused = client.post(form_url(survey), sheet(survey))
    accepted = client.post(form_url(survey), {**sheet(survey), "csrfmiddlewaretoken": csrf.group(1)})

    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert Response.objects.count() == 1


def test_the_server_applies_conditions_requiring_a_shown_follow_up_and_dropping_a_hidden_one(client, survey) -> None:
    missing = client.post(form_url(survey), sheet(survey, TRE="1"))
    assert missing.status_code == 400
    assert "Vui lòng trả lời câu này." in missing.content.decode()
    assert Response.objects.count() == 0

    client.post(form_url(survey), sheet(survey, TRE="2", XL="1"))

    assert "XL" not in Response.objects.get().answers


def test_answers_off_the_scale_or_unknown_options_are_refused_with_the_form_kept(client, survey) -> None:
    response = client.post(form_url(survey), sheet(survey, A1="7", LV="9"))
    html = response.content.decode()

    assert response.status_code == 400
    assert "ngoài thang 1–5" in html and "Lựa chọn «9» không có trong câu hỏi" in html
    assert 'value="4" checked' in html  # A2 as given is kept for the person to correct the rest
    assert Response.objects.count() == 0


def test_the_form_switches_to_english_where_the_template_has_english(client, survey) -> None:
    html = client.get(form_url(survey) + "?lang=en").content.decode()
    assert '<html lang="en"' in html and "Criterion A1" in html and "Very satisfied" in html and "Send" in html

    response = client.post(form_url(survey) + "?lang=en", {**sheet(survey, TRE="1"), "lang": "en"})

    assert "Please answer this question." in response.content.decode()


def test_a_closed_round_takes_no_answers(client, survey) -> None:
    services.set_status(actor=None, survey_round=survey.round, status=SurveyRound.Status.CLOSED)

    assert client.get(form_url(survey)).status_code == 410
    assert client.post(form_url(survey), sheet(survey)).status_code == 410
    assert Response.objects.count() == 0


def test_an_unknown_link_is_not_found(client, survey) -> None:
    assert client.get(reverse("surveys:public_form", args=["zzzzzzzz"])).status_code == 404


# --- kiosk --------------------------------------------------------------------------------------


def test_the_kiosk_takes_two_answers_in_a_row_and_returns_to_a_blank_form_each_time(client, survey) -> None:
    set_up_kiosk(client, survey)

    first_page = client.get(kiosk_url(survey)).content.decode()
    assert " checked" not in first_page
    first = client.post(kiosk_url(survey), sheet(survey, A1="5"))
    assert first["Location"] == reverse("surveys:kiosk_thanks", args=[survey.token])

    thanks = client.get(first["Location"])
    assert f'<meta http-equiv="refresh" content="6;url={kiosk_url(survey)}">' in thanks.content.decode()
    assert thanks["Cache-Control"] == "no-store"

    second_page = client.get(kiosk_url(survey))
    assert second_page["Cache-Control"] == "no-store"
    assert " checked" not in second_page.content.decode()
    assert 'data-idle-seconds="180"' in second_page.content.decode()
    second = client.post(kiosk_url(survey), sheet(survey, A1="2", B1="3"))

    assert second.status_code == 302
    assert list(Response.objects.values_list("channel", flat=True)) == ["kiosk", "kiosk"]
    assert sorted(Response.objects.values_list("answers__A1", flat=True)) == [2, 5]


def test_a_device_without_the_kiosk_key_is_not_a_kiosk(client, survey) -> None:
    services.rotate_kiosk_key(actor=None, round_unit=survey)

    assert client.get(kiosk_url(survey)).status_code == 403
    assert client.get(kiosk_url(survey) + "?key=wrong").status_code == 403
    assert client.post(kiosk_url(survey), sheet(survey)).status_code == 403
    assert Response.objects.count() == 0


def test_forty_honest_kiosk_answers_in_an_hour_are_all_accepted_without_flags(client, survey) -> None:
    set_up_kiosk(client, survey)

    statuses = [
        client.post(
            kiosk_url(survey), sheet(survey, A1=str(1 + index % 5), A2=str(1 + index // 5 % 5), B1=str(1 + index // 25))
        ).status_code
        for index in range(40)
    ]

    assert statuses == [302] * 40
    assert Response.objects.count() == 40
    assert not Response.objects.filter(is_flagged=True).exists()


# --- guards -------------------------------------------------------------------------------------


def test_a_form_sent_too_fast_is_kept_and_flagged(client, survey) -> None:
    token = token_in(client.get(form_url(survey)).content.decode())

    response = client.post(form_url(survey), sheet(survey, token=token))

    assert response.status_code == 302
    stored = Response.objects.get()
    assert stored.flags == ["too_fast"] and stored.is_flagged and not stored.excluded


def test_a_tampered_fill_time_token_is_kept_and_flagged(client, survey) -> None:
    client.post(form_url(survey), sheet(survey, token="gia-mao"))

    assert Response.objects.get().flags == ["no_fill_time"]


def test_a_filled_honeypot_stores_nothing_but_shows_the_thank_you_page(client, survey) -> None:
    response = client.post(form_url(survey), {**sheet(survey), "website": "http://quang-cao.example"})

    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:public_thanks", args=[survey.token])
    assert Response.objects.count() == 0
    assert SubmissionTrace.objects.count() == 0


def test_a_flood_from_one_address_is_refused_beyond_the_ceiling_and_earlier_answers_are_kept(client, survey) -> None:
    key = submission.address_key("127.0.0.1")
    now = timezone.now()
    SubmissionTrace.objects.bulk_create(
        [SubmissionTrace(client_key=key, submitted_at=now - dt.timedelta(seconds=30 * n)) for n in range(1, 100)]
    )

    hundredth = client.post(form_url(survey), sheet(survey))
    beyond = client.post(form_url(survey), sheet(survey, A1="3"))

    assert hundredth.status_code == 302
    assert Response.objects.get().flags == ["many_from_client"]
    assert beyond.status_code == 429
    assert "quá nhiều phiếu" in beyond.content.decode()
    assert Response.objects.count() == 1


def test_another_address_is_not_held_back_by_a_flood(client, survey) -> None:
    key = submission.address_key("10.0.0.9")
    now = timezone.now()
    SubmissionTrace.objects.bulk_create([SubmissionTrace(client_key=key, submitted_at=now) for _ in range(150)])

    assert client.post(form_url(survey), sheet(survey)).status_code == 302
    assert Response.objects.get().flags == []


def test_the_same_answers_twice_from_one_address_are_both_kept_and_the_second_flagged(client, survey) -> None:
    client.post(form_url(survey), sheet(survey))
    client.post(form_url(survey), sheet(survey))

    assert [response.flags for response in Response.objects.order_by("pk")] == [[], ["duplicate"]]


def test_the_raw_address_is_never_stored(client, survey) -> None:
    client.post(form_url(survey), sheet(survey), REMOTE_ADDR="203.0.113.77")

    stored = json.dumps(list(SubmissionTrace.objects.values()), default=str) + json.dumps(
        list(Response.objects.values()), default=str
    )
    assert "203.0.113.77" not in stored
    assert SubmissionTrace.objects.get().client_key == submission.address_key("203.0.113.77")


# --- invitation codes ---------------------------------------------------------------------------


def test_an_invitation_code_is_burned_on_use_and_refused_the_second_time(client, survey) -> None:
    services.set_invitation_required(actor=None, round_unit=survey, required=True)
    [code] = services.generate_invitation_codes(actor=None, round_unit=survey, count=1)
    page = client.get(form_url(survey)).content.decode()
    assert 'name="invitation_code"' in page

    without = client.post(form_url(survey), sheet(survey))
    first = client.post(form_url(survey), {**sheet(survey), "invitation_code": submission.format_code(code)})
    again = client.post(form_url(survey), {**sheet(survey, A1="1"), "invitation_code": code})

    assert without.status_code == 400
    assert first.status_code == 302
    assert again.status_code == 400
    assert "Mã mời không đúng hoặc đã được dùng." in again.content.decode()
    assert Response.objects.count() == 1
    assert InvitationCode.objects.get().used_at is not None


def test_a_burned_invitation_code_is_not_linked_to_the_answer(client, survey) -> None:
    services.set_invitation_required(actor=None, round_unit=survey, required=True)
    [code] = services.generate_invitation_codes(actor=None, round_unit=survey, count=1)
    client.post(form_url(survey), {**sheet(survey), "invitation_code": code})

    invitation = InvitationCode.objects.get()
    used = timezone.localtime(invitation.used_at)
    assert (used.hour, used.minute, used.second) == (0, 0, 0)  # only the day is kept
    assert {field.name for field in InvitationCode._meta.get_fields()} == {
        "id",
        "round_unit",
        "code_hash",
        "used_at",
        "created_at",
    }
    assert not any(field.related_model is InvitationCode for field in Response._meta.get_fields())
    stored = json.dumps(list(Response.objects.values()), default=str)
    assert code not in stored and invitation.code_hash not in stored
    assert code not in invitation.code_hash
