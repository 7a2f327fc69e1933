"""Demo data: a year of monthly reported figures for every commune, with targets from the seeds
(documents sent electronically and digitally signed, staffing, public investment, citizens' feedback).

The twelve months end with the last complete month before `context.today`. Earlier months are
approved; the last one is partly approved, partly waiting for review, two returned, and a few
communes are late (no figure) for the last one or two months — including the walkthrough's commune,
so its focal officer has figures to enter.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from cchc.accounts.models import User
from cchc.core.demo import DemoContext
from cchc.measures.models import Measure, MeasureValue, Target
from cchc.measures.periods import Period, latest_complete, parse, year
from cchc.measures.readings import rate
from cchc.measures.reminders import deadline
from cchc.measures.services import sync_definitions
from cchc.organisation.models import Unit

FOCAL_POSITION = "Công chức Văn phòng – Thống kê"
ELECTRONIC = "docs.outgoing_electronic_rate"
SIGNED = "docs.digitally_signed_rate"
CIVIL_SERVANTS = "staff.civil_servants"
PUBLIC_EMPLOYEES = "staff.public_employees"
DISBURSED = "finance.public_investment_disbursed_rate"
FEEDBACK = "feedback.handled_on_time_rate"
STAFF_TARGET_PERIOD = "2023-01-01..2026-12-31"
Status = MeasureValue.Status


@dataclass
class _Profile:
    """How a commune reports: its size, diligence and progress on staffing cuts."""

    documents: int
    electronic: float
    signed: float
    civil_servants_2022: int
    public_employees_2022: int
    staff_cut: float
    capital: int
    disbursement: float


def _profile(rng: random.Random) -> _Profile:
    return _Profile(
        documents=rng.randint(35, 160),
        electronic=rng.uniform(0.82, 0.97),
        signed=rng.uniform(0.86, 0.985),
        civil_servants_2022=rng.randint(18, 26),
        public_employees_2022=rng.randint(28, 85),
        staff_cut=rng.uniform(0.0, 0.09),
        capital=rng.randint(150, 2400),
        disbursement=rng.uniform(0.62, 0.98),
    )


def load(context: DemoContext) -> None:
    sync_definitions()
    rng = context.random
    measures = {measure.code: measure for measure in Measure.objects.filter(source=Measure.Source.REPORTED)}
    last = latest_complete("month", context.today)
    months = [last]
    for _step in range(11):
        months.insert(0, months[0].previous())
    profiles = {commune.pk: _profile(rng) for commune in context.communes}
    late_last = {context.home_commune.pk, *(commune.pk for commune in rng.sample(context.communes[2:], 6))}
    late_both = set(rng.sample(sorted(late_last - {context.home_commune.pk}), 3))
    returned = {commune.pk for commune in rng.sample(context.communes[2:], 2)} - late_last
    reviewer = context.logins["provincial_focal"]
    values: list[MeasureValue] = []
    for commune in context.communes:
        profile = profiles[commune.pk]
        entered_by = context.officials.get((commune.pk, FOCAL_POSITION))
        for index, month in enumerate(months):
            is_last = month == last
            if (is_last and commune.pk in late_last) or (index == len(months) - 2 and commune.pk in late_both):
                continue
            status, note = _status(rng, is_last, commune.pk in returned)
            for code, figures in _figures(rng, profile, month, index / 11).items():
                values.append(_value(measures[code], commune, month, figures, status, note, entered_by, reviewer, rng))
    MeasureValue.objects.bulk_create(values, batch_size=1000)
    targets = _targets(context, measures, profiles, months)
    Target.objects.bulk_create(targets)
    context.log(
        f"Đã tạo {len(values)} số liệu báo cáo hằng tháng của {len(context.communes)} xã và {len(targets)} chỉ tiêu."
    )


def _status(rng: random.Random, is_last: bool, returned: bool) -> tuple[str, str]:
    if not is_last:
        return Status.APPROVED, ""
    if returned:
        return Status.RETURNED, "Tổng số văn bản đi chưa khớp sổ đăng ký văn bản; đề nghị kiểm tra lại."
    return (Status.APPROVED, "") if rng.random() < 0.3 else (Status.SUBMITTED, "")


def _figures(
    rng: random.Random, profile: _Profile, month: Period, progress: float
) -> dict[str, tuple[Decimal | None, Decimal | None, Decimal | None]]:
    """(numerator, denominator, value) per measure; document shares improve over the year."""
    documents = max(10, int(profile.documents * rng.uniform(0.75, 1.25)))
    electronic = min(
        documents, round(documents * min(0.995, profile.electronic + 0.04 * progress + rng.uniform(-0.03, 0.02)))
    )
    signed = min(
        documents, round(documents * min(0.998, profile.signed + 0.03 * progress + rng.uniform(-0.025, 0.015)))
    )
    # Disbursement runs behind plan early in the year and catches up towards December.
    seasonal = 0.8 + 0.2 * (month.start.month / 12)
    planned = max(50, int(profile.capital * rng.uniform(0.6, 1.4)))
    disbursed = min(planned, round(planned * min(1.0, profile.disbursement * seasonal + rng.uniform(-0.05, 0.08))))
    civil_servants = round(profile.civil_servants_2022 * (1 - profile.staff_cut * (0.6 + 0.4 * progress)))
    public_employees = round(profile.public_employees_2022 * (1 - 1.4 * profile.staff_cut * (0.6 + 0.4 * progress)))
    # Citizens' feedback is rare in a commune: some months none (0/0, no rate), sometimes one handled late.
    feedback = rng.choice([0, 0, 1, 1, 2, 2, 3, 4, 5])
    feedback_on_time = feedback - (1 if feedback and rng.random() < 0.12 else 0)
    result: dict[str, tuple[Decimal | None, Decimal | None, Decimal | None]] = {}
    for code, numerator, denominator in (
        (ELECTRONIC, electronic, documents),
        (SIGNED, signed, documents),
        (DISBURSED, disbursed, planned),
        (FEEDBACK, feedback_on_time, feedback),
    ):
        result[code] = (Decimal(numerator), Decimal(denominator), rate(numerator, denominator))
    result[CIVIL_SERVANTS] = (None, None, Decimal(civil_servants))
    result[PUBLIC_EMPLOYEES] = (None, None, Decimal(public_employees))
    return result


def _value(
    measure: Measure,
    commune: Unit,
    month: Period,
    figures: tuple[Decimal | None, Decimal | None, Decimal | None],
    status: str,
    review_note: str,
    entered_by: User | None,
    reviewer: User,
    rng: random.Random,
) -> MeasureValue:
    due = deadline(measure, month)
    entered_at = _moment(due - dt.timedelta(days=rng.randint(0, 4)), rng)
    reviewed = status in (Status.APPROVED, Status.RETURNED)
    numerator, denominator, value = figures
    return MeasureValue(
        measure=measure,
        unit=commune,
        period_key=month.key,
        period_start=month.start,
        period_end=month.end,
        numerator=numerator,
        denominator=denominator,
        value=value,
        status=status,
        note="",
        entered_by=entered_by,
        entered_at=entered_at,
        reviewed_by=reviewer if reviewed else None,
        reviewed_at=entered_at + dt.timedelta(days=rng.randint(1, 5)) if reviewed else None,
        review_note=review_note,
    )


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    now = timezone.now()
    moment = timezone.make_aware(dt.datetime(day.year, day.month, day.day, rng.randint(8, 16), rng.randint(0, 59)))
    return min(moment, now - dt.timedelta(hours=1))


def _targets(
    context: DemoContext, measures: dict[str, Measure], profiles: dict[int, _Profile], months: list[Period]
) -> list[Target]:
    province = context.province
    years = sorted({month.start.year for month in months})
    targets: list[Target] = []
    for number in years:
        key = year(number).key
        for code, comparator, goal, label in (
            (SIGNED, ">", 95, "trên 95% văn bản đi được ký số"),
            (ELECTRONIC, ">=", 90, "từ 90% văn bản đi được gửi dạng điện tử"),
            (DISBURSED, "=", 100, "giải ngân 100% kế hoạch vốn đầu tư công"),
            (FEEDBACK, "=", 100, "100% phản ánh, kiến nghị được xử lý đúng hạn"),
        ):
            targets.append(
                Target(
                    measure=measures[code],
                    unit=province,
                    applies_to_units_below=True,
                    comparator=comparator,
                    value=Decimal(goal),
                    period_key=key,
                    source_label=f"Kế hoạch CCHC năm {number} của UBND tỉnh: {label}",
                )
            )
    due = parse(STAFF_TARGET_PERIOD).end
    for code, cut, attribute in (
        (CIVIL_SERVANTS, Decimal("0.05"), "civil_servants_2022"),
        (PUBLIC_EMPLOYEES, Decimal("0.10"), "public_employees_2022"),
    ):
        total = 0
        for commune in context.communes:
            baseline = getattr(profiles[commune.pk], attribute)
            total += baseline
            targets.append(_staff_target(measures[code], commune, baseline, cut, due))
        targets.append(_staff_target(measures[code], province, total, cut, due))
    return targets


def _staff_target(measure: Measure, unit: Unit, baseline: int, cut: Decimal, due: dt.date) -> Target:
    goal = (Decimal(baseline) * (1 - cut)).quantize(Decimal(1), ROUND_HALF_UP)
    return Target(
        measure=measure,
        unit=unit,
        comparator="<=",
        value=goal,
        period_key=STAFF_TARGET_PERIOD,
        due_date=due,
        source_label=f"Giảm {int(cut * 100)}% so với năm 2022 (năm 2022: {baseline} người) đến hết năm 2026",
    )
