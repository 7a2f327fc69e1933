"""Wording of the demo plans, modelled on the seed plans (annual plan, remediation plan of seed 004)."""

from __future__ import annotations

from dataclasses import dataclass

FOCAL = "Công chức Văn phòng – Thống kê"
JUSTICE = "Công chức Tư pháp – Hộ tịch"
FINANCE = "Công chức Tài chính – Kế toán"
CULTURE = "Công chức Văn hóa – Xã hội"
LAND = "Công chức Địa chính – Xây dựng"

COMMUNES = "UBND các xã, phường, đặc khu"

AREAS = [
    ("CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH", 1),
    ("CẢI CÁCH THỂ CHẾ", 2),
    ("CẢI CÁCH THỦ TỤC HÀNH CHÍNH", 3),
    ("CẢI CÁCH TỔ CHỨC BỘ MÁY HÀNH CHÍNH NHÀ NƯỚC", 4),
    ("CẢI CÁCH CHẾ ĐỘ CÔNG VỤ", 5),
    ("CẢI CÁCH TÀI CHÍNH CÔNG", 6),
    ("XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ", 7),
    ("TÁC ĐỘNG CỦA CẢI CÁCH HÀNH CHÍNH ĐẾN NGƯỜI DÂN, TỔ CHỨC VÀ PHÁT TRIỂN KINH TẾ - XÃ HỘI", 8),
]


@dataclass(frozen=True)
class DemoTask:
    area: int  # index into AREAS
    title: str
    output: str
    lead: str  # as written; «UBND các xã, phường, đặc khu» or a department's name
    coordinating: str
    deadline: str
    criterion: str = ""
    weight: int = 1
    position: str = FOCAL  # the commune official who carries it out


