"""`cchc demo [--no-serve] [--reset] [--port 8000]`: load the demo province and serve it with a worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from cchc.core import demo
from cchc.organisation.models import Unit


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (một tỉnh giả định) rồi chạy máy chủ cùng một tiến trình xử lý nền."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Chỉ nạp dữ liệu mẫu, không chạy máy chủ.")
        parser.add_argument("--reset", action="store_true", help="Xóa toàn bộ dữ liệu rồi nạp lại.")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        call_command("migrate", interactive=False, verbosity=0)
        if options["reset"]:
            call_command("flush", interactive=False, verbosity=0)
            call_command("migrate", interactive=False, verbosity=0)
        if Unit.objects.filter(code=demo.PROVINCE_CODE).exists():
            self.stdout.write("Dữ liệu mẫu đã có sẵn (dùng --reset để nạp lại).")
        else:
            demo.load(log=self.stdout.write)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA optimize")
        self.print_logins(options["port"])
        if not options["no_serve"]:
            self.serve(options["port"])

    def print_logins(self, port: str) -> None:
        self.stdout.write("")
        self.stdout.write(f"CCHC: http://127.0.0.1:{port}")
        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {demo.DEMO_PASSWORD}):")
        for username, description in demo.DEMO_LOGINS:
            self.stdout.write(f"  {username:<12} {description}")
        self.stdout.write("")

    def serve(self, port: str) -> None:
        # The worker runs beside the web server so that imports and documents are processed in the demo.
        worker = subprocess.Popen([sys.executable, "-m", "cchc.cli", "worker"], env=os.environ.copy())
        try:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=10)
