import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc.plans.deadlines import Recurrence, interpret_deadline

QUARTER_ENDS_2024 = [date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31)]
MONTH_ENDS_2024 = [
    date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30),
    date(2024, 5, 31), date(2024, 6, 30), date(2024, 7, 31), date(2024, 8, 31),
    date(2024, 9, 30), date(2024, 10, 31), date(2024, 11, 30), date(2024, 12, 31),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "due_dates", "recurrence"),
    [
        ("Quý I", [date(2024, 3, 31)], None),
        ("Quý IV", [date(2024, 12, 31)], None),
        ("quý 1/2024", [date(2024, 3, 31)], None),
        ("Quý III/2024", [date(2024, 9, 30)], None),
        ("Quý I/2025", [date(2025, 3, 31)], None),
        ("Quý I năm 2025", [date(2025, 3, 31)], None),
        ("Quý II, III", [date(2024, 6, 30), date(2024, 9, 30)], None),
        ("Quý II và III/2025", [date(2025, 6, 30), date(2025, 9, 30)], None),
        ("Quý I - II", [date(2024, 6, 30)], None),
        ("Trong quý II", [date(2024, 6, 30)], None),
        ("Tháng 02/2024", [date(2024, 2, 29)], None),
        ("Tháng 02/2023", [date(2023, 2, 28)], None),
        ("Tháng 6", [date(2024, 6, 30)], None),
        ("Tháng 12 năm 2024", [date(2024, 12, 31)], None),
        ("Trong tháng 12", [date(2024, 12, 31)], None),
        ("Đến hết tháng 6", [date(2024, 6, 30)], None),
        ("Cuối quý III", [date(2024, 9, 30)], None),
        ("Quý I\nnăm 2025", [date(2025, 3, 31)], None),
        ("Tháng 01 – 3/2024", [date(2024, 3, 31)], None),
        ("Tháng 01 đến tháng 3/2024", [date(2024, 3, 31)], None),
        ("Tháng 11/2024 - 01/2025", [date(2025, 1, 31)], None),
        ("Tháng 3, 6, 9, 12", QUARTER_ENDS_2024, None),
        ("Trước ngày 30/11", [date(2024, 11, 30)], None),
        ("Trước ngày 30/11/2024", [date(2024, 11, 30)], None),
        ("Trước ngày 30 tháng 11 năm 2024", [date(2024, 11, 30)], None),
        ("Chậm nhất ngày 25/11", [date(2024, 11, 25)], None),
        ("15/3/2024", [date(2024, 3, 15)], None),
        ("Ngày 15/3 và 15/9", [date(2024, 3, 15), date(2024, 9, 15)], None),
        ("Năm 2024", [date(2024, 12, 31)], None),
        ("Năm 2024 - 2025", [date(2025, 12, 31)], None),
        ("Cả năm", [date(2024, 12, 31)], None),
        ("Cuối năm", [date(2024, 12, 31)], None),
        ("Trong năm 2024", [date(2024, 12, 31)], None),
        ("6 tháng đầu năm", [date(2024, 6, 30)], None),
        ("9 tháng", [date(2024, 9, 30)], None),
        ("6 tháng, cuối năm", [date(2024, 6, 30), date(2024, 12, 31)], "semiannual"),
        ("6 tháng, năm", [date(2024, 6, 30), date(2024, 12, 31)], "semiannual"),
        ("Quý, 6 tháng, năm", QUARTER_ENDS_2024, "quarterly"),
        ("Hằng tháng", MONTH_ENDS_2024, "monthly"),
        ("Hàng tháng", MONTH_ENDS_2024, "monthly"),
        ("Định kỳ hằng tháng", MONTH_ENDS_2024, "monthly"),
        ("Hằng quý", QUARTER_ENDS_2024, "quarterly"),
        ("Hàng quý", QUARTER_ENDS_2024, "quarterly"),
        ("Hằng năm", [date(2024, 12, 31)], "yearly"),
        ("Tháng 01 hằng năm", [date(2024, 1, 31)], "yearly"),
        ("Trước ngày 15/12 hằng năm", [date(2024, 12, 15)], "yearly"),
        ("Thường xuyên", [], "continuous"),
        ("Thường xuyên, liên tục", [], "continuous"),
        ("Thường xuyên trong năm 2024", [], "continuous"),
        ("thực hiện thường xuyên trong năm 2024", [], "continuous"),
        ("Theo quy định", [], "as_regulated"),
        ("Theo quy định của UBND tỉnh", [], "as_regulated"),
        ("Sau khi có văn bản chỉ đạo của tỉnh", [], None),
    ],
)
def test_deadline_phrases_give_due_dates_and_recurrences(
    text: str, due_dates: list[date], recurrence: str | None
) -> None:
    interpretation = interpret_deadline(text, 2024)
    assert interpretation.due_dates == due_dates
    assert interpretation.recurrence == recurrence
    assert interpretation.text == text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Quý V",
        "Tháng 13",
        "31/02/2024",
        "Quý",  # a reporting period alone names no date
        "Tháng",
        "Khi có yêu cầu",
        "Quý I, khi có yêu cầu",  # partly understood is not understood
        "6 tháng cuối năm",  # without the comma it may mean the second half: do not guess
        "Trước tháng 6",  # the end of May, or of June? do not guess
        "Năm 1066",
    ],
)
def test_phrases_that_cannot_be_read_without_guessing_give_nothing(text: str) -> None:
    interpretation = interpret_deadline(text, 2024)
    assert interpretation.due_dates == []
    assert interpretation.recurrence is None


