"""A dossier register's rows as typed records with Vietnamese row errors: the reference rules.

Timestamps are naive local time, as written in the file; ISO values with an offset are converted
to Vietnam time (UTC+7, no daylight saving). `validate_row` parses and checks every cell of one row
and owns every error message; `validate_rows` adds the duplicate codes across a file. Files are
opened by tables.py (`iter_rows` gives raw rows for `validate_rows`); fast_reading.py is the way
for millions of rows, with the same results.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Final, NamedTuple

# Our field names, in record order.
CODE: Final = "code"
UNIT_CODE: Final = "unit_code"
PROCEDURE_CODE: Final = "procedure_code"
PROCEDURE_NAME: Final = "procedure_name"
FIELD: Final = "field"
RECEIVED: Final = "received"
DUE: Final = "due"
FINISHED: Final = "finished"
RETURNED: Final = "returned"
CHANNEL: Final = "channel"
ONLINE_LEVEL: Final = "online_level"
COMPONENTS_DIGITISED: Final = "components_digitised"
RESULT_DIGITISED: Final = "result_digitised"
HAS_FEE: Final = "has_fee"
PAID_ONLINE: Final = "paid_online"
SUPPLEMENT_REQUESTS: Final = "supplement_requests"
APOLOGY_DATE: Final = "apology_date"
STATUS: Final = "status"

CHANNEL_IN_PERSON: Final = 1
CHANNEL_ONLINE: Final = 2
CHANNEL_POSTAL: Final = 3
ONLINE_PARTIAL: Final = "partial"
ONLINE_FULL: Final = "full"

# Cells beyond the header's width land here: usually an unquoted delimiter that shifted the columns.
EXTRA_CELLS_KEY: Final = "_extra_cells"

MAX_HEADER_SEARCH_ROWS: Final = 20
_VIETNAM_TIME = timezone(timedelta(hours=7))
_EXCEL_EPOCH = datetime(1899, 12, 30)
_FIRST_YEAR, _LAST_YEAR = 1900, 2100
CACHE_LIMIT = 200_000


class DossierRecord(NamedTuple):
    code: str
    unit_code: str
    procedure_code: str
    procedure_name: str
    field: str
    received: datetime
    due: datetime | None
    finished: datetime | None
    returned: datetime | None
    channel: int | None
    online_level: str | None
    components_digitised: bool
    result_digitised: bool
    has_fee: bool
    paid_online: bool
    supplement_requests: int
    apology_date: date | None
    status: str


FIELD_NAMES: Final = DossierRecord._fields


@dataclass(frozen=True)
class ImportProfile:
    """How one kind of export names its columns: our field name → header text (or several aliases)."""

    name: str
    headers: Mapping[str, str | tuple[str, ...]]
    required: frozenset[str] = field(
        default_factory=lambda: frozenset({CODE, UNIT_CODE, PROCEDURE_CODE, RECEIVED, DUE})
    )

    def label(self, field_name: str) -> str:
        """The header text to name in messages."""
        header = self.headers.get(field_name, field_name)
        return header if isinstance(header, str) else header[0]

    def aliases(self) -> dict[str, str]:
        """Normalised header text → field name."""
        result: dict[str, str] = {}
        for field_name, header in self.headers.items():
            for text in (header,) if isinstance(header, str) else header:
                result[normalise_header(text)] = field_name
        return result


DEFAULT_PROFILE: Final = ImportProfile(
    name="mac-dinh",
    headers={
        CODE: "Mã hồ sơ",
        UNIT_CODE: "Mã đơn vị",
        PROCEDURE_CODE: "Mã TTHC",
        PROCEDURE_NAME: "Tên TTHC",
        FIELD: "Lĩnh vực",
        RECEIVED: "Ngày tiếp nhận",
        DUE: "Ngày hẹn trả",
        FINISHED: "Ngày kết thúc xử lý",
        RETURNED: "Ngày trả kết quả",
        CHANNEL: "Kênh nộp",
        ONLINE_LEVEL: "Mức độ trực tuyến",
        COMPONENTS_DIGITISED: "Số hóa thành phần",
        RESULT_DIGITISED: "Số hóa kết quả",
        HAS_FEE: "Có nghĩa vụ tài chính",
        PAID_ONLINE: "Thanh toán trực tuyến",
        SUPPLEMENT_REQUESTS: "Số lần yêu cầu bổ sung",
        APOLOGY_DATE: "Ngày xin lỗi",
        STATUS: "Trạng thái",
    },
)


class ImportFileError(Exception):
    """The file as a whole cannot be read; `messages` are Vietnamese, one per problem."""

    def __init__(self, messages: list[str], missing_headers: list[str] | None = None) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages
        self.missing_headers = missing_headers or []


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column_header: str
    value: object
    message_vi: str

    def __str__(self) -> str:
        return f"Dòng {self.row}, cột «{self.column_header}»: {self.message_vi}"


# Header names.

# Old-style tone placement ("hoá", "thuý") and the modern one ("hóa", "thúy") both occur in real
# exports; they differ only where the pair ends the syllable, so only there is the mark moved.
_OLD_TONE_PLACEMENT = re.compile(r"([ou])([áàảãạéèẻẽẹýỳỷỹỵ])(?!\w)")


def _move_tone_mark(match: re.Match[str]) -> str:
    first, marked = match.group(1), unicodedata.normalize("NFD", match.group(2))
    return unicodedata.normalize("NFC", first + marked[1:] + marked[0])


def normalise_header(text: str) -> str:
    """Case, surrounding and repeated spaces, NFC/NFD, a BOM and old/new tone placement don't matter."""
    normalised = unicodedata.normalize("NFC", text.replace("\ufeff", "")).casefold()
    return _OLD_TONE_PLACEMENT.sub(_move_tone_mark, " ".join(normalised.split()))


