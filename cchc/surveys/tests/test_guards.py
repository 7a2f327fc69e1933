from datetime import datetime, timedelta

from cchc.surveys.guards import (
    GuardConfig,
    GuardFlag,
    PastSubmission,
    SubmissionMeta,
    answer_fingerprint,
    assess_submission,
)

NINE_O_CLOCK = datetime(2025, 3, 10, 9, 0)
ALL_SATISFIED = answer_fingerprint({"TC.2": 5, "TC.3": 5, "CC.4": 5})


def submission(
    at: datetime = NINE_O_CLOCK,
    fill_seconds: float | None = 180,
    client_key: str = "ip-hash-1",
    honeypot: str = "",
    fingerprint: str = "",
    kiosk: bool = False,
) -> SubmissionMeta:
    return SubmissionMeta(
        client_key=client_key,
        submitted_at=at,
        form_opened_at=None if fill_seconds is None else at - timedelta(seconds=fill_seconds),
        honeypot=honeypot,
        answer_fingerprint=fingerprint,
        kiosk=kiosk,
    )


def history(count: int, within: timedelta, client_key: str = "ip-hash-1") -> list[PastSubmission]:
    step = within / (count + 1)
    return [
        PastSubmission(client_key, NINE_O_CLOCK - within + step * (i + 1), answer_fingerprint({"n": i}))
        for i in range(count)
    ]


def test_an_ordinary_answer_is_kept_without_flags() -> None:
    verdict = assess_submission(submission(fingerprint=ALL_SATISFIED), [])

    assert verdict.accept
    assert verdict.flags == []
    assert verdict.reason_vi == ""


def test_an_answer_filled_too_fast_is_kept_and_flagged() -> None:
    verdict = assess_submission(submission(fill_seconds=4), [])

    assert verdict.accept
    assert verdict.flags == [GuardFlag.TOO_FAST]
    assert verdict.reason_vi == "Điền phiếu nhanh bất thường: 4 giây (tối thiểu 10 giây)"


def test_an_answer_without_a_trustworthy_opening_time_is_kept_and_flagged() -> None:
    missing = assess_submission(submission(fill_seconds=None), [])
    from_the_future = assess_submission(submission(fill_seconds=-30), [])

    assert missing.accept and missing.flags == [GuardFlag.NO_FILL_TIME]
    assert from_the_future.accept and from_the_future.flags == [GuardFlag.NO_FILL_TIME]


def test_a_filled_bot_field_is_turned_away_silently() -> None:
    verdict = assess_submission(submission(honeypot="http://spam.example"), [])

    assert not verdict.accept
    assert verdict.silent
    assert verdict.flags == [GuardFlag.HONEYPOT]


def test_a_flood_from_one_address_is_turned_away_beyond_the_ceiling() -> None:
    config = GuardConfig()
    recent = history(config.flood_ceiling, within=timedelta(minutes=30))

    last_allowed = assess_submission(submission(), recent[1:])
    flood = assess_submission(submission(), recent)

    assert last_allowed.accept
    assert GuardFlag.MANY_FROM_CLIENT in last_allowed.flags
    assert not flood.accept
    assert not flood.silent
    assert flood.flags == [GuardFlag.FLOOD]
    assert flood.reason_vi == "Gửi dồn dập vượt ngưỡng cho phép: phiếu thứ 101 trong 1 giờ (tối đa 100)"


def test_many_answers_from_one_address_are_flagged_not_dropped() -> None:
    config = GuardConfig()
    within_soft_limit = assess_submission(submission(), history(config.soft_limit - 1, timedelta(minutes=50)))
    beyond_soft_limit = assess_submission(submission(), history(config.soft_limit, timedelta(minutes=50)))

    assert within_soft_limit.accept and within_soft_limit.flags == []
    assert beyond_soft_limit.accept and beyond_soft_limit.flags == [GuardFlag.MANY_FROM_CLIENT]
    assert "phiếu thứ 11 trong 1 giờ" in beyond_soft_limit.reason_vi


def test_answers_outside_the_window_or_from_other_clients_do_not_count() -> None:
    old = [PastSubmission("ip-hash-1", NINE_O_CLOCK - timedelta(hours=2, minutes=i)) for i in range(500)]
    others = [PastSubmission("ip-hash-2", NINE_O_CLOCK - timedelta(minutes=i % 50)) for i in range(500)]

    verdict = assess_submission(submission(), old + others)

    assert verdict.accept
    assert verdict.flags == []


