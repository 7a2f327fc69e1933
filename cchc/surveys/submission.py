"""Taking in one public answer sheet: the guards, the invitation code, then the anonymous response.

A public submission has no actor and is not written to the audit log (the log would then hold a trace of
every respondent). Honest answers are never lost: only a filled honeypot (silently) and a flood far
beyond human pace are turned away; anything merely odd is kept with flags for the focal officer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from cchc.surveys.answers import respondent_groups
from cchc.surveys.guards import (
    GuardConfig,
    PastSubmission,
    SubmissionMeta,
    answer_fingerprint,
    assess_submission,
)
from cchc.surveys.models import InvitationCode, Response, RoundUnit, SubmissionTrace

FORM_TOKEN_SALT = "cchc.surveys.form-opened"
TRACE_RETENTION = dt.timedelta(hours=25)


class Outcome(StrEnum):
    SAVED = "saved"
    DROPPED = "dropped"  # honeypot: nothing stored, the thank-you page is shown all the same
    REFUSED = "refused"  # flood
    BAD_INVITATION = "bad_invitation"


@dataclass
class SubmissionResult:
    outcome: Outcome
    response: Response | None = None
    flags: list[str] = field(default_factory=list)
    message: str = ""


# --- the signed "form opened at" token --------------------------------------------------------------


def form_token(round_unit: RoundUnit, opened_at: dt.datetime) -> str:
    return signing.dumps({"u": round_unit.pk, "t": opened_at.timestamp()}, salt=FORM_TOKEN_SALT, compress=True)


def form_opened_at(round_unit: RoundUnit, token: str) -> dt.datetime | None:
    """When the form was opened, or None for a missing, tampered or foreign token (flagged, not refused)."""
    try:
        data = signing.loads(token, salt=FORM_TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != round_unit.pk or not isinstance(data.get("t"), int | float):
        return None
    return dt.datetime.fromtimestamp(data["t"], tz=dt.UTC)


# --- client keys: never the raw address --------------------------------------------------------------


def address_key(ip_address: str) -> str:
    """A keyed hash of the client's address: enough to count submissions, useless to find the person."""
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, b"cchc.surveys.client:" + ip_address.encode(), hashlib.sha256).hexdigest()


def kiosk_client_key(round_unit: RoundUnit) -> str:
    return "kiosk:" + hashlib.sha256(round_unit.kiosk_key.encode()).hexdigest()[:58]


# --- invitation codes ----------------------------------------------------------------------------------


def normalise_code(code: str) -> str:
    return re.sub(r"[^0-9a-z]", "", code.casefold())


def code_hash(round_unit: RoundUnit, code: str) -> str:
    return hashlib.sha256(f"{round_unit.token}:{normalise_code(code)}".encode()).hexdigest()


def format_code(code: str) -> str:
    """ "abcdefgh" → "ABCD-EFGH", easier to read aloud and to type."""
    return f"{code[:4]}-{code[4:]}".upper()


# --- the submission ----------------------------------------------------------------------------------


@transaction.atomic
def submit(
    round_unit: RoundUnit,
    answers: dict[str, object],
    *,
    client_key: str,
    submitted_at: dt.datetime,
    opened_at: dt.datetime | None,
    honeypot: str = "",
    kiosk: bool = False,
    invitation_code: str = "",
    config: GuardConfig | None = None,
) -> SubmissionResult:
    """Store one checked answer sheet from the public form (web or kiosk), or say why not."""
    fingerprint = answer_fingerprint(answers)
    meta = SubmissionMeta(
        client_key=client_key,
        submitted_at=submitted_at,
        form_opened_at=opened_at,
        honeypot=honeypot,
        answer_fingerprint=fingerprint,
        kiosk=kiosk,
    )
    config = config or GuardConfig()
    window = max(config.rate_window, config.duplicate_window, config.kiosk_duplicate_window)
    SubmissionTrace.objects.filter(submitted_at__lt=submitted_at - TRACE_RETENTION).delete()
    history = [
        PastSubmission(key, moment, past_fingerprint)
        for key, moment, past_fingerprint in SubmissionTrace.objects.filter(
            client_key=client_key, submitted_at__gte=submitted_at - window
        ).values_list("client_key", "submitted_at", "fingerprint")
    ]
    verdict = assess_submission(meta, history, config)
    if verdict.silent:
        return SubmissionResult(Outcome.DROPPED, flags=list(verdict.flags))
    if not verdict.accept:
        # A refused flood still counts, so that a script hammering the form stays refused.
        SubmissionTrace.objects.create(client_key=client_key, submitted_at=submitted_at, kiosk=kiosk)
        return SubmissionResult(Outcome.REFUSED, flags=list(verdict.flags), message=verdict.reason_vi)
    if round_unit.requires_invitation:
        burned = InvitationCode.objects.filter(
            round_unit=round_unit, code_hash=code_hash(round_unit, invitation_code), used_at__isnull=True
        ).update(used_at=_start_of_day(submitted_at))
        if burned != 1:
            # Counted like a submission, so that guessing codes runs into the same rate limits.
            SubmissionTrace.objects.create(client_key=client_key, submitted_at=submitted_at, kiosk=kiosk)
            return SubmissionResult(Outcome.BAD_INVITATION)
    flags = [str(flag) for flag in verdict.flags]
    response = Response.objects.create(
        round_unit=round_unit,
        submitted_at=submitted_at,
        channel=Response.Channel.KIOSK if kiosk else Response.Channel.WEB,
        answers=answers,
        respondent=respondent_groups(round_unit.round.definition(), answers),
        flags=flags,
        is_flagged=bool(flags),
        fingerprint=fingerprint,
    )
    SubmissionTrace.objects.create(
        client_key=client_key, submitted_at=submitted_at, fingerprint=fingerprint, kiosk=kiosk
    )
    return SubmissionResult(Outcome.SAVED, response=response, flags=flags, message=verdict.reason_vi)


def _start_of_day(moment: dt.datetime) -> dt.datetime:
    # Only the day a code was used is kept: an exact time could be matched with the response's own time.
    return timezone.localtime(moment).replace(hour=0, minute=0, second=0, microsecond=0)
