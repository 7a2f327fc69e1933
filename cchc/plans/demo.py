"""Demo plans: the province's annual reform plan cascaded to the hundred communes, their implementing
plans in various states (most issued on time, some late, some still drafts, some missing) with
progress spread so that units differ, and a remediation plan for the walkthrough's commune modelled on
seed 004. Everything is bulk-created (no per-row services or audit): it is fixture data.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from cchc.accounts.models import User
from cchc.core.demo import DemoContext
from cchc.organisation.models import Unit
from cchc.plans.deadlines import interpret_deadline
from cchc.plans.demo_data import (
    AREAS,
    COMMUNE_OWN_TASKS,
    FOCAL,
    PROVINCE_BUDGET,
    PROVINCE_IMPLEMENTATION,
    PROVINCE_LEGAL_BASES,
    PROVINCE_PURPOSE,
    PROVINCE_RECIPIENTS,
    REMEDIATION_IMPLEMENTATION,
    REMEDIATION_PURPOSE,
    DemoTask,
    province_tasks,
    remediation_tasks,
)
from cchc.plans.documents.official import to_roman
from cchc.plans.models import (
    DEFAULT_REMINDER_DAYS,
    Area,
    BudgetLine,
    Objective,
    Plan,
    ProgressUpdate,
    ReminderSettings,
    Report,
    Task,
    TaskAssignment,
    weighted_progress,
)
from cchc.plans.resolution import resolve_units
from cchc.plans.services import committee_name, lower_first

HUNDRED = Decimal(100)
Role = TaskAssignment.Role
NOTES_IN_PROGRESS = [
    "Đã ban hành văn bản triển khai; đang tổ chức thực hiện.",
    "Đã triển khai đến các bộ phận; đang tổng hợp kết quả.",
    "Đang thực hiện theo kế hoạch; đã có kết quả bước đầu.",
]
NOTES_DONE = [
    "Hoàn thành; đã báo cáo UBND tỉnh (qua Sở Nội vụ).",
    "Đã hoàn thành, có văn bản, tài liệu kiểm chứng kèm theo.",
    "Hoàn thành nhiệm vụ theo kế hoạch.",
]
CONTRIBUTIONS = [
    "Đã cử công chức phối hợp, cung cấp số liệu theo đề nghị của đơn vị chủ trì.",
    "Đã rà soát và gửi ý kiến góp ý bằng văn bản.",
]


@dataclass
class Simulated:
    progress: Decimal
    completed_on: dt.date | None
    updates: list[tuple[dt.date, Decimal, str]] = field(default_factory=list)


@dataclass
class _Builder:
    context: DemoContext
    rng: random.Random
    today: dt.date
    year: int
    updates: list[ProgressUpdate] = field(default_factory=list)

    # Progress ------------------------------------------------------------------------------------

    def simulate(self, due: dt.date | None, start: dt.date, diligence: float) -> Simulated:
        """A plausible history for a task started on `start` by a unit of the given diligence."""
        rng, today = self.rng, self.today
        if start >= today:
            return Simulated(Decimal(0), None)
        if due is not None and due <= today:
            if rng.random() < diligence:
                early = max(0, min(20, (due - start).days))
                if rng.random() < diligence:
                    done = due - dt.timedelta(days=rng.randint(0, early))
                else:
                    done = min(today, due + dt.timedelta(days=rng.randint(1, 30)))
                return self.history(start, max(done, start), HUNDRED, done=True)
            return self.history(start, today, Decimal(rng.choice([20, 30, 40, 50, 60, 70, 80])), done=False)
        year_end = dt.date(self.year, 12, 31)
        end = due or year_end
        span = max(1, (end - start).days)
        fraction = min(1.0, (today - start).days / span)
        if due is not None and diligence > 0.8 and rng.random() < 0.12:
            done = max(start, today - dt.timedelta(days=rng.randint(0, 30)))
            return self.history(start, done, HUNDRED, done=True)
        value = round(min(90.0, fraction * 100 * diligence * rng.uniform(0.7, 1.2)) / 10) * 10
        return self.history(start, today, Decimal(value), done=False)

    def history(self, start: dt.date, end: dt.date, final: Decimal, *, done: bool) -> Simulated:
        if final <= 0:
            return Simulated(Decimal(0), None)
        steps = 1 + (final >= 50) + done
        days = max(1, (end - start).days)
        dates = sorted({start + dt.timedelta(days=self.rng.randint(min(7, days), days)) for _ in range(steps - 1)})
        dates = [day for day in dates if day < end] + [end]
        percents = [final * (index + 1) / len(dates) for index in range(len(dates))]
        percents = [Decimal(round(value / 10) * 10) for value in percents[:-1]] + [final]
        updates = []
        for index, (day, percent) in enumerate(zip(dates, percents, strict=True)):
            last = index == len(dates) - 1
            note = self.rng.choice(NOTES_DONE if last and done else NOTES_IN_PROGRESS)
            updates.append((day, percent, note))
        return Simulated(final, end if done else None, updates)

    def record(self, task: Task, unit: Unit, simulated: Simulated, by: User | None) -> None:
        for day, percent, note in simulated.updates:
            self.updates.append(
                ProgressUpdate(task=task, unit=unit, reported_on=day, percent=percent, note=note, created_by=by)
            )


def _status(progress: Decimal, completed_on: dt.date | None) -> str:
    if completed_on is not None:
        return Task.Status.COMPLETED
    return Task.Status.IN_PROGRESS if progress > 0 else Task.Status.NOT_STARTED


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def _derive(task: Task, deadline: str, year: int) -> None:
    interpretation = interpret_deadline(deadline, year)
    task.deadline_text = deadline
    task.due_dates = [day.isoformat() for day in interpretation.due_dates]
    task.recurrence = interpretation.recurrence or ""
    task.due_date = interpretation.due_dates[-1] if interpretation.due_dates else None


def _short_position(position: str) -> str:
    return position.removeprefix("Công chức ").strip()


def load(context: DemoContext) -> None:
    today = context.today
    builder = _Builder(context, context.random, today, today.year)
    province_plan, province_tasks_by_index, assignments = _province_plan(builder)
    commune_plans = _commune_plans(builder, province_plan, province_tasks_by_index, assignments)
    _department_progress(builder, assignments)
    _contributions(builder, assignments, commune_plans)
    TaskAssignment.objects.bulk_update(
        [item for item in assignments.values() if item.task.plan_id == province_plan.pk],
        ["progress", "completed_on", "last_reported_on"],
        batch_size=500,
    )
    _finish_province_tasks(province_tasks_by_index, assignments)
    remediation = _remediation_plan(builder)
    ProgressUpdate.objects.bulk_create(builder.updates, batch_size=1000)
    reports = _reports(builder, commune_plans)
    if not ReminderSettings.objects.exists():
        ReminderSettings.objects.create(days_before=list(DEFAULT_REMINDER_DAYS), remind_overdue=True)
    issued = sum(1 for plan in commune_plans.values() if plan.status == Plan.Status.ISSUED)
    context.log(
        f"Đã tạo kế hoạch CCHC năm {builder.year} của tỉnh ({len(province_tasks_by_index)} nhiệm vụ), "
        f"{issued} kế hoạch cấp xã đã ban hành, {len(commune_plans) - issued} dự thảo, kế hoạch khắc phục "
        f"«{remediation.title[:40]}…», {len(builder.updates)} cập nhật tiến độ và {reports} báo cáo định kỳ."
    )


# The province's plan ------------------------------------------------------------------------------


def _province_plan(builder: _Builder) -> tuple[Plan, dict[int, Task], dict[tuple[int, int, str], TaskAssignment]]:
    context, year, today = builder.context, builder.year, builder.today
    province = context.province
    issued_on = min(dt.date(year, 1, 6), today)
    plan = Plan.objects.create(
        unit=province,
        kind=Plan.Kind.ANNUAL,
        status=Plan.Status.ISSUED,
        year=year,
        number="15",
        code_suffix="KH-UBND",
        place=province.place_name,
        document_date=issued_on,
        title=f"Cải cách hành chính {lower_first(province.name)} năm {year}",
        legal_bases="\n".join(PROVINCE_LEGAL_BASES),
        theme="Năm đẩy mạnh chuyển đổi số, nâng cao chất lượng phục vụ người dân và doanh nghiệp",
        purpose="\n".join(PROVINCE_PURPOSE),
        implementation="\n".join(PROVINCE_IMPLEMENTATION),
        closing="Yêu cầu các sở, ban, ngành, UBND các xã, phường, đặc khu nghiêm túc triển khai thực hiện./.",
        recipients=list(PROVINCE_RECIPIENTS),
        signer_name="Trần Minh Hải",
        signer_authority=Plan.Authority.DEPUTY,
        signer_position="Phó Chủ tịch",
        issue_by=dt.date(year, 1, 31),
        issued_at=_aware(issued_on),
        issued_by=context.logins["provincial_focal"],
        created_by=context.logins["provincial_focal"],
    )
    areas = Area.objects.bulk_create(
        [
            Area(plan=plan, order=index, numeral=to_roman(index), title=title, reform_area=reform_area)
            for index, (title, reform_area) in enumerate(AREAS, start=1)
        ]
    )
    _province_objectives(plan)
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(
                plan=plan,
                order=order,
                number=str(order),
                item=item,
                total=Decimal(total),
                own=Decimal(own),
                support=Decimal(support) if support else None,
            )
            for order, (item, total, own, support) in enumerate(PROVINCE_BUDGET, start=1)
        ]
    )
    definitions = province_tasks(year)
    tasks: list[Task] = []
    numbers: dict[int, int] = defaultdict(int)
    for order, definition in enumerate(definitions, start=1):
        numbers[definition.area] += 1
        task = Task(
            plan=plan,
            area=areas[definition.area],
            order=order,
            number=str(numbers[definition.area]),
            title=definition.title,
            output=definition.output,
            lead_text=definition.lead,
            coordinating_text=definition.coordinating,
            criterion_code=definition.criterion,
            weight=definition.weight,
        )
        _derive(task, definition.deadline, year)
        tasks.append(task)
    Task.objects.bulk_create(tasks)
    candidates = [*context.departments.values(), *context.communes]
    lead_rows, coordinating_rows = [], []
    assignments: dict[tuple[int, int, str], TaskAssignment] = {}
    for task, definition in zip(tasks, definitions, strict=True):
        leads = resolve_units(definition.lead, province, candidates) or [province]
        lead_ids = {unit.pk for unit in leads}
        coordinating = [
            unit for unit in resolve_units(definition.coordinating, province, candidates) if unit.pk not in lead_ids
        ]
        lead_rows += [Task.lead_units.through(task_id=task.pk, unit_id=unit.pk) for unit in leads if unit != province]
        coordinating_rows += [
            Task.coordinating_units.through(task_id=task.pk, unit_id=unit.pk) for unit in coordinating
        ]
        for unit in leads:
            assignments[(task.pk, unit.pk, Role.LEAD)] = TaskAssignment(task=task, unit=unit, role=Role.LEAD)
        for unit in coordinating:
            assignments[(task.pk, unit.pk, Role.COORDINATING)] = TaskAssignment(
                task=task, unit=unit, role=Role.COORDINATING
            )
    Task.lead_units.through.objects.bulk_create(lead_rows, batch_size=1000)
    Task.coordinating_units.through.objects.bulk_create(coordinating_rows, batch_size=1000)
    TaskAssignment.objects.bulk_create(list(assignments.values()), batch_size=1000)
    return plan, dict(enumerate(tasks)), assignments


def _province_objectives(plan: Plan) -> None:
    from cchc.measures.models import Measure

    wanted = {"plan.task_on_time_rate", "docs.digitally_signed_rate"}
    measures = {measure.code: measure for measure in Measure.objects.filter(code__in=wanted)}
    if "plan.task_on_time_rate" not in measures:
        try:
            from cchc.measures.services import sync_definitions

            sync_definitions()
            measures = {measure.code: measure for measure in Measure.objects.filter(code__in=wanted)}
        except ImportError:
            pass
    rows = [
        Objective(plan=plan, order=1, text="Chỉ số cải cách hành chính của tỉnh tăng ít nhất 02 bậc so với năm trước"),
        Objective(
            plan=plan,
            order=2,
            text="Tỷ lệ nhiệm vụ trong Kế hoạch CCHC hoàn thành đúng hạn đạt từ 95% trở lên",
            measure=measures.get("plan.task_on_time_rate"),
            comparator=">=" if "plan.task_on_time_rate" in measures else "",
            target_value=Decimal(95) if "plan.task_on_time_rate" in measures else None,
            target_date=dt.date(plan.year, 12, 31),
        ),
        Objective(
            plan=plan,
            order=3,
            text="Tỷ lệ văn bản đi được ký số đạt từ 95% trở lên",
            measure=measures.get("docs.digitally_signed_rate"),
            comparator=">=" if "docs.digitally_signed_rate" in measures else "",
            target_value=Decimal(95) if "docs.digitally_signed_rate" in measures else None,
        ),
        Objective(plan=plan, order=4, text="100% hồ sơ thủ tục hành chính trễ hạn có văn bản xin lỗi người dân"),
    ]
    Objective.objects.bulk_create(rows)


# The communes' implementing plans -----------------------------------------------------------------


def _commune_states(builder: _Builder) -> dict[int, str]:
    context = builder.context
    others = list(context.communes[2:])
    builder.rng.shuffle(others)
    states = {context.home_commune.pk: "on_time", context.other_commune.pk: "late"}
    counts = [("on_time", 62), ("late", 16), ("draft", 10)]
    position = 0
    for state, count in counts:
        for commune in others[position : position + count]:
            states[commune.pk] = state
        position += count
    for commune in others[position:]:
        states[commune.pk] = "none"
    return states


def _commune_plans(
    builder: _Builder,
    province_plan: Plan,
    province_tasks_by_index: dict[int, Task],
    assignments: dict[tuple[int, int, str], TaskAssignment],
) -> dict[int, Plan]:
    context, rng, year, today = builder.context, builder.rng, builder.year, builder.today
    states = _commune_states(builder)
    definitions = province_tasks(year)
    led_by_communes = [
        (index, definition) for index, definition in enumerate(definitions) if definition.lead.startswith("UBND các")
    ]
    own_tasks = [*COMMUNE_OWN_TASKS, _evidence_task(today)]
    plans: dict[int, Plan] = {}
    for commune in context.communes:
        state = states[commune.pk]
        if state == "none":
            continue
        late = state == "late"
        issued_on = min(dt.date(year, 2 if late else 1, rng.randint(2, 27) if late else rng.randint(8, 31)), today)
        focal = context.officials.get((commune.pk, FOCAL))
        chairman = context.officials.get((commune.pk, "Chủ tịch"))
        plans[commune.pk] = Plan(
            unit=commune,
            kind=Plan.Kind.ANNUAL,
            status=Plan.Status.DRAFT if state == "draft" else Plan.Status.ISSUED,
            year=year,
            number="" if state == "draft" else str(rng.randint(3, 60)),
            code_suffix="KH-UBND",
            place=commune.place_name,
            document_date=None if state == "draft" else issued_on,
            title=f"Cải cách hành chính năm {year} của {committee_name(commune)}",
            legal_bases=(
                f"Thực hiện Kế hoạch số {province_plan.code} ngày {province_plan.document_date:%d/%m/%Y} của "
                f"UBND tỉnh về {lower_first(province_plan.title)};"
            ),
            purpose="\n".join(PROVINCE_PURPOSE[:2]),
            implementation=(
                "Công chức Văn phòng – Thống kê theo dõi, đôn đốc, tổng hợp kết quả, tham mưu báo cáo UBND tỉnh "
                "(qua Sở Nội vụ) định kỳ quý, 6 tháng, 9 tháng và năm."
            ),
            recipients=["UBND tỉnh (qua Sở Nội vụ)", "TT Đảng ủy, TT HĐND xã", "Các bộ phận chuyên môn"],
            signer_name=chairman.full_name if chairman else "",
            signer_authority=Plan.Authority.ON_BEHALF,
            signer_position="Chủ tịch",
            superior_plan=province_plan,
            issued_at=None if state == "draft" else _aware(issued_on),
            issued_by=None if state == "draft" else focal,
            created_by=focal,
        )
    Plan.objects.bulk_create(list(plans.values()))
    area_rows: dict[tuple[int, int], Area] = {}
    for commune_id, plan in plans.items():
        used = sorted(
            {definition.area for _index, definition in led_by_communes} | {task.area for task in COMMUNE_OWN_TASKS}
        )
        for order, area_index in enumerate(used, start=1):
            area_rows[(commune_id, area_index)] = Area(
                plan=plan,
                order=order,
                numeral=to_roman(order),
                title=AREAS[area_index][0],
                reform_area=AREAS[area_index][1],
            )
    Area.objects.bulk_create(list(area_rows.values()))
    tasks: list[Task] = []
    simulated: dict[int, Simulated] = {}
    for commune in context.communes:
        if commune.pk not in plans:
            continue
        plan = plans[commune.pk]
        diligence = 0.72 if commune == context.home_commune else rng.uniform(0.4, 0.98)
        if states[commune.pk] == "late":
            diligence *= 0.8
        numbers: dict[int, int] = defaultdict(int)
        items: list[tuple[DemoTask, Task | None]] = [
            (definition, province_tasks_by_index[index]) for index, definition in led_by_communes
        ]
        items += [(definition, None) for definition in own_tasks]
        items.sort(key=lambda item: item[0].area)
        for definition, source in items:
            numbers[definition.area] += 1
            task = Task(
                plan=plan,
                area=area_rows[(commune.pk, definition.area)],
                order=len(tasks) + 1,
                number=str(numbers[definition.area]),
                title=definition.title if source is None else source.title,
                output=definition.output,
                lead_text=_short_position(definition.position) if source is not None else definition.lead,
                coordinating_text=definition.coordinating if source is None else "",
                criterion_code=definition.criterion,
                weight=definition.weight,
                assigned_from=source,
                responsible=context.officials.get((commune.pk, definition.position)),
            )
            _derive(task, definition.deadline, builder.year)
            if plan.status == Plan.Status.ISSUED and plan.document_date is not None:
                if definition.criterion == "1.1" and source is not None:
                    outcome = builder.history(plan.document_date, plan.document_date, HUNDRED, done=True)
                else:
                    outcome = builder.simulate(task.due_date, plan.document_date, diligence)
                task.progress, task.completed_on = outcome.progress, outcome.completed_on
                task.status = _status(outcome.progress, outcome.completed_on)
                simulated[id(task)] = outcome
            tasks.append(task)
    Task.objects.bulk_create(tasks, batch_size=1000)
    internal: list[TaskAssignment] = []
    for task in tasks:
        if id(task) not in simulated:
            continue
        outcome = simulated[id(task)]
        commune_unit = task.plan.unit
        last = outcome.updates[-1][0] if outcome.updates else None
        internal.append(
            TaskAssignment(
                task=task,
                unit=commune_unit,
                role=Role.LEAD,
                progress=outcome.progress,
                completed_on=outcome.completed_on,
                last_reported_on=last,
            )
        )
        builder.record(task, commune_unit, outcome, task.responsible)
        if task.assigned_from_id is not None:
            superior = assignments[(task.assigned_from_id, commune_unit.pk, Role.LEAD)]
            superior.progress = weighted_progress([(task.weight, outcome.progress)])
            superior.completed_on = outcome.completed_on
            superior.last_reported_on = last
    TaskAssignment.objects.bulk_create(internal, batch_size=1000)
    return plans


def _evidence_task(today: dt.date) -> DemoTask:
    """A task due in the coming days, so that the walkthrough's home card and reminders have something."""
    due = today + dt.timedelta(days=min(3, 6 - today.weekday()))
    return DemoTask(
        0,
        f"Tổng hợp tài liệu kiểm chứng phục vụ tự đánh giá, chấm điểm Chỉ số CCHC năm {today.year}",
        "Hồ sơ tài liệu kiểm chứng",
        "Văn phòng – Thống kê",
        "Các bộ phận chuyên môn",
        f"Trước ngày {due:%d/%m}",
        "1.4",
    )


