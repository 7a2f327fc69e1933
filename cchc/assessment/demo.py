"""Demo data: the commune sample criteria set, two published years for the 100 communes (so rank changes
show), and this year's round in self-assessment with the home commune partly filled."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from cchc.assessment import framework_io, services
from cchc.assessment.models import CriteriaSet, Criterion, EvidenceLink, LeafScore, Phase, Round, RoundUnit
from cchc.assessment.scoring import ScoringError, steps_of, to_decimal
from cchc.core.demo import DemoContext

COMMUNE_SAMPLE = "MAU-XA-2024"
QUARTER = Decimal("0.25")
# Leaves a commune may reasonably declare not applicable (no late dossiers to apologise for, no houses).
SOMETIMES_NOT_APPLICABLE = {"3.4.3", "6.2.3"}


def load(context: DemoContext) -> None:
    today = context.today
    rng = random.Random(context.seed + 3)
    samples = {data.code: data for data in framework_io.load_samples()}
    for data in samples.values():
        services.import_criteria_set(actor=services.COMMAND_LINE, data=data)
    quality = {unit.pk: rng.uniform(0.72, 0.97) for unit in context.communes}
    previous: Round | None = None
    for year in (today.year - 2, today.year - 1):
        criteria_set = _criteria_set_for(samples[COMMUNE_SAMPLE], year)
        previous = _published_round(context, criteria_set, year, previous, quality, rng)
    criteria_set = _criteria_set_for(samples[COMMUNE_SAMPLE], today.year)
    _current_round(context, criteria_set, previous, quality, rng)
    context.log(f"  Chỉ số CCHC: bộ tiêu chí mẫu, 2 năm đã công bố và đợt {today.year} đang tự đánh giá.")


def _criteria_set_for(sample: framework_io.CriteriaSet, year: int) -> CriteriaSet:
    """The sample where it covers the year; else a copy of it for that year, still labelled a sample."""
    if sample.applies_to_year(year):
        data = sample
    else:
        data = dataclasses.replace(
            sample,
            code=f"MAU-XA-{year}",
            name=f"Mẫu – Bộ tiêu chí xác định Chỉ số cải cách hành chính cấp xã năm {year}",
            year_from=year,
            year_to=year,
        )
    stored, _created = services.import_criteria_set(actor=services.COMMAND_LINE, data=data)
    return stored


def _round(context: DemoContext, criteria_set: CriteriaSet, year: int, previous: Round | None) -> Round:
    return services.create_round(
        actor=services.COMMAND_LINE,
        code=f"CCHC-XA-{year}",
        name=f"Chỉ số cải cách hành chính năm {year} của UBND các xã, phường, đặc khu",
        criteria_set=criteria_set,
        year=year,
        units=context.communes,
        previous=previous,
        organiser=context.province,
        today=dt.date(year, 11, 1),
    )


def _set_calendar(round_: Round, self_opens: dt.date, self_closes: dt.date, appraisal_opens: dt.date) -> None:
    appraisal_closes = self_closes + dt.timedelta(days=45)
    dates: dict[str, tuple[dt.date | None, dt.date | None]] = {
        Phase.Kind.SELF_ASSESSMENT: (self_opens, self_closes),
        Phase.Kind.APPRAISAL: (appraisal_opens, appraisal_closes),
        Phase.Kind.SURVEY_POINTS: (self_closes + dt.timedelta(days=1), appraisal_closes),
        Phase.Kind.FINAL: (appraisal_closes + dt.timedelta(days=1), appraisal_closes + dt.timedelta(days=15)),
        Phase.Kind.PUBLISHED: (appraisal_closes + dt.timedelta(days=16), None),
    }
    phases = list(Phase.objects.filter(round=round_))
    for phase in phases:
        phase.opens_on, phase.closes_on = dates.get(phase.kind, (phase.opens_on, phase.closes_on))
    Phase.objects.bulk_update(phases, ["opens_on", "closes_on"])


def _leaves(criteria_set: CriteriaSet) -> list[Criterion]:
    return list(Criterion.objects.filter(criteria_set=criteria_set, is_leaf=True).order_by("order"))


def _declaration(criterion: Criterion, quality: float, rng: random.Random) -> Decimal | bool:
    """A plausible declaration for a commune of the given quality (0–1)."""
    rule = criterion.rule()
    kind, params, maximum = rule.kind, rule.params, criterion.max_points
    if rule.declared_input == "boolean":
        chance = 0.2 * quality if kind == "bonus" else quality + 0.05
        return rng.random() < chance
    if rule.declared_input == "count":
        if kind == "bonus":
            return Decimal(rng.choice([0, 0, 0, 1, 1, 2]))
        return Decimal(0 if rng.random() < quality else rng.choice([1, 1, 2, 3]))
    if rule.declared_input == "rate":
        tiers = params.get("tiers") or []
        full = max((to_decimal(tier["min_rate"]) for tier in tiers), default=to_decimal(params.get("full_at", 100)))
        rate = float(full) * (0.62 + 0.45 * quality + rng.gauss(0, 0.07))
        return Decimal(str(round(min(100.0, max(0.0, rate)), 2)))
    steps = list(steps_of(params))
    target = float(maximum) * min(1.0, max(0.0, quality + rng.gauss(0, 0.12)))
    if steps:
        return min(steps, key=lambda step: abs(float(step) - target))
    return (Decimal(str(target)) / QUARTER).quantize(Decimal(1), rounding=ROUND_HALF_UP) * QUARTER


def _habit(unit_id: int, criterion: Criterion) -> random.Random:
    """The same draws for a commune and a criterion every year: its strengths and weaknesses persist, so ranks
    move by a few places a year rather than at random."""
    return random.Random(f"{unit_id}:{criterion.code}")


def _score(criterion: Criterion, quality: float, rng: random.Random) -> LeafScore:
    if criterion.code in SOMETIMES_NOT_APPLICABLE and rng.random() < 0.08:
        return LeafScore(criterion=criterion, not_applicable=True, self_explanation="Trong năm không phát sinh.")
    declared = _declaration(criterion, quality, rng)
    try:
        points = criterion.rule().evaluate(declared)
    except ScoringError:
        points = Decimal(0)
    return LeafScore(
        criterion=criterion,
        declared_boolean=declared if isinstance(declared, bool) else None,
        declared_number=None if isinstance(declared, bool) else declared,
        self_points=points,
        self_explanation="" if rng.random() < 0.7 else "Có báo cáo, văn bản kèm theo hồ sơ tự đánh giá.",
        status=LeafScore.Status.SELF_SCORED,
    )


def _appraise(score: LeafScore, rng: random.Random) -> None:
    """Most self scores are accepted; some are cut for missing or weak evidence."""
    if score.not_applicable or score.self_points is None:
        score.status = LeafScore.Status.APPRAISED
        return
    if score.self_points > 0 and rng.random() < 0.1:
        cut = (score.self_points * Decimal(str(rng.uniform(0.4, 0.85))) / QUARTER).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        ) * QUARTER
        score.appraised_points = max(score.criterion.minimum_points, min(cut, score.self_points))
        score.appraisal_note = rng.choice(
            [
                "Minh chứng chưa đầy đủ, chưa thể hiện kết quả thực hiện.",
                "Văn bản ban hành sau thời hạn quy định.",
                "Số liệu chưa khớp với Hệ thống thông tin giải quyết TTHC.",
            ]
        )
    else:
        score.appraised_points = score.self_points
    score.status = LeafScore.Status.APPRAISED


@transaction.atomic
def _published_round(
    context: DemoContext,
    criteria_set: CriteriaSet,
    year: int,
    previous: Round | None,
    quality: dict[int, float],
    rng: random.Random,
) -> Round:
    round_ = _round(context, criteria_set, year, previous)
    _set_calendar(round_, dt.date(year, 11, 1), dt.date(year, 11, 30), dt.date(year, 12, 1))
    leaves = _leaves(criteria_set)
    entries = list(RoundUnit.objects.filter(round=round_))
    submitted_at = timezone.make_aware(dt.datetime(year, 11, 28, 9, 0))
    scores: list[LeafScore] = []
    for entry in entries:
        unit_quality = min(0.99, max(0.5, quality[entry.unit_id] + rng.gauss(0, 0.015)))
        for criterion in leaves:
            habit = _habit(entry.unit_id, criterion)
            score = _score(criterion, unit_quality, habit)
            score.round_unit = entry
            _appraise(score, habit)
            scores.append(score)
        entry.state, entry.submitted_at = RoundUnit.State.APPRAISED, submitted_at
    LeafScore.objects.bulk_create(scores, batch_size=2000)
    RoundUnit.objects.bulk_update(entries, ["state", "submitted_at"])
    published = services.publish_round(actor=services.COMMAND_LINE, round_=round_)
    Round.objects.filter(pk=published.pk).update(published_at=timezone.make_aware(dt.datetime(year + 1, 1, 20, 8)))
    published.refresh_from_db()
    return published


@transaction.atomic
def _current_round(
    context: DemoContext,
    criteria_set: CriteriaSet,
    previous: Round | None,
    quality: dict[int, float],
    rng: random.Random,
) -> Round:
    today = context.today
    round_ = _round(context, criteria_set, today.year, previous)
    self_opens = min(dt.date(today.year, 11, 1), today - dt.timedelta(days=14))
    self_closes = max(dt.date(today.year, 11, 30), today + dt.timedelta(days=7))
    # Appraisal overlaps self-assessment: the appraiser starts on units as soon as they submit.
    _set_calendar(round_, self_opens, self_closes, self_opens)
    leaves = [leaf for leaf in _leaves(criteria_set) if not leaf.survey]
    home = context.home_commune
    entries = list(RoundUnit.objects.filter(round=round_).exclude(unit=home).order_by("unit__code"))
    submitted_at = timezone.now() - dt.timedelta(days=2)
    scores: list[LeafScore] = []
    for position, entry in enumerate(entries):
        share = position / len(entries)
        if share >= 0.7:
            continue  # not started yet
        filled = leaves if share < 0.45 else leaves[: int(len(leaves) * rng.uniform(0.3, 0.8))]
        for criterion in filled:
            score = _score(criterion, quality[entry.unit_id], _habit(entry.unit_id, criterion))
            score.round_unit = entry
            if not score.self_explanation:
                score.self_explanation = "Đã thực hiện, có văn bản kèm theo."
            if share < 0.1:
                _appraise(score, rng)
            scores.append(score)
        if share < 0.45:
            entry.state, entry.submitted_at = RoundUnit.State.SUBMITTED, submitted_at
    LeafScore.objects.bulk_create(scores, batch_size=2000)
    RoundUnit.objects.bulk_update(entries, ["state", "submitted_at"])
    _home_commune(context, round_, previous, leaves, quality, rng)
    return round_


def _pdf(title: str) -> SimpleUploadedFile:
    content = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(f"{title}.pdf", content, content_type="application/pdf")


def _home_commune(
    context: DemoContext,
    round_: Round,
    previous: Round | None,
    leaves: list[Criterion],
    quality: dict[int, float],
    rng: random.Random,
) -> None:
    """The walkthrough's commune: a third of the leaves declared, evidence from last year and this year."""
    home = context.home_commune
    officer = context.logins["focal"]
    year = round_.year
    documents = {
        "plan": services.upload_evidence(
            actor=officer, unit=home, upload=_pdf("ke-hoach-cchc"), title=f"Kế hoạch CCHC năm {year}", year=year
        ),
        "report": services.upload_evidence(
            actor=officer,
            unit=home,
            upload=_pdf("bao-cao-cchc"),
            title=f"Báo cáo CCHC năm {year - 1}",
            year=year - 1,
        ),
        "legal": services.upload_evidence(
            actor=officer,
            unit=home,
            upload=_pdf("ngay-phap-luat"),
            title="Báo cáo hưởng ứng Ngày Pháp luật",
            year=year,
        ),
        "listing": services.upload_evidence(
            actor=officer,
            unit=home,
            upload=_pdf("niem-yet-tthc"),
            title="Ảnh chụp niêm yết TTHC tại Bộ phận Một cửa",
            year=year - 1,
        ),
    }
    if previous is not None:
        # Last year's self-assessment used the same report and listing: the library keeps them for reuse.
        old_entry = RoundUnit.objects.get(round=previous, unit=home)
        old_scores = LeafScore.objects.filter(round_unit=old_entry, criterion__code__in=["1.2", "3.2.1"])
        EvidenceLink.objects.bulk_create(
            [
                EvidenceLink(
                    evidence=documents["report" if score.criterion.code == "1.2" else "listing"], leaf_score=score
                )
                for score in old_scores.select_related("criterion")
            ]
        )
    entry = RoundUnit.objects.select_related("round", "unit").get(round=round_, unit=home)
    evidence_for = {"1.1.1": "plan", "1.2": "report", "2.3.2": "legal", "3.2.1": "listing"}
    chosen = [leaf for leaf in leaves if not leaf.measure_code][:24]
    today = context.today
    for position, criterion in enumerate(chosen):
        declared: Any = _declaration(criterion, quality[home.pk], rng)
        explanation = ""
        if criterion.code not in evidence_for and position % 3 == 0:
            explanation = "Đã triển khai; văn bản đang được lưu tại Văn phòng – Thống kê, sẽ bổ sung minh chứng."
        services.save_self_score(
            actor=officer,
            round_unit=entry,
            criterion=criterion,
            declared=declared,
            explanation=explanation,
            today=today,
        )
        if criterion.code in evidence_for:
            services.link_evidence(
                actor=officer,
                round_unit=entry,
                criterion=criterion,
                evidence=documents[evidence_for[criterion.code]],
                today=today,
            )
    apology = next((leaf for leaf in leaves if leaf.code == "3.4.3"), None)
    if apology is not None:
        services.save_self_score(
            actor=officer,
            round_unit=entry,
            criterion=apology,
            not_applicable=True,
            explanation="Trong năm không có hồ sơ trễ hạn nên không phát sinh văn bản xin lỗi.",
            today=today,
        )
