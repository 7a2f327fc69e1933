from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.accounts.models import Role
from cchc.assessment.models import Round
from cchc.plans.models import Plan
from cchc.remediation import services
from cchc.remediation.drafting import current_members, responsible_for
from cchc.remediation.models import RemediationItem, RemediationPlan
from cchc.remediation.targets import Target
from cchc.remediation.tests.conftest import SCORES, new_round, publish
from cchc.testing import make_user

D = Decimal


def test_the_draft_lists_the_lost_leaves_largest_loss_first_with_who_when_and_how(world, published):
    draft = services.draft_remediation(world.officer, published, world.commune)
    assert [task.code for task in draft.tasks] == ["7.3.4", "3.4.3", "3.4.4"]
    assert [task.points_lost for task in draft.tasks] == [D(1), D("0.5"), D("0.5")]
    assert [task.responsible for task in draft.tasks] == [world.officer, world.specialist, world.officer]
    assert [task.timeframe for task in draft.tasks] == [
        "Thường xuyên trong năm 2026",
        "Quý I/2026",
        "Thường xuyên trong năm 2026",
    ]
    assert draft.tasks[1].direction == "Khắc phục tiêu chí 3.4.3"
    # 7.3.4 has no hint of its own: a generic direction names it.
    assert "7.3.4" in draft.tasks[0].direction
    assert draft.year == 2026


def test_the_default_objective_is_one_rank_up_and_ties_share_the_current_rank(world, published):
    draft = services.draft_remediation(world.officer, published, world.commune)
    # X01 and X02 both have 80,00%: both are 3rd of 4; one rank up is 2nd, i.e. X04's 90,00%.
    assert (draft.current_rank, draft.target_rank, draft.ranked_count) == (3, 2, 4)
    assert draft.result.required_index == D("90.00")
    assert draft.result.points_needed == D("1.00")
    assert draft.result.leaves == [("7.3.4", D(1))]
    assert draft.objective == (
        "Chỉ số cải cách hành chính năm 2026 của Xã Hoàng Việt tăng ít nhất 01 bậc so với năm 2025 "
        "(từ thứ 03/04 lên thứ 02/04 trở lên)"
    )


def test_a_rank_target_is_written_as_rank_k_of_n_or_better(world, published):
    draft = services.draft_remediation(world.officer, published, world.commune, Target(rank=1))
    assert draft.target_rank == 1
    assert draft.objective.endswith("xếp thứ hạng từ 01/04 trở lên")
    assert draft.result.points_needed == D("1.50")


def test_the_responsible_official_is_the_member_holding_the_advising_position(world, published, culture_officer):
    members = current_members(world.commune)
    # «Tư pháp – Hộ tịch» matches «Công chức Tư pháp – Hộ tịch», also written with a hyphen.
    assert responsible_for("Tư pháp - Hộ tịch", members) == world.specialist
    assert responsible_for("Văn hóa – Xã hội", members) == culture_officer
    assert responsible_for("Chủ tịch", members) == world.leader
    assert responsible_for("Địa chính – Xây dựng", members) is None
    assert responsible_for("", members) is None
    exact = make_user("tuphap2.x01", unit=world.commune, role=Role.SPECIALIST, position="Tư pháp – Hộ tịch")
    assert responsible_for("Tư pháp – Hộ tịch", current_members(world.commune)) == exact
    # Officials of another commune are never picked.
    other = current_members(world.other_commune)
    assert responsible_for("Tư pháp – Hộ tịch", other) is None


def test_saving_the_draft_makes_a_remediation_plan_with_tasks_in_loss_order_linked_to_the_criteria(world, published):
    draft = services.draft_remediation(world.officer, published, world.commune)
    plan = services.save_draft(actor=world.officer, draft=draft)
    assert plan.kind == Plan.Kind.REMEDIATION and plan.is_draft and plan.unit == world.commune
    assert plan.year == 2026 and plan.with_decision
    assert plan.source_round_code == "CCHC-2025"
    assert plan.source_criteria == ["7.3.4", "3.4.3", "3.4.4"]
    tasks = list(plan.tasks.order_by("order"))
    assert [task.criterion_code for task in tasks] == ["7.3.4", "3.4.3", "3.4.4"]
    assert [task.responsible for task in tasks] == [world.officer, world.specialist, world.officer]
    assert tasks[1].deadline_text == "Quý I/2026"
    assert tasks[1].due_date is not None and tasks[1].due_date.isoformat() == "2026-03-31"
    assert tasks[0].title.startswith("Tiêu chí 7.3.4 – Tiêu chí 7.3.4 (bị trừ 1,00 điểm)")
    assert plan.objectives.order_by("order").first().text == draft.objective
    link = RemediationPlan.objects.get(plan=plan)
    assert link.round == published and link.target_kind == "rise" and link.target_rank == 2
    items = list(RemediationItem.objects.filter(remediation=link).order_by("order"))
    assert [(item.criterion.code, item.points_lost, item.task_id) for item in items] == [
        ("7.3.4", D(1), tasks[0].pk),
        ("3.4.3", D("0.5"), tasks[1].pk),
        ("3.4.4", D("0.5"), tasks[2].pk),
    ]
    assert plan.signer_name == world.leader.full_name