def province_tasks(year: int) -> list[DemoTask]:
    return [
        DemoTask(
            0,
            f"Ban hành Kế hoạch cải cách hành chính năm {year} của UBND cấp xã, bám sát nhiệm vụ tỉnh giao",
            "Kế hoạch CCHC năm của UBND cấp xã",
            COMMUNES,
            "Sở Nội vụ",
            "Trước ngày 31/01",
            "1.1",
        ),
        DemoTask(
            0,
            f"Ban hành Kế hoạch tuyên truyền cải cách hành chính năm {year}",
            "Kế hoạch tuyên truyền CCHC",
            "Sở Nội vụ",
            "Sở Văn hóa, Thể thao và Du lịch",
            "Quý I",
            "1.3",
        ),
        DemoTask(
            0,
            "Xây dựng và triển khai Kế hoạch kiểm tra công tác cải cách hành chính; xử lý 100% vấn đề "
            "phát hiện qua kiểm tra",
            "Kế hoạch, báo cáo kết quả kiểm tra",
            "Sở Nội vụ",
            "Các sở, ban, ngành",
            "Quý II",
            "1.2",
        ),
        DemoTask(
            0,
            "Tuyên truyền cải cách hành chính trên trang thông tin điện tử, hệ thống truyền thanh cơ sở, "
            "nhất là chuyển đổi số và dịch vụ công trực tuyến",
            "Tin, bài tuyên truyền",
            COMMUNES,
            "",
            "Thường xuyên",
            "1.3",
            position=CULTURE,
        ),
        DemoTask(
            0,
            "Phát động đăng ký, triển khai sáng kiến, giải pháp mới trong cải cách hành chính",
            "Danh sách sáng kiến đăng ký",
            COMMUNES,
            "Sở Khoa học và Công nghệ",
            "Quý III",
            "1.5",
        ),
        DemoTask(
            0,
            "Báo cáo kết quả thực hiện công tác cải cách hành chính định kỳ",
            "Báo cáo quý, 6 tháng, năm",
            COMMUNES,
            "Sở Nội vụ",
            "Quý, 6 tháng, năm",
            "1.4",
        ),
        DemoTask(
            0,
            f"Tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm {year}, kèm tài liệu kiểm chứng",
            "Báo cáo tự đánh giá, chấm điểm",
            COMMUNES,
            "Sở Nội vụ",
            "Trước ngày 30/11",
            "1.4",
            weight=2,
        ),
        DemoTask(
            1,
            "Rà soát, hệ thống hóa văn bản quy phạm pháp luật do HĐND, UBND ban hành",
            "Báo cáo kết quả rà soát",
            "Sở Tư pháp",
            COMMUNES,
            "Quý IV",
            "2.2",
        ),
        DemoTask(
            1,
            "Kiểm tra, xử lý văn bản quy phạm pháp luật theo thẩm quyền",
            "Báo cáo kiểm tra văn bản",
            "Sở Tư pháp",
            "",
            "6 tháng, cuối năm",
            "2.3",
        ),
        DemoTask(
            1,
            "Tổ chức hưởng ứng Ngày Pháp luật nước Cộng hòa xã hội chủ nghĩa Việt Nam (09/11)",
            "Kế hoạch, báo cáo hưởng ứng",
            COMMUNES,
            "Sở Tư pháp",
            f"Tháng 11/{year}",
            "2.4",
            position=JUSTICE,
        ),
        DemoTask(
            2,
            "Rà soát, đề xuất phương án đơn giản hóa thủ tục hành chính, thủ tục hành chính nội bộ",
            "Phương án đơn giản hóa",
            "Văn phòng UBND tỉnh",
            f"Các sở, ban, ngành; {COMMUNES}",
            "Quý II, III",
            "3.1.1.2",
        ),
        DemoTask(
            2,
            "Công bố, công khai kịp thời, đầy đủ thủ tục hành chính trên Cổng dịch vụ công",
            "Quyết định công bố TTHC",
            "Văn phòng UBND tỉnh",
            "Các sở, ban, ngành",
            "Thường xuyên",
            "3.2",
        ),
        DemoTask(
            2,
            "Giải quyết hồ sơ thủ tục hành chính đúng hạn; 100% hồ sơ trễ hạn có văn bản xin lỗi",
            "Tỷ lệ hồ sơ đúng hạn ≥ 95%",
            COMMUNES,
            "",
            "Hằng quý",
            "3.4.1",
            weight=2,
            position=JUSTICE,
        ),
        DemoTask(
            2,
            "Tổ chức đối thoại giữa Chủ tịch UBND với người dân, doanh nghiệp về thủ tục hành chính",
            "Thông báo kết luận đối thoại",
            COMMUNES,
            "",
            "Quý III",
            "1.6",
        ),
        DemoTask(
            2,
            "Tiếp nhận, xử lý phản ánh, kiến nghị của người dân, doanh nghiệp về quy định hành chính",
            "Báo cáo kết quả xử lý",
            "Văn phòng UBND tỉnh",
            "",
            "Thường xuyên",
            "3.3",
        ),
        DemoTask(
            3,
            "Rà soát, sắp xếp tổ chức bộ máy các cơ quan chuyên môn sau sắp xếp đơn vị hành chính",
            "Đề án, quyết định kiện toàn",
            "Sở Nội vụ",
            "Các sở, ban, ngành",
            "Quý II",
            "4.1",
        ),
        DemoTask(
            3,
            "Kiện toàn Bộ phận Một cửa cấp xã, bố trí công chức đúng quy định",
            "Quyết định kiện toàn",
            COMMUNES,
            "Sở Nội vụ",
            "Quý I",
            "4.2",
        ),
        DemoTask(
            4,
            "Hoàn thiện vị trí việc làm; thực hiện tinh giản biên chế theo lộ trình",
            "Quyết định phê duyệt vị trí việc làm",
            "Sở Nội vụ",
            "Các sở, ban, ngành",
            "6 tháng, cuối năm",
            "5.1",
        ),
        DemoTask(
            4,
            "Bồi dưỡng kỹ năng giải quyết thủ tục hành chính, chuyển đổi số cho công chức cấp xã",
            "Lớp bồi dưỡng",
            "Sở Nội vụ",
            COMMUNES,
            "Quý III",
            "5.3",
        ),
        DemoTask(
            4,
            "Kiểm tra công vụ; siết chặt kỷ luật, kỷ cương hành chính",
            "Báo cáo kiểm tra công vụ",
            "Sở Nội vụ",
            "",
            "Quý IV",
            "5.4",
        ),
        DemoTask(
            5,
            "Đẩy nhanh tiến độ giải ngân vốn đầu tư công",
            "Báo cáo giải ngân",
            "Sở Tài chính",
            "",
            "Hằng tháng",
            "6.1",
        ),
        DemoTask(
            5,
            "Sắp xếp lại, xử lý nhà, đất thuộc thẩm quyền quản lý",
            "Phương án sắp xếp nhà, đất",
            "Sở Tài chính",
            COMMUNES,
            "Trước ngày 30/9",
            "6.2.3",
        ),
        DemoTask(
            5,
            "Thực hiện cơ chế tự chủ tài chính của đơn vị sự nghiệp công lập",
            "Quyết định giao tự chủ",
            "Sở Tài chính",
            "Các sở, ban, ngành",
            "Quý IV",
            "6.3",
        ),
        DemoTask(
            6,
            "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính, tối thiểu 55% hồ sơ",
            "Tỷ lệ hồ sơ được số hóa",
            COMMUNES,
            "Văn phòng UBND tỉnh",
            "Hằng tháng",
            "7.3.3",
            weight=2,
            position=JUSTICE,
        ),
        DemoTask(
            6,
            "Hướng dẫn người dân nộp hồ sơ trực tuyến và thanh toán trực tuyến",
            "Tỷ lệ hồ sơ trực tuyến",
            COMMUNES,
            "",
            "Hằng quý",
            "7.3.4",
            position=CULTURE,
        ),
        DemoTask(
            6,
            "Gửi, nhận văn bản điện tử có ký số trên hệ thống quản lý văn bản và điều hành",
            "Tỷ lệ văn bản điện tử ký số",
            "Văn phòng UBND tỉnh",
            COMMUNES,
            "Thường xuyên",
            "7.2",
        ),
        DemoTask(
            6,
            "Nâng cấp Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh",
            "Hệ thống được nâng cấp",
            "Sở Khoa học và Công nghệ",
            "Văn phòng UBND tỉnh",
            "Quý III",
            "7.1",
        ),
        DemoTask(
            7,
            "Khảo sát sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính",
            "Báo cáo kết quả khảo sát",
            "Sở Nội vụ",
            COMMUNES,
            "Quý IV",
            "8.1",
        ),
        DemoTask(
            7,
            "Cải thiện các chỉ số PCI, PAPI; tháo gỡ khó khăn cho doanh nghiệp",
            "Báo cáo, kế hoạch cải thiện",
            "Sở Tài chính",
            "Các sở, ban, ngành",
            "Quý IV",
            "8.2",
        ),
        DemoTask(
            7,
            "Đánh giá tác động của cải cách hành chính đến phát triển kinh tế - xã hội của địa phương",
            "Báo cáo đánh giá",
            COMMUNES,
            "",
            "Trước ngày 15/12",
            "8.3",
            position=FINANCE,
        ),
    ]


