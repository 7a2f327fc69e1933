"""`cchc worker`: process background jobs. Run several, on several machines, over one database."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from cchc.jobs.runner import claim_next, requeue_stale, run, worker_name


class Command(BaseCommand):
    help = "Xử lý các công việc nền (nhập tệp, tính toán lại, tạo văn bản, nhắc việc)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--once", action="store_true", help="Chạy hết hàng đợi rồi thoát.")
        parser.add_argument("--sleep", type=float, default=1.0, help="Số giây chờ khi hàng đợi trống.")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        name = worker_name()
        self.stdout.write(f"Tiến trình {name} bắt đầu xử lý công việc nền.")
        last_sweep = 0.0
        while True:
            if time.monotonic() - last_sweep > 60:
                requeue_stale()
                last_sweep = time.monotonic()
            job = claim_next(name)
            if job is None:
                if options["once"]:
                    return
                time.sleep(options["sleep"])
                continue
            self.stdout.write(f"→ #{job.pk} {job.title}")
            finished = run(job)
            self.stdout.write(f"  {finished.get_status_display()} {finished.error}")
