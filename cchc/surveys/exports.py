"""Excel exports: the answers (in the wide layout `import-responses` reads back) and the results.

The answers export has the answers and the unit, nothing else: no time, no flag, nothing that could
single out a person at a quiet desk. Excluded answers are left out, as they are from the results.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from cchc.surveys.arithmetic import GroupResult, compute_results
from cchc.surveys.models import Response, RoundUnit, SurveyRound
from cchc.surveys.questionnaire import RespondentAttribute, localised
from cchc.surveys.responses_io import wide_headers, wide_row
from cchc.surveys.results import UNIT, attribute_label, load_responses, overview

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, str) and value.startswith("="):
        # A free-text answer that starts with "=" must stay text, never become a formula.
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _sheet(workbook: Workbook, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A sheet in a write-only workbook: streaming keeps tens of thousands of answers fast."""
    sheet = workbook.create_sheet(title[:31])
    widths = [len(str(header)) for header in headers]
    for row in rows:
        for index, value in enumerate(list(row)[: len(widths)]):
            widths[index] = max(widths[index], min(50, len(str(value if value is not None else ""))))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width + 2
    sheet.freeze_panes = "A2"
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])


def _bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _new_workbook() -> Workbook:
    return Workbook(write_only=True)


def answers_workbook(survey_round: SurveyRound, round_units: Sequence[RoundUnit]) -> bytes:
    definition = survey_round.definition()
    channel_labels = dict(Response.Channel.choices)
    units = {round_unit.pk: round_unit.unit for round_unit in round_units}
    rows = []
    queryset = (
        Response.objects.included()
        .filter(round_unit__in=list(round_units))
        .order_by("round_unit__unit__path", "pk")
        .values_list("pk", "round_unit_id", "channel", "sheet_reference", "answers")
    )
    for pk, round_unit_id, channel, reference, answers in queryset.iterator(chunk_size=2000):
        unit = units[round_unit_id]
        rows.append(wide_row(definition, reference or f"P{pk}", unit.code, unit.name, channel_labels[channel], answers))
    workbook = _new_workbook()
    _sheet(workbook, "Phiếu trả lời", wide_headers(definition), rows)
    questions = [
        [question.code, localised(question.text), question.kind.value, question.factor or ""]
        for question in definition.questions()
    ]
    _sheet(workbook, "Câu hỏi", ["Mã câu hỏi", "Nội dung", "Loại", "Yếu tố"], questions)
    return _bytes(workbook)


def _factor_cells(result: GroupResult | None, factor_codes: Sequence[str]) -> list[Any]:
    if result is None:
        return [None] * len(factor_codes)
    return [result.factors[code].percentage if code in result.factors else None for code in factor_codes]


def _option_label(options: Mapping[str, Mapping[str, str]], option: str) -> str:
    return localised(options[option]) if option in options else "Không trả lời"


def _group_cells(result: GroupResult) -> list[Any]:
    return [result.responses, result.index, result.margin_of_error]


def results_workbook(survey_round: SurveyRound, round_units: Sequence[RoundUnit]) -> bytes:
    data = overview(survey_round, round_units)
    definition = data.definition
    factor_codes = [factor.code for factor in definition.factors]
    factor_names = [f"{factor.code} – {localised(factor.name)} (%)" for factor in definition.factors]
    workbook = _new_workbook()
    unit_rows = []
    for row in data.rows:
        unit_rows.append(
            [
                row.unit.code,
                row.unit.name,
                row.responses,
                row.round_unit.sample_target,
                *_factor_cells(row.result, factor_codes),
                row.result.index if row.result else None,
                row.result.margin_of_error if row.result else None,
                row.round_unit.satisfaction_target,
                row.previous_index,
                row.comparison.summary,
            ]
        )
    if data.overall is not None and len(data.rows) > 1:
        unit_rows.append(
            [
                "",
                "Chung",
                data.responses,
                data.sample_target or None,
                *_factor_cells(data.overall, factor_codes),
                data.overall.index,
                data.overall.margin_of_error,
                "",
                data.previous_overall,
                "",
            ]
        )
    _sheet(
        workbook,
        "Theo đơn vị",
        [
            "Mã đơn vị",
            "Tên đơn vị",
            "Số phiếu",
            "Số phiếu cần thu",
            *factor_names,
            "Chỉ số hài lòng (%)",
            "Biên sai số ±(điểm %)",
            "Chỉ tiêu",
            "Kỳ trước (%)",
            "Nhận xét",
        ],
        unit_rows,
    )
    criteria_rows = []
    if data.overall is not None:
        for question in definition.criteria():
            criterion = data.overall.criteria[question.code]
            criteria_rows.append(
                [
                    question.code,
                    question.criterion_label(),
                    question.factor or "",
                    criterion.answered,
                    criterion.satisfied,
                    criterion.percentage,
                    criterion.margin_of_error,
                    *[criterion.distribution[level] for level in range(1, 6)],
                ]
            )
    _sheet(
        workbook,
        "Theo tiêu chí",
        [
            "Mã câu hỏi",
            "Tiêu chí",
            "Yếu tố",
            "Số trả lời",
            "Số hài lòng",
            "Tỷ lệ hài lòng (%)",
            "Biên sai số ±(điểm %)",
            *[f"Mức {level}" for level in range(1, 6)],
        ],
        criteria_rows,
    )
    group_rows = []
    responses = load_responses(round_units)
    by_pk = {str(round_unit.pk): round_unit.unit for round_unit in round_units}
    for attribute in (RespondentAttribute.FIELD_USED, RespondentAttribute.SEX, RespondentAttribute.AGE_BAND):
        grouping = definition.respondent_question(attribute)
        if grouping is None:
            continue
        options = grouping.option_labels()
        name = attribute_label(attribute)
        if len(round_units) > 1:
            for (option,), result in compute_results(responses, definition, [attribute]).items():
                group_rows.append(["", "Chung", name, _option_label(options, option), *_group_cells(result)])
        # Per unit only by field: that is where the targets are ("land and construction > 85%").
        if attribute is RespondentAttribute.FIELD_USED:
            for (unit_key, option), result in compute_results(responses, definition, [UNIT, attribute]).items():
                unit = by_pk[unit_key]
                group_rows.append([unit.code, unit.name, name, _option_label(options, option), *_group_cells(result)])
    _sheet(
        workbook,
        "Theo nhóm",
        ["Mã đơn vị", "Tên đơn vị", "Nhóm", "Giá trị", "Số phiếu", "Chỉ số hài lòng (%)", "Biên sai số ±(điểm %)"],
        group_rows,
    )
    return _bytes(workbook)
