"""`cchc remediation draft|target`: the remediation plan and the cheapest way to a target rank."""

from __future__ import annotations

import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.assessment.models import Round
from cchc.core.formatting import number, percent
from cchc.organisation.models import Unit
from cchc.remediation import services
from cchc.remediation.planner import PlanningError
from cchc.remediation.targets import Target, load_picture, plan_for


class Command(BaseCommand):
    help = "Kế hoạch khắc phục từ kết quả Chỉ số CCHC đã công bố và lộ trình đạt thứ hạng mục tiêu."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        draft = subcommands.add_parser("draft", help="Lập (và lưu) dự thảo kế hoạch khắc phục cho một đơn vị")
        draft.add_argument("round", help="Mã đợt đánh giá đã công bố, ví dụ CCHC-XA-2025")
        draft.add_argument("--unit", required=True, help="Mã đơn vị")
        goal = draft.add_mutually_exclusive_group()
        goal.add_argument("--target-rank", type=int, help="Thứ hạng mục tiêu K (K trở lên)")
        goal.add_argument("--rise", type=int, help="Số bậc cần tăng (mặc định 1)")
        draft.add_argument("--dry-run", action="store_true", help="Chỉ in dự thảo, không lưu kế hoạch")
        draft.add_argument("--json", action="store_true", help="In JSON")
        target = subcommands.add_parser("target", help="Số điểm tối thiểu và các tiêu chí ít công sức nhất")
        target.add_argument("round")
        target.add_argument("--unit", required=True, help="Mã đơn vị")
        wanted = target.add_mutually_exclusive_group(required=True)
        wanted.add_argument("--rank", type=int, help="Thứ hạng mục tiêu K (K trở lên)")
        wanted.add_argument("--rise", type=int, help="Số bậc cần tăng")
        wanted.add_argument("--index", help="Chỉ số mục tiêu (%%), ví dụ 92,5")
        target.add_argument("--effort", help="Tệp .xlsx/.csv cột «Mã tiêu chí», «Công sức» thay công sức mặc định")
        target.add_argument("--trend", action="store_true", help="Các đơn vị khác giữ xu hướng so với đợt trước")
        target.add_argument("--json", action="store_true", help="In JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "draft":
                self.draft(options)
            else:
                self.target(options)
        except (ValidationError, PlanningError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            for message in messages:
                self.stderr.write(message)
            sys.exit(1)

    def draft(self, options: dict[str, Any]) -> None:
        round_, unit = _round(options["round"]), _unit(options["unit"])
        if options["target_rank"] is not None:
            target = Target(rank=options["target_rank"])
        else:
            target = Target(rise=1 if options["rise"] is None else options["rise"])
        draft = services.draft_remediation(services.SYSTEM, round_, unit, target)
        data = draft.as_json()
        plan = None if options["dry_run"] else services.save_draft(actor=services.SYSTEM, draft=draft)
        data["plan"] = plan.pk if plan is not None else None
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{unit.name}: {draft.objective}.")
        for position, task in enumerate(draft.tasks, start=1):
            self.stdout.write(
                f"{position:>3}. {task.code:<9} −{number(task.points_lost, 2):>5}  {task.responsible_name or '—'}"
                f"  · {task.timeframe}"
            )
        if plan is not None:
            self.stdout.write(f"Đã lưu dự thảo kế hoạch (mã số {plan.pk}) với {plan.tasks.count()} nhiệm vụ.")

    def target(self, options: dict[str, Any]) -> None:
        round_, unit = _round(options["round"]), _unit(options["unit"])
        if options["rank"] is not None:
            target = Target(rank=options["rank"])
        elif options["rise"] is not None:
            target = Target(rise=options["rise"])
        else:
            target = Target(index=_decimal(options["index"]))
        overrides = None
        if options["effort"]:
            path = Path(options["effort"])
            if not path.exists():
                raise CommandError(f"Không tìm thấy tệp {path}.")
            overrides = services.read_effort_sheet(str(path), path.name)
        picture = load_picture(round_, unit, with_trend=options["trend"])
        answer = plan_for(picture, target, effort_overrides=overrides)
        if options["json"]:
            data = answer.as_dict()
            data["unit"] = unit.code
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        result = answer.result
        self.stdout.write(
            f"{unit.name}: {percent(result.current_index)}, thứ {result.current_rank}/{answer.ranked_count}; "
            f"mục tiêu chỉ số ≥ {percent(result.required_index)}."
        )
        state = "đạt được" if result.achievable else "không đạt được kể cả khi khắc phục hết"
        self.stdout.write(
            f"Cần thêm {number(result.points_needed, 2)} điểm ({state}); công sức {number(result.cost, 2)}."
        )
        for leaf in answer.leaves:
            extra = f"  · {leaf.measure_text}" if leaf.measure_text else ""
            self.stdout.write(f"  {leaf.code:<9} +{number(leaf.points, 2):>5}  công sức {number(leaf.cost, 2)}{extra}")


def _round(code: str) -> Round:
    found = Round.objects.select_related("criteria_set", "organiser").filter(code=code).first()
    if found is None:
        raise CommandError(f"Không có đợt đánh giá mã «{code}».")
    return found


def _unit(code: str) -> Unit:
    found = Unit.objects.select_related("kind", "parent").filter(code=code).first()
    if found is None:
        raise CommandError(f"Không có đơn vị mã «{code}».")
    return found


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text.strip().rstrip("%").replace(",", "."))
    except InvalidOperation:
        raise CommandError(f"«{text}» không phải là số.") from None
