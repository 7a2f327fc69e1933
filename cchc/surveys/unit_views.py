"""Officer pages for one participating unit: targets, link and QR code, kiosk, invitation codes, and the
review of flagged answers (never a list of people: no response holds anything about who answered)."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cchc.organisation.tabular import write_xlsx
from cchc.surveys import permissions, services
from cchc.surveys.forms import ExcludeForm, InvitationForm, TargetsForm
from cchc.surveys.guards import FLAG_LABELS, GuardFlag
from cchc.surveys.models import InvitationCode, Response, RoundUnit
from cchc.surveys.questionnaire import localised
from cchc.surveys.submission import format_code
from cchc.surveys.views import download, visible_round_unit


def _public_link(request: HttpRequest, round_unit: RoundUnit) -> str:
    return request.build_absolute_uri(reverse("surveys:public_form", args=[round_unit.token]))


def _qr(link: str) -> segno.QRCode:
    return segno.make(link, error="m", micro=False)


@login_required
def unit_manage(request: HttpRequest, pk: int) -> HttpResponse:
    round_unit = visible_round_unit(request, pk)
    permissions.check(permissions.can_manage_round_unit(request.user, round_unit))
    definition = round_unit.round.definition()
    targets = {"group_targets": round_unit.group_targets, "field_targets": round_unit.field_satisfaction_targets}
    form = TargetsForm(
        request.POST or None,
        definition=definition,
        initial_targets=targets,
        initial={
            "sample_target": round_unit.sample_target,
            "satisfaction_target": round_unit.satisfaction_target,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_targets(
                actor=request.user,
                round_unit=round_unit,
                sample_target=form.cleaned_data["sample_target"],
                satisfaction_target=form.cleaned_data["satisfaction_target"],
                group_targets=form.group_targets(),
                field_targets=form.field_targets(),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, "Đã lưu chỉ tiêu.")
            return redirect("surveys:unit_manage", pk=round_unit.pk)
    kiosk_setup = ""
    if round_unit.kiosk_key:
        kiosk_path = reverse("surveys:kiosk_form", args=[round_unit.token])
        kiosk_setup = request.build_absolute_uri(f"{kiosk_path}?key={round_unit.kiosk_key}")
    codes = InvitationCode.objects.filter(round_unit=round_unit)
    return render(
        request,
        "surveys/unit_manage.html",
        {
            "round_unit": round_unit,
            "survey_round": round_unit.round,
            "form": form,
            "link": _public_link(request, round_unit),
            "kiosk_setup": kiosk_setup,
            "invitation_form": InvitationForm(),
            "codes_total": codes.count(),
            "codes_used": codes.filter(used_at__isnull=False).count(),
        },
    )


@login_required
def unit_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable sheet: the unit's name, the QR code and the short link."""
    round_unit = visible_round_unit(request, pk)
    link = _public_link(request, round_unit)
    svg = _qr(link).svg_inline(scale=8, border=2, dark="#000", light="#fff", omitsize=True)
    return render(
        request,
        "surveys/unit_qr.html",
        {
            "round_unit": round_unit,
            "survey_round": round_unit.round,
            "link": link,
            "short_link": link.split("://", 1)[-1],
            "qr_svg": svg,
            "title": localised(round_unit.round.definition().name),
        },
    )


@login_required
def unit_qr_svg(request: HttpRequest, pk: int) -> HttpResponse:
    round_unit = visible_round_unit(request, pk)
    svg = _qr(_public_link(request, round_unit)).svg_inline(scale=10, border=4)
    return download(svg.encode(), f"ma-qr-{round_unit.round.code}-{round_unit.unit.code}.svg", "image/svg+xml")