# Value parsers: each returns (value, Vietnamese error message or None).

_DATE_HINT = "cần dạng dd/mm/yyyy [HH:MM[:SS]], yyyy-mm-dd hoặc ngày của Excel"
_date_part_cache: dict[str, tuple[int, int, int] | str] = {}
_time_part_cache: dict[str, tuple[int, int, int] | str] = {}


def _is_digits(text: str) -> bool:
    """ASCII digits only: str.isdigit also accepts "²", which int() refuses."""
    return text.isascii() and text.isdigit()


def parse_date_part(text: str) -> tuple[int, int, int] | str:
    separator = "/" if "/" in text else "-" if "-" in text else "." if "." in text else None
    if separator is None:
        return "không đọc được ngày"
    parts = text.split(separator)
    if len(parts) != 3 or not all(_is_digits(part) for part in parts):
        return "không đọc được ngày"
    if len(parts[0]) == 4:
        year, month, day = int(parts[0]), int(parts[1]), int(parts[2])
    elif len(parts[2]) == 4:
        day, month, year = int(parts[0]), int(parts[1]), int(parts[2])
    else:
        return "năm phải có 4 chữ số"
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        return f"năm {year} nằm ngoài khoảng {_FIRST_YEAR}–{_LAST_YEAR}"
    try:
        date(year, month, day)
    except ValueError:
        return "ngày không tồn tại"
    return year, month, day


def parse_time_part(text: str) -> tuple[int, int, int] | str:
    parts = text.split(":")
    if len(parts) == 3 and "." in parts[2]:
        parts[2] = parts[2].split(".", 1)[0]  # fractions of a second carry no meaning for deadlines
    if len(parts) not in (2, 3) or not all(_is_digits(part) and len(part) <= 2 for part in parts):
        return "không đọc được giờ"
    hour, minute = int(parts[0]), int(parts[1])
    second = int(parts[2]) if len(parts) == 3 else 0
    if hour > 23 or minute > 59 or second > 59:
        return "giờ không tồn tại"
    return hour, minute, second


def _cached(
    cache: dict[str, tuple[int, int, int] | str],
    parser: Callable[[str], tuple[int, int, int] | str],
    text: str,
) -> tuple[int, int, int] | str:
    result = cache.get(text)
    if result is None:
        result = parser(text)
        if len(cache) < CACHE_LIMIT:
            cache[text] = result
    return result


def _from_excel_serial(serial: float) -> datetime | None:
    if not 367 <= serial <= 73415:  # 1901-01-01 … 2100-12-31
        return None
    return _EXCEL_EPOCH + timedelta(seconds=round(serial * 86400))


