"""Scoring rules as data: how a leaf criterion turns declared data into points.

A rule is a kind plus JSON parameters, stored with the criterion, so that a province can change its
rules every year without a code change. Kinds and their declared data:

- ``manual``: the declared value is the points, within [0, max]; ``steps`` may list the allowed points.
- ``yes_no``: declared yes → max, no → 0.
- ``tiers``: declared rate (%); ``tiers`` is a list of ``{"min_rate", "points"}``; the highest tier whose
  ``min_rate`` the rate reaches gives the points; below the lowest tier ``floor_points`` (default 0).
- ``proportional``: declared rate (%); points = max × min(1, rate ÷ ``full_at``).
- ``penalty``: declared number of occurrences; points = max − occurrences × ``per_occurrence``, never
  below ``floor`` (default 0; a negative floor lets a pure deduction leaf of max 0 take points away).
- ``bonus``: declared occurrences with ``per_occurrence``, or yes/no with ``points``; the result is
  limited by ``cap`` (default: the leaf's max). Bonus leaves stay out of parent sums and out of the
  applicable maximum, so their points lift a unit above its maximum.
- ``measure``: like ``tiers`` or ``proportional`` (``shape``), the rate coming from the named measure
  (``measure``, e.g. ``dossier.settled_on_time_rate``) instead of being typed in.

Every result is a Decimal with two places, rounded half up.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

MANUAL = "manual"
YES_NO = "yes_no"
TIERS = "tiers"
PROPORTIONAL = "proportional"
PENALTY = "penalty"
BONUS = "bonus"
MEASURE = "measure"

RULE_KINDS: tuple[str, ...] = (MANUAL, YES_NO, TIERS, PROPORTIONAL, PENALTY, BONUS, MEASURE)
MEASURE_SHAPES: tuple[str, ...] = (TIERS, PROPORTIONAL)

KIND_LABELS: dict[str, str] = {
    MANUAL: "Thủ công",
    YES_NO: "Đạt/Không đạt",
    TIERS: "Theo bậc",
    PROPORTIONAL: "Tỷ lệ",
    PENALTY: "Trừ điểm",
    BONUS: "Điểm thưởng",
    MEASURE: "Từ chỉ số",
}

# What the self-assessment screen asks for: points, a yes/no, a rate in %, or a count.
DECLARED_INPUTS: dict[str, str] = {
    MANUAL: "points",
    YES_NO: "boolean",
    TIERS: "rate",
    PROPORTIONAL: "rate",
    PENALTY: "count",
    BONUS: "count",
    MEASURE: "rate",
}

# Readable names for the measures the sample criteria sets use; other codes are shown as they are.
MEASURE_LABELS: dict[str, str] = {
    "dossier.settled_on_time_rate": "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn",
    "dossier.apologised_rate": "Tỷ lệ hồ sơ trễ hạn, quá hạn có văn bản xin lỗi",
    "dossier.results_digitised_rate": "Tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC",
    "dossier.online_rate": "Tỷ lệ hồ sơ nộp trực tuyến",
    "dossier.online_full_rate": "Tỷ lệ hồ sơ trực tuyến toàn trình",
    "dossier.paid_online_rate": "Tỷ lệ hồ sơ thanh toán trực tuyến",
    "survey.satisfaction_index": "Chỉ số hài lòng của người dân, tổ chức",
    "plan.task_completion_rate": "Tỷ lệ hoàn thành nhiệm vụ theo kế hoạch",
    "docs.outgoing_electronic_rate": "Tỷ lệ văn bản đi được gửi dưới dạng điện tử",
    "finance.public_investment_disbursed_rate": "Tỷ lệ giải ngân vốn đầu tư công",
    "feedback.handled_on_time_rate": "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn",
}

_ALLOWED_PARAMS: dict[str, frozenset[str]] = {
    MANUAL: frozenset({"steps"}),
    YES_NO: frozenset(),
    TIERS: frozenset({"tiers", "floor_points"}),
    PROPORTIONAL: frozenset({"full_at"}),
    PENALTY: frozenset({"per_occurrence", "floor"}),
    BONUS: frozenset({"per_occurrence", "points", "cap"}),
    MEASURE: frozenset({"measure", "shape", "tiers", "floor_points", "full_at"}),
}

_MEASURE_CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_HUNDREDTH = Decimal("0.01")
_HUNDRED = Decimal(100)

Declared = Decimal | int | float | str | bool | None


class ScoringError(ValueError):
    """Declared data or parameters a rule cannot score; the message is Vietnamese, for the user."""


def quantize_points(value: Decimal) -> Decimal:
    return value.quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)


def to_decimal(value: object) -> Decimal:
    """A Decimal from a number or a text typed the Vietnamese way ("2,5") or the programmer's way."""
    if isinstance(value, bool):
        raise ScoringError(f"«{value}» không phải là số")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        # Through str so that 0.1 stays 0.1 rather than its binary approximation.
        result = Decimal(str(value))
    elif isinstance(value, str):
        text = value.strip().replace(" ", "").rstrip("%")
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ScoringError(f"«{value}» không phải là số") from None
    else:
        raise ScoringError(f"«{value}» không phải là số")
    if not result.is_finite():
        raise ScoringError(f"«{value}» không phải là số")
    return result


