"""Importing dossier registers (CSV, .xlsx): one transaction per file, all or nothing by default.

A file is read once. Valid rows are written batch by batch while the rest of the file is checked;
at the first invalid row (without `partial`) writing stops, checking goes on so the report lists
every problem, and the transaction is rolled back: nothing of the file is kept. With `partial`, the
valid rows are saved and the others reported. Either way a crash rolls the whole file back.
"""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from cchc.audit.services import record as audit_record
from cchc.audit.services import snapshot
from cchc.core.formatting import number
from cchc.dossiers import calendar_store
from cchc.dossiers.models import DossierSettings, ImportBatch, SavedImportProfile
from cchc.dossiers.parsing import (
    DEFAULT_PROFILE,
    FIELD_NAMES,
    ImportFileError,
    ImportProfile,
    RowError,
)
from cchc.dossiers.rows import ReaderFailed, prepare_file, prepare_file_in_process, without_cycle_collection
from cchc.dossiers.store import DossierWriter
from cchc.organisation.models import Unit
from cchc.organisation.tabular import write_xlsx

BATCH_SIZE = 10_000
# From this size a file is read in a second process while this one writes (see rows.py).
READER_PROCESS_ROWS = 50_000
MAX_REPORTED_ERRORS = 50_000
Progress = Callable[[int, int | None], None]


@dataclass
class ImportResult:
    name: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    file_errors: list[str] = field(default_factory=list)
    saved: bool = False
    partial: bool = False
    seconds: float = 0.0
    batch_id: int | None = None

    @property
    def status(self) -> str:
        if not self.saved:
            return ImportBatch.Status.REJECTED
        return ImportBatch.Status.PARTIAL if self.error_count else ImportBatch.Status.IMPORTED

    def add_errors(self, errors: Sequence[RowError]) -> None:
        self.error_count += len(errors)
        room = MAX_REPORTED_ERRORS - len(self.errors)
        if room > 0:
            self.errors.extend(errors[:room])

    def summary(self) -> str:
        if self.file_errors:
            return f"Tệp «{self.name}» không nhập được: {'; '.join(self.file_errors)}"
        if not self.saved:
            return (
                f"Tệp «{self.name}» có {number(self.error_count)} lỗi trong {number(self.rows)} dòng; "
                "chưa lưu hồ sơ nào. Xem báo cáo lỗi, sửa tệp rồi nhập lại (hoặc chọn nhập các dòng hợp lệ)."
            )
        text = f"Tệp «{self.name}»: {number(self.created)} hồ sơ mới, {number(self.updated)} hồ sơ cập nhật"
        if self.error_count:
            text += f", {number(self.error_count)} lỗi ở các dòng không nhập"
        return text + f" ({number(self.seconds, 1)} giây)."

    def report_xlsx(self) -> bytes:
        """Row, column, value, message of each problem (the first MAX_REPORTED_ERRORS)."""
        rows: list[list[Any]] = [
            [error.row, error.column_header, _cell(error.value), error.message_vi] for error in self.errors
        ]
        if self.error_count > len(self.errors):
            rows.append(["", "", "", f"… và {self.error_count - len(self.errors)} lỗi khác không liệt kê"])
        for message in self.file_errors:
            rows.append(["", "", "", message])
        return write_xlsx(["Dòng", "Cột", "Giá trị", "Lỗi"], rows, "Lỗi nhập hồ sơ")


def _cell(value: object) -> object:
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)


class _Rejected(Exception):
    pass


def profile_by_name(name: str | None) -> ImportProfile:
    """The default profile, or a saved one by name (ValueError in Vietnamese if unknown)."""
    if not name or name == DEFAULT_PROFILE.name:
        return DEFAULT_PROFILE
    saved = SavedImportProfile.objects.filter(name=name).first()
    if saved is None:
        raise ValueError(f"Không có mẫu tệp nhập «{name}»")
    return profile_from_saved(saved)


def profile_from_saved(saved: SavedImportProfile) -> ImportProfile:
    headers: dict[str, str | tuple[str, ...]] = {}
    for field_name in FIELD_NAMES:
        text = str(saved.headers.get(field_name) or "").strip()
        if not text:
            continue
        aliases = tuple(part.strip() for part in text.split("|") if part.strip())
        headers[field_name] = aliases[0] if len(aliases) == 1 else aliases
    return ImportProfile(name=saved.name, headers=headers)


