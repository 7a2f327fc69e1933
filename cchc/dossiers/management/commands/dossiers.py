"""`cchc dossiers import|kpis|recompute|generate|client`."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cchc.core.formatting import number, percent
from cchc.dossiers import calendar_store, kpis, recompute, services
from cchc.dossiers.kpis import DIMENSIONS
from cchc.dossiers.synthetic import generate_dossiers, write_csv, write_xlsx
from cchc.organisation.models import Unit, UnitKind


def parse_day(text: str) -> dt.date:
    value = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise CommandError(f"Ngày «{text}» không hợp lệ: dùng yyyy-mm-dd hoặc dd/mm/yyyy.")


class Command(BaseCommand):
    help = "Hồ sơ TTHC: nhập sổ hồ sơ, tính chỉ số, tính lại sau khi đổi lịch, sinh dữ liệu thử."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)

        importer = commands.add_parser("import", help="Nhập một hoặc nhiều tệp .csv/.xlsx (cập nhật theo mã hồ sơ)")
        importer.add_argument("files", nargs="+")
        importer.add_argument("--profile", help="Tên mẫu tệp nhập đã lưu (mặc định: tiêu đề chuẩn)")
        importer.add_argument(
            "--partial",
            action="store_true",
            help="Nhập các dòng hợp lệ, báo cáo các dòng lỗi (mặc định: lỗi là bỏ cả tệp)",
        )
        importer.add_argument("--report", help="Nơi ghi báo cáo lỗi .xlsx (mặc định: cạnh tệp nhập, đuôi .loi.xlsx)")

        figures = commands.add_parser("kpis", help="Chỉ số hồ sơ của một kỳ, theo nhóm")
        figures.add_argument("--from", dest="start", required=True, help="Ngày đầu kỳ (yyyy-mm-dd hoặc dd/mm/yyyy)")
        figures.add_argument("--to", dest="end", required=True, help="Ngày cuối kỳ")
        figures.add_argument(
            "--by", action="extend", nargs="+", default=[], help=f"Nhóm theo: {', '.join(DIMENSIONS)} (có thể nhiều)"
        )
        figures.add_argument("--unit", help="Mã đơn vị: cộng cả đơn vị và các đơn vị cấp dưới")
        figures.add_argument("--as-of", dest="as_of", help="Tính đến ngày (mặc định: hôm nay)")
        figures.add_argument("--json", action="store_true", help="In JSON: một đối tượng cho mỗi nhóm")

        again = commands.add_parser("recompute", help="Tính lại sau khi đổi lịch làm việc hoặc quy tắc")
        again.add_argument(
            "--day", action="append", default=[], help="Chỉ xét hồ sơ liên quan tới ngày này (lặp lại được)"
        )

        generator = commands.add_parser("generate", help="Sinh sổ hồ sơ giả lập (.csv hoặc .xlsx)")
        generator.add_argument("count", type=int)
        generator.add_argument("-o", "--output", required=True)
        generator.add_argument("--year", type=int, default=timezone.localdate().year - 1)
        generator.add_argument("--seed", type=int, default=2026)
        generator.add_argument("--units", nargs="+", help="Mã đơn vị (mặc định: các xã, phường đang có)")

        client = commands.add_parser("client", help="Tạo kết nối cho hệ thống một cửa (in mã khóa một lần)")
        client.add_argument("name")
        client.add_argument("--unit", required=True, help="Mã đơn vị: hệ thống được gửi hồ sơ của đơn vị và cấp dưới")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, f"_{options['subcommand']}")
        handler(options)

    def _import(self, options: dict[str, Any]) -> None:
        paths = [Path(name) for name in options["files"]]
        for path in paths:
            if not path.exists():
                raise CommandError(f"Không tìm thấy tệp {path}.")
        try:
            results = services.import_files(paths, profile_name=options["profile"], partial=options["partial"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        failed = False
        for path, result in zip(paths, results, strict=True):
            (self.stdout if result.saved else self.stderr).write(result.summary())
            if result.error_count or result.file_errors:
                report = (
                    Path(options["report"]) if options["report"] and len(paths) == 1 else path.with_suffix(".loi.xlsx")
                )
                report.write_bytes(result.report_xlsx())
                for row_error in result.errors[:20]:
                    self.stderr.write(f"  {row_error}")
                if result.error_count > 20:
                    self.stderr.write(f"  … và {number(result.error_count - 20)} lỗi khác.")
                self.stderr.write(f"Báo cáo lỗi: {report}")
            failed = failed or not result.saved
        if failed:
            sys.exit(1)

    def _kpis(self, options: dict[str, Any]) -> None:
        start, end = parse_day(options["start"]), parse_day(options["end"])
        as_of = parse_day(options["as_of"]) if options["as_of"] else timezone.localdate()
        by = [part for value in options["by"] for part in value.split(",") if part]
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"Không có đơn vị mã «{options['unit']}».")
        try:
            groups = kpis.kpis(unit, start, end, as_of, by=by)
        except ValueError as error:
            raise CommandError(str(error)) from error
        dimensions = kpis.normalise_dimensions(by)
        if options["json"]:
            self.stdout.write(json.dumps([group.as_json(dimensions) for group in groups], ensure_ascii=False, indent=2))
            return
        for group in groups:
            payload = group.as_json(dimensions)
            label = " · ".join(str(payload[dimension]) for dimension in dimensions) or "Tổng"
            counts = group.counts
            rates = group.rates()
            self.stdout.write(
                f"{label}: tiếp nhận {number(counts.received)}, giải quyết {number(counts.settled)} "
                f"(đúng hạn và trước hạn {percent(rates['settled_on_time_rate'])}), quá hạn {number(counts.overdue)}, "
                f"đang giải quyết {number(counts.in_progress)}, trực tuyến {percent(rates['online_rate'])}"
            )

    def _recompute(self, options: dict[str, Any]) -> None:
        days = [parse_day(text) for text in options["day"]] or None
        result = recompute.recompute(days)
        self.stdout.write(
            f"Đã tính lại: {number(result.facts_changed)} hồ sơ có số liệu thay đổi ({number(result.seconds, 1)} giây)."
        )

    def _generate(self, options: dict[str, Any]) -> None:
        codes = options["units"]
        if not codes:
            codes = list(
                Unit.objects.active_on()
                .filter(kind__level=UnitKind.Level.COMMUNE)
                .order_by("code")
                .values_list("code", flat=True)
            )
        if not codes:
            raise CommandError("Chưa có xã, phường nào: dùng --units để chọn mã đơn vị.")
        year = options["year"]
        calendar = calendar_store.calendar_for_years(range(year - 1, year + 2))
        records = generate_dossiers(options["count"], codes, year, options["seed"], calendar)
        output = Path(options["output"])
        writer = write_xlsx if output.suffix.casefold() == ".xlsx" else write_csv
        written = writer(output, records)
        self.stdout.write(f"Đã ghi {number(written)} hồ sơ năm {year} của {len(codes)} đơn vị vào {output}.")

    def _client(self, options: dict[str, Any]) -> None:
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị mã «{options['unit']}».")
        client, token = services.create_api_client(actor=None, name=options["name"], unit=unit)
        self.stdout.write(f"Đã tạo kết nối «{client.name}» cho {unit.name}. Mã khóa (chỉ hiện một lần):")
        self.stdout.write(token)