def _department_progress(builder: _Builder, assignments: dict[tuple[int, int, str], TaskAssignment]) -> None:
    departments = {unit.pk for unit in builder.context.departments.values()}
    start = min(dt.date(builder.year, 1, 6), builder.today)
    for assignment in assignments.values():
        if assignment.role != Role.LEAD or assignment.unit_id not in departments:
            continue
        outcome = builder.simulate(assignment.task.due_date, start, builder.rng.uniform(0.75, 0.98))
        assignment.progress, assignment.completed_on = outcome.progress, outcome.completed_on
        assignment.last_reported_on = outcome.updates[-1][0] if outcome.updates else None
        builder.record(assignment.task, assignment.unit, outcome, None)


def _contributions(
    builder: _Builder, assignments: dict[tuple[int, int, str], TaskAssignment], commune_plans: dict[int, Plan]
) -> None:
    for assignment in assignments.values():
        plan = commune_plans.get(assignment.unit_id)
        if assignment.role != Role.COORDINATING or plan is None or plan.status != Plan.Status.ISSUED:
            continue
        due = assignment.task.due_date
        if due is None or due > builder.today or builder.rng.random() > 0.4:
            continue
        builder.updates.append(
            ProgressUpdate(
                task=assignment.task,
                unit=assignment.unit,
                kind=ProgressUpdate.Kind.CONTRIBUTION,
                reported_on=due - dt.timedelta(days=builder.rng.randint(0, 10)),
                note=builder.rng.choice(CONTRIBUTIONS),
                created_by=builder.context.officials.get((assignment.unit_id, FOCAL)),
            )
        )


