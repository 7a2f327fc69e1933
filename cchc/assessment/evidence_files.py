"""Which evidence files are accepted: PDF, Word, Excel and images, checked by extension and content."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File

from cchc.core.formatting import number

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of old .doc and .xls files
ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class FileType:
    signatures: tuple[bytes, ...]
    content_type: str


FILE_TYPES: dict[str, FileType] = {
    ".pdf": FileType((b"%PDF",), "application/pdf"),
    ".docx": FileType((ZIP,), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".doc": FileType((OLE,), "application/msword"),
    ".xlsx": FileType((ZIP,), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".xls": FileType((OLE,), "application/vnd.ms-excel"),
    ".jpg": FileType((b"\xff\xd8\xff",), "image/jpeg"),
    ".jpeg": FileType((b"\xff\xd8\xff",), "image/jpeg"),
    ".png": FileType((b"\x89PNG\r\n\x1a\n",), "image/png"),
}
ACCEPT_ATTRIBUTE = ",".join(sorted(FILE_TYPES))


def limit_bytes() -> int:
    return int(settings.CCHC_MAX_EVIDENCE_MEGABYTES) * 1024 * 1024


def check(upload: File) -> str:
    """The content type of an acceptable upload; ValidationError (Vietnamese) otherwise.

    The extension alone is not trusted: a renamed executable must not pass as a PDF, so the first bytes
    must match too.
    """
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower()
    file_type = FILE_TYPES.get(extension)
    if file_type is None:
        raise ValidationError(
            f"Tệp «{name}» không thuộc loại được phép. Chỉ nhận PDF, Word (.doc, .docx), Excel (.xls, .xlsx) "
            "và ảnh (.jpg, .png)."
        )
    size = upload.size or 0
    if size > limit_bytes():
        megabytes = number(Decimal(size) / 1024 / 1024, 1)
        raise ValidationError(
            f"Tệp «{name}» quá lớn ({megabytes} MB); tối đa {settings.CCHC_MAX_EVIDENCE_MEGABYTES} MB."
        )
    if size == 0:
        raise ValidationError(f"Tệp «{name}» rỗng.")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in file_type.signatures):
        raise ValidationError(f"Nội dung tệp «{name}» không khớp với đuôi {extension}; hãy kiểm tra lại tệp.")
    return file_type.content_type
