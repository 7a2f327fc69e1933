"""Seeded synthetic dossier registers with realistic, unit-dependent shares, for demos and benchmarks.

Only `random.Random.random()` is drawn from (its sequence is stable across Python versions, unlike
`choices` or `gauss`), always in the same order, so a seed gives the same register everywhere.

Each unit gets its own shares: settled on time 85–99.5%, submitted online 20–70% (of which 15–60%
full-process), components digitised 40–95%, results digitised 40–95%, fees paid online 10–60%.
Dossiers arrive on the year's working days in order (like a real export), are due a procedure's
number of working days later, and finish early, on the due day or late by the unit's on-time share;
most late ones carry an apology, some issued too late. Dossiers still open at the year's end, or
stuck, are unfinished.
"""

from __future__ import annotations

import csv
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from random import Random
from typing import Final

from cchc.dossiers.calendar import WorkingCalendar
from cchc.dossiers.parsing import (
    CHANNEL_ONLINE,
    CHANNEL_POSTAL,
    DEFAULT_PROFILE,
    FIELD_NAMES,
    ONLINE_FULL,
    ONLINE_PARTIAL,
    DossierRecord,
    ImportProfile,
)


@dataclass(frozen=True, slots=True)
class Procedure:
    code: str
    name: str
    field: str
    working_days: int  # statutory processing time; 0 means settled on the day of receipt
    fee_probability: float
    weight: float  # relative frequency among a commune's dossiers


