"""Flow 7: a citizen answers on a phone from the QR link, a kiosk takes two answers in a row, and the
officer sees them counted."""

import re

from cchc.e2e.surveys_helpers import answer_visible_questions


def counted(page) -> int:  # type: ignore[no-untyped-def]
    figure = page.locator("article.card:has-text('Tiến độ thu phiếu') .figure").inner_text()
    return int(re.sub(r"\D", "", figure.split("/")[0]))


def test_citizen_and_kiosk_answers_are_counted_for_the_officer(browser, session_factory):
    officer = session_factory("canbo")
    page = officer.page
    officer.goto("/khao-sat/")
    page.locator("a[href*='/khao-sat/don-vi/']").first.click()
    results_url = page.url
    before = counted(page)
    page.goto(results_url + "ma-qr/")
    assert page.locator(".qr-sheet svg").count() == 1
    public_link = page.locator("p.qr-link").inner_text().strip()
    page.goto(results_url + "thiet-lap/")
    kiosk_link = page.locator("code.qr-link").inner_text().strip()
    assert "/khao-sat/r/" in public_link
    assert "/khao-sat/k/" in kiosk_link

    citizen_context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    citizen = citizen_context.new_page()
    citizen.goto(public_link)
    assert citizen.evaluate("document.documentElement.scrollWidth") <= 376
    answer_visible_questions(citizen, "5")
    citizen.click("button.survey-submit")
    citizen.wait_for_url(re.compile(r"/cam-on/"))
    assert "Cảm ơn" in citizen.content()
    citizen_context.close()

    kiosk_context = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True)
    kiosk = kiosk_context.new_page()
    kiosk.goto(kiosk_link)
    for _ in range(2):
        kiosk.wait_for_selector("button.survey-submit")
        answer_visible_questions(kiosk, "4")
        kiosk.click("button.survey-submit")
        kiosk.wait_for_url(re.compile(r"/cam-on/"))
        # The kiosk returns by itself to a blank form for the next person.
        kiosk.wait_for_url(re.compile(r"/khao-sat/k/[^/]+/$"), timeout=30000)
        assert kiosk.locator("input:checked").count() == 0
    kiosk_context.close()

    page.goto(results_url)
    assert counted(page) == before + 3
