import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.audit.models import Change
from cchc.measures import services
from cchc.measures.models import MeasureValue
from cchc.measures.periods import parse

MARCH = parse("2025-03")


def enter(world, measure, user=None, unit=None, submit=False, **figures):
    figures = figures or {"numerator": Decimal(96), "denominator": Decimal(100)}
    return services.enter_value(
        actor=user or world.officer, measure=measure, unit=unit or world.commune, period=MARCH, submit=submit, **figures
    )


def test_the_responsible_unit_enters_a_rate_as_numerator_and_denominator(world, signed):
    value = enter(world, signed)
    assert (value.numerator, value.denominator, value.value) == (96, 100, Decimal("96.00"))
    assert value.status == MeasureValue.Status.DRAFT
    assert value.entered_by == world.officer
    assert Change.objects.filter(object_type="measures.measurevalue", action="create").count() == 1


def test_a_submitted_figure_approved_by_the_province_is_locked_against_edits(world, signed):
    value = enter(world, signed)
    services.submit_value(actor=world.officer, value=value)
    approved = services.approve_value(actor=world.provincial_focal, value=value, note="Khớp sổ văn bản")
    assert approved.status == MeasureValue.Status.APPROVED
    assert approved.reviewed_by == world.provincial_focal
    with pytest.raises(ValidationError, match="đã được duyệt nên đã khóa"):
        enter(world, signed, numerator=Decimal(10), denominator=Decimal(100))
    approved.refresh_from_db()
    assert approved.numerator == 96


def test_a_reviewer_returns_a_figure_with_a_reason_and_the_unit_corrects_it(world, signed):
    value = enter(world, signed)
    services.submit_value(actor=world.officer, value=value)
    with pytest.raises(ValidationError):
        services.return_value(actor=world.appraiser, value=value, note="  ")
    returned = services.return_value(actor=world.appraiser, value=value, note="Mẫu số chưa khớp")
    assert returned.status == MeasureValue.Status.RETURNED
    corrected = enter(world, signed, numerator=Decimal(95), denominator=Decimal(99), submit=True)
    assert corrected.status == MeasureValue.Status.SUBMITTED


def test_reopening_an_approved_figure_is_for_administrators_and_is_audited(world, signed):
    value = enter(world, signed, submit=True)
    services.approve_value(actor=world.provincial_focal, value=value)
    with pytest.raises(PermissionDenied):
        services.reopen_value(actor=world.provincial_focal, value=value, reason="Sai số")
    with pytest.raises(ValidationError):
        services.reopen_value(actor=world.admin, value=value, reason="")
    reopened = services.reopen_value(actor=world.admin, value=value, reason="Xã báo nhầm tổng số văn bản")
    assert reopened.status == MeasureValue.Status.RETURNED
    change = Change.objects.get(action="reopen")
    assert change.actor == world.admin
    assert change.note == "Xã báo nhầm tổng số văn bản"
    assert change.before["status"] == "approved" and change.after["status"] == "returned"
    assert enter(world, signed, numerator=Decimal(90), denominator=Decimal(100)).numerator == 90


def test_a_unit_enters_only_its_own_figures(world, signed):
    with pytest.raises(PermissionDenied):
        enter(world, signed, user=world.other_officer)
    with pytest.raises(PermissionDenied):
        enter(world, signed, user=world.appraiser)
    assert not MeasureValue.objects.exists()
    assert enter(world, signed, user=world.specialist).unit == world.commune


def test_a_commune_cannot_approve_its_own_figure(world, signed):
    value = enter(world, signed, submit=True)
    for own in (world.officer, world.leader):
        with pytest.raises(PermissionDenied):
            services.approve_value(actor=own, value=value)
    value.refresh_from_db()
    assert value.status == MeasureValue.Status.SUBMITTED


def test_a_reviewer_approves_only_figures_of_units_below(world, signed):
    value = enter(world, signed, submit=True)
    with pytest.raises(PermissionDenied):
        services.approve_value(actor=world.other_officer, value=value)
    assert services.approve_value(actor=world.appraiser, value=value).status == MeasureValue.Status.APPROVED


def test_a_draft_cannot_be_approved_before_it_is_submitted(world, signed):
    value = enter(world, signed)
    with pytest.raises(ValidationError, match="chờ duyệt"):
        services.approve_value(actor=world.provincial_focal, value=value)


@pytest.mark.parametrize(
    "figures,field,message",
    [
        ({"numerator": Decimal(5), "denominator": Decimal(-1)}, "denominator", "Mẫu số không được âm"),
        ({"numerator": Decimal(101), "denominator": Decimal(100)}, "numerator", "không được lớn hơn mẫu số"),
        ({"numerator": Decimal(5)}, "denominator", "Thiếu mẫu số"),
        ({"value": Decimal(95)}, "value", "phải nhập tử số và mẫu số"),
    ],
)
def test_a_rate_with_impossible_figures_is_refused_and_nothing_is_saved(world, signed, figures, field, message):
    with pytest.raises(ValidationError) as caught:
        enter(world, signed, **figures)
    assert message in " ".join(caught.value.message_dict[field])
    assert not MeasureValue.objects.exists()


def test_a_staff_count_is_a_whole_number(world, measures):
    staff = measures["staff.civil_servants"]
    with pytest.raises(ValidationError, match="số nguyên"):
        enter(world, staff, value=Decimal("20.5"))
    assert enter(world, staff, value=Decimal(20)).value == 20


def test_a_monthly_measure_is_not_entered_for_a_quarter_or_a_future_month(world, signed):
    with pytest.raises(ValidationError, match="báo cáo hằng tháng"):
        services.enter_value(
            actor=world.officer,
            measure=signed,
            unit=world.commune,
            period=parse("2025-Q1"),
            numerator=Decimal(1),
            denominator=Decimal(1),
        )
    with pytest.raises(ValidationError, match="chưa bắt đầu"):
        services.enter_value(
            actor=world.officer,
            measure=signed,
            unit=world.commune,
            period=parse("2025-05"),
            numerator=Decimal(1),
            denominator=Decimal(1),
            today=dt.date(2025, 4, 20),
        )


def test_evidence_must_be_what_its_name_says(world, signed):
    fake = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationError, match="không khớp"):
        enter(world, signed, numerator=Decimal(1), denominator=Decimal(1), evidence=fake)
    script = SimpleUploadedFile("bao-cao.exe", b"MZ")
    with pytest.raises(ValidationError, match="không đúng loại"):
        enter(world, signed, numerator=Decimal(1), denominator=Decimal(1), evidence=script)
    pdf = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.7 minh chung")
    value = enter(world, signed, numerator=Decimal(1), denominator=Decimal(1), evidence=pdf)
    assert value.evidence.name.endswith(".pdf")


def test_syncing_definitions_writes_the_reported_measures_with_their_reporting_rules(measures):
    staff = measures["staff.civil_servants"]
    assert staff.is_reported and not staff.higher_is_better
    assert staff.aggregation == "latest" and staff.reporting_level == "commune"
    assert measures["docs.digitally_signed_rate"].is_rate
    again = services.sync_definitions()
    assert again.created == 0 and again.updated >= 6
