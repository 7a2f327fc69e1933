import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cchc.measures.models import MeasureValue, Target
from cchc.measures.tests.conftest import stored_value


def no_inline_code(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
    assert " style=" not in html and "<style" not in html and " onclick=" not in html


@pytest.fixture
def figures(world, signed):
    Target.objects.create(
        measure=signed, unit=world.province, applies_to_units_below=True, comparator=">", value=95, period_key="2025"
    )
    stored_value(signed, world.commune, "2025-03", numerator=96, denominator=100)
    stored_value(
        signed, world.other_commune, "2025-03", numerator=45, denominator=50, status=MeasureValue.Status.SUBMITTED
    )


@pytest.mark.parametrize(
    "name,args",
    [
        ("measures:index", []),
        ("measures:detail", ["docs.digitally_signed_rate"]),
        ("measures:scorecard", []),
        ("measures:entry", []),
        ("measures:review", []),
        ("measures:missing", []),
    ],
)
def test_every_measures_page_opens_for_a_provincial_focal_officer_without_inline_code(
    client, world, figures, name, args
):
    client.force_login(world.provincial_focal)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    no_inline_code(response.content.decode())


def test_the_measure_page_shows_its_definition_charts_data_and_who_entered_each_value(client, world, figures):
    client.force_login(world.provincial_focal)
    html = client.get(
        reverse("measures:detail", args=["docs.digitally_signed_rate"]), {"period": "2025-03"}
    ).content.decode()
    assert "Tổng số văn bản đi" in html
    assert 'id="trend-data" type="application/json"' in html and 'id="ranking-data"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "measures/measures.js" in html
    assert "96,00%" in html and "Xã Hoàng Việt" in html
    assert "Chờ duyệt" in html and "Đã duyệt" in html


def test_the_values_table_exports_to_excel(client, world, figures):
    client.force_login(world.provincial_focal)
    response = client.get(reverse("measures:export", args=["docs.digitally_signed_rate"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Mã đơn vị", "Đơn vị", "Kỳ")
    assert {row[0] for row in rows[1:]} == {"X01", "X02"}


def test_a_commune_officers_export_holds_only_the_commune(client, world, figures):
    client.force_login(world.officer)
    response = client.get(reverse("measures:export", args=["docs.digitally_signed_rate"]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {row[0] for row in rows[1:]} == {"X01"}


def test_the_scorecard_shows_value_target_and_status_by_reform_area(client, world, figures):
    client.force_login(world.officer)
    html = client.get(reverse("measures:unit_scorecard", args=[world.commune.pk])).content.decode()
    assert "7. Xây dựng và phát triển chính quyền điện tử, chính quyền số" in html
    assert html.index("4. Cải cách tổ chức bộ máy hành chính") < html.index("7. Xây dựng")


def test_another_communes_scorecard_is_not_found(client, world, figures):
    client.force_login(world.other_officer)
    assert client.get(reverse("measures:unit_scorecard", args=[world.commune.pk])).status_code == 404


def test_the_superior_sees_who_has_not_reported(client, world, figures):
    client.force_login(world.provincial_focal)
    html = client.get(reverse("measures:missing"), {"period": "2025-03"}).content.decode()
    assert "0/2" in html and "Chưa nhập" in html and "Xã Ba Xa" in html


def card_titles(rf, user, unit):
    from cchc.measures.dashboard import cards

    request = rf.get("/")
    request.user = user
    return {card.title: card for card in cards(request, unit)}


def test_the_superiors_home_page_card_counts_figures_waiting_and_units_late(rf, world, figures):
    found = card_titles(rf, world.provincial_focal, world.province)
    assert found["Số liệu chờ duyệt"].figure == "1"
    assert found["Đơn vị chưa báo cáo"].url.startswith(reverse("measures:missing"))


def test_the_communes_home_page_card_asks_it_to_report(rf, world, measures):
    found = card_titles(rf, world.officer, world.commune)
    assert found["Số liệu cần báo cáo"].figure == "6"
    assert "Số liệu chờ duyệt" not in found
