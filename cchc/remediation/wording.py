"""The words of a remediation plan, after seed 004: title, purpose, decision articles, task texts.

Every text here lands in an editable draft plan; the unit adjusts it before issuing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cchc.accounts.models import Membership
from cchc.assessment.models import Criterion
from cchc.core.formatting import number
from cchc.organisation.models import Unit
from cchc.plans.models import Plan
from cchc.plans.services import committee_name, lower_first

if TYPE_CHECKING:
    from cchc.remediation.drafting import Draft, DraftTask

CHAIRMAN = "Chủ tịch"
FOCAL_POSITION = "Công chức Văn phòng – Thống kê"


def plan_title(unit: Unit, year: int) -> str:
    return f"Khắc phục, cải thiện và nâng cao Chỉ số cải cách hành chính năm {year} của {committee_name(unit)}"


def is_commune(unit: Unit) -> bool:
    return unit.kind.level == "commune"


def purpose_lines(draft: Draft) -> list[str]:
    year, previous = draft.year, draft.round.year
    place = "xã" if is_commune(draft.unit) else "đơn vị"
    return [
        f"Khắc phục những tồn tại, hạn chế đã chỉ ra qua kết quả Chỉ số cải cách hành chính năm {previous}; nỗ "
        f"lực nâng cao điểm số các lĩnh vực, tiêu chí, tiêu chí thành phần nhằm cải thiện Chỉ số năm {year}.",
        "Đề cao vai trò, trách nhiệm của người đứng đầu trong nhận thức và tổ chức thực hiện nhiệm vụ cải cách "
        "hành chính.",
        f"Thực hiện Kế hoạch này đồng bộ với Kế hoạch cải cách hành chính năm {year} của {place}; cải thiện Chỉ "
        "số là nhiệm vụ của toàn cơ quan, trọng tâm là các công chức được giao chủ trì tiêu chí.",
        "Xác định cải thiện và nâng cao Chỉ số cải cách hành chính là nhiệm vụ thường xuyên, lâu dài; là cơ sở "
        f"đánh giá mức độ hoàn thành nhiệm vụ của cán bộ, công chức năm {year}.",
    ]


def implementation_lines(draft: Draft) -> list[str]:
    focal = "Công chức Văn phòng – Thống kê" if is_commune(draft.unit) else "Bộ phận đầu mối cải cách hành chính"
    return [
        f"{focal} theo dõi, đôn đốc việc triển khai Kế hoạch; tổng hợp, báo cáo định kỳ hằng quý, 6 tháng, "
        f"9 tháng và năm {draft.year}.",
        "Các công chức được giao chủ trì tiêu chí chủ động thực hiện nhiệm vụ, giải pháp; báo cáo, giải trình "
        "đối với nội dung không thực hiện được hoặc thực hiện còn hạn chế.",
        "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc kịp thời báo cáo để xem xét điều chỉnh, bổ sung "
        "cho phù hợp.",
    ]


def decision_articles(draft: Draft) -> list[str]:
    committee = committee_name(draft.unit)
    executors = (
        "Công chức Văn phòng – Thống kê; Ban Chỉ đạo cải cách hành chính; trưởng các ngành, đoàn thể và công "
        "chức có liên quan"
        if is_commune(draft.unit)
        else "Các phòng, bộ phận chuyên môn và cán bộ, công chức có liên quan"
    )
    return [
        f"Ban hành kèm theo Quyết định này Kế hoạch khắc phục, cải thiện và nâng cao Chỉ số cải cách hành chính "
        f"năm {draft.year} của {committee}.",
        "Căn cứ Kế hoạch, các công chức được giao chủ trì khắc phục các tiêu chí, tiêu chí thành phần có trách "
        f"nhiệm triển khai thực hiện nhằm hoàn thành tốt các nhiệm vụ xác định trong Kế hoạch năm {draft.year}.",
        "Quyết định này có hiệu lực thi hành kể từ ngày ký.",
        f"{executors} chịu trách nhiệm thi hành Quyết định này./.",
    ]


def recipients(unit: Unit) -> list[str]:
    superior = [f"{committee_name(unit.parent)} (qua Sở Nội vụ)"] if unit.parent is not None else []
    if is_commune(unit):
        return [*superior, "TT Đảng ủy, TT HĐND xã", "CT, PCT UBND xã", "Công chức xã"]
    return [*superior, "Lãnh đạo đơn vị", "Các phòng, bộ phận chuyên môn"]


def legal_bases(draft: Draft) -> list[str]:
    round_ = draft.round
    return [
        "Căn cứ Luật Tổ chức chính quyền địa phương;",
        f"Căn cứ kết quả phê duyệt và công bố {lower_first(round_.name)} của {round_.organiser.name};",
    ]


def chairman(members: Sequence[Membership]) -> str:
    for member in members:
        if member.position is not None and member.position.name == CHAIRMAN:
            return str(member.user.display_name)
    return ""


def plan_fields(draft: Draft, *, members: Sequence[Membership]) -> dict[str, Any]:
    """The plan's document fields: issued by a decision (QĐ) as in seed 004."""
    return {
        "legal_bases": "\n".join(legal_bases(draft)),
        "purpose": "\n".join(purpose_lines(draft)),
        "implementation": "\n".join(implementation_lines(draft)),
        "closing": (
            f"{committee_name(draft.unit)} yêu cầu toàn thể cán bộ, công chức nghiêm túc triển khai thực hiện "
            "Kế hoạch này./."
        ),
        "recipients": recipients(draft.unit),
        "signer_name": chairman(members),
        "signer_authority": Plan.Authority.DIRECT,
        "signer_position": CHAIRMAN,
        "with_decision": True,
        "decision_code_suffix": "QĐ-UBND" if draft.unit.kind.is_administrative else "QĐ",
        "decision_articles": decision_articles(draft),
        "source_round_code": draft.round.code,
        "source_criteria": [task.code for task in draft.tasks],
    }


def area_label(area: Criterion) -> str:
    return area.title


def task_title(task: DraftTask) -> str:
    return f"Tiêu chí {task.code} – {task.title} (bị trừ {number(task.points_lost, 2)} điểm): {task.direction}"


def task_output(task: DraftTask) -> str:
    return f"Tiêu chí {task.code} đạt tối đa {number(task.maximum, 2)} điểm; tài liệu kiểm chứng"


def lead_text(task: DraftTask, members: Sequence[Membership]) -> str:
    """Who leads, as the document writes it: the official's position in the unit, else the advising position."""
    if task.responsible is not None:
        for member in members:
            if member.user_id == task.responsible.pk and member.position is not None:
                return str(member.position.name)
    return task.advising_position
