"""The decision approving and publishing a round's results (QĐ phê duyệt và công bố), as an official .docx.

The layout blocks (decree 30/2020 header, title, signature, "Nơi nhận") come from cchc.plans.documents;
this module writes the decision's text and its appendix: the ranking of every unit.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from cchc.accounts.models import Membership
from cchc.assessment.exports import rank_change_text
from cchc.assessment.models import Round
from cchc.assessment.results import RoundResults
from cchc.core.formatting import number
from cchc.organisation.models import Unit
from cchc.plans.documents.inputs import DecisionDocument, DocumentHeader, Signer
from cchc.plans.documents.official import (
    PORTRAIT_BODY_WIDTH_MM,
    TABLE_TEXT_STYLE,
    add_appendix_heading,
    add_body_paragraph,
    add_header_block,
    add_paragraph,
    add_recipients_and_signature,
    add_section,
    add_title_block,
    keep_row_on_one_page,
    new_document,
    new_table,
    repeat_as_header,
    short_date,
    write_cell,
)

APPENDIX_COLUMNS = ("TT", "Đơn vị", "Điểm đạt", "Điểm tối đa", "Chỉ số (%)", "Xếp hạng", "Tăng/giảm", "Xếp loại")
APPENDIX_WIDTHS_MM = (10.0, 47.0, 16.0, 16.0, 17.0, 16.0, 21.0, 22.0)  # sum: the portrait body width, 165 mm
CENTRE = WD_ALIGN_PARAGRAPH.CENTER
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT


@dataclass
class DecisionOptions:
    """What the person drafting the decision may change before downloading it."""

    number: str = ""
    date: dt.date | None = None
    signer_name: str = ""
    deputy: bool = False
    legal_bases: list[str] = field(default_factory=list)
    proposal: str = ""


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def committee_name(unit: Unit) -> str:
    """ "Ủy ban nhân dân tỉnh Hòa Sơn" for an administrative unit, its own name otherwise."""
    if unit.kind.is_administrative:
        return f"Ủy ban nhân dân {_lower_first(unit.name)}"
    return unit.name


def participants_label(round_: Round) -> str:
    """ "Ủy ban nhân dân các xã, phường, đặc khu" from the kinds of the participating units."""
    kinds: list[str] = []
    administrative = True
    for round_unit in round_.round_units.select_related("unit__kind").order_by("unit__kind__order"):
        kind = round_unit.unit.kind
        administrative = administrative and kind.is_administrative
        name = _lower_first(kind.name)
        if name not in kinds:
            kinds.append(name)
    if administrative and kinds:
        return f"Ủy ban nhân dân các {', '.join(kinds)}"
    return "các cơ quan, đơn vị"


def default_options(round_: Round, today: dt.date) -> DecisionOptions:
    organiser = round_.organiser
    chairman = (
        Membership.objects.current().filter(unit=organiser, position__name="Chủ tịch").select_related("user").first()
    )
    bases = ["Căn cứ Luật Tổ chức chính quyền địa phương;"]
    criteria_set = round_.criteria_set
    if criteria_set.decision and not criteria_set.is_sample:
        bases.append(f"Căn cứ {_lower_first(criteria_set.decision.rstrip(';.'))};")
    level = organiser.kind.level
    proposal = {
        "province": "Theo đề nghị của Giám đốc Sở Nội vụ.",
        "district": "Theo đề nghị của Trưởng phòng Nội vụ.",
        "commune": "Theo đề nghị của công chức Văn phòng – Thống kê.",
    }.get(level, "Theo đề nghị của cơ quan thường trực cải cách hành chính.")
    return DecisionOptions(
        date=today,
        signer_name=chairman.user.display_name if chairman else "",
        legal_bases=bases,
        proposal=proposal,
    )


def decision_document(results: RoundResults, options: DecisionOptions) -> DecisionDocument:
    round_ = results.round
    organiser = round_.organiser
    body = committee_name(organiser)
    participants = participants_label(round_)
    count = len(results.results)
    signer = (
        Signer(options.signer_name, "PHÓ CHỦ TỊCH", deputy_for="CHỦ TỊCH")
        if options.deputy
        else Signer(options.signer_name, "CHỦ TỊCH")
    )
    organiser_word = _lower_first(organiser.kind.name)
    return DecisionDocument(
        header=DocumentHeader(
            issuing_body=body,
            place=organiser.place_name or organiser.name,
            type_code="QĐ",
            body_code="UBND",
            number=options.number,
            date=options.date,
            year=(options.date.year if options.date else round_.year + 1),
        ),
        subject=f"Phê duyệt và công bố Chỉ số cải cách hành chính năm {round_.year} của {participants}",
        signer=signer,
        authority=f"CHỦ TỊCH {body.upper()}",
        legal_bases=list(options.legal_bases),
        proposal=options.proposal,
        articles=[
            f"Phê duyệt và công bố Chỉ số cải cách hành chính năm {round_.year} của {count:02d} {participants} "
            "(chi tiết tại Phụ lục kèm theo).",
            f"Căn cứ kết quả Chỉ số cải cách hành chính năm {round_.year}, {participants} xây dựng kế hoạch khắc "
            "phục những tồn tại, hạn chế, phân công rõ trách nhiệm tham mưu, thực hiện, phấn đấu nâng cao Chỉ số "
            f"cải cách hành chính năm {round_.year + 1}.",
            "Quyết định này có hiệu lực thi hành kể từ ngày ký.",
            f"Chánh Văn phòng {body}, Thủ trưởng các cơ quan, đơn vị có liên quan và Chủ tịch {participants} "
            "chịu trách nhiệm thi hành Quyết định này./.",
        ],
        recipients=[
            "Như Điều 4",
            *(
                ["Bộ Nội vụ (báo cáo)", "Thường trực Tỉnh ủy", "Thường trực HĐND tỉnh"]
                if organiser.kind.level == "province"
                else [f"Thường trực Đảng ủy, HĐND {organiser_word}"]
            ),
            f"Chủ tịch, các Phó Chủ tịch {body}",
            f"Cổng Thông tin điện tử {organiser_word}",
        ],
        archive="VT, NC",
    )


def write_decision(results: RoundResults, options: DecisionOptions, out: io.BytesIO) -> None:
    decision = decision_document(results, options)
    header = decision.header
    document = new_document()
    add_header_block(document, header)
    add_title_block(document, "QUYẾT ĐỊNH", decision.subject)
    add_paragraph(document, decision.authority, bold=True, align=CENTRE, space_before=Pt(6), space_after=Pt(6))
    for basis in decision.legal_bases:
        add_body_paragraph(document, basis, italic=True)
    if decision.proposal:
        add_body_paragraph(document, decision.proposal, italic=True)
    add_paragraph(document, "QUYẾT ĐỊNH:", bold=True, align=CENTRE, space_before=Pt(6), keep_with_next=True)
    for position, article in enumerate(decision.articles, start=1):
        paragraph = add_body_paragraph(document, "")
        paragraph.add_run(f"Điều {position}. ").bold = True
        paragraph.add_run(article)
    add_recipients_and_signature(document, decision.recipients, decision.archive, decision.signer)

    add_section(document, landscape=False)
    reference = (
        f"(Kèm theo Quyết định số {header.number or '     '}/{header.type_code}-{header.body_code} "
        f"ngày {short_date(header.date, header.year)} của Chủ tịch {header.issuing_body})"
    )
    title = f"Kết quả Chỉ số cải cách hành chính năm {results.round.year}"
    add_appendix_heading(document, "Phụ lục", title, reference, PORTRAIT_BODY_WIDTH_MM)
    _write_ranking(document, results)
    document.save(out)


def _write_ranking(document: DocxDocument, results: RoundResults) -> None:
    table = new_table(document, 1 + len(results.results), APPENDIX_WIDTHS_MM, borders=True)
    style_id = document.styles[TABLE_TEXT_STYLE].style_id
    rows = table.rows
    for cell, label in zip(rows[0].cells, APPENDIX_COLUMNS, strict=True):
        write_cell(cell, label, bold=True, align=CENTRE, style_id=style_id)
    repeat_as_header(rows[0])
    total = results.ranked_count
    for position, (row, result) in enumerate(zip(list(rows)[1:], results.results, strict=True), start=1):
        keep_row_on_one_page(row)
        rank = f"{result.rank:02d}/{total:02d}" if result.rank is not None else "—"
        values = (
            (str(position), CENTRE),
            (result.unit.name, WD_ALIGN_PARAGRAPH.LEFT),
            (number(result.points, 2), RIGHT),
            (number(result.applicable_max, 2), RIGHT),
            (number(result.index, 2) if result.index is not None else "—", RIGHT),
            (rank, CENTRE),
            (rank_change_text(result.rank_change), CENTRE),
            (result.group or "", CENTRE),
        )
        for cell, (text, align) in zip(row.cells, values, strict=True):
            write_cell(cell, text, align=align, style_id=style_id)


def decision_bytes(results: RoundResults, options: DecisionOptions) -> bytes:
    buffer = io.BytesIO()
    write_decision(results, options, buffer)
    return buffer.getvalue()
