"""Criteria sets between the database and their data form (framework_io): the tree, files, comparison."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from cchc.assessment import framework_io
from cchc.assessment.framework_io import FrameworkImportError
from cchc.assessment.models import CriteriaSet, Criterion
from cchc.assessment.ranking import CriterionNode, code_sort_key

FORMATS = {".xlsx": "xlsx", ".json": "json"}


@dataclass
class Tree:
    """A criteria set's rows and the same tree as ranking nodes, built from one query."""

    criteria: list[Criterion]
    roots: list[CriterionNode]

    def by_code(self) -> dict[str, Criterion]:
        return {criterion.code: criterion for criterion in self.criteria}

    def leaves(self) -> list[Criterion]:
        return [criterion for criterion in self.criteria if criterion.is_leaf]

    def areas(self) -> list[Criterion]:
        return [criterion for criterion in self.criteria if criterion.parent_id is None]


def load_tree(criteria_set: CriteriaSet) -> Tree:
    criteria = list(Criterion.objects.filter(criteria_set=criteria_set).order_by("order"))
    return Tree(criteria=criteria, roots=nodes_of(criteria))


def nodes_of(criteria: Sequence[Criterion]) -> list[CriterionNode]:
    nodes: dict[int, CriterionNode] = {}
    roots: list[CriterionNode] = []
    for criterion in sorted(criteria, key=lambda item: item.order):
        node = CriterionNode(
            code=criterion.code,
            title=criterion.title,
            max_points=criterion.max_points,
            rule_kind=criterion.rule_kind or None,
            params=dict(criterion.params or {}),
            evidence_required=criterion.evidence_required,
            advising_position=criterion.advising_position,
            remediation_hint=criterion.remediation_hint,
            timeframe=criterion.timeframe,
            effort=criterion.effort,
            survey=criterion.survey,
        )
        nodes[criterion.pk] = node
        if criterion.parent_id is None:
            roots.append(node)
        else:
            nodes[criterion.parent_id].children.append(node)
    return roots


def to_data(criteria_set: CriteriaSet, tree: Tree | None = None) -> framework_io.CriteriaSet:
    """The stored set as framework_io data, ready for export or comparison."""
    tree = tree or load_tree(criteria_set)
    return framework_io.CriteriaSet(
        code=criteria_set.code,
        name=criteria_set.name,
        year_from=criteria_set.year_from,
        year_to=criteria_set.year_to,
        unit_kinds=list(criteria_set.unit_kinds or []),
        decision=criteria_set.decision,
        is_sample=criteria_set.is_sample,
        total_points=criteria_set.total_points,
        nodes=tree.roots,
    )


def same_content(first: framework_io.CriteriaSet, second: framework_io.CriteriaSet) -> bool:
    return framework_io.criteria_set_to_dict(first) == framework_io.criteria_set_to_dict(second)


def format_of(filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    if suffix not in FORMATS:
        raise FrameworkImportError([f"Tệp «{filename}» phải có đuôi .xlsx hoặc .json"])
    return FORMATS[suffix]


def parse(content: bytes, filename: str) -> framework_io.CriteriaSet:
    """A criteria set from an uploaded or given file; FrameworkImportError lists every problem by row."""
    if format_of(filename) == "json":
        return framework_io.criteria_set_from_json(content)
    return framework_io.read_excel(io.BytesIO(content))


def export(criteria_set: CriteriaSet, file_format: str) -> bytes:
    data = to_data(criteria_set)
    if file_format == "json":
        return framework_io.criteria_set_to_json(data).encode("utf-8")
    return framework_io.excel_bytes(data)


def rows_for_display(tree: Tree) -> list[Criterion]:
    """Criteria in tree order (parents before children, codes in natural order within a parent)."""
    children: dict[int | None, list[Criterion]] = {}
    for criterion in tree.criteria:
        children.setdefault(criterion.parent_id, []).append(criterion)
    ordered: list[Criterion] = []

    def visit(parent: int | None) -> None:
        for criterion in sorted(children.get(parent, []), key=lambda item: (item.order, code_sort_key(item.code))):
            ordered.append(criterion)
            visit(criterion.pk)

    visit(None)
    return ordered
