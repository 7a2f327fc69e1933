"""Enqueueing jobs. Always after the surrounding transaction commits, so a worker never sees a job
whose data is not yet visible."""

from __future__ import annotations

from typing import Any

from django.core.files.base import File
from django.db import transaction

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


def cancel(job: Job) -> bool:
    with transaction.atomic():
        return Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(status=Job.Status.CANCELLED) == 1
