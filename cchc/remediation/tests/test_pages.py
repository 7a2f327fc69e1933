import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document

from cchc.jobs.models import Job
from cchc.plans.models import Plan
from cchc.remediation import services
from cchc.remediation.models import EffortWeight, RemediationPlan

D = Decimal


def urls(round_, unit):  # type: ignore[no-untyped-def]
    return {
        name: reverse(f"remediation:{name}", args=[round_.pk, unit.pk])
        for name in ("draft", "target", "what_if", "efforts")
    }


def assert_csp_safe(html: str) -> None:
    assert "<script>" not in html and " style=" not in html and "onclick" not in html


def test_the_draft_preview_shows_the_lost_leaves_and_saving_it_opens_the_plan(client, world, published):
    client.force_login(world.officer)
    page = client.get(urls(published, world.commune)["draft"])
    assert page.status_code == 200
    html = page.content.decode()
    assert_csp_safe(html)
    assert "Lập kế hoạch khắc phục năm 2026" in html
    assert html.index("7.3.4") < html.index("3.4.3") < html.index("3.4.4")
    assert 'name="timeframe-3.4.3" maxlength="300" value="Quý I/2026"' in html
    posted = {
        "kind": "rise",
        "value": "1",
        "include-7.3.4": "1",
        "responsible-7.3.4": str(world.officer.pk),
        "timeframe-7.3.4": "Quý II/2026",
        "direction-7.3.4": "Rà soát từng hồ sơ trực tuyến",
        "include-3.4.3": "1",
        "responsible-3.4.3": "",
        "timeframe-3.4.3": "Quý I/2026",
        "direction-3.4.3": "Ban hành văn bản xin lỗi",
    }
    response = client.post(urls(published, world.commune)["draft"], posted)
    plan = Plan.objects.get()
    assert response.status_code == 302 and response.url == reverse("plans:detail", args=[plan.pk])
    tasks = list(plan.tasks.order_by("order"))
    assert [task.criterion_code for task in tasks] == ["7.3.4", "3.4.3"]
    assert tasks[0].deadline_text == "Quý II/2026" and tasks[1].responsible is None


def test_a_draft_with_an_empty_direction_is_shown_again_with_the_error(client, world, published):
    client.force_login(world.officer)
    posted = {"kind": "rise", "include-7.3.4": "1", "timeframe-7.3.4": "Quý I/2026", "direction-7.3.4": " "}
    response = client.post(urls(published, world.commune)["draft"], posted)
    assert response.status_code == 200
    assert "Tiêu chí 7.3.4: chưa nhập định hướng khắc phục." in response.content.decode()
    assert not Plan.objects.exists()


def test_another_communes_officer_gets_404_everywhere_and_nothing_is_created(client, world, published):
    plan = services.save_draft(
        actor=world.officer, draft=services.draft_remediation(world.officer, published, world.commune)
    )
    client.force_login(world.other_officer)
    pages = urls(published, world.commune)
    assert client.get(pages["draft"]).status_code == 404
    assert client.post(pages["draft"], {"kind": "rise", "include-7.3.4": "1"}).status_code == 404
    assert client.get(pages["target"]).status_code == 404
    assert client.post(pages["what_if"], {"points-7.3.4": "3"}).status_code == 404
    assert client.post(pages["efforts"], {"effort-7.3.4": "9"}).status_code == 404
    assert client.get(reverse("remediation:export", args=[plan.pk])).status_code == 404
    assert Plan.objects.count() == 1 and RemediationPlan.objects.count() == 1
    assert not EffortWeight.objects.exists()


def test_a_specialist_sees_the_target_planner_but_may_not_draft_or_change_efforts(client, world, published):
    client.force_login(world.specialist)
    pages = urls(published, world.commune)
    assert client.get(pages["target"]).status_code == 200
    assert client.get(pages["draft"]).status_code == 403
    assert client.post(pages["efforts"], {"effort-7.3.4": "9"}).status_code == 403
    assert not Plan.objects.exists() and not EffortWeight.objects.exists()


