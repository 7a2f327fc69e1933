import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc.plans.amount_words import amount_in_words, number_in_words

DIGITS = {
    "không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4,
    "năm": 5, "lăm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9,
}  # fmt: skip


def words_to_number(words: str) -> int:
    """An independent reader of the official style, to check that the words say the amount."""
    tokens = words.removesuffix(" đồng").lower().split()
    return _below_or_above_billion(tokens)


def _below_or_above_billion(tokens: list[str]) -> int:
    if "tỷ" in tokens:
        last = len(tokens) - 1 - tokens[::-1].index("tỷ")
        return _below_or_above_billion(tokens[:last]) * 10**9 + _below_billion(tokens[last + 1 :])
    return _below_billion(tokens)


def _below_billion(tokens: list[str]) -> int:
    value, group = 0, list[str]()
    for token in tokens:
        if token in ("triệu", "nghìn"):
            value += _group(group) * (10**6 if token == "triệu" else 1000)
            group = []
        else:
            group.append(token)
    return value + _group(group)


def _group(tokens: list[str]) -> int:
    value = 0
    if len(tokens) >= 2 and tokens[1] == "trăm":
        value, tokens = DIGITS[tokens[0]] * 100, tokens[2:]
    if tokens[:1] in (["linh"], ["lẻ"]):
        tokens = tokens[1:]
    if tokens[:1] == ["mười"]:
        value, tokens = value + 10, tokens[1:]
    elif len(tokens) >= 2 and tokens[1] == "mươi":
        value, tokens = value + DIGITS[tokens[0]] * 10, tokens[2:]
    if tokens:
        value, tokens = value + DIGITS[tokens[0]], tokens[1:]
    assert not tokens, f"unread words: {tokens}"
    return value


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (1, "Một đồng"),
        (5, "Năm đồng"),
        (10, "Mười đồng"),
        (11, "Mười một đồng"),
        (14, "Mười bốn đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (25, "Hai mươi lăm đồng"),
        (44, "Bốn mươi bốn đồng"),
        (100, "Một trăm đồng"),
        (105, "Một trăm linh năm đồng"),
        (110, "Một trăm mười đồng"),
        (115, "Một trăm mười lăm đồng"),
        (2_024, "Hai nghìn không trăm hai mươi bốn đồng"),
        (1_005, "Một nghìn không trăm linh năm đồng"),
        (25_000, "Hai mươi lăm nghìn đồng"),
        (10_000_000, "Mười triệu đồng"),
        (531_000_000, "Năm trăm ba mươi mốt triệu đồng"),
        (1_081_000_000, "Một tỷ không trăm tám mươi mốt triệu đồng"),
        (1_000_000_500, "Một tỷ năm trăm đồng"),
        (2_000_021_000, "Hai tỷ không trăm hai mươi mốt nghìn đồng"),
        (1_000_000_000_000, "Một nghìn tỷ đồng"),
        (15_300_000_000_000, "Mười lăm nghìn ba trăm tỷ đồng"),
        (10**18, "Một tỷ tỷ đồng"),
    ],
)
def test_amounts_read_in_the_official_style(amount: int, words: str) -> None:
    assert amount_in_words(amount) == words


def test_a_zero_tens_digit_can_be_read_le_as_in_the_south() -> None:
    assert amount_in_words(105, zero_tens_word="lẻ") == "Một trăm lẻ năm đồng"
    assert amount_in_words(1_000_000_005, zero_tens_word="lẻ") == "Một tỷ không trăm lẻ năm đồng"


def test_an_unknown_zero_tens_word_is_refused() -> None:
    with pytest.raises(ValueError, match="linh"):
        amount_in_words(105, zero_tens_word="lẽ")


def test_a_negative_amount_is_refused() -> None:
    with pytest.raises(ValueError, match="không được âm"):
        amount_in_words(-1)


@pytest.mark.parametrize("amount", [1.5, "15", True])
def test_an_amount_that_is_not_an_integer_is_refused(amount: object) -> None:
    with pytest.raises(TypeError):
        amount_in_words(amount)  # type: ignore[arg-type]


def test_number_in_words_is_lower_case_without_currency() -> None:
    assert number_in_words(21) == "hai mươi mốt"


@given(st.integers(min_value=0, max_value=10**16), st.sampled_from(["linh", "lẻ"]))
def test_the_words_always_say_the_amount_in_the_official_form(amount: int, zero_tens_word: str) -> None:
    words = amount_in_words(amount, zero_tens_word=zero_tens_word)
    assert words == amount_in_words(amount, zero_tens_word=zero_tens_word)
    assert words_to_number(words) == amount
    assert "  " not in words and words == words.strip()
    assert words[0].isupper() and words[1:] == words[1:].lower()
    assert words.endswith(" đồng")
    tokens = words.lower().split()
    for previous, token in itertools.pairwise(tokens):
        if token == "mốt":
            assert previous == "mươi"
        if token == "lăm":
            assert previous in ("mười", "mươi")
        if token == zero_tens_word:
            assert previous == "trăm"
        if token in ("một", "năm"):
            assert previous != "mươi"
    if amount:
        assert tokens[0] != "không"
