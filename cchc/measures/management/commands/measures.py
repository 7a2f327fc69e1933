"""`cchc measures sync`, `cchc measures import FILE`,
`cchc measures values CODE --from PERIOD --to PERIOD [--unit CODE] [--json]`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.core.formatting import number
from cchc.measures import periods as periods_module
from cchc.measures.importing import import_values
from cchc.measures.models import Measure
from cchc.measures.services import sync_definitions
from cchc.measures.tables import reporting_units, value_rows
from cchc.organisation.models import Unit


class Command(BaseCommand):
    help = "Chỉ số: đồng bộ định nghĩa, nhập số liệu báo cáo từ tệp, xem giá trị theo đơn vị và kỳ."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        subcommands.add_parser("sync", help="Ghi định nghĩa các chỉ số (tính tự động và báo cáo) vào cơ sở dữ liệu")
        importer = subcommands.add_parser(
            "import", help="Nhập số liệu từ .xlsx/.csv (Mã đơn vị, Mã chỉ số, Kỳ, Tử số, Mẫu số hoặc Giá trị)"
        )
        importer.add_argument("file")
        values = subcommands.add_parser("values", help="Giá trị của một chỉ số theo đơn vị và kỳ")
        values.add_argument("code", help="Mã chỉ số, ví dụ docs.digitally_signed_rate")
        values.add_argument("--from", dest="first", required=True, help="Kỳ đầu, ví dụ 2026-01")
        values.add_argument("--to", dest="last", required=True, help="Kỳ cuối, ví dụ 2026-06")
        values.add_argument(
            "--unit", help="Mã đơn vị (tính cả cấp dưới); mặc định: mọi đơn vị có số liệu trong các kỳ này"
        )
        values.add_argument("--json", action="store_true", help="In JSON: mỗi đơn vị × kỳ một đối tượng")

    def handle(self, *args: Any, **options: Any) -> None:
        match options["subcommand"]:
            case "sync":
                result = sync_definitions()
                self.stdout.write(f"Đã đồng bộ chỉ số: {result.created} mới, {result.updated} cập nhật.")
            case "import":
                self.import_file(Path(options["file"]))
            case "values":
                self.print_values(options)

    def import_file(self, path: Path) -> None:
        if not path.exists():
            self.stderr.write(f"Không tìm thấy tệp {path}.")
            sys.exit(2)
        result = import_values(path)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            self.stderr.write(f"Tệp có {len(result.errors)} lỗi; chưa lưu dữ liệu nào.")
            sys.exit(1)
        self.stdout.write(
            f"Đã nhập {result.created + result.updated} số liệu ({result.created} mới, {result.updated} cập nhật), "
            "đang chờ cấp trên duyệt."
        )

    def print_values(self, options: dict[str, Any]) -> None:
        measure = Measure.objects.filter(code=options["code"]).first()
        if measure is None:
            raise CommandError(f"Không có chỉ số mã «{options['code']}» (chạy «cchc measures sync» trước?).")
        try:
            first = periods_module.parse(options["first"])
            last = periods_module.parse(options["last"])
            periods = periods_module.between(first, last, measure.periodicity)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"Không có đơn vị mã «{options['unit']}».")
            units = [unit]
        else:
            units = reporting_units(measure, periods)
        rows = value_rows(measure, units, periods)
        if options["json"]:
            self.stdout.write(json.dumps([row.as_json() for row in rows], ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{measure.name} ({measure.code})")
        places = 2 if measure.kind == Measure.Kind.PERCENTAGE else 0
        for row in rows:
            shown = number(row.value, places) if row.value is not None else "—"
            self.stdout.write(f"{row.unit.code:<12} {row.period.key:<10} {shown:>14}  {row.status_label}")