COMMUNE_OWN_TASKS = [
    DemoTask(
        2,
        "Kiểm tra việc niêm yết công khai thủ tục hành chính, số điện thoại đường dây nóng tại Bộ phận Một cửa",
        "Biên bản kiểm tra",
        "Văn phòng – Thống kê",
        "",
        "Quý II",
        "3.2",
    ),
    DemoTask(
        6,
        "Duy trì sử dụng phần mềm quản lý văn bản và điều hành; 100% văn bản đi được gửi dưới dạng điện tử",
        "Tỷ lệ văn bản điện tử",
        "Văn phòng – Thống kê",
        "Các bộ phận chuyên môn",
        "Thường xuyên",
        "7.2",
    ),
]


PROVINCE_PURPOSE = [
    "Triển khai đồng bộ, hiệu quả Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021 – 2030 trên "
    "địa bàn tỉnh; gắn cải cách hành chính với chuyển đổi số và nâng cao chất lượng phục vụ người dân, doanh nghiệp.",
    "Xác định cụ thể nhiệm vụ, sản phẩm, thời hạn và trách nhiệm của từng cơ quan, đơn vị; người đứng đầu chịu "
    "trách nhiệm về kết quả cải cách hành chính của cơ quan, đơn vị mình.",
    "UBND cấp xã ban hành kế hoạch cải cách hành chính năm của đơn vị trước ngày 31/01, bám sát nhiệm vụ được giao.",
]
PROVINCE_IMPLEMENTATION = [
    "Sở Nội vụ là cơ quan thường trực, theo dõi, đôn đốc, tổng hợp kết quả thực hiện Kế hoạch; tham mưu UBND tỉnh "
    "báo cáo Bộ Nội vụ theo quy định.",
    "Các sở, ban, ngành, UBND các xã, phường, đặc khu báo cáo kết quả định kỳ hằng quý, 6 tháng, 9 tháng và năm "
    "(qua Sở Nội vụ) trước ngày 15 của tháng cuối kỳ.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị kịp thời báo cáo UBND tỉnh (qua Sở "
    "Nội vụ) để xem xét, điều chỉnh.",
]
PROVINCE_LEGAL_BASES = [
    "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ ban hành Chương trình tổng thể cải cách hành chính "
    "nhà nước giai đoạn 2021 – 2030;",
    "Căn cứ Quyết định số 876/QĐ-BNV ngày 10/11/2022 của Bộ Nội vụ phê duyệt Đề án «Xác định Chỉ số cải cách hành "
    "chính của các bộ, cơ quan ngang bộ, Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương»;",
]
# (item, total, own budget, support requested) in thousand đồng; the total reads «Một tỷ không trăm tám mươi mốt triệu».
PROVINCE_BUDGET = [
    ("Tuyên truyền cải cách hành chính", 180_000, 180_000, 0),
    ("Kiểm tra công tác cải cách hành chính", 95_000, 95_000, 0),
    ("Khảo sát, đo lường sự hài lòng của người dân, tổ chức", 350_000, 150_000, 200_000),
    ("Bồi dưỡng kỹ năng giải quyết thủ tục hành chính cho công chức cấp xã", 256_000, 156_000, 100_000),
    ("Xác định, công bố Chỉ số cải cách hành chính", 200_000, 200_000, 0),
]
PROVINCE_RECIPIENTS = [
    "Bộ Nội vụ",
    "TT Tỉnh ủy, TT HĐND tỉnh",
    "Chủ tịch, các Phó Chủ tịch UBND tỉnh",
    "Các sở, ban, ngành",
    "UBND các xã, phường, đặc khu",
    "Cổng Thông tin điện tử tỉnh",
]


