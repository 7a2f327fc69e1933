"""The evidence library: type and size checks, reuse across criteria and years, requests from the appraiser."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.assessment import services
from cchc.assessment.models import Evidence, EvidenceLink, EvidenceRequest, Phase, RoundUnit
from cchc.assessment.tests.conftest import TODAY, criterion, fill_all, pdf_upload
from cchc.notifications.models import Notification


def upload(world, name: str, content: bytes):
    return services.upload_evidence(
        actor=world.officer, unit=world.commune, upload=SimpleUploadedFile(name, content), year=2026
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bao-cao.pdf", b"%PDF-1.7\nnoi dung"),
        ("ke-hoach.docx", b"PK\x03\x04word"),
        ("bang.xlsx", b"PK\x03\x04excel"),
        ("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1cu"),
        ("anh.JPG", b"\xff\xd8\xff\xe0anh"),
        ("anh.png", b"\x89PNG\r\n\x1a\nanh"),
    ],
)
def test_pdf_word_excel_and_images_are_accepted(world, name, content):
    stored = upload(world, name, content)
    assert stored.original_name == name and stored.size == len(content)
    assert stored.file.name.startswith(f"assessment/evidence/{world.commune.pk}/")
    assert name not in stored.file.name  # stored under a random name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "không thuộc loại được phép"),
        ("gia.pdf", b"MZ\x90\x00 renamed", "không khớp với đuôi .pdf"),
        ("gia.docx", b"%PDF-1.4", "không khớp với đuôi .docx"),
        ("rong.pdf", b"", "rỗng"),
    ],
)
def test_a_file_whose_type_or_content_does_not_fit_is_refused(world, name, content, message):
    with pytest.raises(ValidationError, match=message):
        upload(world, name, content)
    assert not Evidence.objects.exists()


def test_a_file_over_the_size_limit_is_refused(world, settings):
    settings.CCHC_MAX_EVIDENCE_MEGABYTES = 1
    with pytest.raises(ValidationError, match="quá lớn"):
        upload(world, "lon.pdf", b"%PDF" + b"0" * (1024 * 1024))
    assert upload(world, "vua.pdf", b"%PDF" + b"0" * 1000).size == 1004


def test_the_library_page_reports_a_bad_upload_without_saving(client, world):
    client.force_login(world.officer)
    response = client.post(
        reverse("assessment:library"),
        {"file": SimpleUploadedFile("gia.pdf", b"not a pdf"), "title": "Giả", "year": 2026},
    )
    assert response.status_code == 200
    assert "không khớp với đuôi .pdf" in response.content.decode()
    assert not Evidence.objects.exists()


def test_one_document_backs_several_criteria_and_next_years_round(world, round_, entry, criteria_set):
    document = services.upload_evidence(
        actor=world.officer, unit=world.commune, upload=pdf_upload(), title="Báo cáo CCHC", year=2026
    )
    for code in ("3.4.1", "7.3.3"):
        services.link_evidence(
            actor=world.officer, round_unit=entry, criterion=criterion(round_, code), evidence=document, today=TODAY
        )
    next_round = services.create_round(
        actor=world.admin,
        code="CCHC-2027",
        criteria_set=criteria_set,
        year=2027,
        units=[world.commune],
        today=dt.date(2027, 11, 1),
    )
    next_entry = RoundUnit.objects.select_related("round", "unit").get(round=next_round)
    services.link_evidence(
        actor=world.officer,
        round_unit=next_entry,
        criterion=criterion(next_round, "3.4.1"),
        evidence=document,
        today=dt.date(2027, 11, 10),
    )
    assert EvidenceLink.objects.filter(evidence=document).count() == 3
    with pytest.raises(ValidationError, match="đang được dùng"):
        services.delete_evidence(actor=world.officer, evidence=document)


@pytest.mark.usefixtures("pinned_today")
def test_the_self_assessment_page_attaches_and_uploads_evidence(client, world, entry):
    client.force_login(world.officer)
    target = criterion(entry.round, "3.4.1")
    url = reverse("assessment:leaf_evidence", args=[entry.pk, target.pk])
    response = client.post(url, {"file": pdf_upload("bien-ban.pdf"), "title": "Biên bản", "year": 2026})
    assert response.status_code == 302 and response["Location"].endswith(f"#leaf-{target.pk}")
    document = Evidence.objects.get(title="Biên bản")
    other = criterion(entry.round, "3.4.3")
    client.post(reverse("assessment:leaf_evidence", args=[entry.pk, other.pk]), {"evidence": document.pk})
    assert set(document.links.values_list("leaf_score__criterion__code", flat=True)) == {"3.4.1", "3.4.3"}
    page = client.get(reverse("assessment:self_assessment", args=[entry.pk])).content.decode()
    assert reverse("assessment:evidence_download", args=[document.pk]) in page


def test_an_evidence_request_notifies_the_unit_which_answers_within_the_phase(
    world, entry, django_capture_on_commit_callbacks
):
    fill_all(entry, world.officer)
    services.submit_round_unit(actor=world.leader, round_unit=entry, today=TODAY)
    target = criterion(entry.round, "3.4.1")
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_evidence(
            actor=world.appraiser,
            round_unit=entry,
            criterion=target,
            note="Bổ sung quyết định ban hành kế hoạch",
            today=TODAY,
        )
    notified = set(Notification.objects.filter(category="request").values_list("user__username", flat=True))
    assert notified == {"canbo.x01", "chutich.x01"}
    # Submitted, yet the unit may attach evidence to that leaf to answer the open request.
    document = services.upload_evidence(actor=world.officer, unit=world.commune, upload=pdf_upload(), year=2026)
    services.link_evidence(actor=world.officer, round_unit=entry, criterion=target, evidence=document, today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_evidence_request(
            actor=world.officer, evidence_request=request, answer="Đã bổ sung quyết định", today=TODAY
        )
    assert EvidenceRequest.objects.get(pk=request.pk).status == EvidenceRequest.Status.ANSWERED
    assert Notification.objects.filter(user=world.appraiser, category="review").exists()
    # Only the requested leaf opened: another leaf stays locked.
    with pytest.raises(ValidationError):
        services.link_evidence(
            actor=world.officer,
            round_unit=entry,
            criterion=criterion(entry.round, "7.3.3"),
            evidence=document,
            today=TODAY,
        )


def test_an_answer_after_the_phase_closed_is_refused(world, entry):
    fill_all(entry, world.officer)
    services.submit_round_unit(actor=world.leader, round_unit=entry, today=TODAY)
    request = services.request_evidence(
        actor=world.appraiser,
        round_unit=entry,
        criterion=criterion(entry.round, "3.4.1"),
        note="Bổ sung",
        today=TODAY,
    )
    services.close_phase(actor=world.admin, phase=Phase.objects.get(round=entry.round, kind="appraisal"))
    with pytest.raises(ValidationError, match="đã đóng"):
        services.answer_evidence_request(actor=world.officer, evidence_request=request, answer="Muộn", today=TODAY)
