"""Every write of the dossiers capability, with its permission check and audit record."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cchc.audit.services import record, snapshot
from cchc.dossiers import calendar_store
from cchc.dossiers.importing import ImportResult, import_file, profile_by_name
from cchc.dossiers.models import ApiClient, CalendarDay, DossierSettings, SavedImportProfile
from cchc.dossiers.parsing import FIELD_NAMES
from cchc.dossiers.permissions import import_scope, require_administer
from cchc.jobs.models import Job
from cchc.jobs.services import enqueue
from cchc.organisation.models import Unit

RECOMPUTE_JOB = "dossiers.recompute"
IMPORT_JOB = "dossiers.import"


def import_files(
    paths: list[Path],
    *,
    actor: Any = None,
    profile_name: str | None = None,
    partial: bool = False,
    names: list[str] | None = None,
    progress: Any = None,
) -> list[ImportResult]:
    """Import files one after the other, each all-or-nothing; a user imports only within their scope."""
    profile = profile_by_name(profile_name)
    scope = import_scope(actor) if getattr(actor, "is_authenticated", False) else None
    results = []
    for index, path in enumerate(paths):

        def file_progress(rows: int, expected: int | None, index: int = index) -> None:
            if progress is not None:
                progress(index, rows, expected)

        results.append(
            import_file(
                path,
                profile=profile,
                partial=partial,
                actor=actor,
                allowed_unit_ids=scope,
                progress=file_progress,
                name=names[index] if names else None,
            )
        )
    return results


# The calendar.


def request_recompute(*, actor: Any, changed_days: list[dt.date] | None, reason: str) -> Job:
    """Mark the stored facts stale and queue their recomputation (the dashboard says so meanwhile)."""
    settings_row = DossierSettings.current()
    if settings_row.facts_stale_since is None:
        settings_row.facts_stale_since = timezone.now()
        settings_row.save(update_fields=["facts_stale_since"])
    params = {"changed_days": None if changed_days is None else [day.isoformat() for day in changed_days]}
    return enqueue(RECOMPUTE_JOB, f"Tính lại số liệu hồ sơ ({reason})", params=params, user=actor, priority=50)


@transaction.atomic
def set_calendar_day(*, actor: Any, day: dt.date, kind: str, name: str) -> CalendarDay:
    """Add or change an exceptional day; the administrator's word wins over the library from then on."""
    require_administer(actor)
    if kind not in CalendarDay.Kind.values:
        raise ValidationError("Loại ngày không hợp lệ.")
    if kind == CalendarDay.Kind.WORKING_DAY and day.weekday() < 5:
        raise ValidationError("Ngày làm việc bù phải là thứ Bảy hoặc Chủ nhật.")
    if kind != CalendarDay.Kind.WORKING_DAY and day.weekday() >= 5:
        raise ValidationError("Thứ Bảy, Chủ nhật vốn là ngày nghỉ: chỉ khai báo khi đó là ngày làm việc bù.")
    calendar_store.ensure_years([day.year])
    existing = CalendarDay.objects.filter(day=day).first()
    before = snapshot(existing) if existing else None
    calendar_day = existing or CalendarDay(day=day)
    calendar_day.kind = kind
    calendar_day.name = name.strip()[:255]
    calendar_day.source = CalendarDay.Source.ADMINISTRATOR
    calendar_day.save()
    calendar_store.bump_version(day.year, actor)
    record(
        actor=actor,
        action="update" if existing else "create",
        instance=calendar_day,
        before=before,
        after=snapshot(calendar_day),
    )
    # The job row is written in this transaction: a worker sees it only once the change is committed.
    request_recompute(actor=actor, changed_days=[day], reason=f"lịch ngày {day:%d/%m/%Y}")
    return calendar_day


@transaction.atomic
def delete_calendar_day(*, actor: Any, calendar_day: CalendarDay) -> None:
    """The day follows the Monday–Friday rule again."""
    require_administer(actor)
    day = calendar_day.day
    before = snapshot(calendar_day)
    record(actor=actor, action="delete", instance=calendar_day, before=before)
    calendar_day.delete()
    calendar_store.bump_version(day.year, actor)
    request_recompute(actor=actor, changed_days=[day], reason=f"bỏ ngày đặc biệt {day:%d/%m/%Y}")