@dataclass(frozen=True)
class RemediationTask:
    area: int
    criterion: str
    title: str
    position: str
    deadline: str
    coordinating: str = ""


def remediation_tasks(year: int) -> list[RemediationTask]:
    return [
        RemediationTask(
            0,
            "1.1",
            "Thực hiện Kế hoạch CCHC: tham mưu ban hành Kế hoạch CCHC năm phù hợp tình hình "
            "đơn vị, rà soát nhiệm vụ cụ thể sát thực tế để hoàn thành 100%",
            FOCAL,
            f"Trong năm {year}",
        ),
        RemediationTask(
            0,
            "1.3",
            "Công tác tuyên truyền CCHC: mở rộng tuyên truyền dưới nhiều hình thức để người "
            "dân tiếp cận thông tin, nhất là chuyển đổi số, dịch vụ công trực tuyến",
            CULTURE,
            f"Thường xuyên trong năm {year}",
        ),
        RemediationTask(
            0,
            "1.5",
            "Sáng kiến hoặc giải pháp mới: phát động phong trào đăng ký sáng kiến kinh nghiệm "
            "về CCHC đến toàn thể cán bộ, công chức xã",
            FOCAL,
            f"Quý I/{year}",
            "Tất cả cán bộ, công chức xã",
        ),
        RemediationTask(
            0,
            "1.6",
            "Xử lý kiến nghị của người dân, doanh nghiệp sau đối thoại: hoàn thành 100% nội "
            "dung theo thông báo kết luận của Chủ tịch UBND xã",
            FOCAL,
            f"Trong năm {year}",
            "Tất cả cán bộ, công chức xã",
        ),
        RemediationTask(
            0,
            "1.7",
            "Thực hiện các nhiệm vụ được cấp trên giao đúng thời gian quy định, không để quá hạn",
            FOCAL,
            f"Thường xuyên trong năm {year}",
            "Tất cả cán bộ, công chức xã",
        ),
        RemediationTask(
            2,
            "3.1.1.2",
            "Kiến nghị cải cách TTHC: rà soát, đề xuất phương án đơn giản hóa thủ tục "
            "hành chính nội bộ thuộc thẩm quyền của UBND xã",
            FOCAL,
            f"Trong năm {year}",
            JUSTICE,
        ),
        RemediationTask(
            2,
            "3.4.1",
            "Giải quyết hồ sơ TTHC trên hệ thống một cửa điện tử kịp thời, đồng bộ giữa hồ "
            "sơ giấy và phần mềm, không để trễ hạn",
            JUSTICE,
            f"Thường xuyên trong năm {year}",
        ),
        RemediationTask(
            2,
            "3.4.3",
            "Tham mưu ban hành văn bản xin lỗi khi hồ sơ giải quyết quá hạn (100% hồ sơ trễ hạn có văn bản xin lỗi)",
            JUSTICE,
            f"Thường xuyên trong năm {year}",
        ),
        RemediationTask(
            5,
            "6.2.3",
            "Thực hiện quy định về sắp xếp lại, xử lý nhà, đất thuộc thẩm quyền quản lý của UBND xã",
            FINANCE,
            f"Trong năm {year}",
            LAND,
        ),
        RemediationTask(
            6,
            "7.3.3",
            "Số hóa hồ sơ, kết quả giải quyết TTHC theo Nghị định 45/2020/NĐ-CP và 107/2021/NĐ-CP, tối thiểu 55%",
            JUSTICE,
            "Hằng tháng",
        ),
        RemediationTask(
            6,
            "7.3.4",
            "Hướng dẫn người dân nộp hồ sơ trực tuyến một phần và toàn trình; 100% TTHC "
            "trực tuyến được tiếp nhận, xử lý trực tuyến (tiêu chí 7.3.4, 7.3.6)",
            FOCAL,
            "Hằng quý",
            CULTURE,
        ),
        RemediationTask(
            6,
            "7.3.7",
            "Triển khai thanh toán trực tuyến đối với TTHC có nghĩa vụ tài chính đủ điều kiện",
            FINANCE,
            f"Quý II/{year}",
        ),
    ]


REMEDIATION_PURPOSE = [
    "Khắc phục những tồn tại, hạn chế năm trước theo chỉ đạo của UBND tỉnh và những tồn tại, hạn chế đã chỉ ra "
    "trong Chỉ số CCHC của xã; nỗ lực nâng cao điểm số các lĩnh vực, tiêu chí, tiêu chí thành phần.",
    "Đề cao vai trò, trách nhiệm của người đứng đầu trong nhận thức và tổ chức thực hiện nhiệm vụ CCHC.",
    "Xác định cải thiện và nâng cao Chỉ số CCHC là nhiệm vụ thường xuyên, lâu dài; là cơ sở đánh giá mức độ hoàn "
    "thành nhiệm vụ của công chức xã trong năm.",
]
REMEDIATION_IMPLEMENTATION = [
    "Công chức Văn phòng – Thống kê theo dõi, đôn đốc việc triển khai Kế hoạch; tổng hợp báo cáo UBND xã định kỳ "
    "hằng tháng, quý, 6 tháng, 9 tháng và năm.",
    "Các công chức được giao chủ động thực hiện; chịu trách nhiệm báo cáo, giải trình trước UBND xã đối với nội dung "
    "không thực hiện được hoặc thực hiện còn hạn chế.",
]