# (field, fee probability, weight of the field, [(name, working days), …])
_PROCEDURES_BY_FIELD: Final[tuple[tuple[str, float, float, tuple[tuple[str, int], ...]], ...]] = (
    (
        "Hộ tịch",
        0.15,
        25,
        (
            ("Đăng ký khai sinh", 0),
            ("Đăng ký kết hôn", 1),
            ("Đăng ký khai tử", 0),
            ("Cấp bản sao trích lục hộ tịch", 0),
            ("Cấp Giấy xác nhận tình trạng hôn nhân", 3),
            ("Đăng ký nhận cha, mẹ, con", 3),
            ("Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch", 3),
            ("Đăng ký giám hộ", 1),
            ("Đăng ký khai sinh kết hợp nhận cha, mẹ, con", 3),
            ("Đăng ký lại khai sinh", 5),
            (
                "Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
                5,
            ),
            ("Liên thông đăng ký khai tử, xóa đăng ký thường trú, hưởng chế độ tử tuất", 5),
        ),
    ),
    (
        "Chứng thực",
        0.35,
        33,
        (
            ("Chứng thực bản sao từ bản chính giấy tờ, văn bản", 0),
            ("Chứng thực chữ ký trong các giấy tờ, văn bản", 0),
            (
                "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất và nhà ở",
                2,
            ),
            ("Chứng thực văn bản thỏa thuận phân chia di sản", 2),
            ("Chứng thực di chúc", 2),
            ("Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch", 2),
            ("Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực", 0),
        ),
    ),
    (
        "Đất đai",
        0.9,
        12,
        (
            (
                "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất lần đầu",
                20,
            ),
            ("Đăng ký biến động quyền sử dụng đất do chuyển nhượng, tặng cho, thừa kế", 10),
            ("Tách thửa hoặc hợp thửa đất", 15),
            ("Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền", 15),
            ("Cấp đổi Giấy chứng nhận quyền sử dụng đất", 7),
            ("Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất", 10),
            ("Đính chính Giấy chứng nhận đã cấp", 10),
            ("Hòa giải tranh chấp đất đai", 30),
            ("Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất", 1),
            ("Gia hạn sử dụng đất nông nghiệp", 7),
        ),
    ),
    (
        "Xây dựng",
        1.0,
        3,
        (
            ("Cấp giấy phép xây dựng đối với nhà ở riêng lẻ", 15),
            ("Cấp giấy phép sửa chữa, cải tạo công trình", 15),
            ("Điều chỉnh giấy phép xây dựng", 10),
            ("Gia hạn giấy phép xây dựng", 5),
            ("Cấp giấy phép di dời công trình", 15),
            ("Thẩm định báo cáo kinh tế - kỹ thuật đầu tư xây dựng", 20),
        ),
    ),
    (
        "Lao động - Thương binh và Xã hội",
        0.0,
        9,
        (
            ("Trợ cấp xã hội hằng tháng đối với đối tượng bảo trợ xã hội", 7),
            ("Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật", 25),
            ("Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", 3),
            ("Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm", 10),
            ("Công nhận hộ thoát nghèo, hộ thoát cận nghèo trong năm", 10),
            ("Giải quyết chế độ mai táng phí đối với cựu chiến binh", 5),
            ("Cấp giấy xác nhận thân nhân của người có công", 5),
            ("Trợ cấp hằng tháng cho thân nhân người có công với cách mạng từ trần", 12),
            ("Đăng ký hoạt động đối với cơ sở trợ giúp xã hội dưới 10 đối tượng", 5),
        ),
    ),
    (
        "Văn hóa",
        0.0,
        2,
        (
            ("Xét tặng danh hiệu Gia đình văn hóa hằng năm", 5),
            ("Thông báo tổ chức lễ hội cấp xã", 5),
            ("Đăng ký hoạt động thư viện cơ sở", 5),
            ("Công nhận câu lạc bộ thể thao cơ sở", 7),
        ),
    ),
    (
        "Kinh doanh",
        0.8,
        7,
        (
            ("Đăng ký thành lập hộ kinh doanh", 3),
            ("Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", 3),
            ("Tạm ngừng hoạt động hộ kinh doanh", 3),
            ("Chấm dứt hoạt động hộ kinh doanh", 3),
            ("Cấp lại Giấy chứng nhận đăng ký hộ kinh doanh", 3),
            ("Cấp Giấy phép bán lẻ sản phẩm rượu", 10),
            ("Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", 15),
        ),
    ),
    (
        "Thi đua - Khen thưởng",
        0.0,
        2,
        (
            ("Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã về thành tích thực hiện nhiệm vụ", 20),
            ("Xét tặng danh hiệu Lao động tiên tiến", 20),
            ("Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã cho gia đình", 20),
        ),
    ),
    (
        "Giáo dục và Đào tạo",
        0.0,
        2,
        (
            ("Cho phép nhóm trẻ, lớp mẫu giáo độc lập hoạt động giáo dục", 20),
            ("Chuyển trường đối với học sinh trung học cơ sở", 3),
            ("Xét, duyệt chính sách hỗ trợ đối với học sinh bán trú", 10),
        ),
    ),
    (
        "Nông nghiệp",
        0.0,
        3,
        (
            ("Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do thiên tai", 10),
            ("Xác nhận bảng kê lâm sản", 3),
            ("Phê duyệt kế hoạch khuyến nông địa phương", 15),
        ),
    ),
    (
        "Tôn giáo - Tín ngưỡng",
        0.0,
        1,
        (
            ("Thông báo danh mục hoạt động tôn giáo đối với tổ chức có địa bàn hoạt động ở một xã", 5),
            ("Đăng ký hoạt động tín ngưỡng", 15),
        ),
    ),
    (
        "Hòa giải ở cơ sở",
        0.0,
        1,
        (
            ("Công nhận hòa giải viên", 5),
            ("Công nhận tổ trưởng tổ hòa giải", 5),
            ("Thôi làm hòa giải viên", 5),
        ),
    ),
)


def _build_procedures() -> tuple[Procedure, ...]:
    procedures: list[Procedure] = []
    for field_name, fee_probability, field_weight, entries in _PROCEDURES_BY_FIELD:
        # Within a field the first procedures are the common ones (birth, copies): weight 1, 1/2, 1/3 …
        harmonic = sum(1 / (rank + 1) for rank in range(len(entries)))
        for rank, (name, working_days) in enumerate(entries):
            index = len(procedures)
            procedures.append(
                Procedure(
                    code=f"{1 + index % 2}.{1000 + 173 * index:06d}",
                    name=name,
                    field=field_name,
                    working_days=working_days,
                    fee_probability=fee_probability,
                    weight=field_weight / (rank + 1) / harmonic,
                )
            )
    return tuple(procedures)


PROCEDURES: Final = _build_procedures()


@dataclass(frozen=True, slots=True)
class UnitProfile:
    code: str
    weight: float
    on_time_share: float
    online_share: float
    full_online_share: float  # among online submissions
    components_digitised_share: float
    results_digitised_share: float
    paid_online_share: float  # among dossiers with a financial obligation


