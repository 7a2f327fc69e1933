"""Layout blocks of an official document in the form of decree 30/2020/NĐ-CP.

A4, Times New Roman, margins top/bottom 20 mm, left 30 mm, right 15 mm (portrait) and a landscape
variant for appendix tables; the two-column header, the title block, numbered headings, the
"Nơi nhận" list and the signature block. Tables are preallocated and filled through
``table.rows[i].cells``: ``table.cell(i, j)`` rebuilds the cell list on every call.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section as DocxSection
from docx.shared import Length, Mm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from cchc.plans.documents.inputs import DocumentHeader, Signer

FONT_NAME = "Times New Roman"
BODY_SIZE = Pt(14)
HEADER_SIZE = Pt(13)
TABLE_SIZE = Pt(12)
RECIPIENT_SIZE = Pt(11)
PORTRAIT_BODY_WIDTH_MM = 165  # 210 - 30 - 15
LANDSCAPE_BODY_WIDTH_MM = 257  # 297 - 20 - 20
TABLE_TEXT_STYLE = "CCHC Table Text"
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"
ROMAN_NUMERALS = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip

Container = DocxDocument | _Cell


def new_document() -> DocxDocument:
    document = docx.Document()
    _use_times_new_roman(document)
    normal = document.styles["Normal"]
    normal.font.size = BODY_SIZE  # type: ignore[attr-defined]
    paragraph_format = normal.paragraph_format  # type: ignore[attr-defined]
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(6)
    paragraph_format.line_spacing = 1.1
    table_text = document.styles.add_style(TABLE_TEXT_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal  # type: ignore[attr-defined]
    table_text.font.size = TABLE_SIZE  # type: ignore[attr-defined]
    table_text.paragraph_format.space_before = Pt(2)  # type: ignore[attr-defined]
    table_text.paragraph_format.space_after = Pt(2)  # type: ignore[attr-defined]
    table_text.paragraph_format.line_spacing = 1.0  # type: ignore[attr-defined]
    set_portrait(document.sections[0])
    core = document.core_properties
    core.author = core.last_modified_by = "CCHC"
    return document


def _use_times_new_roman(document: DocxDocument) -> None:
    """Set the font on the document defaults too: Word's theme fonts would otherwise win."""
    styles_element = document.styles.element
    defaults = styles_element.find(qn("w:docDefaults"))
    run_fonts = [] if defaults is None else list(defaults.iter(qn("w:rFonts")))
    normal_properties = document.styles["Normal"].element.get_or_add_rPr()
    run_fonts.append(normal_properties.get_or_add_rFonts())
    for fonts in run_fonts:
        for theme_attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme_attribute), None)
        for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attribute), FONT_NAME)


def set_portrait(section: DocxSection) -> None:
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = section.footer_distance = Mm(10)


def set_landscape(section: DocxSection) -> None:
    """Landscape appendix pages; the binding edge is on top, hence the wider top margin."""
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(25), Mm(15)
    section.left_margin, section.right_margin = Mm(20), Mm(20)
    section.header_distance = section.footer_distance = Mm(10)


def add_section(document: DocxDocument, *, landscape: bool) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    if landscape:
        set_landscape(section)
    else:
        set_portrait(section)


def add_page_break(document: DocxDocument) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.add_run().add_break(WD_BREAK.PAGE)


def to_roman(number: int) -> str:
    result = ""
    for value, numeral in ROMAN_NUMERALS:
        count, number = divmod(number, value)
        result += numeral * count
    return result


def official_date_line(place: str, on: date | None, year: int | None = None) -> str:
    """ "Hoàng Việt, ngày 05 tháng 01 năm 2026": day below 10 and months 1–2 are zero-padded."""
    if on is None:
        shown_year = str(year) if year else "20…"
        return f"{place}, ngày      tháng      năm {shown_year}"
    month = f"{on.month:02d}" if on.month <= 2 else str(on.month)
    return f"{place}, ngày {on.day:02d} tháng {month} năm {on.year}"


def short_date(on: date | None, year: int | None = None) -> str:
    if on is None:
        return f"     /     /{year or '20…'}"
    return on.strftime("%d/%m/%Y")


