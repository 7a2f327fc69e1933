"""`cchc round create|publish|import-scores|export-scores|results`: assessment rounds from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.assessment import services
from cchc.assessment.management.commands.framework import find_criteria_set
from cchc.assessment.models import Round
from cchc.assessment.results import results_json, round_results
from cchc.assessment.score_sheets import ScoreSheetError, export_scores, read_score_sheet
from cchc.core.formatting import number, percent
from cchc.organisation.models import Unit


class Command(BaseCommand):
    help = "Đợt đánh giá Chỉ số CCHC: tạo, nhập/xuất điểm, xem kết quả, công bố."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        create = subcommands.add_parser("create", help="Tạo đợt đánh giá")
        create.add_argument("code", help="Mã đợt, ví dụ CCHC-XA-2026")
        create.add_argument("--framework", required=True, help="Mã bộ tiêu chí (thêm :2 để chọn phiên bản)")
        create.add_argument("--year", required=True, type=int, help="Năm đánh giá")
        create.add_argument("--units", required=True, help="Mã các đơn vị tham gia, cách nhau bởi dấu phẩy")
        create.add_argument("--previous", help="Mã đợt trước, để tính thay đổi thứ hạng")
        create.add_argument("--name", default="", help="Tên đợt (mặc định: Chỉ số cải cách hành chính năm …)")
        create.add_argument("--organiser", help="Mã cơ quan tổ chức (mặc định: cấp trên chung của các đơn vị)")
        create.add_argument("--thresholds", help='Tệp JSON ngưỡng xếp loại: [{"min_index": 90, "label": …}]')
        create.add_argument("--second-appraisal", action="store_true", help="Có thẩm định vòng hai")
        publish = subcommands.add_parser("publish", help="Công bố và khóa kết quả của đợt")
        publish.add_argument("round")
        importer = subcommands.add_parser("import-scores", help="Nhập điểm từ .xlsx/.csv")
        importer.add_argument("round")
        importer.add_argument("file")
        exporter = subcommands.add_parser("export-scores", help="Xuất điểm ra .xlsx (cùng bố cục khi nhập)")
        exporter.add_argument("round")
        exporter.add_argument("-o", "--output", required=True)
        results = subcommands.add_parser("results", help="Kết quả: điểm, chỉ số, xếp hạng, thay đổi, xếp loại")
        results.add_argument("round")
        results.add_argument("--json", action="store_true", help="In JSON, mỗi đơn vị một đối tượng")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = {
            "create": self.create,
            "publish": self.publish,
            "import-scores": self.import_scores,
            "export-scores": self.export_scores,
            "results": self.results,
        }[options["subcommand"]]
        try:
            handler(options)
        except ValidationError as error:
            for message in error.messages:
                self.stderr.write(message)
            sys.exit(1)

    def create(self, options: dict[str, Any]) -> None:
        codes = [code.strip() for code in options["units"].split(",") if code.strip()]
        units = {unit.code: unit for unit in Unit.objects.filter(code__in=codes).select_related("kind")}
        missing = [code for code in codes if code not in units]
        if missing:
            raise CommandError("Không có đơn vị mã: " + ", ".join(missing))
        organiser = None
        if options["organiser"]:
            organiser = Unit.objects.filter(code=options["organiser"]).first()
            if organiser is None:
                raise CommandError(f"Không có đơn vị mã «{options['organiser']}».")
        thresholds = None
        if options["thresholds"]:
            try:
                thresholds = json.loads(Path(options["thresholds"]).read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as error:
                raise CommandError(f"Không đọc được tệp ngưỡng xếp loại: {error}") from None
        created = services.create_round(
            actor=services.COMMAND_LINE,
            code=options["code"],
            criteria_set=find_criteria_set(options["framework"]),
            year=options["year"],
            units=[units[code] for code in codes],
            previous=find_round(options["previous"]) if options["previous"] else None,
            name=options["name"],
            thresholds=thresholds,
            has_second_appraisal=options["second_appraisal"],
            organiser=organiser,
        )
        self.stdout.write(
            f"Đã tạo đợt {created.code} ({created.name}) với {len(codes)} đơn vị; cơ quan tổ chức: "
            f"{created.organiser.name}."
        )

    def publish(self, options: dict[str, Any]) -> None:
        published = services.publish_round(actor=services.COMMAND_LINE, round_=find_round(options["round"]))
        self.stdout.write(f"Đã công bố và khóa kết quả đợt {published.code}.")

    def import_scores(self, options: dict[str, Any]) -> None:
        round_ = find_round(options["round"])
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        try:
            rows = read_score_sheet(path, round_, filename=path.name)
        except ScoreSheetError as error:
            for message in error.errors:
                self.stderr.write(message)
            self.stderr.write(f"Tệp có {len(error.errors)} lỗi; chưa lưu gì.")
            sys.exit(1)
        summary = services.import_scores(actor=services.COMMAND_LINE, round_=round_, rows=rows)
        self.stdout.write(
            f"Đã nhập điểm: {summary.created} mới, {summary.updated} cập nhật, {summary.unchanged} không đổi."
        )

    def export_scores(self, options: dict[str, Any]) -> None:
        round_ = find_round(options["round"])
        output = Path(options["output"])
        if output.suffix.lower() != ".xlsx":
            raise CommandError("Tệp xuất phải có đuôi .xlsx.")
        output.write_bytes(export_scores(round_))
        self.stdout.write(f"Đã xuất điểm đợt {round_.code} ra {output}.")

    def results(self, options: dict[str, Any]) -> None:
        results = round_results(find_round(options["round"]))
        if options["json"]:
            self.stdout.write(json.dumps(results_json(results), ensure_ascii=False, indent=2))
            return
        state = "tạm tính" if results.provisional else "đã công bố"
        self.stdout.write(f"{results.round.name} ({state})")
        for result in results.results:
            change = "" if result.rank_change is None else f"{result.rank_change:+d}"
            self.stdout.write(
                f"{result.rank or '—':>4}  {result.unit.code:<10} {number(result.points, 2):>8}/"
                f"{number(result.applicable_max, 2):<8} {percent(result.index):>8} {change:>4}  {result.group or ''}"
            )


def find_round(code: str) -> Round:
    found = Round.objects.select_related("criteria_set", "organiser").filter(code=code).first()
    if found is None:
        raise CommandError(f"Không có đợt đánh giá mã «{code}».")
    return found