@transaction.atomic
def reseed_year(*, actor: Any, year: int) -> int:
    """Take the library's holidays for `year` again, keeping every day an administrator set."""
    require_administer(actor)
    library = {day: (kind, name) for day, kind, name in calendar_store.library_days(year)}
    stored = {row.day: row for row in CalendarDay.objects.filter(year=year)}
    changed: list[dt.date] = []
    for day, stored_row in stored.items():
        if stored_row.source == CalendarDay.Source.LIBRARY and day not in library:
            stored_row.delete()
            changed.append(day)
    for day, (kind, name) in library.items():
        row = stored.get(day)
        if row is None:
            CalendarDay.objects.create(day=day, kind=kind, name=name[:255], source=CalendarDay.Source.LIBRARY)
            changed.append(day)
        elif row.source == CalendarDay.Source.LIBRARY and row.kind != kind:
            row.kind = kind
            row.save(update_fields=["kind"])
            changed.append(day)
    year_row = calendar_store.bump_version(year, actor)
    record(
        actor=actor, action="update", instance=year_row, after=snapshot(year_row), note=f"Nạp lại ngày lễ năm {year}"
    )
    if changed:
        request_recompute(actor=actor, changed_days=changed, reason=f"nạp lại ngày lễ năm {year}")
    return len(changed)


# Rules.

RULE_FIELDS = ("max_supplement_requests_before_late", "apology_working_days_before_due", "formula_766")


@transaction.atomic
def update_settings(*, actor: Any, values: Mapping[str, Any]) -> DossierSettings:
    require_administer(actor)
    settings_row = DossierSettings.current()
    before = snapshot(settings_row)
    for name in (*RULE_FIELDS, "warning_working_days"):
        if name in values:
            setattr(settings_row, name, values[name])
    settings_row.full_clean()
    settings_row.save()
    record(actor=actor, action="update", instance=settings_row, before=before, after=snapshot(settings_row))
    facts_rules = RULE_FIELDS[:2]
    if any(before[name] != getattr(settings_row, name) for name in facts_rules):
        request_recompute(actor=actor, changed_days=None, reason="đổi quy tắc tính")
    return settings_row


# Import profiles.


@transaction.atomic
def save_profile(
    *, actor: Any, name: str, headers: Mapping[str, str], profile: SavedImportProfile | None = None
) -> SavedImportProfile:
    require_administer(actor)
    cleaned = {
        field: str(headers.get(field, "")).strip() for field in FIELD_NAMES if str(headers.get(field, "")).strip()
    }
    missing = [field for field in ("code", "unit_code", "procedure_code", "received", "due") if field not in cleaned]
    if missing:
        raise ValidationError("Mẫu phải có tiêu đề cho mã hồ sơ, mã đơn vị, mã TTHC, ngày tiếp nhận và ngày hẹn trả.")
    before = snapshot(profile) if profile else None
    profile = profile or SavedImportProfile(created_by=actor if getattr(actor, "is_authenticated", False) else None)
    profile.name = name.strip()
    profile.headers = cleaned
    profile.full_clean()
    profile.save()
    record(
        actor=actor, action="update" if before else "create", instance=profile, before=before, after=snapshot(profile)
    )
    return profile


@transaction.atomic
def delete_profile(*, actor: Any, profile: SavedImportProfile) -> None:
    require_administer(actor)
    record(actor=actor, action="delete", instance=profile, before=snapshot(profile))
    profile.delete()


# Connected one-stop systems.


@transaction.atomic
def create_api_client(*, actor: Any, name: str, unit: Unit) -> tuple[ApiClient, str]:
    """A new client and its token (shown once; only a hash is kept)."""
    require_administer(actor)
    token = secrets.token_urlsafe(32)
    client = ApiClient.objects.create(
        name=name.strip()[:200],
        unit=unit,
        token_hash=ApiClient.hash_token(token),
        token_prefix=token[:8],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(
        actor=actor,
        action="create",
        instance=client,
        after=snapshot(client, ["name", "unit", "token_prefix", "is_active"]),
    )
    return client, token


@transaction.atomic
def set_api_client_active(*, actor: Any, client: ApiClient, active: bool) -> ApiClient:
    require_administer(actor)
    before = snapshot(client, ["is_active"])
    client.is_active = active
    client.save(update_fields=["is_active"])
    record(actor=actor, action="update", instance=client, before=before, after=snapshot(client, ["is_active"]))
    return client