def test_the_preview_edits_change_responsible_time_frame_and_direction_and_may_leave_a_leaf_out(world, published):
    draft = services.draft_remediation(world.officer, published, world.commune)
    edits = {
        "7.3.4": services.TaskEdit(responsible_id=world.specialist.pk, timeframe="Quý II/2026", direction="Làm ngay"),
        "3.4.3": services.TaskEdit(clear_responsible=True),
        "3.4.4": services.TaskEdit(include=False),
    }
    plan = services.save_draft(actor=world.officer, draft=draft, edits=edits)
    tasks = list(plan.tasks.order_by("order"))
    assert [task.criterion_code for task in tasks] == ["7.3.4", "3.4.3"]
    assert (tasks[0].responsible, tasks[0].deadline_text) == (world.specialist, "Quý II/2026")
    assert tasks[0].remediation_item.direction == "Làm ngay"
    assert tasks[1].responsible is None


def test_an_edit_naming_an_official_of_another_commune_is_refused_and_nothing_is_saved(world, published):
    draft = services.draft_remediation(world.officer, published, world.commune)
    edits = {"7.3.4": services.TaskEdit(responsible_id=world.other_officer.pk, timeframe="")}
    with pytest.raises(ValidationError) as error:
        services.save_draft(actor=world.officer, draft=draft, edits=edits)
    assert "Tiêu chí 7.3.4: người phụ trách không phải cán bộ, công chức của Xã Hoàng Việt." in error.value.messages
    assert "Tiêu chí 7.3.4: chưa nhập thời gian thực hiện." in error.value.messages
    assert not Plan.objects.exists()


def test_a_unit_gets_one_remediation_plan_per_round(world, published):
    services.save_draft(actor=world.officer, draft=services.draft_remediation(world.officer, published, world.commune))
    with pytest.raises(ValidationError, match="đã có kế hoạch khắc phục"):
        services.save_draft(
            actor=world.leader, draft=services.draft_remediation(world.leader, published, world.commune)
        )
    assert Plan.objects.count() == 1


def test_not_applicable_leaves_are_neither_tasks_nor_in_the_maximum(world, communes, criteria_set):
    scores = {code: dict(values) for code, values in SCORES.items()}
    scores["X01"]["3.4.3"] = None
    round_ = publish(new_round(criteria_set, communes, "CCHC-NA", 2025), scores)
    draft = services.draft_remediation(world.officer, round_, world.commune)
    assert [task.code for task in draft.tasks] == ["7.3.4", "3.4.4"]
    # 7,5 of 9 applicable points.
    assert draft.current_index == D("83.33")


def test_drafting_needs_a_published_round(world, communes, criteria_set):
    round_ = new_round(criteria_set, communes, "CCHC-DANG", 2025)
    with pytest.raises(ValidationError, match="chưa công bố"):
        services.draft_remediation(world.officer, round_, world.commune)


def test_only_the_units_plan_managers_and_its_superiors_may_draft(world, published):
    with pytest.raises(PermissionDenied):
        services.draft_remediation(world.other_officer, published, world.commune)
    with pytest.raises(PermissionDenied):
        services.draft_remediation(world.specialist, published, world.commune)
    assert services.draft_remediation(world.leader, published, world.commune).tasks
    # The province's focal officer drafts for the commune; the plan belongs to the commune.
    plan = services.save_draft(
        actor=world.provincial_focal,
        draft=services.draft_remediation(world.provincial_focal, published, world.commune),
    )
    assert plan.unit == world.commune and plan.created_by == world.provincial_focal
    assert RemediationPlan.objects.get(plan=plan).created_by == world.provincial_focal


def test_the_superior_drafts_every_unit_at_once_in_a_background_job(world, published):
    from cchc.jobs.models import Job
    from cchc.jobs.runner import run_pending

    job = services.enqueue_draft_all(actor=world.provincial_focal, round_=published)
    assert run_pending() == 1
    job = Job.objects.get(pk=job.pk)
    assert job.status == Job.Status.SUCCEEDED, job.error
    plans = Plan.objects.filter(kind=Plan.Kind.REMEDIATION)
    assert sorted(plans.values_list("unit__code", flat=True)) == ["X01", "X02", "X03", "X04"]
    assert "4" in job.result["summary"]
    with pytest.raises(PermissionDenied):
        services.enqueue_draft_all(actor=world.officer, round_=published)
    assert services.can_draft_all(world.appraiser, published)
    assert not services.can_draft_all(world.leader, published)
    assert Round.objects.get(pk=published.pk).is_published
