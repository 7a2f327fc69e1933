"""Tables sort by their column headers, with Vietnamese numbers, and say so to assistive technology."""

import re


def test_the_ranking_sorts_by_index_and_back(session_factory):
    session = session_factory("thamdinh")
    page = session.page
    session.goto("/chi-so/")
    page.locator("a[href*='/ket-qua/']").first.click()
    header = page.locator("th:has(button.sort-button:text-is('Chỉ số'))").first
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"

    def indexes() -> list[float]:
        texts = page.locator("table").first.locator("tbody tr").all_inner_texts()
        return [float(re.findall(r"(\d+,\d+)%", text)[0].replace(",", ".")) for text in texts if "%" in text]

    ascending = indexes()
    assert ascending == sorted(ascending)
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    assert indexes() == sorted(ascending, reverse=True)
