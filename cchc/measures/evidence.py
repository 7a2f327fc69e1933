"""Evidence files attached to reported figures: private, size-limited, checked by name and content."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File

# The file's first bytes must match its extension: a renamed executable is not a PDF.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG",),
}


def check_evidence(upload: File) -> None:
    """Raise ValidationError (Vietnamese) unless the upload is an allowed, small enough document."""
    name = upload.name or ""
    extension = PurePath(name).suffix.lower()
    if extension not in SIGNATURES:
        allowed = ", ".join(sorted(SIGNATURES))
        raise ValidationError(f"Tệp minh chứng «{name}» không đúng loại cho phép ({allowed}).")
    limit = settings.CCHC_MAX_EVIDENCE_MEGABYTES * 1024 * 1024
    if upload.size is not None and upload.size > limit:
        raise ValidationError(f"Tệp minh chứng «{name}» quá lớn (tối đa {settings.CCHC_MAX_EVIDENCE_MEGABYTES} MB).")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in SIGNATURES[extension]):
        raise ValidationError(f"Nội dung tệp «{name}» không khớp với đuôi {extension}; hãy kiểm tra lại tệp.")
