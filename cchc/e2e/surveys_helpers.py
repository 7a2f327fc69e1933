"""Filling the public survey form the way a person does: one answer per visible question."""

from __future__ import annotations


def answer_visible_questions(page, scale_value: str = "4") -> None:  # type: ignore[no-untyped-def]
    groups = page.locator(".survey-question fieldset")
    for index in range(groups.count()):
        group = groups.nth(index)
        if not group.is_visible():
            continue
        preferred = group.locator(f"input[value='{scale_value}']")
        choice = preferred.first if preferred.count() else group.locator("input").first
        choice.check()
    numbers = page.locator(".survey-question input[type=number]")
    for index in range(numbers.count()):
        if numbers.nth(index).is_visible():
            numbers.nth(index).fill("1")
