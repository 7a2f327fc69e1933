"""Claiming and running jobs.

A job is claimed by a compare-and-set UPDATE (status queued → running, only if still queued), which is
atomic on PostgreSQL and SQLite alike: however many workers on however many machines race for the same
row, exactly one UPDATE matches it. On PostgreSQL the candidate is first picked with SKIP LOCKED so
workers do not queue behind each other.
"""

from __future__ import annotations

import logging
import os
import socket
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from cchc.jobs.models import Job
from cchc.jobs.registry import handler_for

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=10)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_next(worker: str) -> Job | None:
    for _attempt in range(5):
        with transaction.atomic():
            candidates = Job.objects.runnable()
            if connection.features.has_select_for_update_skip_locked:
                candidates = candidates.select_for_update(skip_locked=True)
            candidate = candidates.values_list("pk", flat=True).first()
            if candidate is None:
                return None
            now = timezone.now()
            claimed = Job.objects.filter(pk=candidate, status=Job.Status.QUEUED).update(
                status=Job.Status.RUNNING, worker=worker, started_at=now, heartbeat_at=now
            )
        if claimed == 1:
            job = Job.objects.get(pk=candidate)
            Job.objects.filter(pk=job.pk).update(attempts=job.attempts + 1)
            return job
    return None


def requeue_stale(now: datetime | None = None) -> int:
    """Jobs whose worker died (no heartbeat for a while) go back to the queue, at most three tries."""
    now = now or timezone.now()
    stale = Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
    failed = stale.filter(attempts__gte=3).update(
        status=Job.Status.FAILED, error="Tiến trình xử lý đã dừng đột ngột ba lần.", finished_at=now
    )
    return failed + stale.update(status=Job.Status.QUEUED, worker="")


@dataclass
class JobContext:
    """What a handler gets: the job, and ways to report progress, log and attach a result."""

    job: Job
    _log_lines: list[str] = field(default_factory=list)

    @property
    def params(self) -> dict:
        return self.job.params

    def log(self, line: str) -> None:
        stamp = timezone.localtime().strftime("%H:%M:%S")
        self._log_lines.append(f"[{stamp}] {line}")
        self._flush()

    def progress(self, percent: float, text: str = "") -> None:
        percent_int = max(0, min(100, int(percent)))
        self.job.progress = percent_int
        self.job.progress_text = text[:255]
        Job.objects.filter(pk=self.job.pk).update(
            progress=percent_int, progress_text=self.job.progress_text, heartbeat_at=timezone.now()
        )

    def set_result(self, result: dict) -> None:
        self.job.result = result
        Job.objects.filter(pk=self.job.pk).update(result=result)

    def attach_file(self, name: str, content: bytes) -> None:
        self.job.result_file.save(name, ContentFile(content), save=False)
        Job.objects.filter(pk=self.job.pk).update(result_file=self.job.result_file.name)

    def _flush(self) -> None:
        text = (self.job.log + "\n" if self.job.log else "") + "\n".join(self._log_lines)
        self.job.log = text
        self._log_lines.clear()
        Job.objects.filter(pk=self.job.pk).update(log=text, heartbeat_at=timezone.now())


class JobFailed(Exception):
    """A handler's expected failure: the message (Vietnamese) is shown to the user as is."""


def run(job: Job) -> Job:
    context = JobContext(job)
    try:
        handler = handler_for(job.kind)
        handler(context)
    except JobFailed as error:
        _finish(job, Job.Status.FAILED, str(error))
        context.log(f"Lỗi: {error}")
    except Exception as error:
        logger.exception("job %s failed", job.pk)
        _finish(job, Job.Status.FAILED, f"Lỗi hệ thống: {error}")
        context.log(traceback.format_exc(limit=5))
    else:
        job.progress = 100
        _finish(job, Job.Status.SUCCEEDED, "")
    job.refresh_from_db()
    return job


def _finish(job: Job, status: str, error: str) -> None:
    updates: dict = {"status": status, "finished_at": timezone.now(), "error": error}
    if status == Job.Status.SUCCEEDED:
        updates["progress"] = 100
    Job.objects.filter(pk=job.pk).update(**updates)


def run_pending(worker: str | None = None, limit: int | None = None) -> int:
    """Run queued jobs until none is left (or `limit`); returns how many ran. Used by tests and `--once`."""
    worker = worker or worker_name()
    done = 0
    while limit is None or done < limit:
        job = claim_next(worker)
        if job is None:
            break
        run(job)
        done += 1
    return done