def add_paragraph(
    container: Container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: Length | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    first_line_indent: Length | None = None,
    space_before: Length | None = None,
    space_after: Length | None = None,
    keep_with_next: bool = False,
    reuse_first: bool = False,
) -> Paragraph:
    """A paragraph of one run; ``reuse_first`` fills the empty paragraph a new cell starts with."""
    if reuse_first and isinstance(container, _Cell) and not container.paragraphs[0].text:
        paragraph = container.paragraphs[0]
    else:
        paragraph = container.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold = bold or None
        run.italic = italic or None
        if size is not None:
            run.font.size = size
    paragraph_format = paragraph.paragraph_format
    if align is not None:
        paragraph_format.alignment = align
    if first_line_indent is not None:
        paragraph_format.first_line_indent = first_line_indent
    if space_before is not None:
        paragraph_format.space_before = space_before
    if space_after is not None:
        paragraph_format.space_after = space_after
    if keep_with_next:
        paragraph_format.keep_with_next = True
    return paragraph


def add_body_paragraph(document: DocxDocument, text: str, *, italic: bool = False) -> Paragraph:
    return add_paragraph(document, text, italic=italic, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line_indent=Mm(10))


def add_heading(document: DocxDocument, text: str, level: int) -> Paragraph:
    """Numbered headings of the body: bold, bold italic from the third level down."""
    return add_paragraph(
        document,
        text,
        bold=True,
        italic=level >= 3,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        first_line_indent=Mm(10),
        space_before=Pt(6) if level == 1 else None,
        keep_with_next=True,
    )


def add_rule(container: Container, width_mm: float, available_mm: float, *, reuse_first: bool = False) -> None:
    """A short centred line (under the issuing body, the motto, the title): a bottom border
    on an empty paragraph narrowed by equal indents."""
    paragraph = add_paragraph(container, space_after=Pt(4), reuse_first=reuse_first)
    paragraph_format = paragraph.paragraph_format
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = Pt(2)
    indent = Mm(max((available_mm - width_mm) / 2, 0))
    paragraph_format.left_indent = paragraph_format.right_indent = indent
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attribute, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(attribute), value)
    borders.append(bottom)
    # w:pBdr must come before w:spacing and w:ind in w:pPr.
    anchor = properties.find(qn("w:spacing"))
    if anchor is None:
        anchor = properties.find(qn("w:ind"))
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        properties.append(borders)


def new_table(document: DocxDocument, rows: int, widths_mm: Sequence[float], *, borders: bool) -> Table:
    table = document.add_table(rows=rows, cols=len(widths_mm))
    if borders:
        table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    properties = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    properties.append(layout)
    if not borders:
        _remove_borders(table)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
    return table


