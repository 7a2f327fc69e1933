"""What the self-assessment and appraisal screens show, assembled with a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from cchc.assessment import phases
from cchc.assessment.criteria import Tree, load_tree, rows_for_display
from cchc.assessment.measure_inputs import MeasureInput, read_for_criteria
from cchc.assessment.models import Criterion, Evidence, EvidenceLink, EvidenceRequest, LeafScore, Phase, RoundUnit
from cchc.assessment.progress import LeafProgress, Progress, summarise
from cchc.assessment.scoring import ScoringError, describe, steps_of

Kind = Phase.Kind


@dataclass
class Row:
    """A line of the tree: an area or criterion (parent) or a leaf with everything the screen needs."""

    criterion: Criterion
    score: LeafScore | None = None
    links: list[EvidenceLink] = field(default_factory=list)
    requests: list[EvidenceRequest] = field(default_factory=list)
    measure: MeasureInput | None = None
    progress: LeafProgress | None = None

    @property
    def is_leaf(self) -> bool:
        return self.criterion.is_leaf

    @property
    def anchor(self) -> str:
        return f"leaf-{self.criterion.pk}"

    @property
    def rule_text(self) -> str:
        criterion = self.criterion
        return describe(criterion.rule_kind or "manual", criterion.params or {}, criterion.max_points)

    @property
    def steps(self) -> list[Decimal]:
        return list(steps_of(self.criterion.params or {})) if self.criterion.rule_kind in ("", "manual") else []

    @property
    def input_kind(self) -> str:
        return self.criterion.declared_input

    @property
    def declared_text(self) -> str:
        score = self.score
        if score is None or score.declared_number is None:
            return ""
        return f"{score.declared_number.normalize():f}"

    @property
    def preview_points(self) -> Decimal | None:
        """Points the measure's current value gives, shown before they are stored."""
        if self.measure is None or self.measure.value is None:
            return None
        try:
            return self.criterion.rule().evaluate(self.measure.value)
        except ScoringError:
            return None

    @property
    def open_requests(self) -> list[EvidenceRequest]:
        return [request for request in self.requests if request.status == EvidenceRequest.Status.OPEN]

    @property
    def adjusted(self) -> bool:
        score = self.score
        return (
            score is not None
            and score.appraised_counted is not None
            and score.self_points is not None
            and score.appraised_counted != score.self_points
        )


@dataclass
class Screen:
    round_unit: RoundUnit
    tree: Tree
    rows: list[Row]
    progress: Progress
    phases: list[Phase]
    library: list[Evidence]
    today: dt.date

    def phase(self, kind: str) -> Phase | None:
        return next((phase for phase in self.phases if phase.kind == kind), None)

    @property
    def self_phase(self) -> Phase | None:
        return self.phase(Kind.SELF_ASSESSMENT)

    def is_open(self, kind: str) -> bool:
        phase = self.phase(kind)
        return not self.round_unit.round.is_published and phase is not None and phase.is_open(self.today)

    @property
    def self_assessment_editable(self) -> bool:
        return self.is_open(Kind.SELF_ASSESSMENT) and not self.round_unit.is_submitted

    @property
    def leaves(self) -> list[Row]:
        return [row for row in self.rows if row.is_leaf]


def build(round_unit: RoundUnit, today: dt.date, *, with_measures: bool = True) -> Screen:
    round_ = round_unit.round
    tree = load_tree(round_.criteria_set)
    scores = {
        score.criterion_id: score
        for score in LeafScore.objects.filter(round_unit=round_unit).select_related("appraised_by", "second_by")
    }
    links: dict[int, list[EvidenceLink]] = defaultdict(list)
    for link in EvidenceLink.objects.filter(leaf_score__round_unit=round_unit).select_related("evidence"):
        links[link.leaf_score_id].append(link)
    requests: dict[int, list[EvidenceRequest]] = defaultdict(list)
    for request in EvidenceRequest.objects.filter(leaf_score__round_unit=round_unit).select_related("requested_by"):
        requests[request.leaf_score_id].append(request)
    measures = read_for_criteria(tree.leaves(), round_unit.unit, round_.year) if with_measures else {}
    rows: list[Row] = []
    for criterion in rows_for_display(tree):
        if not criterion.is_leaf:
            rows.append(Row(criterion))
            continue
        score = scores.get(criterion.pk)
        leaf_links = links.get(score.pk, []) if score else []
        rows.append(
            Row(
                criterion,
                score=score,
                links=leaf_links,
                requests=requests.get(score.pk, []) if score else [],
                measure=measures.get(criterion.measure_code or ""),
                progress=LeafProgress(criterion, score, len(leaf_links)),
            )
        )
    round_phases = list(Phase.objects.filter(round=round_).order_by("order"))
    round_._phases_by_kind = {phase.kind: phase for phase in round_phases}  # type: ignore[attr-defined]
    library = list(Evidence.objects.filter(unit=round_unit.unit).order_by("-year", "title"))
    progress = summarise([row.progress for row in rows if row.progress is not None])
    return Screen(round_unit, tree, rows, progress, round_phases, library, today)


def row_for(round_unit: RoundUnit, criterion: Criterion, today: dt.date) -> tuple[Row, Screen]:
    """One row after an inline save, with the screen it belongs to (for the progress figure)."""
    screen = build(round_unit, today, with_measures=False)
    row = next(row for row in screen.rows if row.criterion.pk == criterion.pk)
    if criterion.measure_code:
        row.measure = read_for_criteria([criterion], round_unit.unit, round_unit.round.year).get(criterion.measure_code)
    return row, screen


def current_phase_label(screen: Screen) -> str:
    """The open phases ("Tự đánh giá, Thẩm định" when they overlap), else the next one."""
    if screen.round_unit.round.is_published:
        return "Đã công bố"
    open_phases = [phase.get_kind_display() for phase in screen.phases if phase.is_open(screen.today)]
    if open_phases:
        return ", ".join(open_phases) + " (đang mở)"
    phase = phases.current_phase(screen.phases, screen.today)
    return f"{phase.get_kind_display()} ({phase.state_label(screen.today).lower()})" if phase else "Đã kết thúc"
