"""Every main page on the demo data: under 300 ms of server time, a pinned number of queries (an N+1
regression fails here), no serious accessibility violation, and usable at 375 px and 1440 px."""

import statistics

import pytest

SERVER_TIME_BUDGET_MS = 300
# Queries per page on the demo data, measured and pinned; a few of headroom for harmless changes.
QUERY_PINS = {
    "dashboard": 45,
    "plans": 9,
    "plan": 16,
    "tasks": 10,
    "due": 9,
    "assessment_tree": 32,
    "ranking": 13,
    "survey_results": 22,
    "survey_form": 7,
    "measures": 7,
    "scorecard": 120,
    "jobs": 7,
    "dossiers": 28,
}


def main_pages(session) -> dict[str, str]:  # type: ignore[no-untyped-def]
    page = session.page
    session.goto("/ke-hoach/")
    plan = page.locator("table a[href^='/ke-hoach/']").first.get_attribute("href")
    session.goto("/chi-so/cua-don-vi/")
    tree = page.url.replace(session.base, "")
    session.goto("/chi-so/")
    published = [
        link.get_attribute("href")
        for link in page.locator("a[href*='/ket-qua/']").element_handles()
        if link.get_attribute("href")
    ]
    session.goto("/khao-sat/")
    survey = page.locator("a[href*='/khao-sat/don-vi/']").first.get_attribute("href")
    session.goto(survey + "ma-qr/")
    link = page.locator("p.qr-link").inner_text().strip()
    public_form = link[link.index("/khao-sat/") :]
    pages = {
        "dashboard": "/",
        "plans": "/ke-hoach/",
        "plan": plan,
        "tasks": "/ke-hoach/viec-cua-don-vi/",
        "due": "/ke-hoach/den-han/",
        "assessment_tree": tree,
        "ranking": published[0] if published else "/chi-so/",
        "survey_results": survey,
        "survey_form": public_form,
        "measures": "/chi-tieu/",
        "scorecard": "/chi-tieu/the-diem/",
        "jobs": "/cong-viec/",
        "dossiers": "/ho-so/",
    }
    return pages


def measure(session, path: str) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    times, counts = [], []
    for _ in range(3):
        response = session.goto(path)
        assert response.status == 200, path
        timing = response.headers["server-timing"]
        times.append(float(timing.split("app;dur=")[1].split(",")[0]))
        counts.append(int(response.headers["x-query-count"]))
    return statistics.median(times), max(counts)


def test_main_pages_stay_within_time_and_query_budgets(session_factory):
    session = session_factory("canbo")
    measured = {}
    for name, path in main_pages(session).items():
        measured[name] = measure(session, path)
    print("\n".join(f"{name}: {ms:.0f} ms, {queries} queries" for name, (ms, queries) in measured.items()))
    slow = {name: ms for name, (ms, _queries) in measured.items() if ms > SERVER_TIME_BUDGET_MS}
    assert not slow, f"over {SERVER_TIME_BUDGET_MS} ms of server time: {slow}"
    heavy = {name: queries for name, (_ms, queries) in measured.items() if queries > QUERY_PINS[name]}
    assert not heavy, f"more queries than pinned: {heavy}"


@pytest.mark.parametrize("width", [375, 1440])
def test_main_pages_are_accessible_and_fit_the_screen(session_factory, width):
    session = session_factory("canbo", width)
    for name, path in main_pages(session).items():
        session.goto(path)
        assert session.accessibility_violations() == [], name
        overflow = session.page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width + 1, f"{name} is {overflow}px wide at {width}px"
    assert session.console_errors == []
