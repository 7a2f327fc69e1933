"""Enqueueing jobs. Always after the surrounding transaction commits, so a worker never sees a job
whose data is not yet visible."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db import transaction

from cchc.accounts.access import is_system_administrator
from cchc.audit.services import record, snapshot
from cchc.jobs.models import Job


def enqueue(
    kind: str,
    title: str,
    *,
    params: dict[str, Any] | None = None,
    user: Any = None,
    unit: Any = None,
    input_file: File | None = None,
    input_name: str = "",
    priority: int = 100,
) -> Job:
    """Create a job row. It is created in the caller's transaction (so a rolled-back request leaves no
    job) and becomes visible to workers when that transaction commits."""
    job = Job(
        kind=kind,
        title=title,
        params=params or {},
        created_by=user if getattr(user, "is_authenticated", False) else None,
        unit=unit,
        priority=priority,
    )
    if input_file is not None:
        job.input_file.save(input_name or getattr(input_file, "name", "input"), input_file, save=False)
    job.save()
    return job


def _started_or_administers(user: Any, job: Job) -> bool:
    """Who started a job may call it off; so may a system administrator."""
    return is_system_administrator(user) or (job.created_by_id is not None and job.created_by_id == user.pk)


def may_cancel(user: Any, job: Job) -> bool:
    return job.status == Job.Status.QUEUED and _started_or_administers(user, job)


@transaction.atomic
def cancel(*, actor: Any, job: Job) -> bool:
    """Cancel a job still waiting; False when a worker took it first (it then runs to its end)."""
    if not _started_or_administers(actor, job):
        raise PermissionDenied("Chỉ người tạo công việc hoặc quản trị hệ thống được hủy công việc này.")
    before = snapshot(job)
    # Compare-and-set: a worker claims with the same condition, so exactly one of the two wins.
    if Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(status=Job.Status.CANCELLED) != 1:
        return False
    job.refresh_from_db()
    record(actor=actor, action="update", instance=job, before=before, after=snapshot(job), note="Hủy công việc")
    return True
