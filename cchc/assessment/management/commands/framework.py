"""`cchc framework import FILE` and `cchc framework export CODE -o FILE` (.xlsx or .json by suffix)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.assessment import criteria, services
from cchc.assessment.framework_io import FrameworkImportError
from cchc.assessment.models import CriteriaSet


class Command(BaseCommand):
    help = "Bộ tiêu chí Chỉ số CCHC: nhập từ tệp .xlsx/.json (thành phiên bản mới) hoặc xuất ra tệp."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        importer = subcommands.add_parser("import", help="Nhập bộ tiêu chí từ tệp .xlsx hoặc .json")
        importer.add_argument("file")
        importer.add_argument("--draft", action="store_true", help="Lưu ở trạng thái dự thảo, chưa áp dụng")
        exporter = subcommands.add_parser("export", help="Xuất phiên bản mới nhất của bộ tiêu chí")
        exporter.add_argument("code", help="Mã bộ tiêu chí, ví dụ MAU-XA-2024 (thêm :2 để chọn phiên bản 2)")
        exporter.add_argument("-o", "--output", required=True, help="Tệp .xlsx hoặc .json")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "import":
            self.import_file(Path(options["file"]), draft=options["draft"])
        else:
            self.export_file(options["code"], Path(options["output"]))

    def import_file(self, path: Path, *, draft: bool) -> None:
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        status = CriteriaSet.Status.DRAFT if draft else CriteriaSet.Status.ACTIVE
        try:
            data = criteria.parse(path.read_bytes(), path.name)
            stored, created = services.import_criteria_set(actor=services.COMMAND_LINE, data=data, status=status)
        except FrameworkImportError as error:
            for message in error.errors:
                self.stderr.write(message)
            self.stderr.write(f"Tệp có {len(error.errors)} lỗi; chưa lưu gì.")
            sys.exit(1)
        if created:
            leaves = stored.criteria.filter(is_leaf=True).count()
            self.stdout.write(
                f"Đã nhập bộ tiêu chí {stored.code}, phiên bản {stored.version}: {stored.criteria.count()} tiêu chí "
                f"({leaves} tiêu chí chấm điểm)."
            )
        else:
            self.stdout.write(f"Bộ tiêu chí {stored.code} không thay đổi so với phiên bản {stored.version}.")

    def export_file(self, reference: str, output: Path) -> None:
        try:
            file_format = criteria.format_of(output.name)
        except FrameworkImportError as error:
            raise CommandError(error.errors[0]) from None
        criteria_set = find_criteria_set(reference)
        output.write_bytes(criteria.export(criteria_set, file_format))
        self.stdout.write(f"Đã xuất bộ tiêu chí {criteria_set.label} ra {output}.")


def find_criteria_set(reference: str) -> CriteriaSet:
    """ "CODE" → the active version, else the newest; "CODE:2" → version 2."""
    code, _, version = reference.partition(":")
    sets = CriteriaSet.objects.filter(code=code)
    if version:
        if not version.isdigit():
            raise CommandError(f"Phiên bản «{version}» không hợp lệ.")
        found = sets.filter(version=int(version)).first()
    else:
        found = (
            sets.filter(status=CriteriaSet.Status.ACTIVE).order_by("-version").first()
            or sets.order_by("-version").first()
        )
    if found is None:
        raise CommandError(f"Không có bộ tiêu chí mã «{reference}».")
    return found
