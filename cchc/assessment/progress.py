"""When a leaf of a self-assessment is done, and what still stops a unit from submitting.

A leaf is done when it is marked not applicable with a reason, or scored and backed by evidence, by an
explanation (giải trình) where evidence is missing, or by a measure value the system read itself.
Survey leaves are scored by the superior and do not count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cchc.assessment.models import Criterion, LeafScore


@dataclass(frozen=True)
class LeafProgress:
    criterion: Criterion
    score: LeafScore | None
    evidence_count: int

    @property
    def counts(self) -> bool:
        return self.criterion.is_leaf and not self.criterion.survey

    @property
    def problem(self) -> str:
        """Why the leaf is not done yet; empty when it is."""
        score = self.score
        if score is None:
            return "chưa chấm điểm"
        if score.not_applicable:
            if not score.self_explanation.strip() and not self.evidence_count:
                return "cần ghi lý do không áp dụng"
            return ""
        if score.self_points is None:
            return "chưa chấm điểm"
        backed = self.evidence_count or score.self_explanation.strip() or score.measure_value is not None
        return "" if backed else "thiếu minh chứng: cần gắn tài liệu kiểm chứng hoặc ghi giải trình"

    @property
    def done(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    problems: list[str]

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def complete(self) -> bool:
        return self.done == self.total


def leaf_progress(
    leaves: Sequence[Criterion], scores: Mapping[int, LeafScore], evidence_counts: Mapping[int, int]
) -> list[LeafProgress]:
    """Per leaf, with scores and evidence counts keyed by criterion id."""
    result = []
    for criterion in leaves:
        score = scores.get(criterion.pk)
        result.append(LeafProgress(criterion, score, evidence_counts.get(score.pk, 0) if score else 0))
    return result


def summarise(items: Sequence[LeafProgress]) -> Progress:
    counted = [item for item in items if item.counts]
    problems = [f"Tiêu chí {item.criterion.code}: {item.problem}" for item in counted if item.problem]
    return Progress(done=len(counted) - len(problems), total=len(counted), problems=problems)
