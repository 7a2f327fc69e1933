"""Header facts of an official document: number and code, place and date, issuing body, title."""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from cchc.plans.documents.drafts import PlanMetadata

NUMBER_LINE = re.compile(r"^số\s*:?\s*(?P<number>\d+[a-z]?)?\s*/\s*(?P<suffix>[A-ZĐ]+(?:-[A-ZĐ0-9]+)*)", re.IGNORECASE)
DATE_LINE = re.compile(
    r"^(?P<place>[^\d,]{2,80}?),\s*ngày\s*(?P<day>\d{1,2})?\s*tháng\s*(?P<month>\d{1,2})?\s*năm\s*(?P<year>\d{4})",
    re.IGNORECASE,
)
SEPARATOR = re.compile(r"^[\s\-_–—=.*]*$")
GENERIC_BODIES = {"ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN", "UBND", "HỘI ĐỒNG NHÂN DÂN", "HĐND"}
TITLE_YEAR = re.compile(r"\bnăm\s+(\d{4})\b", re.IGNORECASE)
TYPE_WORDS = ("KẾ HOẠCH",)


@dataclass
class Paragraph:
    text: str
    centered: bool = False


@dataclass
class HeaderCell:
    """The lines of one cell of a table found before the title (the two-column header)."""

    lines: list[str]


def read_metadata(paragraphs: list[Paragraph], header_cells: list[HeaderCell]) -> PlanMetadata:
    """``paragraphs`` in body order; ``header_cells`` from tables before the plan's title."""
    metadata = PlanMetadata()
    title_index = _title_index(paragraphs)
    before_title = paragraphs if title_index is None else paragraphs[:title_index]
    candidate_blocks = [cell.lines for cell in header_cells] + [_lines(before_title)]
    for lines in candidate_blocks:
        _read_number(lines, metadata)
        _read_date(lines, metadata)
        if "issuing_body" not in metadata:
            _read_issuing_body(lines, metadata)
    if title_index is not None:
        _read_title(paragraphs, title_index, metadata)
    return metadata


def plan_year(metadata: PlanMetadata) -> int | None:
    """The year the plan is for: named in its title (plans for 2024 are often issued in December
    2023), else the year of its date line."""
    title_years = {int(year) for year in TITLE_YEAR.findall(metadata.get("title", ""))}
    if title_years:
        return min(title_years)
    return metadata.get("year")


def _title_index(paragraphs: list[Paragraph]) -> int | None:
    for index, paragraph in enumerate(paragraphs):
        first_line = _nfc(paragraph.text).strip().split("\n")[0].strip().upper()
        if first_line in TYPE_WORDS:
            return index
    return None


def _read_title(paragraphs: list[Paragraph], title_index: int, metadata: PlanMetadata) -> None:
    title_lines = [line.strip() for line in paragraphs[title_index].text.split("\n")[1:] if line.strip()]
    for paragraph in paragraphs[title_index + 1 :]:
        text = paragraph.text.strip()
        if not text or SEPARATOR.match(text):
            if title_lines:
                break
            continue
        if text.startswith("("):
            if text.lower().startswith("(kèm theo"):
                metadata["attachment_note"] = text
            break
        if title_lines and not paragraph.centered:
            break
        title_lines.append(text.replace("\n", " "))
    if title_lines:
        metadata["title"] = " ".join(title_lines)


def _read_number(lines: list[str], metadata: PlanMetadata) -> None:
    if "code" in metadata or "document_type" in metadata:
        return
    for line in lines:
        if match := NUMBER_LINE.match(line.strip()):
            suffix = match["suffix"].upper()
            metadata["document_type"] = suffix.split("-")[0]
            if match["number"]:
                metadata["number"] = match["number"]
                metadata["code"] = f"{match['number']}/{suffix}"
            return


def _read_date(lines: list[str], metadata: PlanMetadata) -> None:
    if "year" in metadata:
        return
    for line in lines:
        match = DATE_LINE.match(line.strip())
        if match is None:
            continue
        metadata["place"] = match["place"].strip()
        metadata["year"] = int(match["year"])
        if match["day"] and match["month"]:
            with contextlib.suppress(ValueError):  # "ngày 30 tháng 02": keep the year, drop the date
                metadata["date"] = date(int(match["year"]), int(match["month"]), int(match["day"]))
        return


def _read_issuing_body(lines: list[str], metadata: PlanMetadata) -> None:
    if not any(NUMBER_LINE.match(line.strip()) for line in lines):
        return
    body_lines: list[str] = []
    for raw_line in lines:
        line = raw_line.strip()
        if NUMBER_LINE.match(line) or line.upper().startswith("CỘNG HÒA") or line.upper().startswith("CỘNG HOÀ"):
            break
        if SEPARATOR.match(line) or line != line.upper():
            continue
        body_lines.append(line)
    if not body_lines:
        return
    if len(body_lines) == 1 or (len(body_lines) == 2 and body_lines[0] in GENERIC_BODIES):
        metadata["issuing_body"] = " ".join(body_lines)
    else:
        metadata["superior_body"] = body_lines[0]
        metadata["issuing_body"] = " ".join(body_lines[1:])


def _lines(paragraphs: list[Paragraph]) -> list[str]:
    return [line for paragraph in paragraphs for line in paragraph.text.split("\n")]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
