"""Flow 8: an officer of another commune tries the URLs of the other flows for the first commune and is
refused (403 or 404), and nothing of the first commune shows."""

import re

REFUSED = {403, 404}


def collect(session, path: str, pattern: str, limit: int = 3) -> list[str]:  # type: ignore[no-untyped-def]
    session.goto(path)
    hrefs = []
    for link in session.page.locator(f"a[href*='{pattern}']").element_handles():
        href = link.get_attribute("href")
        if href and href not in hrefs:
            hrefs.append(href)
    return hrefs[:limit]


def test_another_communes_officer_is_refused_everywhere(session_factory, browser, demo_server):
    first = session_factory("canbo")
    urls: list[str] = []
    # Flow 1 and 5: the commune's plans and tasks, their documents.
    urls += collect(first, "/ke-hoach/den-han/", "/ke-hoach/nhiem-vu/")
    plans = collect(first, "/ke-hoach/?don_vi=", "/ke-hoach/", limit=20)
    own_plans = [href for href in plans if re.fullmatch(r"/ke-hoach/\d+/", href)]
    for href in own_plans[:2]:
        first.goto(href)
        if "Xã Tân Phước" in first.page.locator("main").inner_text():
            urls += [href, href + "tai-ve/", href + "sua/"]
    # Flow 2: the self-assessment and its evidence.
    urls += collect(first, "/chi-so/", "/chi-so/tu-danh-gia/", limit=2)
    urls += collect(first, "/chi-so/minh-chung/", "/tai-ve/", limit=2)
    # Flow 7: survey results, QR sheet, kiosk and review pages.
    survey_results = collect(first, "/khao-sat/", "/khao-sat/don-vi/", limit=1)
    for href in survey_results:
        urls += [href, href + "ma-qr/", href + "thiet-lap/", href + "ra-soat/"]
    # Flow 4: the commune's dossiers.
    urls += collect(first, "/ho-so/danh-sach/", "/ho-so/", limit=40)
    urls = [url for url in urls if not re.fullmatch(r"/ho-so/(\?.*)?|/ho-so/[a-z-]+/(\?.*)?", url)]
    # Flow 6: the remediation draft and the target planner of the commune.
    first.goto("/")
    urls += [
        href for href in collect(first, "/", "/khac-phuc/dot/", limit=4) if "/ke-hoach/" in href or "/lo-trinh/" in href
    ]
    # Reported figures and their evidence.
    urls += collect(first, "/chi-tieu/nhap-so-lieu/", "/chi-tieu/so-lieu/", limit=2)
    urls = [url for url in dict.fromkeys(urls) if url.startswith("/")]
    assert len(urls) >= 8, urls

    other = session_factory("canbo2")
    for url in urls:
        response = other.goto(url)
        assert response.status in REFUSED, f"{url} answered {response.status} to another commune's officer"
    # Writes are refused too: a progress update on the first commune's task.
    task_url = next(url for url in urls if "/ke-hoach/nhiem-vu/" in url)
    status = other.page.evaluate(
        """async (url) => {
            const token = document.cookie.split('; ').find(c => c.startsWith('csrftoken='))?.split('=')[1] || '';
            const body = new URLSearchParams({percent: '100', reported_on: '01/01/2026', csrfmiddlewaretoken: token});
            const response = await fetch(url + 'tien-do/', {method: 'POST', body, headers: {'X-CSRFToken': token}});
            return response.status;
        }""",
        demo_server + task_url,
    )
    assert status in REFUSED
