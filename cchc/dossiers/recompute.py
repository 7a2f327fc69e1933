"""Recomputing stored facts and aggregates after the calendar or the rules change.

A calendar change touches only the dossiers whose working-day arithmetic spans a changed day
(received before it and ended on or after it; apologised on or before it and due after it): their
facts are rewritten in SQL from the working-day tally and the aggregates adjusted by the difference
of their contributions. A rule change (or `full`) rewrites every fact and rebuilds every aggregate:
on PostgreSQL in SQL, then with column_sums.py; on SQLite in NumPy from one read of the dossiers
(sqlite_recompute.py), or in SQL when a day lies outside the calendar's table.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from cchc.dossiers import aggregates, calendar_store, sqlite_recompute
from cchc.dossiers.calendar import WorkingCalendar
from cchc.dossiers.counters import CONTRIBUTION_COLUMNS, Accumulator
from cchc.dossiers.models import DossierSettings, Procedure


@dataclass
class RecomputeResult:
    facts_changed: int
    seconds: float
    full: bool


def _refresh_tally() -> WorkingCalendar:
    calendar = calendar_store.current_calendar()
    first, last = calendar_store.seeded_range()
    calendar_store.sync_tally(calendar, first, last)
    return calendar


def _contributions(condition: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(CONTRIBUTION_COLUMNS)} FROM {aggregates.DOSSIER} WHERE {condition}", params)
        return cursor.fetchall()


def _mark_done(settings_row: DossierSettings) -> None:
    settings_row.facts_stale_since = None
    settings_row.facts_computed_at = timezone.now()
    settings_row.save(update_fields=["facts_stale_since", "facts_computed_at"])


def recompute(changed_days: Iterable[date] | None = None) -> RecomputeResult:
    """Incremental over `changed_days`, else full (facts and every aggregate)."""
    started = time.perf_counter()
    # Only a transaction of its own may read the dossiers on other connections (sqlite_recompute.py).
    owns_transaction = not connection.in_atomic_block
    with transaction.atomic():
        settings_row = DossierSettings.current()
        calendar = _refresh_tally()
        rules = settings_row.rules()
        if changed_days is None:
            recomputed = None
            if not aggregates.is_postgresql():
                recomputed = sqlite_recompute.recompute_all(
                    rules, calendar, aggregates.DOSSIER, owns_transaction=owns_transaction
                )
            if recomputed is None:
                recomputed = aggregates.recompute_facts(rules)
                # The tables' statistics still hold (same dossiers, same days): autovacuum refreshes them.
                aggregates.rebuild(analyze=False)
            changed = recomputed
        else:
            days = sorted(set(changed_days))
            changed = 0
            if days:
                condition, params = aggregates.affected_condition(days)
                accumulator = Accumulator()
                accumulator.add(_contributions(condition, params), -1)
                changed = aggregates.recompute_facts(rules, days)
                accumulator.add(_contributions(condition, params), 1)
                unknown = aggregates.unknown_field_id()
                fields = {pk: field_id or unknown for pk, field_id in Procedure.objects.values_list("pk", "field_id")}
                aggregates.apply_increments(*accumulator.vectors(fields))
        _mark_done(settings_row)
    return RecomputeResult(changed, time.perf_counter() - started, changed_days is None)