def test_a_kiosk_keeps_forty_honest_answers_in_an_hour() -> None:
    kept: list[PastSubmission] = []
    verdicts = []
    for person in range(40):
        at = NINE_O_CLOCK + timedelta(seconds=90 * person)
        # Many people simply answer "Rất hài lòng" everywhere: the same answers are normal at a kiosk.
        fingerprint = ALL_SATISFIED if person % 3 == 0 else answer_fingerprint({"TC.2": person % 5 + 1})
        meta = submission(at=at, fill_seconds=75, client_key="kiosk-xa-01", fingerprint=fingerprint, kiosk=True)
        verdict = assess_submission(meta, kept)
        verdicts.append(verdict)
        if verdict.accept:
            kept.append(PastSubmission(meta.client_key, at, fingerprint))

    assert all(verdict.accept for verdict in verdicts)
    assert all(verdict.flags == [] for verdict in verdicts)
    assert len(kept) == 40


def test_the_same_forty_answers_from_a_plain_address_are_kept_but_flagged() -> None:
    recent = history(39, timedelta(minutes=59))

    verdict = assess_submission(submission(), recent)

    assert verdict.accept
    assert verdict.flags == [GuardFlag.MANY_FROM_CLIENT]


def test_a_repeated_answer_from_the_same_client_is_flagged_not_dropped() -> None:
    earlier = [PastSubmission("ip-hash-1", NINE_O_CLOCK - timedelta(hours=3), ALL_SATISFIED)]

    verdict = assess_submission(submission(fingerprint=ALL_SATISFIED), earlier)

    assert verdict.accept
    assert verdict.flags == [GuardFlag.DUPLICATE]
    assert verdict.reason_vi == "Trùng nội dung với phiếu trước đó từ cùng thiết bị (gửi lúc 06:00 10/03/2025)"


def test_a_double_tap_at_the_kiosk_is_flagged_but_a_later_identical_answer_is_not() -> None:
    just_before = [PastSubmission("kiosk", NINE_O_CLOCK - timedelta(seconds=20), ALL_SATISFIED)]
    ten_minutes_before = [PastSubmission("kiosk", NINE_O_CLOCK - timedelta(minutes=10), ALL_SATISFIED)]
    meta = submission(client_key="kiosk", fingerprint=ALL_SATISFIED, kiosk=True)

    assert assess_submission(meta, just_before).flags == [GuardFlag.DUPLICATE]
    assert assess_submission(meta, just_before).accept
    assert assess_submission(meta, ten_minutes_before).flags == []


def test_the_same_answers_from_another_client_are_not_a_duplicate() -> None:
    elsewhere = [PastSubmission("ip-hash-2", NINE_O_CLOCK - timedelta(minutes=5), ALL_SATISFIED)]

    assert assess_submission(submission(fingerprint=ALL_SATISFIED), elsewhere).flags == []


def test_several_flags_are_all_reported() -> None:
    earlier = [PastSubmission("ip-hash-1", NINE_O_CLOCK - timedelta(minutes=1), ALL_SATISFIED)]

    verdict = assess_submission(submission(fill_seconds=2, fingerprint=ALL_SATISFIED), earlier)

    assert verdict.accept
    assert verdict.flags == [GuardFlag.TOO_FAST, GuardFlag.DUPLICATE]
    assert verdict.reason_vi.count(";") == 1


def test_the_limits_can_be_tuned() -> None:
    strict = GuardConfig(minimum_fill_seconds=60, soft_limit=1, flood_ceiling=2, rate_window=timedelta(minutes=10))

    assert assess_submission(submission(fill_seconds=30), [], strict).flags == [GuardFlag.TOO_FAST]
    flood = assess_submission(submission(), history(2, timedelta(minutes=5)), strict)
    assert not flood.accept
    assert "trong 10 phút" in flood.reason_vi


def test_the_fingerprint_ignores_order_blanks_and_how_a_code_is_written() -> None:
    assert answer_fingerprint({"A": 4, "B": ["2", "1"], "C": ""}) == answer_fingerprint({"B": [1, 2], "A": "4"})
    assert answer_fingerprint({"A": 4}) != answer_fingerprint({"A": 5})
