"""Which units a lead or coordinating cell names («Sở Nội vụ», «UBND các xã, phường, đặc khu»).

Plans name bodies in words; the words stay as written and this module finds the units they mean
among the issuing unit's subtree, so that issuing the plan can assign tasks. Anything it does not
recognise (an official's position inside a commune, a mass organisation) names no unit: the task then
stays with the issuing unit itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from cchc.organisation.models import Unit, UnitKind

# Phrases meaning "every commune-level unit below".
ALL_COMMUNES = re.compile(
    r"\b(?:ubnd|ủy ban nhân dân|uỷ ban nhân dân)?\s*(?:các|tất cả các)\s+(?:xã|phường|đặc khu)"
    r"|\bubnd cấp xã\b|\bcấp xã\b|\bcác địa phương\b"
)
ALL_DEPARTMENTS = re.compile(r"\bcác sở(?:,|\s|$)|\bcác sở, ban, ngành\b|\bsở, ban, ngành\b")
SEPARATORS = re.compile(r"\s*(?:\n|;|,(?!\s*(?:phường|đặc khu|ban, ngành|ban ngành))|\+)\s*")
PREFIXES = re.compile(r"^(?:[-–•+]\s*)?(?:ubnd|ủy ban nhân dân|uỷ ban nhân dân)\s+")


def plain(text: str) -> str:
    """Lower case, NFC, one space, no surrounding punctuation: names compare equal however typed."""
    folded = unicodedata.normalize("NFC", text).lower().replace("uỷ", "ủy").replace("–", "-")
    return re.sub(r"\s+", " ", folded).strip(" .;:-")


def resolve_units(text: str, issuing_unit: Unit, candidates: Sequence[Unit] | None = None) -> list[Unit]:
    """Units below ``issuing_unit`` named in ``text``, in tree order, without duplicates."""
    if not text.strip():
        return []
    if candidates is None:
        candidates = list(
            Unit.objects.subtree_of(issuing_unit).exclude(pk=issuing_unit.pk).active_on().select_related("kind")
        )
    phrase = plain(text)
    chosen: dict[int, Unit] = {}
    if ALL_COMMUNES.search(phrase):
        chosen.update({unit.pk: unit for unit in candidates if unit.kind.level == UnitKind.Level.COMMUNE})
    if ALL_DEPARTMENTS.search(phrase):
        chosen.update({unit.pk: unit for unit in candidates if unit.kind.level == UnitKind.Level.AGENCY})
    by_name = _names(candidates)
    for piece in SEPARATORS.split(phrase):
        name = PREFIXES.sub("", piece).strip()
        for unit in by_name.get(name, []):
            chosen[unit.pk] = unit
    return sorted(chosen.values(), key=lambda unit: unit.path)


def _names(units: Iterable[Unit]) -> dict[str, list[Unit]]:
    """Each unit under its full name, its code, and its name without the kind («Hoàng Việt»)."""
    names: dict[str, list[Unit]] = {}
    for unit in units:
        keys = {plain(unit.name), plain(unit.code)}
        kind_name = plain(unit.kind.name)
        if plain(unit.name).startswith(kind_name + " "):
            keys.add(plain(unit.name)[len(kind_name) + 1 :])
        for key in keys:
            names.setdefault(key, []).append(unit)
    return names
