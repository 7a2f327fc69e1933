"""`cchc reminders [--date DD/MM/YYYY] [--no-email]`: produce today's reminders and send the digests."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.notifications.services import run_reminders, send_digests


class Command(BaseCommand):
    help = "Tạo nhắc việc (sắp đến hạn, quá hạn) và gửi thư tổng hợp mỗi người một thư."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Ngày tính nhắc việc (dd/mm/yyyy); mặc định hôm nay.")
        parser.add_argument("--no-email", action="store_true", help="Chỉ tạo thông báo trong phần mềm.")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        today = None
        if options["date"]:
            try:
                today = dt.datetime.strptime(options["date"], "%d/%m/%Y").date()
            except ValueError as error:
                raise CommandError("Ngày phải có dạng dd/mm/yyyy.") from error
        created = run_reminders(today)
        sent = 0 if options["no_email"] else send_digests()
        self.stdout.write(f"Đã tạo {created} nhắc việc mới; đã gửi {sent} thư tổng hợp.")