def unit_profiles(unit_codes: Sequence[str], seed: int) -> list[UnitProfile]:
    rng = Random(f"units:{seed}")
    uniform = rng.random
    profiles = []
    for code in unit_codes:
        profiles.append(
            UnitProfile(
                code=code,
                weight=0.3 + 1.7 * uniform() ** 2,
                on_time_share=0.85 + 0.145 * uniform(),
                online_share=0.20 + 0.50 * uniform(),
                full_online_share=0.15 + 0.45 * uniform(),
                components_digitised_share=0.40 + 0.55 * uniform(),
                results_digitised_share=0.40 + 0.55 * uniform(),
                paid_online_share=0.10 + 0.50 * uniform(),
            )
        )
    return profiles


# Dossiers of procedures with a deadline that never finish within the year (land disputes, missing papers).
STUCK_SHARE: Final = 0.035
APOLOGY_SHARE: Final = 0.85  # of late or overdue dossiers
APOLOGY_IN_TIME_SHARE: Final = 0.8  # of those apologies
_OPENING_SECONDS, _CLOSING_SECONDS = 7 * 3600 + 30 * 60, 17 * 3600
_STATUS_RETURNED, _STATUS_FINISHED, _STATUS_OPEN = "Đã trả kết quả", "Đã xử lý xong", "Đang xử lý"


def generate_dossiers(
    count: int, unit_codes: Sequence[str], year: int, seed: int, calendar: WorkingCalendar
) -> Iterator[DossierRecord]:
    """`count` dossiers received on the working days of `year`, in arrival order."""
    if not unit_codes:
        raise ValueError("Cần ít nhất một đơn vị")
    units = unit_profiles(unit_codes, seed)
    unit_cumulative = list(accumulate(unit.weight for unit in units))
    procedure_cumulative = list(accumulate(procedure.weight for procedure in PROCEDURES))
    # Working days of the year and the next: deadlines and late endings spill over the new year.
    working_days = calendar.working_days_in_year(year) + calendar.working_days_in_year(year + 1)
    days_in_year = sum(1 for day in working_days if day.year == year)
    year_end = date(year, 12, 31)
    day_starts = [datetime(day.year, day.month, day.day) for day in working_days]
    seconds = [timedelta(seconds=second) for second in range(86400)]
    rng = Random(f"dossiers:{seed}:{year}")
    uniform = rng.random
    unit_total, procedure_total = unit_cumulative[-1], procedure_cumulative[-1]
    last_index = len(working_days) - 1

    def moment(day_index: int, not_before: int = _OPENING_SECONDS) -> datetime:
        start = max(not_before, _OPENING_SECONDS)
        return day_starts[day_index] + seconds[min(86399, start + int(uniform() * (_CLOSING_SECONDS - start + 1800)))]

    for sequence in range(count):
        day_index = sequence * days_in_year // count
        unit = units[bisect_right(unit_cumulative, uniform() * unit_total)]
        procedure = PROCEDURES[bisect_right(procedure_cumulative, uniform() * procedure_total)]
        received_second = _OPENING_SECONDS + int(uniform() * (_CLOSING_SECONDS - _OPENING_SECONDS))
        received = day_starts[day_index] + seconds[received_second]
        due_index = min(day_index + procedure.working_days, last_index)
        due = day_starts[due_index] + seconds[_CLOSING_SECONDS]

        draw = uniform()
        supplement_requests = 0 if draw < 0.9 else 1 if draw < 0.985 else 2
        late_share = 1 - unit.on_time_share
        if procedure.working_days == 0:
            late_share /= 8  # settled at the desk: rarely late, and then no apology can come a day before
        if uniform() >= late_share:
            span = due_index - day_index
            end_index = due_index if span == 0 or uniform() < 0.35 else day_index + int(uniform() * span)
        else:
            end_index = min(due_index + 1 + int(uniform() ** 2 * 8), last_index)
        stuck = uniform() < STUCK_SHARE and procedure.working_days > 0
        end: datetime | None = None
        if not stuck and working_days[end_index] <= year_end:
            end = moment(end_index, received_second + 600 if end_index == day_index else 0)

        finished = returned = None
        if end is not None:
            return_draw = uniform()
            if return_draw < 0.05:
                returned = end  # exports without a processing-finished date: the end is the return
            else:
                finished = end
                if return_draw < 0.92:
                    return_index = min(end_index + int(uniform() * 3), last_index)
                    candidate = end if return_index == end_index else moment(return_index)
                    returned = candidate if candidate.date() <= year_end else None

        apology_date = None
        late_or_overdue = (
            (supplement_requests > 1 and due_index > day_index)
            or (end is not None and end_index > due_index)
            or (end is None and due.date() < year_end)
        )
        if late_or_overdue and uniform() < APOLOGY_SHARE:
            if uniform() < APOLOGY_IN_TIME_SHARE and due_index > day_index:
                apology_index = max(day_index, due_index - 1 - int(uniform() * 3))
            else:
                apology_index = min(due_index + int(uniform() * 2), last_index)
            if working_days[apology_index] <= year_end:
                apology_date = working_days[apology_index]

        channel_draw = uniform()
        if channel_draw < unit.online_share:
            channel = CHANNEL_ONLINE
            online_level: str | None = ONLINE_FULL if uniform() < unit.full_online_share else ONLINE_PARTIAL
        else:
            channel = CHANNEL_POSTAL if channel_draw > 0.97 else 1
            online_level = None
        has_fee = uniform() < procedure.fee_probability
        day = working_days[day_index]
        yield DossierRecord(
            f"{unit.code}-{day.year % 100:02d}{day.month:02d}{day.day:02d}-{sequence + 1:07d}",
            unit.code,
            procedure.code,
            procedure.name,
            procedure.field,
            received,
            due,
            finished,
            returned,
            channel,
            online_level,
            uniform() < unit.components_digitised_share,
            end is not None and uniform() < unit.results_digitised_share,
            has_fee,
            has_fee and uniform() < unit.paid_online_share,
            supplement_requests,
            apology_date,
            _STATUS_RETURNED if returned is not None else _STATUS_FINISHED if finished is not None else _STATUS_OPEN,
        )


