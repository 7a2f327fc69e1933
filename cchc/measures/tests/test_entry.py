import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.audit.models import Change
from cchc.measures import services
from cchc.measures.models import MeasureValue
from cchc.measures.periods import parse


@pytest.fixture
def march(world, signed):
    value = services.enter_value(
        actor=world.officer,
        measure=signed,
        unit=world.commune,
        period=parse("2025-03"),
        numerator=96,
        denominator=100,
        submit=True,
        evidence=SimpleUploadedFile("so-van-ban.pdf", b"%PDF-1.4 so"),
    )
    Change.objects.all().delete()
    return value


def enter_url(code="docs.digitally_signed_rate", period="2025-03"):
    return reverse("measures:enter", args=[code, period])


def test_the_officer_enters_and_submits_the_communes_figure_with_evidence(client, world, signed):
    client.force_login(world.officer)
    response = client.post(
        enter_url(),
        {
            f"m{signed.pk}-numerator": "1.150",
            f"m{signed.pk}-denominator": "1.200",
            f"m{signed.pk}-note": "Theo sổ",
            f"m{signed.pk}-evidence": SimpleUploadedFile("so.pdf", b"%PDF-1.7"),
            "submit": "1",
        },
    )
    assert response.status_code == 302
    value = MeasureValue.objects.get()
    assert (value.unit, value.numerator, value.denominator, value.status) == (world.commune, 1150, 1200, "submitted")
    assert str(value.value) == "95.8300"


def test_wrong_figures_come_back_with_the_message_under_the_field(client, world, signed):
    client.force_login(world.officer)
    response = client.post(enter_url(), {f"m{signed.pk}-numerator": "120", f"m{signed.pk}-denominator": "100"})
    assert response.status_code == 400
    assert "không được lớn hơn mẫu số" in response.content.decode()
    assert not MeasureValue.objects.exists()


def test_a_viewer_cannot_enter_figures(client, world, signed):
    from cchc.testing import make_user

    viewer = make_user("xem.x01", unit=world.commune, role="viewer")
    client.force_login(viewer)
    response = client.post(enter_url(), {f"m{signed.pk}-numerator": "1", f"m{signed.pk}-denominator": "1"})
    assert response.status_code == 403
    assert not MeasureValue.objects.exists()


def test_an_approved_figure_cannot_be_changed_from_the_entry_page(client, world, signed, march):
    services.approve_value(actor=world.provincial_focal, value=march)
    client.force_login(world.officer)
    response = client.post(enter_url(), {f"m{signed.pk}-numerator": "1", f"m{signed.pk}-denominator": "100"})
    assert response.status_code == 400
    assert "đã được duyệt nên đã khóa" in response.content.decode()
    march.refresh_from_db()
    assert march.numerator == 96


def test_another_communes_officer_cannot_reach_this_communes_figures(client, world, march):
    client.force_login(world.other_officer)
    assert client.get(reverse("measures:evidence", args=[march.pk])).status_code == 404
    assert client.post(reverse("measures:submit", args=[march.pk])).status_code == 404
    assert client.post(reverse("measures:decide", args=[march.pk]), {"decision": "approve"}).status_code == 404
    # Posting to the entry page writes only the officer's own commune, never this one.
    client.post(enter_url(), {f"m{march.measure.pk}-numerator": "1", f"m{march.measure.pk}-denominator": "100"})
    march.refresh_from_db()
    assert (march.numerator, march.status) == (96, "submitted")
    assert not MeasureValue.objects.filter(unit=world.commune).exclude(pk=march.pk).exists()


def test_the_evidence_is_downloaded_by_the_unit_and_its_reviewer(client, world, march):
    for user in (world.officer, world.appraiser):
        client.force_login(user)
        response = client.get(reverse("measures:evidence", args=[march.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_commune_cannot_approve_its_own_figure_from_the_review_queue(client, world, march):
    client.force_login(world.officer)
    html = client.get(reverse("measures:review")).content.decode()
    assert "Không có số liệu nào đang chờ bạn duyệt" in html
    assert client.post(reverse("measures:decide", args=[march.pk]), {"decision": "approve"}).status_code == 403
    march.refresh_from_db()
    assert march.status == "submitted"
    assert not Change.objects.exists()


def test_the_provincial_reviewer_approves_from_the_queue(client, world, march):
    client.force_login(world.provincial_focal)
    assert "Xã Hoàng Việt" in client.get(reverse("measures:review")).content.decode()
    client.post(reverse("measures:decide", args=[march.pk]), {"decision": "approve", "review_note": "Đúng"})
    march.refresh_from_db()
    assert (march.status, march.reviewed_by, march.review_note) == ("approved", world.provincial_focal, "Đúng")


def test_several_figures_are_approved_at_once(client, world, march):
    client.force_login(world.appraiser)
    client.post(reverse("measures:approve_selected"), {"values": [str(march.pk)]})
    march.refresh_from_db()
    assert march.status == "approved"


def test_returning_a_figure_needs_a_reason(client, world, march):
    client.force_login(world.provincial_focal)
    client.post(reverse("measures:decide", args=[march.pk]), {"decision": "return", "review_note": ""})
    march.refresh_from_db()
    assert march.status == "submitted"
    client.post(reverse("measures:decide", args=[march.pk]), {"decision": "return", "review_note": "Thiếu sổ"})
    march.refresh_from_db()
    assert march.status == "returned"


def test_only_an_administrator_reopens_an_approved_figure_and_it_is_audited(client, world, march):
    services.approve_value(actor=world.provincial_focal, value=march)
    client.force_login(world.provincial_focal)
    assert client.post(reverse("measures:reopen", args=[march.pk]), {"reason": "Sai"}).status_code == 403
    march.refresh_from_db()
    assert march.status == "approved"
    client.force_login(world.admin)
    client.post(reverse("measures:reopen", args=[march.pk]), {"reason": "Xã báo nhầm"})
    march.refresh_from_db()
    assert march.status == "returned"
    assert Change.objects.get(action="reopen").note == "Xã báo nhầm"


def test_the_entry_page_lists_the_communes_reported_measures_for_the_period(client, world, measures, march):
    client.force_login(world.officer)
    html = client.get(reverse("measures:entry"), {"period": "2025-03"}).content.decode()
    assert "Tỷ lệ văn bản đi được ký số" in html and "Số cán bộ, công chức" in html
    assert "Chờ duyệt" in html and "hạn 05/04/2025" in html
    assert dt.date.today().year >= 2025
