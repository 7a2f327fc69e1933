"""The anonymous survey form, at a short link per unit and round, and its kiosk mode.

No login, no identity: the only thing known about a client is a keyed hash of its address (or the
kiosk's key), kept apart from the answers for the rate limits. A normal POST form with the CSRF token.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cchc.surveys import submission
from cchc.surveys.models import RoundUnit
from cchc.surveys.public_form import (
    HONEYPOT_FIELD,
    INVITATION_FIELD,
    TOKEN_FIELD,
    build_sections,
    choose_language,
    read_posted,
    ui_text,
)
from cchc.surveys.questionnaire import localised

KIOSK_COOKIE_SALT = "cchc.surveys.kiosk"
KIOSK_COOKIE_AGE = 365 * 24 * 60 * 60
# Seconds the kiosk shows its thank-you screen before returning to a blank form.
KIOSK_RETURN_SECONDS = 6
# A kiosk form left half-filled is cleared after this long without a touch (by survey.js).
KIOSK_IDLE_SECONDS = 180


def _round_unit(token: str) -> RoundUnit:
    return get_object_or_404(RoundUnit.objects.select_related("round__questionnaire", "unit"), token=token.lower())


def _kiosk_cookie(round_unit: RoundUnit) -> str:
    return f"cchc_kiosk_{round_unit.token}"


def is_kiosk_device(request: HttpRequest, round_unit: RoundUnit) -> bool:
    if not round_unit.kiosk_key:
        return False
    stored = request.get_signed_cookie(_kiosk_cookie(round_unit), default="", salt=KIOSK_COOKIE_SALT)
    return bool(stored) and hmac.compare_digest(str(stored), round_unit.kiosk_key)


def _language(request: HttpRequest, round_unit: RoundUnit) -> str:
    requested = request.POST.get("lang") if request.method == "POST" else request.GET.get("lang")
    return choose_language(round_unit.round.definition(), requested or request.GET.get("lang"))


def _with_language(url: str, language: str) -> str:
    return f"{url}?{urlencode({'lang': language})}" if language != "vi" else url


def _page_context(round_unit: RoundUnit, language: str, *, kiosk: bool) -> dict:
    definition = round_unit.round.definition()
    other = "en" if language == "vi" else "vi"
    return {
        "round_unit": round_unit,
        "unit": round_unit.unit,
        "language": language,
        "ui": ui_text(language),
        "title": localised(definition.name, language),
        "other_language": other if other in definition.languages else "",
        "kiosk": kiosk,
    }


def _closed(request: HttpRequest, round_unit: RoundUnit, language: str, *, kiosk: bool) -> HttpResponse:
    context = _page_context(round_unit, language, kiosk=kiosk)
    survey_round = round_unit.round
    context["heading"] = context["ui"]["closed_title"]
    if language == "en":
        context["message"] = "This survey round is not open at the moment."
    else:
        context["message"] = (
            f"Đợt khảo sát «{survey_round.title}» hiện không nhận phiếu ({survey_round.period_text()})."
        )
    return render(request, "surveys/public_message.html", context, status=410)


@require_http_methods(["GET", "POST"])
def survey_form(request: HttpRequest, token: str) -> HttpResponse:
    round_unit = _round_unit(token)
    if request.GET.get("kiosk") == "1":
        return redirect("surveys:kiosk_form", token=round_unit.token)
    return _form(request, round_unit, kiosk=False)


@require_http_methods(["GET", "POST"])
def kiosk_form(request: HttpRequest, token: str) -> HttpResponse:
    """The kiosk: set up once on a tablet with the key link (?key=…), which leaves a signed cookie."""
    round_unit = _round_unit(token)
    key = request.GET.get("key", "")
    if key and round_unit.kiosk_key and hmac.compare_digest(key, round_unit.kiosk_key):
        response = redirect("surveys:kiosk_form", token=round_unit.token)
        response.set_signed_cookie(
            _kiosk_cookie(round_unit),
            round_unit.kiosk_key,
            salt=KIOSK_COOKIE_SALT,
            max_age=KIOSK_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
        return response
    if not is_kiosk_device(request, round_unit):
        language = _language(request, round_unit)
        context = _page_context(round_unit, language, kiosk=False)
        context["message"] = (
            "Thiết bị này chưa được thiết lập làm kiosk khảo sát. Cán bộ đầu mối mở liên kết thiết lập kiosk "
            "trong trang quản lý đợt khảo sát trên thiết bị này; người dân có thể dùng liên kết phiếu thông thường."
        )
        context["heading"] = "Thiết bị chưa được thiết lập làm kiosk"
        context["public_link"] = reverse("surveys:public_form", args=[round_unit.token])
        return render(request, "surveys/public_message.html", context, status=403)
    return _form(request, round_unit, kiosk=True)


def _form(request: HttpRequest, round_unit: RoundUnit, *, kiosk: bool) -> HttpResponse:
    language = _language(request, round_unit)
    now = timezone.now()
    survey_round = round_unit.round
    if not survey_round.accepts_answers(timezone.localdate()):
        return _closed(request, round_unit, language, kiosk=kiosk)
    definition = survey_round.definition()
    answers: dict[str, object] = {}
    errors: dict[str, str] = {}
    invitation_error = ""
    token = submission.form_token(round_unit, now)
    if request.method == "POST":
        cleaned = read_posted(definition, request.POST, language)
        honeypot = request.POST.get(HONEYPOT_FIELD, "")
        # The token of the first opening is kept across a re-shown form, so fill time counts from then.
        token = request.POST.get(TOKEN_FIELD, "") or token
        if cleaned.ok or honeypot.strip():
            client_key = (
                submission.kiosk_client_key(round_unit)
                if kiosk
                else submission.address_key(request.META.get("REMOTE_ADDR", ""))
            )
            result = submission.submit(
                round_unit,
                cleaned.answers,
                client_key=client_key,
                submitted_at=now,
                opened_at=submission.form_opened_at(round_unit, token),
                honeypot=honeypot,
                kiosk=kiosk,
                invitation_code=request.POST.get(INVITATION_FIELD, ""),
            )
            if result.outcome in (submission.Outcome.SAVED, submission.Outcome.DROPPED):
                name = "surveys:kiosk_thanks" if kiosk else "surveys:public_thanks"
                return redirect(_with_language(reverse(name, args=[round_unit.token]), language))
            if result.outcome is submission.Outcome.REFUSED:
                context = _page_context(round_unit, language, kiosk=kiosk)
                context["message"] = (
                    "Too many forms were sent from this connection. Please try again later."
                    if language == "en"
                    else "Có quá nhiều phiếu được gửi từ cùng một kết nối. Vui lòng thử lại sau."
                )
                context["heading"] = context["ui"]["refused_title"]
                return render(request, "surveys/public_message.html", context, status=429)
            invitation_error = ui_text(language)["invitation_error"]
        answers, errors = cleaned.answers, cleaned.errors
    context = _page_context(round_unit, language, kiosk=kiosk)
    context.update(
        {
            "sections": build_sections(definition, language, answers, errors),
            "errors": errors,
            "invitation_error": invitation_error,
            "token": token,
            "token_field": TOKEN_FIELD,
            "honeypot_field": HONEYPOT_FIELD,
            "invitation_field": INVITATION_FIELD,
            "idle_seconds": KIOSK_IDLE_SECONDS if kiosk else 0,
            "form_url": request.get_full_path(),
            "blank_url": _with_language(
                reverse("surveys:kiosk_form" if kiosk else "surveys:public_form", args=[round_unit.token]), language
            ),
        }
    )
    status = 400 if request.method == "POST" else 200
    response = render(request, "surveys/public_form.html", context, status=status)
    # A shared tablet must never show the previous person's answers from the browser's cache.
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    round_unit = _round_unit(token)
    language = _language(request, round_unit)
    context = _page_context(round_unit, language, kiosk=False)
    return render(request, "surveys/public_thanks.html", context)


@require_GET
def kiosk_thanks(request: HttpRequest, token: str) -> HttpResponse:
    round_unit = _round_unit(token)
    language = _language(request, round_unit)
    context = _page_context(round_unit, language, kiosk=True)
    context["return_url"] = _with_language(reverse("surveys:kiosk_form", args=[round_unit.token]), language)
    context["return_seconds"] = KIOSK_RETURN_SECONDS
    response = render(request, "surveys/public_thanks.html", context)
    response["Cache-Control"] = "no-store"
    return response
