"""Deciding what to do with a public survey submission: keep it, keep it flagged, or turn it away.

The rule of thumb is to lose no honest answer. Only a filled honeypot (a field people never see) and a
flood far beyond what people can type are turned away; everything merely odd (too fast, many answers
from one address, the same answers twice) is kept and flagged for the focal officer to review. A kiosk
tablet at the one-stop desk, or a commune office whose visitors share one Wi-Fi address, sends many
honest answers from one client key, so kiosks get their own, much higher limits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from cchc.surveys.questionnaire import answer_codes


class GuardFlag(StrEnum):
    HONEYPOT = "honeypot"
    TOO_FAST = "too_fast"
    NO_FILL_TIME = "no_fill_time"
    MANY_FROM_CLIENT = "many_from_client"
    FLOOD = "flood"
    DUPLICATE = "duplicate"


FLAG_LABELS: dict[GuardFlag, str] = {
    GuardFlag.HONEYPOT: "Trường ẩn chống máy gửi tự động bị điền",
    GuardFlag.TOO_FAST: "Điền phiếu nhanh bất thường",
    GuardFlag.NO_FILL_TIME: "Không xác định được thời gian điền phiếu",
    GuardFlag.MANY_FROM_CLIENT: "Nhiều phiếu từ cùng một thiết bị hoặc địa chỉ mạng",
    GuardFlag.FLOOD: "Gửi dồn dập vượt ngưỡng cho phép",
    GuardFlag.DUPLICATE: "Trùng nội dung với phiếu trước đó từ cùng thiết bị",
}


@dataclass(frozen=True)
class GuardConfig:
    # A SIPAS form takes minutes; under 10 seconds nobody has read the questions.
    minimum_fill_seconds: int = 10
    rate_window: timedelta = timedelta(hours=1)
    # One address may be a commune office's shared Wi-Fi: flag early, refuse only a real flood.
    soft_limit: int = 10
    flood_ceiling: int = 100
    # A kiosk serves a queue of people all day; one answer every 12 seconds is already a flood.
    kiosk_soft_limit: int = 90
    kiosk_flood_ceiling: int = 300
    duplicate_window: timedelta = timedelta(hours=24)
    # At a kiosk two people often give the same all-"Hài lòng" answers; only a quick repeat
    # looks like a double submission.
    kiosk_duplicate_window: timedelta = timedelta(minutes=2)


@dataclass(frozen=True)
class SubmissionMeta:
    client_key: str  # a salted hash of the IP address, or the kiosk's device key
    submitted_at: datetime
    form_opened_at: datetime | None  # from the signed form token; None when missing or tampered
    honeypot: str = ""
    answer_fingerprint: str = ""
    kiosk: bool = False


@dataclass(frozen=True)
class PastSubmission:
    client_key: str
    submitted_at: datetime
    answer_fingerprint: str = ""


@dataclass(frozen=True)
class GuardVerdict:
    accept: bool
    flags: list[str]
    reason_vi: str
    # A bot that filled the honeypot is shown the usual thank-you page, so it learns nothing.
    silent: bool = False


def answer_fingerprint(answers: Mapping[str, object]) -> str:
    """A stable digest of the answers given, blind to order, blanks and "4" versus 4."""
    canonical = {code: sorted(answer_codes(value)) for code, value in sorted(answers.items()) if answer_codes(value)}
    return hashlib.sha256(json.dumps(canonical, ensure_ascii=False).encode()).hexdigest()


def _clock(moment: datetime) -> str:
    return moment.strftime("%H:%M %d/%m/%Y")


def _same_client_within(
    history: Iterable[PastSubmission], meta: SubmissionMeta, window: timedelta
) -> list[PastSubmission]:
    since = meta.submitted_at - window
    return [
        past
        for past in history
        if past.client_key == meta.client_key and since <= past.submitted_at <= meta.submitted_at
    ]


def assess_submission(
    submission_meta: SubmissionMeta,
    recent_history: Sequence[PastSubmission],
    config: GuardConfig | None = None,
) -> GuardVerdict:
    """Decide on one submission given the recent ones (from any client; others are ignored)."""
    config = config or GuardConfig()
    meta = submission_meta
    if meta.honeypot.strip():
        return GuardVerdict(False, [GuardFlag.HONEYPOT], FLAG_LABELS[GuardFlag.HONEYPOT], silent=True)

    flags: list[str] = []
    reasons: list[str] = []
    recent = _same_client_within(recent_history, meta, config.rate_window)
    count = len(recent) + 1
    ceiling = config.kiosk_flood_ceiling if meta.kiosk else config.flood_ceiling
    soft_limit = config.kiosk_soft_limit if meta.kiosk else config.soft_limit
    hours = config.rate_window.total_seconds() / 3600
    window_text = f"{hours:g} giờ" if hours >= 1 else f"{config.rate_window.total_seconds() / 60:g} phút"
    if count > ceiling:
        reason = f"{FLAG_LABELS[GuardFlag.FLOOD]}: phiếu thứ {count} trong {window_text} (tối đa {ceiling})"
        return GuardVerdict(False, [GuardFlag.FLOOD], reason)
    if count > soft_limit:
        flags.append(GuardFlag.MANY_FROM_CLIENT)
        reasons.append(f"{FLAG_LABELS[GuardFlag.MANY_FROM_CLIENT]}: phiếu thứ {count} trong {window_text}")

    if meta.form_opened_at is None:
        flags.append(GuardFlag.NO_FILL_TIME)
        reasons.append(FLAG_LABELS[GuardFlag.NO_FILL_TIME])
    else:
        seconds = (meta.submitted_at - meta.form_opened_at).total_seconds()
        if seconds < 0:
            flags.append(GuardFlag.NO_FILL_TIME)
            reasons.append(f"{FLAG_LABELS[GuardFlag.NO_FILL_TIME]} (thời điểm mở phiếu sau thời điểm gửi)")
        elif seconds < config.minimum_fill_seconds:
            flags.append(GuardFlag.TOO_FAST)
            reasons.append(
                f"{FLAG_LABELS[GuardFlag.TOO_FAST]}: {seconds:.0f} giây (tối thiểu {config.minimum_fill_seconds} giây)"
            )

    if meta.answer_fingerprint:
        window = config.kiosk_duplicate_window if meta.kiosk else config.duplicate_window
        duplicates = [
            past
            for past in _same_client_within(recent_history, meta, window)
            if past.answer_fingerprint == meta.answer_fingerprint
        ]
        if duplicates:
            latest = max(past.submitted_at for past in duplicates)
            flags.append(GuardFlag.DUPLICATE)
            reasons.append(f"{FLAG_LABELS[GuardFlag.DUPLICATE]} (gửi lúc {_clock(latest)})")

    return GuardVerdict(True, flags, "; ".join(reasons))