@login_required
@require_POST
def unit_invitations(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn codes on or off, or create a batch: the codes are downloaded once and never shown again."""
    round_unit = visible_round_unit(request, pk)
    permissions.check(permissions.can_manage_round_unit(request.user, round_unit))
    action = request.POST.get("action")
    if action in ("require", "release"):
        services.set_invitation_required(actor=request.user, round_unit=round_unit, required=action == "require")
        messages.success(
            request,
            "Phiếu khảo sát của đơn vị đã yêu cầu mã mời."
            if action == "require"
            else "Phiếu khảo sát không còn yêu cầu mã mời.",
        )
        return redirect("surveys:unit_manage", pk=round_unit.pk)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(message) for errors in form.errors.values() for message in errors))
        return redirect("surveys:unit_manage", pk=round_unit.pk)
    codes = services.generate_invitation_codes(
        actor=request.user, round_unit=round_unit, count=form.cleaned_data["count"]
    )
    link = _public_link(request, round_unit)
    rows = [[index, format_code(code), link] for index, code in enumerate(codes, start=1)]
    content = write_xlsx(["STT", "Mã mời", "Liên kết phiếu khảo sát"], rows, "Mã mời")
    return download(content, f"ma-moi-{round_unit.round.code}-{round_unit.unit.code}.xlsx")


@login_required
@require_POST
def unit_kiosk(request: HttpRequest, pk: int) -> HttpResponse:
    round_unit = visible_round_unit(request, pk)
    permissions.check(permissions.can_manage_round_unit(request.user, round_unit))
    services.rotate_kiosk_key(actor=request.user, round_unit=round_unit)
    messages.success(
        request, "Đã cấp khóa kiosk mới. Mở liên kết thiết lập kiosk trên máy tính bảng tại Bộ phận Một cửa."
    )
    return redirect("surveys:unit_manage", pk=round_unit.pk)


REVIEW_FILTERS = {
    "cho-xem-xet": ("Chờ xem xét", {"is_flagged": True, "excluded": False, "reviewed_at__isnull": True}),
    "da-loai": ("Đã loại khỏi kết quả", {"excluded": True}),
    "co-canh-bao": ("Mọi phiếu có cảnh báo", {"is_flagged": True}),
}


@login_required
def unit_review(request: HttpRequest, pk: int) -> HttpResponse:
    round_unit = visible_round_unit(request, pk)
    permissions.check(permissions.can_review(request.user, round_unit.unit))
    chosen = request.GET.get("loc", "cho-xem-xet")
    if chosen not in REVIEW_FILTERS:
        chosen = "cho-xem-xet"
    responses = Response.objects.visible_to(request.user).filter(round_unit=round_unit, **REVIEW_FILTERS[chosen][1])
    page = Paginator(responses.order_by("-submitted_at", "-pk"), 50).get_page(request.GET.get("page"))
    definition = round_unit.round.definition()
    items = []
    for response in page.object_list:
        answers = []
        for question in definition.questions():
            value = response.answers.get(question.code)
            if value is None:
                continue
            options = question.option_labels()
            codes = value if isinstance(value, list) else [value]
            shown = "; ".join(localised(options[str(code)]) if str(code) in options else str(code) for code in codes)
            answers.append((question.code, shown))
        items.append(
            {"response": response, "flags": [_flag_label(flag) for flag in response.flags], "answers": answers}
        )
    return render(
        request,
        "surveys/unit_review.html",
        {
            "round_unit": round_unit,
            "survey_round": round_unit.round,
            "items": items,
            "page_obj": page,
            "filters": [(key, label) for key, (label, _) in REVIEW_FILTERS.items()],
            "chosen": chosen,
            "exclude_form": ExcludeForm(),
        },
    )


def _flag_label(flag: str) -> str:
    try:
        return FLAG_LABELS[GuardFlag(flag)]
    except ValueError:
        return flag


def _back_to_review(request: HttpRequest, response: Response) -> HttpResponse:
    chosen = request.POST.get("loc", "")
    query = f"?loc={chosen}" if chosen in REVIEW_FILTERS else ""
    return redirect(reverse("surveys:unit_review", args=[response.round_unit_id]) + query)


def _reviewable(request: HttpRequest, pk: int) -> Response:
    response = get_object_or_404(Response.objects.visible_to(request.user).select_related("round_unit__unit"), pk=pk)
    permissions.check(permissions.can_review(request.user, response.round_unit.unit))
    return response


@login_required
@require_POST
def response_exclude(request: HttpRequest, pk: int) -> HttpResponse:
    response = _reviewable(request, pk)
    form = ExcludeForm(request.POST)
    if form.is_valid():
        services.exclude_response(actor=request.user, response=response, reason=form.cleaned_data["reason"])
        messages.success(request, f"Đã loại phiếu số {response.pk} khỏi kết quả.")
    else:
        messages.error(request, "Hãy ghi lý do loại phiếu khỏi kết quả.")
    return _back_to_review(request, response)


@login_required
@require_POST
def response_restore(request: HttpRequest, pk: int) -> HttpResponse:
    response = _reviewable(request, pk)
    services.restore_response(actor=request.user, response=response)
    messages.success(request, f"Phiếu số {response.pk} được giữ trong kết quả.")
    return _back_to_review(request, response)