def _finish_province_tasks(tasks: dict[int, Task], assignments: dict[tuple[int, int, str], TaskAssignment]) -> None:
    leads: dict[int, list[TaskAssignment]] = defaultdict(list)
    for assignment in assignments.values():
        if assignment.role == Role.LEAD:
            leads[assignment.task.pk].append(assignment)
    for task in tasks.values():
        items = leads[task.pk]
        task.progress = weighted_progress([(1, item.progress) for item in items])
        done = bool(items) and all(item.completed_on for item in items)
        task.completed_on = max(item.completed_on for item in items if item.completed_on) if done else None
        task.status = _status(task.progress, task.completed_on)
    Task.objects.bulk_update(list(tasks.values()), ["progress", "completed_on", "status"])


# Remediation plan (seed 004) -------------------------------------------------------------------------


def _remediation_plan(builder: _Builder) -> Plan:
    context, year = builder.context, builder.year
    commune = context.home_commune
    decided_on = dt.date(year - 1, 12, 26)
    chairman = context.officials.get((commune.pk, "Chủ tịch"))
    focal = context.officials.get((commune.pk, FOCAL))
    definitions = remediation_tasks(year)
    plan = Plan.objects.create(
        unit=commune,
        kind=Plan.Kind.REMEDIATION,
        status=Plan.Status.ISSUED,
        year=year,
        code_suffix="KH-UBND",
        place=commune.place_name,
        document_date=decided_on,
        title=(
            f"Khắc phục, cải thiện và nâng cao Chỉ số cải cách hành chính (PAR INDEX) năm {year} của "
            f"{committee_name(commune)}"
        ),
        legal_bases=(
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/02/2025;\n"
            f"Căn cứ Quyết định của Chủ tịch UBND tỉnh phê duyệt và công bố Chỉ số cải cách hành chính năm {year - 1} "
            "của UBND các xã, phường, đặc khu;"
        ),
        purpose="\n".join(REMEDIATION_PURPOSE),
        implementation="\n".join(REMEDIATION_IMPLEMENTATION),
        closing="UBND xã yêu cầu toàn thể cán bộ, công chức nghiêm túc triển khai thực hiện Kế hoạch này./.",
        recipients=["UBND tỉnh (qua Sở Nội vụ)", "TT Đảng ủy, TT HĐND xã", "CT, PCT UBND xã", "Công chức xã"],
        signer_name=chairman.full_name if chairman else "",
        signer_authority=Plan.Authority.DIRECT,
        signer_position="Chủ tịch",
        with_decision=True,
        decision_number="215",
        decision_code_suffix="QĐ-UBND",
        decision_date=decided_on,
        source_round_code=f"CCHC-{year - 1}",
        source_criteria=sorted({definition.criterion for definition in definitions}),
        issued_at=_aware(decided_on),
        issued_by=focal,
        created_by=focal,
    )
    Objective.objects.bulk_create(
        [
            Objective(
                plan=plan, order=1, text="Chỉ số CCHC của xã tăng ít nhất 01 bậc, xếp trong nhóm 20 đơn vị dẫn đầu"
            ),
            Objective(plan=plan, order=2, text="Xếp mức «Hoàn thành tốt nhiệm vụ» trở lên"),
        ]
    )
    used = sorted({definition.area for definition in definitions})
    areas = {
        index: Area(plan=plan, order=order, numeral=to_roman(order), title=AREAS[index][0], reform_area=AREAS[index][1])
        for order, index in enumerate(used, start=1)
    }
    Area.objects.bulk_create(list(areas.values()))
    tasks, outcomes = [], []
    numbers: dict[int, int] = defaultdict(int)
    start = dt.date(year, 1, 2)
    for order, definition in enumerate(definitions, start=1):
        numbers[definition.area] += 1
        task = Task(
            plan=plan,
            area=areas[definition.area],
            order=order,
            number=str(numbers[definition.area]),
            title=f"Tiêu chí {definition.criterion} – {definition.title}",
            output="Báo cáo kết quả khắc phục, tài liệu kiểm chứng",
            lead_text=_short_position(definition.position),
            coordinating_text=_short_position(definition.coordinating),
            criterion_code=definition.criterion,
            responsible=context.officials.get((commune.pk, definition.position)),
        )
        _derive(task, definition.deadline, year)
        outcome = builder.simulate(task.due_date, min(start, builder.today), 0.7)
        task.progress, task.completed_on = outcome.progress, outcome.completed_on
        task.status = _status(outcome.progress, outcome.completed_on)
        tasks.append(task)
        outcomes.append(outcome)
    Task.objects.bulk_create(tasks)
    TaskAssignment.objects.bulk_create(
        [
            TaskAssignment(
                task=task,
                unit=commune,
                role=Role.LEAD,
                progress=outcome.progress,
                completed_on=outcome.completed_on,
                last_reported_on=outcome.updates[-1][0] if outcome.updates else None,
            )
            for task, outcome in zip(tasks, outcomes, strict=True)
        ]
    )
    for task, outcome in zip(tasks, outcomes, strict=True):
        builder.record(task, commune, outcome, task.responsible)
    return plan


# Periodic reports ------------------------------------------------------------------------------------


def _reports(builder: _Builder, commune_plans: dict[int, Plan]) -> int:
    from cchc.measures.periods import latest_complete

    context, rng, today = builder.context, builder.rng, builder.today
    periods = [latest_complete("quarter", today)]
    for _step in range(2):
        periods.append(periods[-1].previous())
    rows = []
    for age, period in enumerate(periods):
        if period.start.year != builder.year:
            continue
        for commune_id, plan in commune_plans.items():
            if plan.status != Plan.Status.ISSUED:
                continue
            if commune_id == context.home_commune.pk and age == 0:
                continue  # the walkthrough's focal officer still has the last quarter to report
            if rng.random() > 0.7 + 0.1 * age:
                continue
            sent_on = min(today, period.end + dt.timedelta(days=rng.randint(1, 20)))
            rows.append(
                Report(
                    unit=plan.unit,
                    plan=plan,
                    period_key=period.key,
                    period_kind=period.kind,
                    status=Report.Status.SENT,
                    number=f"{rng.randint(10, 250)}/BC-UBND",
                    sent_on=sent_on,
                    sent_by=context.officials.get((commune_id, FOCAL)),
                )
            )
    Report.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