def _parse_text_datetime(text: str) -> tuple[datetime | None, str | None]:
    if len(text) >= 10 and text[4] == "-" and _is_digits(text[:4]):
        try:
            value: datetime | None = datetime.fromisoformat(text)
        except ValueError:
            value = None  # "2024-04-05 8:30" and the like: the general path below reads them
        if value is not None:
            if value.tzinfo is not None:
                value = value.astimezone(_VIETNAM_TIME).replace(tzinfo=None)
            if not _FIRST_YEAR <= value.year <= _LAST_YEAR:
                return None, f"ngày «{text}»: năm {value.year} nằm ngoài khoảng {_FIRST_YEAR}–{_LAST_YEAR}"
            return value, None
    date_text, _, time_text = text.partition(" ")
    time_text = time_text.strip()
    if ":" in date_text:  # "08:30 05/04/2024", also written by some one-stop systems
        date_text, time_text = time_text, date_text
    parsed_date = _cached(_date_part_cache, parse_date_part, date_text)
    if isinstance(parsed_date, str):
        if _is_digits(date_text.replace(".", "", 1)) and not time_text:
            serial_value = _from_excel_serial(float(date_text))
            if serial_value is not None:
                return serial_value, None
        return None, f"không đọc được ngày «{text}» ({parsed_date}); {_DATE_HINT}"
    if not time_text:
        return datetime(*parsed_date), None
    parsed_time = _cached(_time_part_cache, parse_time_part, time_text)
    if isinstance(parsed_time, str):
        return None, f"không đọc được ngày «{text}» ({parsed_time}); {_DATE_HINT}"
    return datetime(*parsed_date, *parsed_time), None


def parse_datetime(value: object) -> tuple[datetime | None, str | None]:
    """A timestamp from text, an Excel serial number or a calamine date; (None, None) when empty."""
    if value is None:
        return None, None
    if type(value) is str:
        text = value.strip()
        if not text:
            return None, None
        return _parse_text_datetime(text)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_VIETNAM_TIME).replace(tzinfo=None)
        return value, None
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day), None
    if isinstance(value, int | float) and not isinstance(value, bool):
        serial_value = _from_excel_serial(float(value))
        if serial_value is not None:
            return serial_value, None
        return None, f"số «{value}» không phải là ngày; {_DATE_HINT}"
    if isinstance(value, str):
        return parse_datetime(str(value))
    return None, f"không đọc được ngày «{value}»; {_DATE_HINT}"


def parse_date(value: object) -> tuple[date | None, str | None]:
    """Like parse_datetime, keeping only the calendar date (apology letters carry no time)."""
    parsed, error = parse_datetime(value)
    return (parsed.date() if parsed is not None else None), error


def _normalise_word(text: str) -> str:
    normalised = unicodedata.normalize("NFC", text).casefold().replace("(", " ").replace(")", " ")
    return " ".join(normalised.split())


def _vocabulary_parser(
    vocabulary: Mapping[str, object], default: object, describe: str
) -> Callable[[object], tuple[object, str | None]]:
    """A parser over a small vocabulary, with a cache of raw texts seen (they repeat across rows)."""
    lookup: dict[str, object] = {_normalise_word(word): meaning for word, meaning in vocabulary.items()}
    seen: dict[str, tuple[object, str | None]] = {}

    def parse(value: object) -> tuple[object, str | None]:
        if value is None:
            return default, None
        if type(value) is not str:
            # Spreadsheet numbers and booleans become text first, so 1, 1.0 and True cannot share
            # a cache entry (they hash alike) and each is judged by the vocabulary.
            value = ("true" if value else "false") if isinstance(value, bool) else _number_text(value)
        known = seen.get(value)
        if known is not None:
            return known
        assert isinstance(value, str)
        normalised = _normalise_word(value)
        if not normalised:
            result: tuple[object, str | None] = (default, None)
        elif normalised in lookup:
            result = lookup[normalised], None
        else:
            result = default, f"giá trị «{value.strip()}» không hợp lệ; {describe}"
        if len(seen) < CACHE_LIMIT:
            seen[value] = result
        return result

    return parse


