"""`cchc plans import FILE [--unit CODE] [--dry-run] [--json]` and `cchc plans export PLAN -o FILE`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from cchc.organisation.models import Unit
from cchc.plans.documents import PlanImportError, plan_draft_to_json
from cchc.plans.entries import contents_from_draft
from cchc.plans.exporting import plan_docx_bytes, task_table_xlsx
from cchc.plans.importing import read_plan_file
from cchc.plans.models import Plan
from cchc.plans.services import SYSTEM, save_imported_plan


class Command(BaseCommand):
    help = "Kế hoạch: nhập từ tệp Word/Excel (bảng nhiệm vụ, kinh phí) và xuất văn bản .docx hoặc bảng .xlsx."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        importer = subcommands.add_parser("import", help="Đọc kế hoạch từ .docx (hoặc bảng nhiệm vụ .xlsx)")
        importer.add_argument("file")
        importer.add_argument("--unit", help="Mã đơn vị ban hành; bắt buộc khi lưu thành dự thảo")
        importer.add_argument("--dry-run", action="store_true", help="Chỉ đọc và in kết quả, không lưu")
        importer.add_argument("--json", action="store_true", help="In kết quả dạng JSON")
        importer.add_argument("--year", type=int, help="Năm kế hoạch khi tệp không ghi năm")
        importer.add_argument(
            "--kind", default=Plan.Kind.ANNUAL, choices=Plan.Kind.values, help="Loại kế hoạch khi lưu"
        )
        exporter = subcommands.add_parser("export", help="Xuất kế hoạch ra .docx (văn bản) hoặc .xlsx (bảng nhiệm vụ)")
        exporter.add_argument("plan", help="Mã số kế hoạch trong phần mềm, hoặc số hiệu như 15/KH-UBND")
        exporter.add_argument("-o", "--output", required=True)
        exporter.add_argument("--unit", help="Mã đơn vị, khi số hiệu trùng giữa các đơn vị")
        exporter.add_argument("--decision", action="store_true", help="Xuất kèm quyết định ban hành")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "import":
            self._import(options)
        else:
            self._export(options)

    def _fail(self, message: str, code: int = 1) -> None:
        self.stderr.write(message)
        sys.exit(code)

    def _unit(self, code: str | None) -> Unit | None:
        if not code:
            return None
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            self._fail(f"Không có đơn vị mã «{code}».", 2)
        return unit

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.exists():
            self._fail(f"Không tìm thấy tệp {path}.", 2)
        unit = self._unit(options.get("unit"))
        if not options["dry_run"] and unit is None:
            self._fail("Cần --unit MÃ_ĐƠN_VỊ để lưu kế hoạch dự thảo (hoặc dùng --dry-run để chỉ đọc).", 2)
        try:
            with path.open("rb") as handle:
                draft = read_plan_file(handle, path.name, default_year=options.get("year"))
        except PlanImportError as error:
            self._fail(str(error))
            return
        result = plan_draft_to_json(draft)
        contents, errors = contents_from_draft(draft)
        if errors:
            result["errors"] = errors
        if not options["dry_run"] and unit is not None:
            if errors:
                self._fail("\n".join([*errors, "Tệp có lỗi; chưa lưu kế hoạch."]))
            try:
                plan = save_imported_plan(actor=SYSTEM, unit=unit, contents=contents, kind=options["kind"])
            except ValidationError as error:
                self._fail("; ".join(error.messages))
                return
            result["plan"] = {"id": plan.pk, "status": plan.status, "unit": unit.code, "tasks": plan.tasks.count()}
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"Đọc được {len(draft.tasks)} nhiệm vụ"
            + (f" và {len(draft.budget.lines)} dòng kinh phí." if draft.budget else ".")
        )
        for warning in draft.warnings:
            self.stdout.write(f"Lưu ý: {warning}")
        if "plan" in result:
            self.stdout.write(f"Đã lưu dự thảo kế hoạch số {result['plan']['id']} cho {unit}.")

    def _export(self, options: dict[str, Any]) -> None:
        plan = self._find_plan(options["plan"], self._unit(options.get("unit")))
        output = Path(options["output"])
        suffix = output.suffix.lower()
        if suffix == ".docx":
            output.write_bytes(plan_docx_bytes(plan, with_decision=True if options["decision"] else None))
        elif suffix == ".xlsx":
            output.write_bytes(task_table_xlsx(plan))
        else:
            self._fail("Tệp xuất phải có đuôi .docx hoặc .xlsx.", 2)
        self.stdout.write(f"Đã xuất {plan.code_display} ra {output}.")

    def _find_plan(self, reference: str, unit: Unit | None) -> Plan:
        plans = Plan.objects.select_related("unit", "unit__kind")
        if reference.isdigit():
            found = plans.filter(pk=int(reference)).first()
            if found is not None:
                return found
        number, _separator, suffix = reference.partition("/")
        matches = plans.filter(number=number, code_suffix=suffix) if suffix else plans.none()
        if unit is not None:
            matches = matches.filter(unit=unit)
        candidates = list(matches[:2])
        if not candidates:
            self._fail(f"Không tìm thấy kế hoạch «{reference}».", 2)
        if len(candidates) > 1:
            self._fail(f"Có nhiều kế hoạch số «{reference}»; thêm --unit MÃ_ĐƠN_VỊ.", 2)
        return candidates[0]
