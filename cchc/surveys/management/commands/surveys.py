"""`cchc surveys import-questionnaire FILE`, `create-round`, `import-responses ROUND FILE`,
`results ROUND [--json]` and `export-responses ROUND -o FILE`."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.core.formatting import number, percent
from cchc.organisation.models import Unit
from cchc.surveys import exports, services
from cchc.surveys.models import SurveyRound
from cchc.surveys.questionnaire import QuestionnaireError
from cchc.surveys.questionnaire_io import load_questionnaire_json, read_questionnaire_excel
from cchc.surveys.results import results_document


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise CommandError(f"Ngày «{text}» không hợp lệ (dùng dạng dd/mm/yyyy).")


def _round(code: str) -> SurveyRound:
    survey_round = SurveyRound.objects.select_related("questionnaire").filter(code__iexact=code).first()
    if survey_round is None:
        raise CommandError(f"Không có đợt khảo sát mã «{code}».")
    return survey_round


def _existing_file(name: str) -> Path:
    path = Path(name)
    if not path.exists():
        raise CommandError(f"Không tìm thấy tệp {path}.")
    return path


class Command(BaseCommand):
    help = "Khảo sát hài lòng: nhập bộ câu hỏi, tạo đợt, nhập phiếu giấy, xem và xuất kết quả."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        importer = commands.add_parser("import-questionnaire", help="Nhập một phiên bản bộ câu hỏi (.xlsx hoặc .json)")
        importer.add_argument("file")
        importer.add_argument("--sample", action="store_true", help="Đánh dấu là bộ câu hỏi mẫu có sẵn")

        creator = commands.add_parser("create-round", help="Tạo đợt khảo sát")
        creator.add_argument("code", help="Mã đợt, ví dụ SIPAS-2026")
        creator.add_argument("--questionnaire", required=True, help="Mã bộ câu hỏi, ví dụ SIPAS-2024 hoặc SIPAS-2024:1")
        creator.add_argument("--units", required=True, help="Mã các đơn vị tham gia, cách nhau bởi dấu phẩy")
        creator.add_argument("--opens", help="Ngày mở (dd/mm/yyyy)")
        creator.add_argument("--closes", help="Ngày kết thúc (dd/mm/yyyy)")
        creator.add_argument("--title", default="", help="Tên đợt (mặc định: mã đợt)")
        creator.add_argument("--organiser", help="Mã đơn vị tổ chức (mặc định: đơn vị chung gần nhất)")
        creator.add_argument("--target", type=int, help="Số phiếu cần thu của mỗi đơn vị")
        creator.add_argument("--open", action="store_true", help="Mở đợt ngay")

        responses = commands.add_parser("import-responses", help="Nhập phiếu giấy/ngoại tuyến từ .xlsx hoặc .csv")
        responses.add_argument("round")
        responses.add_argument("file")

        results = commands.add_parser("results", help="Kết quả theo đơn vị")
        results.add_argument("round")
        results.add_argument("--json", action="store_true", help="In JSON")

        exporter = commands.add_parser("export-responses", help="Xuất phiếu trả lời (dạng nhập lại được)")
        exporter.add_argument("round")
        exporter.add_argument("-o", "--output", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        match options["subcommand"]:
            case "import-questionnaire":
                self.import_questionnaire(_existing_file(options["file"]), sample=options["sample"])
            case "create-round":
                self.create_round(options)
            case "import-responses":
                self.import_responses(_round(options["round"]), _existing_file(options["file"]))
            case "results":
                self.results(_round(options["round"]), as_json=options["json"])
            case "export-responses":
                survey_round = _round(options["round"])
                output = Path(options["output"])
                output.write_bytes(
                    exports.answers_workbook(survey_round, list(survey_round.round_units.select_related("unit")))
                )
                self.stdout.write(f"Đã xuất phiếu trả lời ra {output}.")

    def import_questionnaire(self, path: Path, *, sample: bool) -> None:
        try:
            if path.suffix.lower() == ".json":
                definition = load_questionnaire_json(path.read_bytes())
            else:
                definition = read_questionnaire_excel(path)
            questionnaire, created = services.save_questionnaire(definition, is_sample=sample)
        except QuestionnaireError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            self.stderr.write(f"Tệp có {len(error.problems)} lỗi; chưa lưu bộ câu hỏi.")
            sys.exit(1)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if created:
            self.stdout.write(f"Đã nhập bộ câu hỏi {questionnaire.identity}: {questionnaire.name}.")
        else:
            self.stdout.write(f"Bộ câu hỏi {questionnaire.identity} đã có, không thay đổi.")

    def create_round(self, options: dict[str, Any]) -> None:
        questionnaire = services.find_questionnaire(options["questionnaire"])
        if questionnaire is None:
            raise CommandError(f"Không có bộ câu hỏi «{options['questionnaire']}».")
        codes = [code.strip() for code in options["units"].split(",") if code.strip()]
        units = {unit.code: unit for unit in Unit.objects.filter(code__in=codes)}
        missing = [code for code in codes if code not in units]
        if missing:
            raise CommandError("Không có đơn vị mã: " + ", ".join(missing) + ".")
        chosen = [units[code] for code in codes]
        try:
            if options.get("organiser"):
                organiser = Unit.objects.filter(code=options["organiser"]).first()
                if organiser is None:
                    raise CommandError(f"Không có đơn vị mã «{options['organiser']}».")
            else:
                organiser = services.common_parent(chosen)
            survey_round = services.create_round(
                actor=None,
                code=options["code"],
                title=options["title"],
                questionnaire=questionnaire,
                organiser=organiser,
                units=chosen,
                opens_on=_date(options.get("opens")),
                closes_on=_date(options.get("closes")),
                status=SurveyRound.Status.OPEN if options["open"] else SurveyRound.Status.DRAFT,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if options.get("target"):
            survey_round.round_units.update(sample_target=options["target"])
        self.stdout.write(
            f"Đã tạo đợt {survey_round.code} ({survey_round.get_status_display().lower()}) với {len(chosen)} đơn vị; "
            f"đơn vị tổ chức: {organiser.name}."
        )
        for round_unit in survey_round.round_units.select_related("unit"):
            self.stdout.write(f"  {round_unit.unit.code}\t/khao-sat/r/{round_unit.token}/")

    def import_responses(self, survey_round: SurveyRound, path: Path) -> None:
        with path.open("rb") as source:
            result = services.import_responses(survey_round, source, filename=path.name)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            self.stderr.write(f"Tệp có {len(result.errors)} lỗi; chưa lưu phiếu nào.")
            sys.exit(1)
        units = ", ".join(f"{code}: {count}" for code, count in sorted(result.per_unit.items()))
        self.stdout.write(f"Đã nhập {result.created} phiếu vào đợt {survey_round.code} ({units}).")

    def results(self, survey_round: SurveyRound, *, as_json: bool) -> None:
        document = results_document(survey_round)
        if as_json:
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{survey_round.title} ({survey_round.code}) – {document['questionnaire']}")
        for item in [*document["units"], {**document["overall"], "unit": "", "name": "Chung"}]:
            factors = " ".join(f"{code} {percent(value)}" for code, value in item["factors"].items())
            margin = f" ±{number(item['margin_of_error'], 2)}" if item["margin_of_error"] is not None else ""
            self.stdout.write(
                f"{item['unit']:<10} {item['name']:<30} {number(item['responses']):>7} phiếu  "
                f"chỉ số {percent(item['index'])}{margin}  {factors}"
            )