# Writers.

_ONLINE_LEVEL_TEXT: Final = {ONLINE_PARTIAL: "một phần", ONLINE_FULL: "toàn trình", None: ""}


class _DateTexts:
    """dd/mm/yyyy and HH:MM:SS texts cached by day and by second: strftime is the writer's bottleneck."""

    def __init__(self) -> None:
        self._days: dict[int, str] = {}
        self._times = [f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}" for second in range(86400)]

    def day(self, value: date) -> str:
        ordinal = value.toordinal()
        text = self._days.get(ordinal)
        if text is None:
            text = self._days[ordinal] = f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
        return text

    def timestamp(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return f"{self.day(value)} {self._times[value.hour * 3600 + value.minute * 60 + value.second]}"


def _header(profile: ImportProfile) -> list[str]:
    return [profile.label(name) for name in FIELD_NAMES]


def write_csv(
    path: str | Path,
    records: Iterable[DossierRecord],
    *,
    delimiter: str = ",",
    with_bom: bool = True,
    profile: ImportProfile = DEFAULT_PROFILE,
) -> int:
    """A register in the default export layout; returns the number of dossiers written."""
    texts = _DateTexts()
    timestamp, day = texts.timestamp, texts.day
    written = 0
    with Path(path).open("w", encoding="utf-8-sig" if with_bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(_header(profile))
        for record in records:
            writer.writerow(
                (
                    record.code,
                    record.unit_code,
                    record.procedure_code,
                    record.procedure_name,
                    record.field,
                    timestamp(record.received),
                    timestamp(record.due),
                    timestamp(record.finished),
                    timestamp(record.returned),
                    record.channel if record.channel is not None else "",
                    _ONLINE_LEVEL_TEXT[record.online_level],
                    "có" if record.components_digitised else "không",
                    "có" if record.result_digitised else "không",
                    "có" if record.has_fee else "không",
                    "có" if record.paid_online else "không",
                    record.supplement_requests,
                    day(record.apology_date) if record.apology_date is not None else "",
                    record.status,
                )
            )
            written += 1
    return written


def write_xlsx(path: str | Path, records: Iterable[DossierRecord], *, profile: ImportProfile = DEFAULT_PROFILE) -> int:
    """The same register as a real Excel workbook with date cells (openpyxl's streaming writer)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Hồ sơ")
    sheet.append(_header(profile))
    written = 0
    for record in records:
        sheet.append(
            [
                record.code,
                record.unit_code,
                record.procedure_code,
                record.procedure_name,
                record.field,
                record.received,
                record.due,
                record.finished,
                record.returned,
                record.channel,
                _ONLINE_LEVEL_TEXT[record.online_level],
                "có" if record.components_digitised else "không",
                "có" if record.result_digitised else "không",
                "có" if record.has_fee else "không",
                "có" if record.paid_online else "không",
                record.supplement_requests,
                record.apology_date,
                record.status,
            ]
        )
        written += 1
    workbook.save(str(path))
    return written
