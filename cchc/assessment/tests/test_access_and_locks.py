"""Who may see and change what, and the locks no one passes: closed phases, submission, publication."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cchc.accounts.models import Role
from cchc.assessment import services
from cchc.assessment.models import Evidence, LeafScore, Phase, RoundUnit
from cchc.assessment.phases import PhaseClosed
from cchc.assessment.tests.conftest import TODAY, criterion, fill_all, pdf_upload
from cchc.audit.models import Change
from cchc.testing import make_user

# Pages read today's date from the clock; the round's phases are fixed dates around TODAY.
pytestmark = pytest.mark.usefixtures("pinned_today")

D = Decimal


def self_score(actor, entry, code="3.4.1", value="1", today=TODAY):
    return services.save_self_score(
        actor=actor,
        round_unit=entry,
        criterion=criterion(entry.round, code),
        declared=value,
        explanation="Có văn bản",
        today=today,
    )


def scores_of(entry):
    return list(LeafScore.objects.filter(round_unit=entry).values_list("criterion__code", "self_points"))


def test_another_communes_officer_gets_404_on_the_self_assessment_and_nothing_changes(client, world, entry):
    self_score(world.officer, entry)
    before = scores_of(entry)
    client.force_login(world.other_officer)
    assert client.get(reverse("assessment:self_assessment", args=[entry.pk])).status_code == 404
    target = criterion(entry.round, "3.4.1")
    response = client.post(reverse("assessment:leaf_save", args=[entry.pk, target.pk]), {"declared": "2"})
    assert response.status_code == 404
    assert client.get(reverse("assessment:appraisal", args=[entry.pk])).status_code == 404
    assert scores_of(entry) == before


def test_another_commune_cannot_download_or_attach_the_communes_evidence(client, world, entry, other_entry):
    evidence = services.upload_evidence(actor=world.officer, unit=world.commune, upload=pdf_upload(), year=2026)
    client.force_login(world.other_officer)
    assert client.get(reverse("assessment:evidence_download", args=[evidence.pk])).status_code == 404
    target = criterion(entry.round, "3.4.1")
    response = client.post(
        reverse("assessment:leaf_evidence", args=[other_entry.pk, target.pk]), {"evidence": evidence.pk}
    )
    assert response.status_code == 404
    assert not evidence.links.exists()
    with pytest.raises(PermissionDenied):
        services.link_evidence(
            actor=world.other_officer, round_unit=other_entry, criterion=target, evidence=evidence, today=TODAY
        )


def test_the_appraiser_and_the_communes_own_people_may_download_its_evidence(client, world):
    evidence = services.upload_evidence(actor=world.officer, unit=world.commune, upload=pdf_upload(), year=2026)
    for person in (world.officer, world.leader, world.appraiser):
        client.force_login(person)
        response = client.get(reverse("assessment:evidence_download", args=[evidence.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_another_commune_sees_neither_the_unit_results_nor_the_history(client, world, round_):
    services.publish_round(actor=world.admin, round_=round_)
    client.force_login(world.other_officer)
    assert client.get(reverse("assessment:unit_results", args=[round_.pk, world.commune.pk])).status_code == 404
    assert client.get(reverse("assessment:history", args=[world.commune.pk])).status_code == 404
    assert client.get(reverse("assessment:results", args=[round_.pk])).status_code == 200


def test_an_appraiser_cannot_edit_self_scores(client, world, entry):
    self_score(world.officer, entry)
    before = scores_of(entry)
    with pytest.raises(PermissionDenied):
        self_score(world.appraiser, entry, value="2")
    client.force_login(world.appraiser)
    target = criterion(entry.round, "3.4.1")
    response = client.post(reverse("assessment:leaf_save", args=[entry.pk, target.pk]), {"declared": "2"})
    assert response.status_code == 403
    assert scores_of(entry) == before


def test_appraising_keeps_the_self_score_and_records_the_adjustment(world, entry):
    fill_all(entry, world.officer)
    services.submit_round_unit(actor=world.leader, round_unit=entry, today=TODAY)
    score = services.appraise_leaf(
        actor=world.appraiser,
        round_unit=entry,
        criterion=criterion(entry.round, "3.4.1"),
        points="1.5",
        note="Kế hoạch ban hành muộn",
        today=TODAY,
    )
    assert score.self_points == D(2) and score.appraised_points == D("1.5")
    assert Change.objects.filter(object_type="assessment.leafscore", object_id=str(score.pk), actor=world.appraiser)


def test_an_adjustment_needs_a_note_and_points_within_the_leaf(world, entry):
    fill_all(entry, world.officer)
    services.submit_round_unit(actor=world.leader, round_unit=entry, today=TODAY)
    target = criterion(entry.round, "3.4.1")
    with pytest.raises(ValidationError, match="ý kiến thẩm định"):
        services.appraise_leaf(actor=world.appraiser, round_unit=entry, criterion=target, points="1", today=TODAY)
    with pytest.raises(ValidationError, match="từ 0 đến 2"):
        services.appraise_leaf(
            actor=world.appraiser, round_unit=entry, criterion=target, points="3", note="x", today=TODAY
        )
    accepted = services.appraise_leaf(
        actor=world.appraiser, round_unit=entry, criterion=target, accept=True, today=TODAY
    )
    assert accepted.appraised_points == D(2)


def test_nobody_appraises_their_own_unit(world, entry):
    fill_all(entry, world.officer)
    services.submit_round_unit(actor=world.leader, round_unit=entry, today=TODAY)
    own_administrator = make_user("quantri.x01", unit=world.commune, role=Role.ADMINISTRATOR)
    with pytest.raises(PermissionDenied):
        services.appraise_leaf(
            actor=own_administrator,
            round_unit=entry,
            criterion=criterion(entry.round, "3.4.1"),
            accept=True,
            today=TODAY,
        )
    with pytest.raises(PermissionDenied):
        services.appraise_leaf(
            actor=world.officer, round_unit=entry, criterion=criterion(entry.round, "3.4.1"), accept=True, today=TODAY
        )


def test_a_unit_is_appraised_only_after_it_submits(world, entry):
    self_score(world.officer, entry)
    with pytest.raises(ValidationError, match="chưa gửi"):
        services.appraise_leaf(
            actor=world.appraiser,
            round_unit=entry,
            criterion=criterion(entry.round, "3.4.1"),
            accept=True,
            today=TODAY,
        )


def test_submitting_locks_the_officer_out(client, world, entry):
    fill_all(entry, world.officer)
    services.submit_round_unit(actor=world.leader, round_unit=entry, today=TODAY)
    before = scores_of(entry)
    with pytest.raises(PhaseClosed, match="đã gửi"):
        self_score(world.officer, entry, value="0")
    evidence = services.upload_evidence(actor=world.officer, unit=world.commune, upload=pdf_upload(), year=2026)
    with pytest.raises(PhaseClosed):
        services.link_evidence(
            actor=world.officer,
            round_unit=entry,
            criterion=criterion(entry.round, "3.4.1"),
            evidence=evidence,
            today=TODAY,
        )
    assert scores_of(entry) == before


def test_only_the_leader_submits_and_only_a_complete_self_assessment(world, entry):
    fill_all(entry, world.officer)
    with pytest.raises(PermissionDenied):
        services.submit_round_unit(actor=world.officer, round_unit=entry, today=TODAY)
    services.save_self_score(
        actor=world.officer, round_unit=entry, criterion=criterion(entry.round, "3.4.1"), declared="2", today=TODAY
    )
    with pytest.raises(ValidationError) as raised:
        services.submit_round_unit(actor=world.leader, round_unit=entry, today=TODAY)
    assert any("3.4.1" in message and "giải trình" in message for message in raised.value.messages)
    assert RoundUnit.objects.get(pk=entry.pk).state == RoundUnit.State.DRAFT


def test_evidence_stands_in_for_an_explanation(world, entry):
    fill_all(entry, world.officer)
    target = criterion(entry.round, "3.4.1")
    services.save_self_score(actor=world.officer, round_unit=entry, criterion=target, declared="2", today=TODAY)
    evidence = services.upload_evidence(actor=world.officer, unit=world.commune, upload=pdf_upload(), year=2026)
    services.link_evidence(actor=world.officer, round_unit=entry, criterion=target, evidence=evidence, today=TODAY)
    submitted = services.submit_round_unit(actor=world.leader, round_unit=entry, today=TODAY)
    assert submitted.state == RoundUnit.State.SUBMITTED and submitted.submitted_by == world.leader


def test_nobody_edits_a_closed_phase_not_even_the_administrator(world, entry):
    self_score(world.officer, entry)
    phase = Phase.objects.get(round=entry.round, kind=Phase.Kind.SELF_ASSESSMENT)
    services.close_phase(actor=world.admin, phase=phase)
    before = scores_of(entry)
    for person in (world.officer, world.admin):
        with pytest.raises(PhaseClosed, match="đã đóng"):
            self_score(person, entry, value="0")
    assert scores_of(entry) == before


def test_a_passed_deadline_locks_like_a_closed_phase(world, entry):
    with pytest.raises(PhaseClosed, match="hết hạn"):
        self_score(world.officer, entry, today=dt.date(2026, 12, 1))
    assert scores_of(entry) == []


def test_a_closed_appraisal_phase_refuses_the_appraiser(world, entry):
    fill_all(entry, world.officer)
    services.submit_round_unit(actor=world.leader, round_unit=entry, today=TODAY)
    services.close_phase(actor=world.admin, phase=Phase.objects.get(round=entry.round, kind=Phase.Kind.APPRAISAL))
    with pytest.raises(PhaseClosed):
        services.appraise_leaf(
            actor=world.appraiser,
            round_unit=entry,
            criterion=criterion(entry.round, "3.4.1"),
            accept=True,
            today=TODAY,
        )


def test_reopening_is_the_administrators_audited_act(client, world, entry):
    phase = Phase.objects.get(round=entry.round, kind=Phase.Kind.SELF_ASSESSMENT)
    services.close_phase(actor=world.admin, phase=phase)
    for person in (world.officer, world.leader, world.appraiser):
        with pytest.raises(PermissionDenied):
            services.reopen_phase(actor=person, phase=phase, reason="Sửa sai sót", today=TODAY)
    client.force_login(world.appraiser)
    response = client.post(
        reverse("assessment:phase_reopen", args=[entry.round.pk, phase.pk]), {"reason": "Sửa sai sót"}
    )
    assert response.status_code == 403
    assert Phase.objects.get(pk=phase.pk).closed
    with pytest.raises(ValidationError, match="lý do"):
        services.reopen_phase(actor=world.admin, phase=phase, reason=" ", today=TODAY)
    services.reopen_phase(actor=world.admin, phase=phase, reason="Đơn vị xin bổ sung", today=TODAY)
    reopened = Phase.objects.get(pk=phase.pk)
    assert not reopened.closed and reopened.reopened_by == world.admin
    change = Change.objects.get(object_type="assessment.phase", object_id=str(phase.pk), action="reopen")
    assert change.note == "Đơn vị xin bổ sung" and change.actor == world.admin
    assert self_score(world.officer, entry).self_points == D(1)


def test_a_submission_returned_by_the_administrator_can_be_edited_again(world, entry):
    fill_all(entry, world.officer)
    services.submit_round_unit(actor=world.leader, round_unit=entry, today=TODAY)
    with pytest.raises(PermissionDenied):
        services.reopen_round_unit(actor=world.leader, round_unit=entry, reason="Gửi nhầm")
    services.reopen_round_unit(actor=world.admin, round_unit=entry, reason="Gửi nhầm")
    assert self_score(world.officer, entry, value="0").self_points == D(0)


def test_a_survey_leaf_is_not_self_scored(world, entry):
    target = criterion(entry.round, "3.4.1")
    type(target).objects.filter(pk=target.pk).update(survey=True)
    target.refresh_from_db()
    with pytest.raises(ValidationError, match="điều tra xã hội học"):
        services.save_self_score(actor=world.officer, round_unit=entry, criterion=target, declared="1", today=TODAY)


def test_evidence_belongs_to_the_library_of_one_unit(world):
    evidence = services.upload_evidence(actor=world.officer, unit=world.commune, upload=pdf_upload(), year=2026)
    assert list(Evidence.objects.visible_to(world.other_officer)) == []
    assert list(Evidence.objects.visible_to(world.appraiser)) == [evidence]
    with pytest.raises(PermissionDenied):
        services.upload_evidence(actor=world.appraiser, unit=world.commune, upload=pdf_upload(), year=2026)
