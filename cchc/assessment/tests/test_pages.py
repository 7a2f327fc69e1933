"""The screens: inline saves with htmx, flat query counts, CSP-safe markup, every page for the personas."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.assessment import services
from cchc.assessment.models import LeafScore, RoundUnit
from cchc.assessment.tests.conftest import TODAY, criterion, fill_all, pdf_upload
from cchc.testing import make_unit

pytestmark = pytest.mark.usefixtures("pinned_today")

D = Decimal
SELF_ASSESSMENT_QUERIES = 12
RANKING_QUERIES = 9


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def assert_csp_safe(html: str) -> None:
    assert 'style="' not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html.replace('type="application/json"', ""))
    assert " onclick=" not in html


def test_the_self_assessment_page_keeps_its_query_count_flat(client, world, entry):
    client.force_login(world.officer)
    url = reverse("assessment:self_assessment", args=[entry.pk])
    empty = count_queries(client, url)
    fill_all(entry, world.officer)
    document = services.upload_evidence(actor=world.officer, unit=world.commune, upload=pdf_upload(), year=2026)
    for code in ("3.4.1", "3.4.3", "7.3.3"):
        services.link_evidence(
            actor=world.officer,
            round_unit=entry,
            criterion=criterion(entry.round, code),
            evidence=document,
            today=TODAY,
        )
    full = count_queries(client, url)
    assert empty == full
    assert full == SELF_ASSESSMENT_QUERIES


def test_the_ranking_page_keeps_its_query_count_flat(client, world, criteria_set):
    def ranking_queries(units, code):
        round_ = services.create_round(actor=world.admin, code=code, criteria_set=criteria_set, year=2026, units=units)
        for entry in RoundUnit.objects.filter(round=round_):
            for leaf_code in ("3.4.1", "7.3.3"):
                LeafScore.objects.create(round_unit=entry, criterion=criterion(round_, leaf_code), self_points=D(1))
        return count_queries(client, reverse("assessment:results", args=[round_.pk]))

    client.force_login(world.appraiser)
    small = ranking_queries([world.commune, world.other_commune], "NHO")
    more = [make_unit(f"Xã Thêm {index}", "xa", parent=world.province, code=f"XT{index}") for index in range(8)]
    large = ranking_queries([world.commune, world.other_commune, *more], "LON")
    assert small == large
    assert large == RANKING_QUERIES


def test_an_inline_save_returns_the_row_and_the_new_progress(client, world, entry):
    client.force_login(world.officer)
    target = criterion(entry.round, "3.4.4")
    response = client.post(
        reverse("assessment:leaf_save", args=[entry.pk, target.pk]),
        {"declared": "1", "explanation": "Có quyết định kèm theo"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="leaf-{target.pk}"')
    assert 'id="progress" class="progress-line" hx-swap-oob="true"' in html and "<strong>1/7</strong>" in html
    assert "<strong>2,00</strong>" in html
    assert LeafScore.objects.get(round_unit=entry, criterion=target).self_points == D(2)


def test_an_inline_save_with_bad_data_shows_the_error_in_the_row_and_saves_nothing(client, world, entry):
    client.force_login(world.officer)
    target = criterion(entry.round, "3.4.1")
    response = client.post(
        reverse("assessment:leaf_save", args=[entry.pk, target.pk]), {"declared": "5"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'role="alert"' in html and "phải từ 0 đến điểm tối đa 2" in html
    assert not LeafScore.objects.filter(round_unit=entry, criterion=target).exists()


def test_a_measure_leaf_says_when_the_measure_has_no_value_yet(client, world, entry):
    client.force_login(world.officer)
    html = client.get(reverse("assessment:self_assessment", args=[entry.pk])).content.decode()
    assert "Tỷ lệ hồ sơ thanh toán trực tuyến" in html and "chưa được khai báo trong hệ thống" in html


def test_the_appraiser_accepts_a_leaf_inline(client, world, entry):
    fill_all(entry, world.officer)
    services.submit_round_unit(actor=world.leader, round_unit=entry, today=TODAY)
    client.force_login(world.appraiser)
    target = criterion(entry.round, "7.3.3")
    response = client.post(
        reverse("assessment:appraise", args=[entry.pk, target.pk]), {"action": "accept"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "Đã lưu" in response.content.decode()
    assert LeafScore.objects.get(round_unit=entry, criterion=target).appraised_points == D("1.5")


@pytest.mark.parametrize("persona", ["officer", "leader", "appraiser", "admin", "specialist"])
def test_every_screen_renders_for_the_personas_without_inline_styles_or_scripts(client, world, entry, persona):
    fill_all(entry, world.officer)
    services.submit_round_unit(actor=world.leader, round_unit=entry, today=TODAY)
    round_ = entry.round
    client.force_login(getattr(world, persona))
    urls = [
        reverse("assessment:index"),
        reverse("assessment:criteria_sets"),
        reverse("assessment:criteria_set", args=[round_.criteria_set_id]),
        reverse("assessment:round", args=[round_.pk]),
        reverse("assessment:self_assessment", args=[entry.pk]),
        reverse("assessment:results", args=[round_.pk]),
        reverse("assessment:library"),
        reverse("assessment:history", args=[world.commune.pk]),
        reverse("core:home"),
    ]
    if persona in ("appraiser", "admin"):
        urls += [
            reverse("assessment:appraisal", args=[entry.pk]),
            reverse("assessment:heatmap", args=[round_.pk]),
            reverse("assessment:unit_results", args=[round_.pk, world.commune.pk]),
            reverse("assessment:decision", args=[round_.pk]),
        ]
    if persona == "admin":
        urls += [reverse("assessment:publish", args=[round_.pk]), reverse("assessment:round_create")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_csp_safe(response.content.decode())


def test_the_home_page_card_shows_progress_and_deadline(client, world, entry):
    fill_all(entry, world.officer)
    client.force_login(world.officer)
    html = client.get(reverse("core:home")).content.decode()
    assert "Tự đánh giá Chỉ số CCHC năm 2026" in html and "7/7" in html and "Hạn tự đánh giá: 30/11/2026" in html


def test_the_published_ranking_shows_rank_changes_with_arrows(client, world, round_, criteria_set):
    for unit, points in ((world.commune, "0"), (world.other_commune, "2")):
        LeafScore.objects.create(
            round_unit=RoundUnit.objects.get(round=round_, unit=unit),
            criterion=criterion(round_, "3.4.1"),
            self_points=D(points),
        )
    services.publish_round(actor=world.admin, round_=round_)
    later = services.create_round(
        actor=world.admin,
        code="CCHC-2027",
        criteria_set=criteria_set,
        year=2027,
        units=[world.commune, world.other_commune],
        previous=round_,
    )
    LeafScore.objects.create(
        round_unit=RoundUnit.objects.get(round=later, unit=world.commune),
        criterion=criterion(later, "3.4.1"),
        self_points=D(2),
    )
    services.publish_round(actor=world.admin, round_=later)
    client.force_login(world.other_officer)
    html = client.get(reverse("assessment:results", args=[later.pk])).content.decode()
    assert "▲ 1" in html and "▼ 1" in html
    assert reverse("assessment:unit_results", args=[later.pk, world.commune.pk]) not in html
