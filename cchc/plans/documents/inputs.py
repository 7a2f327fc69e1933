"""What the writers need to lay out an official document (decree 30/2020/NĐ-CP)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# Body names that the header splits onto their own line ("ỦY BAN NHÂN DÂN" / "XÃ HOÀNG VIỆT").
GENERIC_BODY_NAMES = ("ủy ban nhân dân", "uỷ ban nhân dân", "hội đồng nhân dân")


@dataclass
class DocumentHeader:
    """The two-column header: who issues, the number, where and when.

    ``issuing_body`` is written in sentence case ("Ủy ban nhân dân xã Hoàng Việt"); the header
    shows it in capitals and sentences ("... của Ủy ban nhân dân xã Hoàng Việt") as written.
    """

    issuing_body: str
    place: str
    type_code: str = "KH"
    body_code: str = "UBND"
    number: str = ""  # blank while the document is a draft: "Số:      /KH-UBND"
    date: date | None = None
    year: int | None = None  # shown when the date is not set yet: "ngày    tháng    năm 2026"
    superior_body: str = ""  # "UBND huyện Văn Lãng", above the issuing body, not bold

    @property
    def code(self) -> str:
        return f"{self.number}/{self.type_code}-{self.body_code}"

    def issuing_body_lines(self) -> list[str]:
        name = self.issuing_body.strip()
        for generic in GENERIC_BODY_NAMES:
            if name.lower().startswith(generic) and len(name) > len(generic):
                return [name[: len(generic)].upper(), name[len(generic) :].strip().upper()]
        return [name.upper()]


@dataclass
class Signer:
    """The signature block: ``TM. ỦY BAN NHÂN DÂN`` / ``CHỦ TỊCH``, or ``KT. CHỦ TỊCH`` / ``PHÓ CHỦ TỊCH``."""

    name: str
    position: str = "CHỦ TỊCH"
    on_behalf_of: str = ""  # "ỦY BAN NHÂN DÂN" gives "TM. ỦY BAN NHÂN DÂN"
    deputy_for: str = ""  # "CHỦ TỊCH" gives "KT. CHỦ TỊCH" (a deputy signing for the chairman)

    @classmethod
    def for_committee(cls, name: str, *, deputy: bool = False) -> Signer:
        if deputy:
            return cls(name, "PHÓ CHỦ TỊCH", on_behalf_of="ỦY BAN NHÂN DÂN", deputy_for="CHỦ TỊCH")
        return cls(name, "CHỦ TỊCH", on_behalf_of="ỦY BAN NHÂN DÂN")

    def authority_lines(self) -> list[str]:
        lines = [f"TM. {self.on_behalf_of.upper()}"] if self.on_behalf_of else []
        if self.deputy_for:
            lines.append(f"KT. {self.deputy_for.upper()}")
        lines.append(self.position.upper())
        return lines


@dataclass
class SimpleTable:
    """A plain table inside a section (reports): a header row, then rows of text."""

    columns: list[str]
    rows: list[list[str]]
    widths_mm: list[float] | None = None


@dataclass
class Section:
    """A numbered part of the body: level 1 "I.", level 2 "1.", level 3 "a)"."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    table: SimpleTable | None = None


@dataclass
class TaskRow:
    number: str
    title: str
    output: str = ""
    lead: str = ""
    coordinating: str = ""
    deadline_text: str = ""


@dataclass
class TaskArea:
    """An area row of the task appendix ("III. CẢI CÁCH THỦ TỤC HÀNH CHÍNH") and its tasks."""

    title: str
    tasks: list[TaskRow] = field(default_factory=list)
    numeral: str = ""  # left blank, areas are numbered I, II, III… in order


@dataclass
class BudgetRow:
    """A budget line in thousand đồng."""

    item: str
    total: Decimal
    own: Decimal | None = None
    support: Decimal | None = None
    number: str = ""


@dataclass
class BudgetTable:
    lines: list[BudgetRow]
    total: Decimal | None = None  # None: the sum of the lines
    title: str = "DỰ TOÁN KINH PHÍ THỰC HIỆN KẾ HOẠCH"
    own_label: str = "Ngân sách xã (tự đảm bảo)"
    support_label: str = "Đề nghị hỗ trợ"

    @property
    def computed_total(self) -> Decimal:
        if self.total is not None:
            return self.total
        return sum((line.total for line in self.lines), Decimal(0))


@dataclass
class PlanDocument:
    header: DocumentHeader
    title: str
    signer: Signer
    preamble: list[str] = field(default_factory=list)  # legal bases and "Thực hiện ..." paragraphs
    sections: list[Section] = field(default_factory=list)
    objectives: list[str] = field(default_factory=list)
    objectives_heading: str = "MỤC TIÊU"
    objectives_position: int = 1  # index among the sections where the objectives section goes
    task_areas: list[TaskArea] = field(default_factory=list)
    task_appendix_title: str = "NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH"
    budget: BudgetTable | None = None
    closing: str = ""  # last paragraph ("Yêu cầu các bộ phận ... triển khai thực hiện./.")
    recipients: list[str] = field(default_factory=list)
    archive: str = "VT"  # "- Lưu: VT, VP."


@dataclass
class DecisionDocument:
    """A decision that issues a plan as its attachment ("Ban hành kèm theo Quyết định này ...")."""

    header: DocumentHeader
    subject: str  # "Về việc ban hành Kế hoạch cải cách hành chính năm 2026"
    signer: Signer
    authority: str = ""  # "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ HOÀNG VIỆT"; derived when blank
    legal_bases: list[str] = field(default_factory=list)
    proposal: str = ""  # "Theo đề nghị của công chức Văn phòng - Thống kê."
    articles: list[str] = field(default_factory=list)  # blank: the standard four articles
    executors: str = "Công chức Văn phòng - Thống kê, các bộ phận chuyên môn và các cơ quan, đơn vị có liên quan"
    recipients: list[str] = field(default_factory=list)
    archive: str = "VT"


@dataclass
class ReportDocument:
    header: DocumentHeader
    subject: str  # "Kết quả thực hiện công tác cải cách hành chính quý I năm 2026"
    signer: Signer
    preamble: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    closing: str = ""
    recipients: list[str] = field(default_factory=list)
    archive: str = "VT"