def _remove_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def repeat_as_header(row: _Row) -> None:
    """Repeat the row at the top of every page the table runs onto (w:tblHeader)."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:tblHeader"))


def keep_row_on_one_page(row: _Row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def write_cell(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT,
    style_id: str | None = None,
    keep_with_next: bool = False,
) -> None:
    """Write ``text`` into an empty cell; each line becomes a paragraph.

    ``style_id`` is set on the XML directly: ``Paragraph.style = ...`` looks up the default style
    on every call and made large tables five times slower.
    """
    lines = text.split("\n") if text else [""]
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        if style_id is not None:
            paragraph._p.style = style_id
        paragraph.paragraph_format.alignment = align
        if keep_with_next:
            paragraph.paragraph_format.keep_with_next = True
        if line:
            run = paragraph.add_run(line)
            run.bold = bold or None
            run.italic = italic or None
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def add_header_block(
    document: DocxDocument, header: DocumentHeader, *, show_number: bool = True, show_date: bool = True
) -> None:
    """Issuing body and number on the left; the national name, motto and date on the right."""
    left_width, right_width = 70.0, PORTRAIT_BODY_WIDTH_MM - 70.0
    table = new_table(document, 1, (left_width, right_width), borders=False)
    left, right = table.rows[0].cells
    centre = WD_ALIGN_PARAGRAPH.CENTER
    left_lines = 0
    if header.superior_body:
        add_paragraph(left, header.superior_body.upper(), size=HEADER_SIZE, align=centre, space_after=Pt(0),
                      reuse_first=True)  # fmt: skip
        left_lines += 1
    for line in header.issuing_body_lines():
        add_paragraph(left, line, bold=True, size=HEADER_SIZE, align=centre, space_after=Pt(0), reuse_first=True)
        left_lines += 1
    add_rule(left, 25, left_width - 4)
    if show_number:
        number = header.number or "      "
        add_paragraph(left, f"Số: {number}/{header.type_code}-{header.body_code}", size=HEADER_SIZE, align=centre)
    add_paragraph(right, NATIONAL_NAME, bold=True, size=Pt(12), align=centre, space_after=Pt(0), reuse_first=True)
    add_paragraph(right, NATIONAL_MOTTO, bold=True, size=HEADER_SIZE, align=centre, space_after=Pt(0))
    add_rule(right, 60, right_width - 4)
    if show_date:
        for _ in range(max(left_lines - 2, 0)):
            add_paragraph(right, space_after=Pt(0))  # keeps the date level with "Số:"
        date_line = official_date_line(header.place, header.date, header.year)
        add_paragraph(right, date_line, italic=True, size=HEADER_SIZE, align=centre)


def add_title_block(document: DocxDocument, kind: str, title: str, note: str = "") -> None:
    """ "KẾ HOẠCH" and the title, centred and bold, an italic note, a short line under them."""
    centre = WD_ALIGN_PARAGRAPH.CENTER
    add_paragraph(document, kind, bold=True, align=centre, space_before=Pt(12), space_after=Pt(0))
    add_paragraph(document, title, bold=True, align=centre, space_after=Pt(0) if note else Pt(2))
    if note:
        add_paragraph(document, note, italic=True, align=centre, space_after=Pt(2))
    add_rule(document, 40, PORTRAIT_BODY_WIDTH_MM)


def add_recipients_and_signature(
    document: DocxDocument, recipients: Sequence[str], archive: str, signer: Signer | None
) -> None:
    """ "Nơi nhận:" bottom-left (11 pt, ending "- Lưu: VT, …") and the signature bottom-right."""
    table = new_table(document, 1, (80, PORTRAIT_BODY_WIDTH_MM - 80), borders=False)
    keep_row_on_one_page(table.rows[0])
    left, right = table.rows[0].cells
    gap = Pt(12)  # between the last body paragraph (or a table) and the two blocks
    add_paragraph(
        left, "Nơi nhận:", bold=True, italic=True, size=Pt(12), space_before=gap, space_after=Pt(0), reuse_first=True
    )
    items = [recipient.strip().rstrip(";.") for recipient in recipients if recipient.strip()]
    for item in items:
        add_paragraph(left, f"- {item};", size=RECIPIENT_SIZE, space_after=Pt(0))
    add_paragraph(left, f"- Lưu: {archive.strip().rstrip('.')}.", size=RECIPIENT_SIZE, space_after=Pt(0))
    if signer is None:
        return
    centre = WD_ALIGN_PARAGRAPH.CENTER
    for index, line in enumerate(signer.authority_lines()):
        add_paragraph(
            right, line, bold=True, align=centre, space_before=gap if index == 0 else None, space_after=Pt(0),
            reuse_first=index == 0,
        )  # fmt: skip
    for _ in range(4):
        add_paragraph(right, space_after=Pt(0))
    add_paragraph(right, signer.name, bold=True, align=centre, space_after=Pt(0))


def add_appendix_heading(document: DocxDocument, label: str, title: str, note: str, width_mm: float) -> None:
    centre = WD_ALIGN_PARAGRAPH.CENTER
    add_paragraph(document, label, bold=True, align=centre, space_after=Pt(0))
    add_paragraph(document, title.upper(), bold=True, align=centre, space_after=Pt(0))
    if note:
        add_paragraph(document, note, italic=True, align=centre, space_after=Pt(0))
    add_rule(document, 40, width_mm)
