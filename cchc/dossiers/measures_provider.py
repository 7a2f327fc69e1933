"""The dossier figures as named measures, for criteria (3.4.1, 3.4.3, 7.3.3, 7.3.4, 7.3.6, 7.3.7), plan
targets and scorecards. Each unit means its whole subtree; one grouped query serves all units asked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from cchc.core.formatting import number
from cchc.dossiers.kpi_math import KpiCounts, score_766
from cchc.dossiers.kpis import totals_per_unit
from cchc.dossiers.models import DossierSettings
from cchc.measures.periods import Period
from cchc.measures.readings import memo, rate
from cchc.measures.registry import MeasureDefinition, Reading, register
from cchc.organisation.models import Unit

PREFIX = "dossier."
PROCEDURES_AREA = 3
DIGITAL_AREA = 7
PERIOD_RULE = (
    " Hồ sơ tính vào kỳ theo ngày kết thúc xử lý (nếu trống: ngày trả kết quả) với số liệu giải quyết, "
    "theo ngày tiếp nhận với số liệu tiếp nhận; hồ sơ quá hạn tính tại ngày cuối kỳ (hoặc hôm nay nếu sớm hơn)."
)


@dataclass(frozen=True)
class RateMeasure:
    """A rate over counts of kpi_math: numerator counts over denominator counts."""

    key: str
    name: str
    definition: str
    numerator_label: str
    denominator_label: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    area: int
    order: int


RATES = [
    RateMeasure(
        "settled_on_time_rate",
        "Tỷ lệ hồ sơ TTHC giải quyết trước hạn, đúng hạn",
        "Số hồ sơ giải quyết trước hạn và đúng hạn chia cho số hồ sơ đã giải quyết trong kỳ. Hồ sơ đúng hạn khi "
        "ngày kết thúc xử lý trùng ngày hẹn trả, trước hạn khi sớm hơn, trễ hạn khi muộn hơn (so theo ngày, không "
        "theo giờ); hồ sơ có hơn một lần yêu cầu bổ sung tính là trễ hạn.",
        "Số hồ sơ giải quyết trước hạn, đúng hạn",
        "Số hồ sơ đã giải quyết",
        ("early", "on_time"),
        ("settled",),
        PROCEDURES_AREA,
        10,
    ),
    RateMeasure(
        "early_rate",
        "Tỷ lệ hồ sơ TTHC giải quyết trước hạn",
        "Số hồ sơ có ngày kết thúc xử lý trước ngày hẹn trả chia cho số hồ sơ đã giải quyết trong kỳ.",
        "Số hồ sơ giải quyết trước hạn",
        "Số hồ sơ đã giải quyết",
        ("early",),
        ("settled",),
        PROCEDURES_AREA,
        11,
    ),
    RateMeasure(
        "late_rate",
        "Tỷ lệ hồ sơ TTHC giải quyết trễ hạn",
        "Số hồ sơ giải quyết trễ hạn (kết thúc sau ngày hẹn trả, hoặc có hơn một lần yêu cầu bổ sung) chia cho "
        "số hồ sơ đã giải quyết trong kỳ.",
        "Số hồ sơ giải quyết trễ hạn",
        "Số hồ sơ đã giải quyết",
        ("late",),
        ("settled",),
        PROCEDURES_AREA,
        12,
    ),
    RateMeasure(
        "apologised_rate",
        "Tỷ lệ hồ sơ trễ hạn, quá hạn có văn bản xin lỗi",
        "Số hồ sơ trễ hạn (giải quyết trong kỳ) và quá hạn (chưa giải quyết, đã qua ngày hẹn trả tại cuối kỳ) có "
        "Phiếu xin lỗi và đề nghị gia hạn ban hành đến cuối kỳ, chia cho tổng số hồ sơ trễ hạn và quá hạn.",
        "Số hồ sơ trễ hạn, quá hạn có văn bản xin lỗi",
        "Số hồ sơ trễ hạn, quá hạn",
        ("apologised",),
        ("late", "overdue"),
        PROCEDURES_AREA,
        13,
    ),
    RateMeasure(
        "apologised_in_time_rate",
        "Tỷ lệ hồ sơ trễ hạn, quá hạn được xin lỗi đúng thời hạn",
        "Như tỷ lệ xin lỗi, chỉ tính văn bản xin lỗi ban hành trước ngày hẹn trả ít nhất một ngày làm việc (không "
        "tính thứ Bảy, Chủ nhật, ngày lễ, Tết, ngày nghỉ hoán đổi).",
        "Số hồ sơ được xin lỗi đúng thời hạn",
        "Số hồ sơ trễ hạn, quá hạn",
        ("apologised_in_time",),
        ("late", "overdue"),
        PROCEDURES_AREA,
        14,
    ),
    RateMeasure(
        "online_rate",
        "Tỷ lệ hồ sơ nộp trực tuyến",
        "Số hồ sơ tiếp nhận trong kỳ qua kênh trực tuyến (kênh 2) chia cho số hồ sơ tiếp nhận trong kỳ.",
        "Số hồ sơ tiếp nhận trực tuyến",
        "Số hồ sơ tiếp nhận",
        ("online",),
        ("received",),
        DIGITAL_AREA,
        20,
    ),
    RateMeasure(
        "online_full_rate",
        "Tỷ lệ hồ sơ trực tuyến toàn trình",
        "Số hồ sơ tiếp nhận trong kỳ qua kênh trực tuyến ở mức toàn trình chia cho số hồ sơ tiếp nhận trong kỳ.",
        "Số hồ sơ trực tuyến toàn trình",
        "Số hồ sơ tiếp nhận",
        ("online_full",),
        ("received",),
        DIGITAL_AREA,
        21,
    ),
    RateMeasure(
        "components_digitised_rate",
        "Tỷ lệ hồ sơ được số hóa thành phần hồ sơ",
        "Số hồ sơ tiếp nhận trong kỳ có thành phần hồ sơ được số hóa chia cho số hồ sơ tiếp nhận trong kỳ.",
        "Số hồ sơ số hóa thành phần",
        "Số hồ sơ tiếp nhận",
        ("components_digitised",),
        ("received",),
        DIGITAL_AREA,
        22,
    ),
    RateMeasure(
        "results_digitised_rate",
        "Tỷ lệ hồ sơ được số hóa kết quả giải quyết",
        "Số hồ sơ giải quyết trong kỳ có kết quả được số hóa chia cho số hồ sơ đã giải quyết trong kỳ.",
        "Số hồ sơ số hóa kết quả",
        "Số hồ sơ đã giải quyết",
        ("results_digitised",),
        ("settled",),
        DIGITAL_AREA,
        23,
    ),
    RateMeasure(
        "paid_online_rate",
        "Tỷ lệ hồ sơ thanh toán trực tuyến",
        "Số hồ sơ tiếp nhận trong kỳ có nghĩa vụ tài chính đã thanh toán trực tuyến chia cho số hồ sơ tiếp nhận "
        "trong kỳ có nghĩa vụ tài chính.",
        "Số hồ sơ thanh toán trực tuyến",
        "Số hồ sơ có nghĩa vụ tài chính",
        ("paid_online",),
        ("with_fee",),
        DIGITAL_AREA,
        24,
    ),
]
RATE_BY_CODE = {PREFIX + measure.key: measure for measure in RATES}
AVERAGE_DAYS = PREFIX + "average_processing_days"
OVERDUE = PREFIX + "overdue_count"
RECEIVED = PREFIX + "received_count"
SETTLED = PREFIX + "settled_count"
SCORE_PREFIX = PREFIX + "score_766."
SCORE_GROUPS = {
    "progress": ("Điểm tiến độ giải quyết hồ sơ (Quyết định 766)", 20),
    "online_service": ("Điểm cung cấp dịch vụ công trực tuyến (Quyết định 766)", 12),
    "online_payment": ("Điểm thanh toán trực tuyến (Quyết định 766)", 10),
    "digitisation": ("Điểm số hóa hồ sơ, kết quả (Quyết định 766)", 22),
    "total": ("Tổng điểm các nhóm tính từ hồ sơ (Quyết định 766)", None),
}


def _definitions() -> list[MeasureDefinition]:
    definitions = [
        MeasureDefinition(
            code=PREFIX + measure.key,
            name=measure.name,
            kind="percentage",
            aggregation="weighted_rate",
            source="dossiers",
            definition=measure.definition + PERIOD_RULE,
            numerator_label=measure.numerator_label,
            denominator_label=measure.denominator_label,
            reform_area=measure.area,
            order=measure.order,
        )
        for measure in RATES
    ]
    definitions += [
        MeasureDefinition(
            code=AVERAGE_DAYS,
            name="Thời gian giải quyết trung bình (ngày làm việc)",
            kind="days",
            aggregation="weighted_rate",
            source="dossiers",
            definition=(
                "Tổng số ngày làm việc từ ngày tiếp nhận đến ngày kết thúc xử lý của các hồ sơ giải quyết trong kỳ, "
                "chia cho số hồ sơ đó; hồ sơ giải quyết trong ngày tiếp nhận tính 0 ngày." + PERIOD_RULE
            ),
            numerator_label="Tổng số ngày làm việc",
            denominator_label="Số hồ sơ đã giải quyết",
            higher_is_better=False,
            reform_area=PROCEDURES_AREA,
            order=15,
        ),
        MeasureDefinition(
            code=OVERDUE,
            name="Số hồ sơ quá hạn chưa giải quyết",
            kind="count",
            aggregation="sum",
            source="dossiers",
            definition=(
                "Số hồ sơ đã tiếp nhận, chưa kết thúc xử lý và đã qua ngày hẹn trả, tính tại ngày cuối kỳ (hoặc hôm "
                "nay nếu kỳ chưa kết thúc); gồm cả hồ sơ tiếp nhận từ các kỳ trước."
            ),
            higher_is_better=False,
            reform_area=PROCEDURES_AREA,
            order=16,
        ),
        MeasureDefinition(
            code=RECEIVED,
            name="Số hồ sơ TTHC tiếp nhận",
            kind="count",
            aggregation="sum",
            source="dossiers",
            definition="Số hồ sơ có ngày tiếp nhận trong kỳ.",
            reform_area=PROCEDURES_AREA,
            order=17,
        ),
        MeasureDefinition(
            code=SETTLED,
            name="Số hồ sơ TTHC đã giải quyết",
            kind="count",
            aggregation="sum",
            source="dossiers",
            definition="Số hồ sơ có ngày kết thúc xử lý (nếu trống: ngày trả kết quả) trong kỳ.",
            reform_area=PROCEDURES_AREA,
            order=18,
        ),
    ]
    for position, (key, (name, maximum)) in enumerate(SCORE_GROUPS.items()):
        definitions.append(
            MeasureDefinition(
                code=SCORE_PREFIX + key,
                name=name,
                kind="index",
                aggregation="mean",
                source="dossiers",
                definition=(
                    (f"Điểm tối đa {maximum}. " if maximum else "")
                    + "Tính theo công thức cấu hình được (mặc định tái dựng từ Quyết định 766/QĐ-TTg năm 2022: điểm "
                    "tiến độ = 20 × tỷ lệ đúng hạn; trực tuyến đạt điểm tối đa ở 50%; số hóa đạt điểm tối đa ở 80%) "
                    "từ tổng số hồ sơ của đơn vị và các đơn vị cấp dưới, không lấy trung bình điểm của các đơn vị."
                ),
                reform_area=DIGITAL_AREA,
                order=30 + position,
            )
        )
    return definitions


def reading(code: str, counts: KpiCounts, formula: dict | None = None) -> Reading:  # type: ignore[type-arg]
    """A measure's reading from the counts of one unit's subtree."""
    if code in RATE_BY_CODE:
        measure = RATE_BY_CODE[code]
        numerator = sum(getattr(counts, name) for name in measure.numerator)
        denominator = sum(getattr(counts, name) for name in measure.denominator)
        detail = f"{number(numerator)}/{number(denominator)} hồ sơ"
        if not denominator and measure.key.startswith("apologised"):
            detail = "Không có hồ sơ trễ hạn, quá hạn trong kỳ."
        return Reading(rate(numerator, denominator), Decimal(numerator), Decimal(denominator), detail)
    if code == AVERAGE_DAYS:
        if not counts.settled:
            return Reading(None, Decimal(0), Decimal(0), "Chưa có hồ sơ giải quyết trong kỳ.")
        value = (Decimal(counts.processing_days_total) / counts.settled).quantize(Decimal("0.01"))
        return Reading(value, Decimal(counts.processing_days_total), Decimal(counts.settled))
    if code == OVERDUE:
        return Reading(Decimal(counts.overdue))
    if code == RECEIVED:
        return Reading(Decimal(counts.received))
    if code == SETTLED:
        return Reading(Decimal(counts.settled))
    if code.startswith(SCORE_PREFIX):
        scores = score_766(counts, formula)
        return Reading(scores.get(code.removeprefix(SCORE_PREFIX)))
    return Reading(None)


def provide(code: str, units: Sequence[Unit], period: Period, as_of: dt.date) -> dict[int, Reading]:
    # Every dossier measure is a ratio of the same counts: within a request they are counted once.
    key = ("dossiers.totals", tuple(unit.pk for unit in units), period.start, period.end, as_of)
    per_unit = memo(key, lambda: totals_per_unit(list(units), period.start, period.end, as_of))
    formula = DossierSettings.current().formula_766 if code.startswith(SCORE_PREFIX) else None
    return {unit.pk: reading(code, per_unit[unit.pk], formula) for unit in units}


register(_definitions(), provide)