def _number_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_BOOLEAN_WORDS: Final[dict[str, object]] = {
    **dict.fromkeys(("có", "x", "1", "true", "yes", "đúng", "c"), True),
    **dict.fromkeys(("không", "0", "false", "no", "sai", "k"), False),
}
_CHANNEL_WORDS: Final[dict[str, object]] = {
    "1": CHANNEL_IN_PERSON,
    "trực tiếp": CHANNEL_IN_PERSON,
    "2": CHANNEL_ONLINE,
    "trực tuyến": CHANNEL_ONLINE,
    "3": CHANNEL_POSTAL,
    "bưu chính": CHANNEL_POSTAL,
    "bưu chính công ích": CHANNEL_POSTAL,
    "qua bưu chính": CHANNEL_POSTAL,
    "qua bưu chính công ích": CHANNEL_POSTAL,
    "dịch vụ bưu chính công ích": CHANNEL_POSTAL,
}
_ONLINE_LEVEL_WORDS: Final[dict[str, object]] = {
    "một phần": ONLINE_PARTIAL,
    "trực tuyến một phần": ONLINE_PARTIAL,
    "dịch vụ công trực tuyến một phần": ONLINE_PARTIAL,
    "mức độ 3": ONLINE_PARTIAL,
    "3": ONLINE_PARTIAL,
    "toàn trình": ONLINE_FULL,
    "trực tuyến toàn trình": ONLINE_FULL,
    "dịch vụ công trực tuyến toàn trình": ONLINE_FULL,
    "mức độ 4": ONLINE_FULL,
    "4": ONLINE_FULL,
    "không": None,
}

_parse_boolean = _vocabulary_parser(_BOOLEAN_WORDS, False, "cần có/không, x, 1/0, true/false, yes/no")
_parse_channel = _vocabulary_parser(
    _CHANNEL_WORDS, None, "cần 1 (trực tiếp), 2 (trực tuyến) hoặc 3 (bưu chính công ích)"
)
_parse_online_level = _vocabulary_parser(_ONLINE_LEVEL_WORDS, None, "cần «một phần», «toàn trình» hoặc để trống")


def parse_boolean(value: object) -> tuple[bool, str | None]:
    """có/không, x, 1/0, true/false, yes/no; empty is «không»."""
    parsed, error = _parse_boolean(value)
    return bool(parsed), error


def parse_channel(value: object) -> tuple[int | None, str | None]:
    """1 in person, 2 online, 3 public postal service (digits or words); empty is unknown (None)."""
    parsed, error = _parse_channel(value)
    return (parsed if isinstance(parsed, int) else None), error


def parse_online_level(value: object) -> tuple[str | None, str | None]:
    """ "partial", "full" or None (empty: not an online service)."""
    parsed, error = _parse_online_level(value)
    return (parsed if isinstance(parsed, str) else None), error


def parse_count(value: object) -> tuple[int, str | None]:
    """A non-negative whole number; empty is 0."""
    if value is None:
        return 0, None
    if type(value) is str:
        text = value.strip()
        if not text:
            return 0, None
        if _is_digits(text):
            return int(text), None
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return 0, f"«{text}» không phải là số nguyên không âm"
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        return 0, f"«{value}» không phải là số nguyên không âm"
    if not number.is_integer() or number < 0:
        return 0, f"«{value}» không phải là số nguyên không âm"
    return int(number), None


_text_cache: dict[str, str] = {}


def clean_text(value: object) -> str:
    """Trimmed NFC text; whole numbers from spreadsheets lose their '.0' (numeric codes)."""
    if value is None:
        return ""
    text = (value if isinstance(value, str) else _number_text(value)).strip()
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def parse_text(value: object) -> str:
    """clean_text cached by the raw text, for columns whose values repeat (units, names, fields)."""
    if not isinstance(value, str):
        return clean_text(value)
    cached = _text_cache.get(value)
    if cached is None:
        cached = clean_text(value)
        if len(_text_cache) < CACHE_LIMIT:
            _text_cache[value] = cached
    return cached


# Row validation.