def test_case_spacing_dashes_and_unicode_form_do_not_matter() -> None:
    decomposed = unicodedata.normalize("NFD", "Tháng 01 – 3/2024")
    assert decomposed != "Tháng 01 – 3/2024"
    variants = [decomposed, "THÁNG 01—3 / 2024", "  tháng   01 -3/2024. ", "Tháng 01 − 3/2024"]
    for variant in variants:
        assert interpret_deadline(variant, 2030).due_dates == [date(2024, 3, 31)]


def test_the_year_written_in_the_phrase_wins_over_the_plan_year() -> None:
    assert interpret_deadline("Quý I/2025", 2024).due_dates == [date(2025, 3, 31)]
    assert interpret_deadline("Quý I", 2025).due_dates == [date(2025, 3, 31)]


def test_the_original_wording_is_kept_as_written() -> None:
    assert interpret_deadline("  Quý  I ", 2024).text == "  Quý  I "


def test_recurrences_are_plain_strings_from_the_documented_set() -> None:
    recurrence = interpret_deadline("Hằng quý", 2024).recurrence
    assert type(recurrence) is str
    assert {member.value for member in Recurrence} == {
        "monthly", "quarterly", "semiannual", "yearly", "continuous", "as_regulated",
    }  # fmt: skip


@given(st.text(max_size=40), st.integers(min_value=2000, max_value=2050))
def test_any_text_gives_sorted_distinct_dates_and_a_known_recurrence(text: str, year: int) -> None:
    interpretation = interpret_deadline(text, year)
    assert interpretation.due_dates == sorted(set(interpretation.due_dates))
    assert interpretation.recurrence in {None, *(member.value for member in Recurrence)}
    if interpretation.recurrence in ("continuous", "as_regulated"):
        assert interpretation.due_dates == []


@given(
    st.sampled_from(["Quý", "Tháng", "Hằng", "Trước ngày", "Năm", "6 tháng", "Thường xuyên", ",", "–", "/"]),
    st.lists(st.sampled_from(["I", "II", "IV", "3", "12", "30/11", "2024", ",", " ", "và", "-"]), max_size=5),
)
def test_phrases_built_from_deadline_words_never_fail(first: str, rest: list[str]) -> None:
    interpretation = interpret_deadline(" ".join([first, *rest]), 2024)
    assert all(due.year >= 1990 for due in interpretation.due_dates)
