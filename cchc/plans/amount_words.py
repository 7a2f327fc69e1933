"""Amounts of money in Vietnamese words, in the style of official documents.

Budget appendices end with the total "in words" ("Bằng chữ: Một tỷ không trăm tám mươi mốt triệu
đồng"). The official style differs from the published ``num2words`` package: an empty hundreds
digit inside a number is read "không trăm" and a zero tens digit before a unit is read "linh" (or
"lẻ" in the South, hence the setting).
"""

from __future__ import annotations

DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
ZERO_TENS_WORDS = ("linh", "lẻ")

# Scales inside one block of nine digits; blocks of nine digits are joined by "tỷ", so that a
# thousand billion reads "một nghìn tỷ" and a billion billion "một tỷ tỷ".
GROUP_SCALES = ("", "nghìn", "triệu")
BILLION = 10**9


def amount_in_words(amount_dong: int, *, zero_tens_word: str = "linh") -> str:
    """Return ``amount_dong`` in words, capitalised and ending with " đồng".

    >>> amount_in_words(1_081_000_000)
    'Một tỷ không trăm tám mươi mốt triệu đồng'
    """
    words = number_in_words(amount_dong, zero_tens_word=zero_tens_word)
    return f"{words[0].upper()}{words[1:]} đồng"


def number_in_words(number: int, *, zero_tens_word: str = "linh") -> str:
    """Return a non-negative integer in lower-case Vietnamese words ("hai nghìn không trăm hai mươi bốn")."""
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError(f"Số tiền phải là số nguyên, nhận được {type(number).__name__}.")
    if number < 0:
        raise ValueError(f"Số tiền không được âm: {number}.")
    if zero_tens_word not in ZERO_TENS_WORDS:
        raise ValueError(f"Cách đọc hàng chục bằng 0 phải là “linh” hoặc “lẻ”, nhận được “{zero_tens_word}”.")
    if number == 0:
        return DIGIT_WORDS[0]
    return " ".join(_words_above_zero(number, zero_tens_word, leading=True))


def _words_above_zero(number: int, zero_tens_word: str, *, leading: bool) -> list[str]:
    """Words for ``number`` > 0; ``leading`` is false when higher digits have already been read."""
    if number >= BILLION:
        billions, rest = divmod(number, BILLION)
        billion_words = [*_words_above_zero(billions, zero_tens_word, leading=leading), "tỷ"]
        if rest:
            billion_words += _words_above_zero(rest, zero_tens_word, leading=False)
        return billion_words
    groups = _three_digit_groups(number)
    words: list[str] = []
    for scale_index in range(len(groups) - 1, -1, -1):
        group = groups[scale_index]
        if group == 0:
            continue
        # Only the very first group of the whole number may drop "không trăm" / "linh".
        is_first = leading and not words
        words += _group_words(group, zero_tens_word, full=not is_first)
        if GROUP_SCALES[scale_index]:
            words.append(GROUP_SCALES[scale_index])
    return words


def _three_digit_groups(number: int) -> list[int]:
    """Groups of three digits, least significant first; ``number`` is below a billion."""
    groups: list[int] = []
    while number:
        number, group = divmod(number, 1000)
        groups.append(group)
    return groups


def _group_words(group: int, zero_tens_word: str, *, full: bool) -> list[str]:
    """Words for a group 1..999; ``full`` reads all three digits ("không trăm linh năm")."""
    hundreds, remainder = divmod(group, 100)
    tens, units = divmod(remainder, 10)
    words: list[str] = []
    if hundreds or full:
        words += [DIGIT_WORDS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append(zero_tens_word)
            words.append(DIGIT_WORDS[units])
        return words
    if tens == 1:
        words.append("mười")
    else:
        words += [DIGIT_WORDS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGIT_WORDS[units])
    return words
