"""Evidence files of progress updates: private, size-limited, checked by extension and first bytes."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File

# A file's first bytes must match its extension: a renamed executable is not a PDF.
SIGNATURES: dict[str, bytes] = {
    ".pdf": b"%PDF",
    ".docx": b"PK\x03\x04",
    ".xlsx": b"PK\x03\x04",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".png": b"\x89PNG",
}
ACCEPT = ",".join(SIGNATURES)


def check_evidence(upload: File) -> None:
    """Raise ValidationError (Vietnamese) unless the upload is an allowed document of acceptable size."""
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower()
    if extension not in SIGNATURES:
        allowed = ", ".join(SIGNATURES)
        raise ValidationError(f"Tệp «{name}» không thuộc loại được phép ({allowed}).")
    limit_megabytes = settings.CCHC_MAX_EVIDENCE_MEGABYTES
    if upload.size is not None and upload.size > limit_megabytes * 1024 * 1024:
        raise ValidationError(f"Tệp «{name}» quá lớn (tối đa {limit_megabytes} MB).")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(SIGNATURES[extension]):
        raise ValidationError(f"Nội dung tệp «{name}» không khớp với đuôi {extension}; hãy kiểm tra lại tệp.")
