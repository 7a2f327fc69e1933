from collections import Counter, defaultdict
from datetime import date

import pytest

from cchc.dossiers.calendar import vietnam_calendar
from cchc.dossiers.classify import EARLY, LATE, ON_TIME, OVERDUE, classify_batch
from cchc.dossiers.fast_reading import read_records
from cchc.dossiers.parsing import (
    CHANNEL_ONLINE,
    ONLINE_FULL,
)
from cchc.dossiers.synthetic import PROCEDURES, generate_dossiers, unit_profiles, write_csv, write_xlsx

CALENDAR = vietnam_calendar(range(2023, 2026))
UNITS = [f"XA{index:02d}" for index in range(1, 13)]
YEAR_END = date(2024, 12, 31)


@pytest.fixture(scope="module")
def register():
    return list(generate_dossiers(24_000, UNITS, 2024, seed=11, calendar=CALENDAR))


@pytest.fixture(scope="module")
def facts(register):
    rows = [(r.received, r.due, r.finished, r.returned, r.supplement_requests, r.apology_date) for r in register]
    return classify_batch(rows, YEAR_END, CALENDAR)


def test_the_same_seed_gives_the_same_register_and_another_seed_a_different_one():
    first = list(generate_dossiers(500, UNITS, 2024, seed=3, calendar=CALENDAR))
    assert first == list(generate_dossiers(500, UNITS, 2024, seed=3, calendar=CALENDAR))
    assert first != list(generate_dossiers(500, UNITS, 2024, seed=4, calendar=CALENDAR))


def test_the_register_has_the_requested_size_unique_codes_and_arrival_order(register):
    assert len(register) == 24_000
    assert len({record.code for record in register}) == 24_000
    received = [record.received.date() for record in register]
    assert received == sorted(received)
    assert received[0].year == received[-1].year == 2024


def test_dossiers_arrive_on_working_days_and_are_due_the_procedures_working_days_later(register):
    days_by_code = {procedure.code: procedure.working_days for procedure in PROCEDURES}
    for record in register[::97]:
        assert CALENDAR.is_working_day(record.received.date())
        assert record.due is not None
        assert (
            CALENDAR.working_days_between(record.received.date(), record.due.date())
            == days_by_code[record.procedure_code]
        )


def test_there_are_about_sixty_procedures_across_the_usual_fields():
    assert 55 <= len(PROCEDURES) <= 75
    assert len({procedure.code for procedure in PROCEDURES}) == len(PROCEDURES)
    fields = {procedure.field for procedure in PROCEDURES}
    assert {"Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng", "Lao động - Thương binh và Xã hội", "Văn hóa"} <= fields


def test_units_differ_in_their_on_time_and_online_shares_within_the_requested_ranges(register, facts):
    settled, in_time, online, received = Counter(), Counter(), Counter(), Counter()
    for record, fact in zip(register, facts, strict=True):
        received[record.unit_code] += 1
        online[record.unit_code] += record.channel == CHANNEL_ONLINE
        if fact.classification in (EARLY, ON_TIME, LATE):
            settled[record.unit_code] += 1
            in_time[record.unit_code] += fact.classification != LATE
    on_time_shares = [in_time[unit] / settled[unit] for unit in UNITS]
    online_shares = [online[unit] / received[unit] for unit in UNITS]
    assert min(on_time_shares) >= 0.78
    assert max(on_time_shares) <= 1.0
    assert max(on_time_shares) - min(on_time_shares) > 0.03
    assert min(online_shares) >= 0.15
    assert max(online_shares) <= 0.75
    assert max(online_shares) - min(online_shares) > 0.15


def test_shares_of_fees_digitisation_unfinished_and_apologies_are_realistic(register, facts):
    count = len(register)
    with_fee = [record for record in register if record.has_fee]
    assert 0.2 <= len(with_fee) / count <= 0.4
    paid_share = sum(record.paid_online for record in with_fee) / len(with_fee)
    assert 0.1 <= paid_share <= 0.6
    assert 0.4 <= sum(record.components_digitised for record in register) / count <= 0.95
    unfinished = sum(record.finished is None and record.returned is None for record in register)
    assert 0.015 <= unfinished / count <= 0.05
    classes = Counter(fact.classification for fact in facts)
    late_or_overdue = [
        (record, fact) for record, fact in zip(register, facts, strict=True) if fact.classification in (LATE, OVERDUE)
    ]
    apologised = [(record, fact) for record, fact in late_or_overdue if record.apology_date is not None]
    assert classes[EARLY] > 0 and classes[ON_TIME] > 0
    assert 0.6 <= len(apologised) / len(late_or_overdue) <= 0.95
    late_apologies = sum(not fact.apology_in_time for _, fact in apologised)
    assert 0.05 <= late_apologies / len(apologised) <= 0.5


def test_full_process_online_is_a_part_of_online_and_only_online_dossiers_have_a_level(register):
    online = [record for record in register if record.channel == CHANNEL_ONLINE]
    full = [record for record in online if record.online_level == ONLINE_FULL]
    assert 0 < len(full) < len(online)
    assert all(record.online_level is None for record in register if record.channel != CHANNEL_ONLINE)


def test_ends_and_returns_never_precede_receipt_and_results_exist_only_for_ended_dossiers(register):
    by_status = defaultdict(int)
    for record in register:
        by_status[record.status] += 1
        for moment in (record.finished, record.returned):
            assert moment is None or moment >= record.received
        if record.finished is None and record.returned is None:
            assert not record.result_digitised
    assert set(by_status) == {"Đã trả kết quả", "Đã xử lý xong", "Đang xử lý"}


def test_unit_profiles_stay_within_the_requested_ranges():
    for profile in unit_profiles([f"U{index}" for index in range(200)], seed=5):
        assert 0.85 <= profile.on_time_share <= 0.995
        assert 0.20 <= profile.online_share <= 0.70
        assert 0.40 <= profile.components_digitised_share <= 0.95
        assert 0.10 <= profile.paid_online_share <= 0.60


def test_a_csv_register_reads_back_into_the_same_records(tmp_path, register):
    records = register[:3000]
    path = tmp_path / "register.csv"
    assert write_csv(path, records) == 3000
    read_back = list(read_records(path, set(UNITS)))
    assert [errors for _, _, errors in read_back if errors] == []
    assert [record for _, record, _ in read_back] == records


def test_a_semicolon_csv_without_bom_reads_back_too(tmp_path, register):
    path = tmp_path / "register.csv"
    write_csv(path, register[:200], delimiter=";", with_bom=False)
    assert [record for _, record, _ in read_records(path, set(UNITS))] == register[:200]


def test_an_xlsx_register_reads_back_into_the_same_records(tmp_path, register):
    records = register[:300]
    path = tmp_path / "register.xlsx"
    assert write_xlsx(path, records) == 300
    read_back = list(read_records(path, set(UNITS)))
    assert [record for _, record, _ in read_back] == records
    assert read_back[0][0] == 2