def format_number(value: Decimal | int, places: int | None = None) -> str:
    """Vietnamese style: 1.081.000 and 92,50. With places None, trailing zeros are dropped (2; 1,5)."""
    number = Decimal(value)
    if places is None:
        text = f"{number:f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        text = f"{number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = sign + ".".join(groups)
    return f"{result},{fraction}" if fraction else result


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(character for character in decomposed if not unicodedata.combining(character))


def _word_key(text: str) -> str:
    return re.sub(r"[\s/\-–_]+", " ", _strip_accents(text).casefold()).strip()


_KIND_WORDS: dict[str, str] = {}
for _kind, _words in {
    MANUAL: ("Thủ công", "Chấm thủ công", "Nhập điểm"),
    YES_NO: ("Đạt/Không đạt", "Đạt – Không đạt", "Có/Không", "Đạt không đạt"),
    TIERS: ("Theo bậc", "Theo mức", "Bậc"),
    PROPORTIONAL: ("Tỷ lệ", "Tỉ lệ", "Theo tỷ lệ", "Theo tỉ lệ"),
    PENALTY: ("Trừ điểm", "Bị trừ điểm"),
    BONUS: ("Điểm thưởng", "Cộng điểm", "Thưởng"),
    MEASURE: ("Từ chỉ số", "Lấy từ chỉ số", "Từ số liệu", "Tự động"),
}.items():
    _KIND_WORDS[_word_key(_kind)] = _kind
    for _word in _words:
        _KIND_WORDS[_word_key(_word)] = _kind


def parse_kind(text: str) -> str | None:
    """The rule kind for a code (``tiers``) or a Vietnamese word ("Theo bậc"), None if unknown."""
    return _KIND_WORDS.get(_word_key(text))


# --- validation ---------------------------------------------------------------------------------


def _number_error(params: Mapping[str, Any], key: str) -> tuple[Decimal | None, str | None]:
    if key not in params:
        return None, None
    try:
        return to_decimal(params[key]), None
    except ScoringError:
        return None, f"tham số «{key}» phải là số (đang là «{params[key]}»)"


def _validate_tiers(params: Mapping[str, Any], max_points: Decimal, errors: list[str]) -> None:
    tiers = params.get("tiers")
    if not isinstance(tiers, list) or not tiers:
        errors.append('cần tham số «tiers»: danh sách các bậc {"min_rate": %, "points": điểm}')
        return
    seen_rates: set[Decimal] = set()
    parsed: list[tuple[Decimal, Decimal]] = []
    for position, tier in enumerate(tiers, start=1):
        if not isinstance(tier, Mapping) or set(tier) != {"min_rate", "points"}:
            errors.append(f"bậc thứ {position} phải có đúng hai khóa «min_rate» và «points»")
            continue
        try:
            rate = to_decimal(tier["min_rate"])
            points = to_decimal(tier["points"])
        except ScoringError:
            errors.append(f"bậc thứ {position}: «min_rate» và «points» phải là số")
            continue
        if not Decimal(0) <= rate <= _HUNDRED:
            errors.append(f"bậc thứ {position}: tỷ lệ {format_number(rate)}% phải từ 0% đến 100%")
        if not Decimal(0) <= points <= max_points:
            errors.append(
                f"bậc thứ {position}: {format_number(points)} điểm phải từ 0 đến điểm tối đa "
                f"{format_number(max_points)}"
            )
        if rate in seen_rates:
            errors.append(f"bậc thứ {position}: tỷ lệ {format_number(rate)}% bị lặp lại")
        seen_rates.add(rate)
        parsed.append((rate, points))
    parsed.sort()
    for (lower_rate, lower_points), (higher_rate, higher_points) in pairwise(parsed):
        if higher_points < lower_points:
            errors.append(
                f"bậc từ {format_number(higher_rate)}% cho {format_number(higher_points)} điểm, "
                f"ít hơn bậc từ {format_number(lower_rate)}% ({format_number(lower_points)} điểm)"
            )
    floor, error = _number_error(params, "floor_points")
    if error:
        errors.append(error)
    elif floor is not None and parsed and not Decimal(0) <= floor <= parsed[0][1]:
        errors.append(
            f"«floor_points» {format_number(floor)} phải từ 0 đến điểm của bậc thấp nhất {format_number(parsed[0][1])}"
        )


def _validate_proportional(params: Mapping[str, Any], errors: list[str]) -> None:
    if "full_at" not in params:
        errors.append("cần tham số «full_at»: tỷ lệ (%) đạt điểm tối đa")
        return
    full_at, error = _number_error(params, "full_at")
    if error:
        errors.append(error)
    elif full_at is not None and not Decimal(0) < full_at <= _HUNDRED:
        errors.append(f"«full_at» {format_number(full_at)}% phải lớn hơn 0% và không quá 100%")


def _validate_penalty(params: Mapping[str, Any], max_points: Decimal, errors: list[str]) -> None:
    per, error = _number_error(params, "per_occurrence")
    if error:
        errors.append(error)
    elif per is None:
        errors.append("cần tham số «per_occurrence»: số điểm bị trừ cho mỗi lần")
    elif per <= 0:
        errors.append("«per_occurrence» phải lớn hơn 0")
    floor, error = _number_error(params, "floor")
    if error:
        errors.append(error)
    elif floor is not None and floor > max_points:
        errors.append(f"«floor» {format_number(floor)} không được lớn hơn điểm tối đa {format_number(max_points)}")


def _validate_bonus(params: Mapping[str, Any], max_points: Decimal, errors: list[str]) -> None:
    present = [key for key in ("per_occurrence", "points") if key in params]
    if len(present) != 1:
        errors.append("cần đúng một trong hai tham số «per_occurrence» (mỗi lần) hoặc «points» (nếu đạt)")
    for key in present:
        value, error = _number_error(params, key)
        if error:
            errors.append(error)
        elif value is not None and value <= 0:
            errors.append(f"«{key}» phải lớn hơn 0")
    cap, error = _number_error(params, "cap")
    if error:
        errors.append(error)
    elif cap is not None and cap < 0:
        errors.append("«cap» không được âm")
    elif cap is None and max_points == 0:
        errors.append("điểm thưởng cần điểm tối đa lớn hơn 0 hoặc tham số «cap»")


def _validate_steps(params: Mapping[str, Any], max_points: Decimal, errors: list[str]) -> None:
    if "steps" not in params:
        return
    steps = params["steps"]
    if not isinstance(steps, list) or not steps:
        errors.append("«steps» phải là danh sách các mức điểm được chấm")
        return
    for step in steps:
        try:
            value = to_decimal(step)
        except ScoringError:
            errors.append(f"mức điểm «{step}» không phải là số")
            continue
        if not Decimal(0) <= value <= max_points:
            errors.append(f"mức điểm {format_number(value)} phải từ 0 đến điểm tối đa {format_number(max_points)}")


def validate_params(kind: str, params: Mapping[str, Any], max_points: Decimal | int) -> list[str]:
    """Every problem with a rule's parameters, in Vietnamese; an empty list means the rule is usable."""
    if kind not in RULE_KINDS:
        accepted = ", ".join(f"«{label}»" for label in KIND_LABELS.values())
        return [f"cách chấm «{kind}» không hợp lệ; dùng một trong: {accepted}"]
    maximum = to_decimal(max_points)
    errors: list[str] = []
    if maximum < 0:
        errors.append("điểm tối đa không được âm")
    if not isinstance(params, Mapping):
        return [*errors, 'tham số phải là một đối tượng JSON, ví dụ {"full_at": 80}']
    unknown = sorted(set(params) - _ALLOWED_PARAMS[kind])
    if unknown:
        names = ", ".join(f"«{name}»" for name in unknown)
        errors.append(f"tham số {names} không dùng cho cách chấm «{KIND_LABELS[kind]}»")
    if kind == MANUAL:
        _validate_steps(params, maximum, errors)
    elif kind == TIERS:
        _validate_tiers(params, maximum, errors)
    elif kind == PROPORTIONAL:
        _validate_proportional(params, errors)
    elif kind == PENALTY:
        _validate_penalty(params, maximum, errors)
    elif kind == BONUS:
        _validate_bonus(params, maximum, errors)
    elif kind == MEASURE:
        measure = params.get("measure")
        if not isinstance(measure, str) or not _MEASURE_CODE.match(measure):
            errors.append("cần tham số «measure»: mã chỉ số dạng «dossier.settled_on_time_rate»")
        shape = params.get("shape")
        if shape == TIERS:
            _validate_tiers(params, maximum, errors)
            if "full_at" in params:
                errors.append("tham số «full_at» không dùng cho dạng «tiers»")
        elif shape == PROPORTIONAL:
            _validate_proportional(params, errors)
            for key in ("tiers", "floor_points"):
                if key in params:
                    errors.append(f"tham số «{key}» không dùng cho dạng «proportional»")
        else:
            errors.append("cần tham số «shape»: «tiers» (theo bậc) hoặc «proportional» (tỷ lệ)")
    return errors


# --- evaluation -----------------------------------------------------------------------------------


def _rate(declared: Declared) -> Decimal:
    if declared is None:
        raise ScoringError("chưa có tỷ lệ để chấm điểm")
    rate = to_decimal(declared)
    if not Decimal(0) <= rate <= _HUNDRED:
        raise ScoringError(f"tỷ lệ {format_number(rate)}% phải từ 0% đến 100%")
    return rate


def _count(declared: Declared) -> int:
    if declared is None:
        raise ScoringError("chưa khai báo số lần")
    count = to_decimal(declared)
    if count < 0 or count != count.to_integral_value():
        raise ScoringError(f"số lần «{declared}» phải là số nguyên không âm")
    return int(count)


def _yes(declared: Declared) -> bool:
    if isinstance(declared, bool):
        return declared
    if isinstance(declared, int | Decimal) and declared in (0, 1):
        return bool(declared)
    raise ScoringError(f"cần khai báo đạt hoặc không đạt (đang là «{declared}»)")


def _tier_points(params: Mapping[str, Any], rate: Decimal) -> Decimal:
    best: tuple[Decimal, Decimal] | None = None
    for tier in params["tiers"]:
        min_rate = to_decimal(tier["min_rate"])
        if rate >= min_rate and (best is None or min_rate > best[0]):
            best = (min_rate, to_decimal(tier["points"]))
    if best is not None:
        return best[1]
    return to_decimal(params.get("floor_points", 0))


def _proportional_points(params: Mapping[str, Any], max_points: Decimal, rate: Decimal) -> Decimal:
    return max_points * min(Decimal(1), rate / to_decimal(params["full_at"]))


def evaluate(rule_kind: str, params: Mapping[str, Any], max_points: Decimal | int, declared: Declared) -> Decimal:
    """The points a leaf earns for the declared data; ScoringError (Vietnamese) when it cannot."""
    errors = validate_params(rule_kind, params, max_points)
    if errors:
        raise ScoringError("; ".join(errors))
    maximum = to_decimal(max_points)
    if rule_kind == MANUAL:
        if declared is None:
            raise ScoringError("chưa nhập điểm")
        points = to_decimal(declared)
        if not Decimal(0) <= points <= maximum:
            raise ScoringError(f"điểm {format_number(points)} phải từ 0 đến điểm tối đa {format_number(maximum)}")
        steps = [to_decimal(step) for step in params.get("steps", [])]
        if steps and points not in steps:
            allowed = "; ".join(format_number(step) for step in sorted(steps))
            raise ScoringError(f"điểm {format_number(points)} không thuộc các mức được chấm: {allowed}")
        result = points
    elif rule_kind == YES_NO:
        result = maximum if _yes(declared) else Decimal(0)
    elif rule_kind == TIERS or (rule_kind == MEASURE and params["shape"] == TIERS):
        result = _tier_points(params, _rate(declared))
    elif rule_kind in (PROPORTIONAL, MEASURE):
        result = _proportional_points(params, maximum, _rate(declared))
    elif rule_kind == PENALTY:
        floor = to_decimal(params.get("floor", 0))
        result = max(floor, maximum - _count(declared) * to_decimal(params["per_occurrence"]))
    else:
        cap = to_decimal(params.get("cap", maximum))
        if "per_occurrence" in params:
            raw = _count(declared) * to_decimal(params["per_occurrence"])
        else:
            raw = to_decimal(params["points"]) if _yes(declared) else Decimal(0)
        result = min(raw, cap)
    return quantize_points(result)


def rate_needed(
    rule_kind: str, params: Mapping[str, Any], max_points: Decimal | int, points: Decimal
) -> Decimal | None:
    """The smallest rate (%) that earns at least ``points`` on a rate rule; None if no rate can."""
    maximum = to_decimal(max_points)
    shape = params.get("shape") if rule_kind == MEASURE else rule_kind
    if shape == TIERS:
        if to_decimal(params.get("floor_points", 0)) >= points:
            return Decimal(0)
        reaching = [to_decimal(tier["min_rate"]) for tier in params["tiers"] if to_decimal(tier["points"]) >= points]
        return min(reaching) if reaching else None
    if shape == PROPORTIONAL:
        if points > maximum:
            return None
        if points <= 0:
            return Decimal(0)
        full_at = to_decimal(params["full_at"])
        # Rounded up, so that the rate shown always earns the points.
        rate = (points * full_at / maximum).quantize(_HUNDREDTH, rounding=ROUND_CEILING)
        return min(rate, full_at)
    return None


# --- description ----------------------------------------------------------------------------------


def _points(value: object) -> str:
    return f"{format_number(to_decimal(value))} điểm"


def _percent(value: object) -> str:
    return f"{format_number(to_decimal(value))}%"


def _describe_tiers(params: Mapping[str, Any]) -> str:
    tiers = sorted(
        ((to_decimal(tier["min_rate"]), to_decimal(tier["points"])) for tier in params["tiers"]),
        reverse=True,
    )
    parts: list[str] = []
    previous_rate: Decimal | None = None
    for rate, points in tiers:
        if previous_rate is None:
            parts.append(f"từ {_percent(rate)} trở lên: {_points(points)}")
        else:
            parts.append(f"từ {_percent(rate)} đến dưới {_percent(previous_rate)}: {_points(points)}")
        previous_rate = rate
    if previous_rate is not None and previous_rate > 0:
        parts.append(f"dưới {_percent(previous_rate)}: {_points(params.get('floor_points', 0))}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def _describe_proportional(params: Mapping[str, Any], max_points: Decimal) -> str:
    if to_decimal(params["full_at"]) == _HUNDRED:
        return f"Tính theo tỷ lệ: 100% đạt tối đa {_points(max_points)}"
    return f"≥ {_percent(params['full_at'])} đạt tối đa {_points(max_points)}; dưới đó tính theo tỷ lệ"


def describe(rule_kind: str, params: Mapping[str, Any], max_points: Decimal | int) -> str:
    """The rule in Vietnamese words, as the self-assessment screen shows it."""
    errors = validate_params(rule_kind, params, max_points)
    if errors:
        return "Cách chấm chưa hợp lệ: " + "; ".join(errors)
    maximum = to_decimal(max_points)
    if rule_kind == MANUAL:
        if "steps" in params:
            steps = "; ".join(format_number(to_decimal(step)) for step in sorted(map(to_decimal, params["steps"])))
            return f"Chấm theo các mức: {steps} điểm"
        return f"Chấm từ 0 đến {_points(maximum)}"
    if rule_kind == YES_NO:
        return f"Đạt: {_points(maximum)}; không đạt: 0 điểm"
    if rule_kind == TIERS:
        return _describe_tiers(params)
    if rule_kind == PROPORTIONAL:
        return _describe_proportional(params, maximum)
    if rule_kind == PENALTY:
        floor = to_decimal(params.get("floor", 0))
        return (
            f"Tối đa {_points(maximum)}; trừ {_points(params['per_occurrence'])} cho mỗi lần, "
            f"thấp nhất {_points(floor)}"
        )
    if rule_kind == BONUS:
        cap = _points(params.get("cap", maximum))
        if "per_occurrence" in params:
            return f"Điểm thưởng {_points(params['per_occurrence'])} cho mỗi lần, tối đa {cap}"
        if to_decimal(params.get("cap", maximum)) >= to_decimal(params["points"]):
            return f"Điểm thưởng {_points(params['points'])} nếu đạt"
        return f"Điểm thưởng {_points(params['points'])} nếu đạt, tối đa {cap}"
    label = MEASURE_LABELS.get(params["measure"], params["measure"])
    inner = _describe_tiers(params) if params["shape"] == TIERS else _describe_proportional(params, maximum)
    return f"Tự động từ «{label}»: {inner[:1].lower() + inner[1:]}"


@dataclass(frozen=True)
class Rule:
    """A leaf's scoring rule: a kind from RULE_KINDS, its parameters and the leaf's maximum points."""

    kind: str
    max_points: Decimal
    params: Mapping[str, Any] = field(default_factory=dict)

    def evaluate(self, declared: Declared) -> Decimal:
        return evaluate(self.kind, self.params, self.max_points, declared)

    def describe(self) -> str:
        return describe(self.kind, self.params, self.max_points)

    def validate(self) -> list[str]:
        return validate_params(self.kind, self.params, self.max_points)

    @property
    def declared_input(self) -> str:
        """What the unit declares: "points", "boolean", "rate" or "count"."""
        if self.kind == BONUS and "points" in self.params:
            return "boolean"
        return DECLARED_INPUTS[self.kind]

    @property
    def measure(self) -> str | None:
        return self.params.get("measure") if self.kind == MEASURE else None

    @property
    def is_bonus(self) -> bool:
        return self.kind == BONUS

    def rate_needed(self, points: Decimal) -> Decimal | None:
        return rate_needed(self.kind, self.params, self.max_points, points)


def steps_of(params: Mapping[str, Any]) -> Sequence[Decimal]:
    """The allowed manual points, sorted, or an empty list when any points within [0, max] are allowed."""
    return sorted(to_decimal(step) for step in params.get("steps", []))