def test_the_target_planner_shows_the_cheapest_leaves_cost_and_needed_measure_value(client, world, published):
    client.force_login(world.officer)
    pages = urls(published, world.commune)
    response = client.post(pages["efforts"], {"effort-3.4.3": "5", "query": "kind=rank&value=1"})
    assert response.status_code == 302 and response.url.endswith("?kind=rank&value=1")
    assert EffortWeight.objects.get(unit=world.commune, criterion_code="3.4.3").effort == D(5)
    page = client.get(pages["target"], {"kind": "rank", "value": "1"})
    html = page.content.decode()
    assert_csp_safe(html)
    assert "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn từ 97,4% lên ≥ 100%" in html
    assert "1,50" in html and "4,00" in html
    bad = client.get(pages["target"], {"kind": "rank", "value": ""})
    assert "Nhập thứ hạng hoặc chỉ số mục tiêu." in bad.content.decode()


def test_the_effort_sheet_upload_names_bad_rows(client, world, published):
    client.force_login(world.officer)
    sheet = io.BytesIO("Mã tiêu chí;Công sức\n3.4.3;nhiều\n".encode())
    sheet.name = "cong-suc.csv"
    response = client.post(urls(published, world.commune)["efforts"], {"sheet": sheet}, follow=True)
    assert "Dòng 2, cột «Công sức»: «nhiều» không phải là số." in response.content.decode()
    assert not EffortWeight.objects.exists()


def test_what_if_answers_with_the_new_index_and_rank_as_an_htmx_partial(client, world, published):
    client.force_login(world.officer)
    page = client.get(urls(published, world.commune)["what_if"])
    assert page.status_code == 200
    assert_csp_safe(page.content.decode())
    response = client.post(
        urls(published, world.commune)["what_if"], {"points-7.3.4": "3", "points-3.4.1": ""}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "90,00%" in html and "02/04" in html and "tăng 01 bậc" in html
    wrong = client.post(urls(published, world.commune)["what_if"], {"points-7.3.4": "9"}, HTTP_HX_REQUEST="true")
    assert "Tiêu chí 7.3.4: điểm 9 phải từ 0 đến 3." in wrong.content.decode()


def test_the_plan_downloads_as_docx_for_those_who_see_it(client, world, published):
    plan = services.save_draft(
        actor=world.officer, draft=services.draft_remediation(world.officer, published, world.commune)
    )
    client.force_login(world.appraiser)
    response = client.get(reverse("remediation:export", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ke-hoach-khac-phuc-x01-2026.docx"'
    assert "KẾ HOẠCH" in [paragraph.text for paragraph in Document(io.BytesIO(response.content)).paragraphs]


def test_the_superior_starts_drafting_for_every_unit_from_the_index(client, world, published):
    client.force_login(world.provincial_focal)
    index = client.get(reverse("remediation:index"))
    assert index.status_code == 200
    response = client.post(reverse("remediation:draft_all", args=[published.pk]))
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", args=[job.pk])
    client.force_login(world.officer)
    assert client.post(reverse("remediation:draft_all", args=[published.pk])).status_code == 403
    assert Job.objects.count() == 1


@pytest.mark.parametrize("saved", [False, True])
def test_the_home_page_card_links_the_draft_or_the_plan_and_the_target_planner(client, world, published, saved):
    if saved:
        services.save_draft(
            actor=world.officer, draft=services.draft_remediation(world.officer, published, world.commune)
        )
    client.force_login(world.officer)
    html = client.get(reverse("core:home")).content.decode()
    assert "Kế hoạch khắc phục năm 2026" in html
    assert reverse("remediation:target", args=[published.pk, world.commune.pk]) in html
    if saved:
        assert reverse("remediation:export", args=[Plan.objects.get().pk]) in html
    else:
        assert reverse("remediation:draft", args=[published.pk, world.commune.pk]) in html
