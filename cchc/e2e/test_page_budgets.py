"""Every main page on the demo data: a pinned number of queries (an N+1 regression fails here), its server
time recorded against the 300 ms budget, no serious accessibility violation, usable at 375 and 1440 px."""

import json
import statistics
from pathlib import Path

import pytest

SERVER_TIME_BUDGET_MS = 300
RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results"
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


def test_main_pages_stay_within_their_query_pins_and_record_server_time(session_factory):
    session = session_factory("canbo")
    measured = {}
    for name, path in main_pages(session).items():
        measured[name] = measure(session, path)
    print("\n".join(f"{name}: {ms:.0f} ms, {queries} queries" for name, (ms, queries) in measured.items()))
    # Server time is a measurement, not an assertion (timings on a shared machine are noisy): it is written
    # to bench/results/pages.json with the budget beside it, as the benchmarks are.
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pages.json").write_text(
        json.dumps(
            {
                name: {"median_server_ms": round(ms, 1), "queries": queries, "budget_ms": SERVER_TIME_BUDGET_MS}
                for name, (ms, queries) in measured.items()
            },
            indent=2,
        )
    )
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
