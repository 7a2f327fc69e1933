"""The publication decision (.docx) and the results workbook carry the ranking."""

import io
from decimal import Decimal

import docx
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cchc.assessment import services
from cchc.assessment.decision import DecisionOptions, decision_bytes
from cchc.assessment.models import LeafScore, RoundUnit
from cchc.assessment.results import round_results
from cchc.assessment.tests.conftest import criterion

# Pages read today's date from the clock; the round's phases are fixed dates around TODAY.
pytestmark = pytest.mark.usefixtures("pinned_today")

D = Decimal
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def score_both(round_, world) -> None:
    for unit, points in ((world.commune, "1"), (world.other_commune, "2")):
        entry = RoundUnit.objects.get(round=round_, unit=unit)
        LeafScore.objects.create(round_unit=entry, criterion=criterion(round_, "3.4.1"), self_points=D(points))


def test_the_decision_opens_in_word_and_carries_the_ranking(world, round_):
    score_both(round_, world)
    services.publish_round(actor=world.admin, round_=round_)
    content = decision_bytes(
        round_results(round_), DecisionOptions(number="125", signer_name="Nguyễn Văn An", legal_bases=["Căn cứ X;"])
    )
    document = docx.Document(io.BytesIO(content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "QUYẾT ĐỊNH" in text
    assert "Phê duyệt và công bố Chỉ số cải cách hành chính năm 2026 của Ủy ban nhân dân các xã" in text
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM" in text and "Căn cứ X;" in text
    assert "Điều 1. Phê duyệt và công bố" in text
    header = document.tables[0].rows[0].cells
    assert "Số: 125/QĐ-UBND" in header[0].text and "Độc lập - Tự do - Hạnh phúc" in header[1].text
    signature = document.tables[1].rows[0].cells
    assert "Nơi nhận:" in signature[0].text and "Nguyễn Văn An" in signature[1].text
    ranking = document.tables[-1]
    rows = [[cell.text for cell in row.cells] for row in ranking.rows]
    assert rows[0][:3] == ["TT", "Đơn vị", "Điểm đạt"]
    assert rows[1][1] == "Xã Ba Xa" and rows[1][4] == "20,00" and rows[1][5] == "01/02"
    assert rows[2][1] == "Xã Hoàng Việt" and rows[2][4] == "10,00" and rows[2][5] == "02/02"


def test_the_decision_page_downloads_a_docx_for_the_organiser_only(client, world, round_):
    score_both(round_, world)
    client.force_login(world.appraiser)
    url = reverse("assessment:decision", args=[round_.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"number": "7", "date": "2027-01-20", "signer_name": "Lê Văn B", "deputy": "on"})
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    text = "\n".join(
        cell.text
        for table in docx.Document(io.BytesIO(response.content)).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "KT. CHỦ TỊCH" in text and "PHÓ CHỦ TỊCH" in text and "ngày 20 tháng 01 năm 2027" in text
    client.force_login(world.officer)
    assert client.get(url).status_code == 403


def test_the_results_workbook_lists_ranks_areas_and_lost_points(client, world, round_):
    score_both(round_, world)
    client.force_login(world.admin)
    response = client.get(reverse("assessment:results_export", args=[round_.pk]))
    workbook = load_workbook(io.BytesIO(response.content))
    ranking = workbook["Xếp hạng"]
    assert [cell.value for cell in ranking[1]][:3] == ["Xếp hạng", "Mã đơn vị", "Đơn vị"]
    assert [ranking.cell(row=2, column=2).value, ranking.cell(row=3, column=2).value] == ["X02", "X01"]
    assert ranking.cell(row=2, column=6).value == 20
    lost = workbook["Điểm bị trừ"]
    assert lost.max_row > 2 and lost.cell(row=2, column=7).value == 2
