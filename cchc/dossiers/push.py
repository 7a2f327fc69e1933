"""The batch push endpoint for one-stop systems: JSON in, upsert by code, per-row errors out.

    POST /ho-so/api/day-ho-so/
    Authorization: Bearer <token>
    {"dossiers": [{"code": "…", "unit_code": "…", "procedure_code": "…", "received": "…", …}], "partial": false}

Keys are the import fields (code, unit_code, procedure_code, procedure_name, field, received, due,
finished, returned, channel, online_level, components_digitised, result_digitised, has_fee,
paid_online, supplement_requests, apology_date, status) or the default file headers («Mã hồ sơ», …);
values as in a file. Answers: 401 without a valid token, 403 when a dossier belongs to a unit outside
the client's subtree (nothing saved), 413 beyond the size limits, 422 with the row errors (nothing
saved) unless `partial`, 200 with what was saved.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from cchc.audit.services import record, snapshot
from cchc.dossiers import calendar_store
from cchc.dossiers.models import ApiClient, DossierSettings, ImportBatch
from cchc.dossiers.parsing import (
    DEFAULT_PROFILE,
    FIELD_NAMES,
    UNIT_CODE,
    DossierRecord,
    FileValidation,
    RowError,
    clean_text,
    normalise_header,
)
from cchc.dossiers.rows import CODE_LIMIT, PROCEDURE_CODE_LIMIT, length_errors
from cchc.dossiers.store import DossierWriter
from cchc.organisation.models import Unit

MAX_DOSSIERS = 5_000
MAX_BYTES = 10 * 1024 * 1024
_KEYS = {name: name for name in FIELD_NAMES} | {
    normalise_header(header): name for header, name in DEFAULT_PROFILE.aliases().items()
}


def authenticate(header: str) -> ApiClient | None:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return (
        ApiClient.objects.select_related("unit")
        .filter(token_hash=ApiClient.hash_token(token.strip()), is_active=True)
        .first()
    )


@dataclass
class PushResult:
    status: int
    body: dict[str, Any] = field(default_factory=dict)


def _error_json(error: RowError) -> dict[str, Any]:
    value = (
        error.value if isinstance(error.value, str | int | float | bool) or error.value is None else str(error.value)
    )
    return {"row": error.row, "column": error.column_header, "value": value, "message": error.message_vi}


def _raw(item: dict[str, Any]) -> dict[str, object]:
    raw: dict[str, object] = {}
    for key, value in item.items():
        name = _KEYS.get(key) or _KEYS.get(normalise_header(str(key)))
        if name is not None:
            raw[name] = value
    return raw


def parse_body(body: bytes) -> tuple[list[Any], bool] | PushResult:
    if len(body) > MAX_BYTES:
        return PushResult(413, {"detail": f"Yêu cầu quá lớn: tối đa {MAX_BYTES // (1024 * 1024)} MB."})
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return PushResult(400, {"detail": "Nội dung không phải JSON UTF-8 hợp lệ."})
    partial = False
    if isinstance(payload, dict):
        partial = payload.get("partial") is True
        payload = payload.get("dossiers")
    if not isinstance(payload, list) or not all(isinstance(item, dict) for item in payload):
        return PushResult(400, {"detail": "Cần một danh sách hồ sơ («dossiers»), mỗi hồ sơ là một đối tượng JSON."})
    if len(payload) > MAX_DOSSIERS:
        return PushResult(413, {"detail": f"Mỗi lần gửi tối đa {MAX_DOSSIERS} hồ sơ; hãy chia nhỏ."})
    return payload, partial


def push(client: ApiClient, items: list[dict[str, Any]], partial: bool) -> PushResult:
    started = time.perf_counter()
    unit_ids = dict(Unit.objects.values_list("code", "pk"))
    allowed = set(Unit.objects.filter(path__startswith=client.unit.path).values_list("pk", flat=True))
    raws = [_raw(item) for item in items]
    outside = []
    for row, raw in enumerate(raws, start=1):
        code = clean_text(raw.get(UNIT_CODE))
        if code in unit_ids and unit_ids[code] not in allowed:
            outside.append(
                RowError(
                    row, DEFAULT_PROFILE.label(UNIT_CODE), code, f"đơn vị «{code}» không thuộc phạm vi của hệ thống này"
                )
            )
    if outside:
        return PushResult(
            403,
            {
                "detail": "Có hồ sơ của đơn vị ngoài phạm vi được cấp; chưa lưu hồ sơ nào.",
                "errors": [_error_json(e) for e in outside],
            },
        )
    validation = FileValidation(unit_ids.keys())
    valid: list[tuple[int, DossierRecord]] = []
    errors: list[RowError] = []
    for row, raw in enumerate(raws, start=1):
        record_, row_errors = validation.validate(row, raw)
        if (
            record_ is not None
            and not row_errors
            and (len(record_.code) > CODE_LIMIT or len(record_.procedure_code) > PROCEDURE_CODE_LIMIT)
        ):
            row_errors = length_errors(row, record_, DEFAULT_PROFILE)
        if row_errors:
            errors.extend(row_errors)
        elif record_ is not None:
            valid.append((row, record_))
    if errors and not partial:
        return PushResult(
            422,
            {"detail": "Có hồ sơ không hợp lệ; chưa lưu hồ sơ nào.", "errors": [_error_json(e) for e in errors]},
        )
    settings_row = DossierSettings.current()
    with transaction.atomic():
        writer = DossierWriter(
            calendar_store.current_calendar(), settings_row.rules(), unit_ids=unit_ids, allowed_unit_ids=allowed
        )
        refused = writer.write(valid)
        summary = writer.finish()
        refused += summary.errors
        if refused:
            transaction.set_rollback(True)
            return PushResult(
                403,
                {
                    "detail": "Có hồ sơ đã thuộc đơn vị ngoài phạm vi được cấp; chưa lưu hồ sơ nào.",
                    "errors": [_error_json(e) for e in refused],
                },
            )
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
        batch = ImportBatch.objects.create(
            source=ImportBatch.Source.API,
            name=f"Kết nối «{client.name}»"[:255],
            status=ImportBatch.Status.PARTIAL if errors else ImportBatch.Status.IMPORTED,
            rows=len(items),
            created=summary.created,
            updated=summary.updated,
            rejected=len(errors),
            seconds=round(time.perf_counter() - started, 3),
            api_client=client,
            unit=client.unit,
        )
        record(actor=None, action="import", instance=batch, after=snapshot(batch), note=f"Kết nối {client.name}")
    return PushResult(
        200,
        {
            "received": len(items),
            "created": summary.created,
            "updated": summary.updated,
            "errors": [_error_json(e) for e in errors],
        },
    )
