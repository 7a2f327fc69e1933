"""Reported measures shipped as data (cchc/measures/data/reported.json), beside the computed ones that
capabilities register in code. A province adds or changes reported measures by editing that file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cchc.measures.registry import MeasureDefinition

DATA_FILE = Path(__file__).resolve().parent / "data" / "reported.json"


@dataclass(frozen=True)
class ReportedDefinition(MeasureDefinition):
    """A measure entered by units each period rather than computed."""

    reporting_level: str = "commune"
    reporting_day: int = 5


@cache
def reported_definitions() -> list[ReportedDefinition]:
    with DATA_FILE.open(encoding="utf-8") as handle:
        rows = json.load(handle)
    return [ReportedDefinition(source="reported", **row) for row in rows]


# The eight areas of the PAR Index (decision 876/QĐ-BNV), used to order measures and scorecards.
REFORM_AREAS: dict[int, str] = {
    1: "Công tác chỉ đạo, điều hành cải cách hành chính",
    2: "Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật",
    3: "Cải cách thủ tục hành chính",
    4: "Cải cách tổ chức bộ máy hành chính",
    5: "Cải cách chế độ công vụ",
    6: "Cải cách tài chính công",
    7: "Xây dựng và phát triển chính quyền điện tử, chính quyền số",
    8: "Tác động của cải cách hành chính",
}
OTHER_AREA = "Chỉ số khác"


def area_name(number: int | None) -> str:
    if number is None or number not in REFORM_AREAS:
        return OTHER_AREA
    return f"{number}. {REFORM_AREAS[number]}"


def area_sort_key(number: int | None) -> int:
    return number if number is not None else 99