def validate_row(
    row_number: int,
    raw: Mapping[str, object],
    known_unit_codes: Collection[str] | None,
    profile: ImportProfile = DEFAULT_PROFILE,
) -> tuple[DossierRecord | None, list[RowError]]:
    """A typed record, or None with every problem of the row; `known_unit_codes=None` skips that check."""
    errors: list[RowError] = []
    get = raw.get

    def fail(field_name: str, message: str) -> None:
        errors.append(RowError(row_number, profile.label(field_name), get(field_name), message))

    code = clean_text(get(CODE))
    if not code:
        fail(CODE, "thiếu mã hồ sơ")
    unit_code = parse_text(get(UNIT_CODE))
    if not unit_code:
        fail(UNIT_CODE, "thiếu mã đơn vị")
    elif known_unit_codes is not None and unit_code not in known_unit_codes:
        fail(UNIT_CODE, f"mã đơn vị «{unit_code}» không có trong danh mục đơn vị")
    procedure_code = parse_text(get(PROCEDURE_CODE))
    if not procedure_code:
        fail(PROCEDURE_CODE, "thiếu mã TTHC")

    received, error = parse_datetime(get(RECEIVED))
    if error:
        fail(RECEIVED, error)
    elif received is None:
        fail(RECEIVED, "thiếu ngày tiếp nhận")
    due, error = parse_datetime(get(DUE))
    if error:
        fail(DUE, error)
    finished, error = parse_datetime(get(FINISHED))
    if error:
        fail(FINISHED, error)
    returned, error = parse_datetime(get(RETURNED))
    if error:
        fail(RETURNED, error)
    if received is not None:
        received_date = received.date()
        if due is not None and due.date() < received_date:
            fail(DUE, "ngày hẹn trả trước ngày tiếp nhận")
        if finished is not None and finished.date() < received_date:
            fail(FINISHED, "ngày kết thúc xử lý trước ngày tiếp nhận")
        if returned is not None and returned.date() < received_date:
            fail(RETURNED, "ngày trả kết quả trước ngày tiếp nhận")

    channel, error = parse_channel(get(CHANNEL))
    if error:
        fail(CHANNEL, error)
    online_level, error = parse_online_level(get(ONLINE_LEVEL))
    if error:
        fail(ONLINE_LEVEL, error)
    flags: list[bool] = []
    for field_name in (COMPONENTS_DIGITISED, RESULT_DIGITISED, HAS_FEE, PAID_ONLINE):
        flag, error = parse_boolean(get(field_name))
        if error:
            fail(field_name, error)
        flags.append(flag)
    supplement_requests, error = parse_count(get(SUPPLEMENT_REQUESTS))
    if error:
        fail(SUPPLEMENT_REQUESTS, error)
    apology_date, error = parse_date(get(APOLOGY_DATE))
    if error:
        fail(APOLOGY_DATE, error)

    extra = get(EXTRA_CELLS_KEY)
    if extra:
        errors.append(
            RowError(
                row_number,
                "(ngoài bảng)",
                extra,
                "dòng có nhiều ô hơn tiêu đề; có thể một ô chứa dấu phân cách mà không nằm trong ngoặc kép",
            )
        )
    if errors or received is None:
        return None, errors
    return (
        DossierRecord(
            code,
            unit_code,
            procedure_code,
            parse_text(get(PROCEDURE_NAME)),
            parse_text(get(FIELD)),
            received,
            due,
            finished,
            returned,
            channel,
            online_level,
            flags[0],
            flags[1],
            flags[2],
            flags[3],
            supplement_requests,
            apology_date,
            parse_text(get(STATUS)),
        ),
        errors,
    )


@dataclass
class FileValidation:
    """Running state across one file's rows: dossier codes seen and where."""

    known_unit_codes: Collection[str] | None
    profile: ImportProfile = DEFAULT_PROFILE
    first_row_by_code: dict[str, int] = field(default_factory=dict)

    def validate(self, row_number: int, raw: Mapping[str, object]) -> tuple[DossierRecord | None, list[RowError]]:
        record, errors = validate_row(row_number, raw, self.known_unit_codes, self.profile)
        code = record.code if record is not None else clean_text(raw.get(CODE))
        if code:
            first_row = self.first_row_by_code.setdefault(code, row_number)
            if first_row != row_number:
                errors.append(
                    RowError(
                        row_number,
                        self.profile.label(CODE),
                        code,
                        f"mã hồ sơ «{code}» trùng ở dòng {first_row} và dòng {row_number}",
                    )
                )
                record = None
        return record, errors


def validate_rows(
    rows: Iterable[tuple[int, Mapping[str, object]]],
    known_unit_codes: Collection[str] | None,
    profile: ImportProfile = DEFAULT_PROFILE,
) -> Iterator[tuple[int, DossierRecord | None, list[RowError]]]:
    """validate_row over a file, adding duplicate-code errors that name both rows."""
    validation = FileValidation(known_unit_codes, profile)
    for row_number, raw in rows:
        record, errors = validation.validate(row_number, raw)
        yield row_number, record, errors


__all__ = [
    "DEFAULT_PROFILE",
    "FIELD_NAMES",
    "DossierRecord",
    "FileValidation",
    "ImportFileError",
    "ImportProfile",
    "RowError",
    "clean_text",
    "parse_boolean",
    "parse_channel",
    "parse_count",
    "parse_date",
    "parse_datetime",
    "parse_online_level",
    "parse_text",
    "validate_row",
    "validate_rows",
]
