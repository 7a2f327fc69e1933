"""`cchc org import FILE` and `cchc org export -o FILE`."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from cchc.organisation import io


class Command(BaseCommand):
    help = "Nhập hoặc xuất cây tổ chức (Excel/CSV: Mã đơn vị, Tên đơn vị, Loại, Mã đơn vị cấp trên)."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        importer = subcommands.add_parser("import", help="Nhập (cập nhật theo mã) từ tệp .xlsx hoặc .csv")
        importer.add_argument("file")
        exporter = subcommands.add_parser("export", help="Xuất ra tệp .xlsx hoặc .csv")
        exporter.add_argument("-o", "--output", required=True)

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["subcommand"] == "import":
            path = Path(options["file"])
            if not path.exists():
                self.stderr.write(f"Không tìm thấy tệp {path}.")
                sys.exit(2)
            result = io.import_units(path)
            if not result.ok:
                for error in result.errors:
                    self.stderr.write(str(error))
                self.stderr.write(f"Tệp có {len(result.errors)} lỗi; chưa lưu dữ liệu nào.")
                sys.exit(1)
            self.stdout.write(
                f"Đã nhập: {result.created} đơn vị mới, {result.updated} cập nhật, {result.unchanged} không đổi."
            )
        else:
            output = Path(options["output"])
            output.write_bytes(io.export_units(as_csv=output.suffix.lower() == ".csv"))
            self.stdout.write(f"Đã xuất cây tổ chức ra {output}.")