def count_rows(path: Path) -> int | None:
    """Data rows of a file, roughly, for the progress bar and to choose the bulk path; None if unknown.

    CSV: its line breaks (quoted ones count too). A workbook: the first sheet's declared dimension,
    read from the head of its XML without loading the sheet, or (writers may omit it) the sheet's size
    over the size of the rows in its head.
    """
    suffix = path.suffix.casefold()
    if suffix in {".csv", ".txt"}:
        count = 0
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 22):
                count += chunk.count(b"\n")
        return max(count - 1, 1)
    if suffix in {".xlsx", ".xlsm"}:
        return _declared_sheet_rows(path)
    return None


_SHEET_ID = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]+)"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+:[A-Z]+(\d+)"')
_ROW = re.compile(rb"<(?:\w+:)?row[\s>]")
_SHEET_HEAD_BYTES = 1 << 16


def _declared_sheet_rows(path: Path) -> int | None:
    try:
        with zipfile.ZipFile(path) as archive:
            first = _SHEET_ID.search(archive.read("xl/workbook.xml"))
            relations = archive.read("xl/_rels/workbook.xml.rels")
            if first is None:
                return None
            target = re.search(
                rb'Id="' + re.escape(first.group(1)) + rb'"[^>]*?Target="([^"]+)"', relations
            ) or re.search(rb'Target="([^"]+)"[^>]*?Id="' + re.escape(first.group(1)) + rb'"', relations)
            if target is None:
                return None
            name = target.group(1).decode()
            name = name.lstrip("/") if name.startswith("/") else f"xl/{name}"
            size = archive.getinfo(name).file_size
            with archive.open(name) as sheet:
                head = sheet.read(_SHEET_HEAD_BYTES)
    except (OSError, KeyError, zipfile.BadZipFile):
        return None  # the reader reports what is wrong with the file
    dimension = _DIMENSION.search(head)
    if dimension:
        return max(int(dimension.group(1)) - 1, 1)
    rows = len(_ROW.findall(head))
    if not rows:
        return None
    return max(round(rows * size / len(head)) - 1, 1)


def import_file(
    path: str | Path,
    *,
    profile: ImportProfile = DEFAULT_PROFILE,
    partial: bool = False,
    actor: Any = None,
    allowed_unit_ids: Collection[int] | None = None,
    progress: Progress | None = None,
    name: str | None = None,
) -> ImportResult:
    """Import one file; see the module's rules. `allowed_unit_ids` None means every unit (the CLI)."""
    file_path = Path(path)
    result = ImportResult(name=name or file_path.name, partial=partial)
    started = time.perf_counter()
    settings_row = DossierSettings.current()
    unit_ids = dict(Unit.objects.values_list("code", "pk"))
    expected = count_rows(file_path)
    try:
        with without_cycle_collection(), transaction.atomic():
            calendar = calendar_store.current_calendar()
            writer = DossierWriter(
                calendar,
                settings_row.rules(),
                unit_ids=unit_ids,
                allowed_unit_ids=allowed_unit_ids,
                profile=profile,
                expected_rows=expected,
            )
            if expected is not None and expected >= READER_PROCESS_ROWS:
                batches = prepare_file_in_process(file_path, profile, writer.maker, BATCH_SIZE)
            else:
                batches = prepare_file(file_path, profile, writer.maker, unit_ids.keys(), BATCH_SIZE)
            for prepared in batches:
                result.rows += prepared.rows_read
                errors = prepared.errors
                if partial or not (errors or result.error_count):
                    errors.extend(writer.write_prepared(prepared))
                result.add_errors(errors)
                if progress is not None:
                    progress(result.rows, expected)
            if result.error_count and not partial:
                raise _Rejected
            summary = writer.finish()
            if summary.errors:
                result.add_errors(summary.errors)
                if not partial:
                    raise _Rejected
            result.created, result.updated, result.saved = summary.created, summary.updated, True
            result.seconds = time.perf_counter() - started
            result.batch_id = _record_batch(result, actor).pk
    except _Rejected:
        result.saved = False
    except ImportFileError as error:
        result.file_errors = list(error.messages)
        result.saved = False
    except ReaderFailed as error:
        result.file_errors = [f"Lỗi khi đọc tệp: {error}"]
        result.saved = False
    result.seconds = time.perf_counter() - started
    if not result.saved:
        result.created = result.updated = 0
        result.batch_id = _record_batch(result, actor).pk
    return result


def _record_batch(result: ImportResult, actor: Any) -> ImportBatch:
    batch = ImportBatch.objects.create(
        source=ImportBatch.Source.FILE,
        name=result.name[:255],
        status=result.status,
        rows=result.rows,
        created=result.created,
        updated=result.updated,
        rejected=result.error_count,
        seconds=round(result.seconds, 3),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(actor=actor, action="import", instance=batch, after=snapshot(batch), note=result.summary()[:500])
    return batch
