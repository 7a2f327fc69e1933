"""Flow 6: the officer opens the remediation draft for the published round and the target planner for
"rise one rank"."""

import re


def test_the_officer_opens_the_remediation_draft_and_the_plan_to_rise_one_rank(session_factory):
    officer = session_factory("canbo")
    page = officer.page
    officer.goto("/")
    # From the home page card to the published round's results for the commune.
    # The latest published result (flow 3 may have published this year's round already).
    page.get_by_role("link", name=re.compile(r"^Năm \d{4}:")).first.click()
    page.wait_for_load_state()
    assert "Xã Tân Phước" in page.locator("h1").inner_text()
    results_url = page.url

    page.click("a:has-text('Lập kế hoạch khắc phục')")
    page.wait_for_url(re.compile(r"/khac-phuc/dot/\d+/don-vi/\d+/ke-hoach/"))
    lost = int(page.locator("article:has-text('Tiêu chí bị trừ điểm') .figure").inner_text())
    assert lost > 0
    rows = page.locator("table.draft-table tbody tr")
    assert rows.count() >= lost
    first_loss = rows.first.inner_text()
    assert re.search(r"\d+\.\d", first_loss), first_loss  # a criterion code such as 3.4.1
    officer.screenshot("ke-hoach-khac-phuc")

    page.goto(results_url)
    page.click("a:has-text('Lộ trình lên hạng')")
    page.check("input[name=kind][value=rise]")
    page.fill("input[name=value]", "1")
    page.click("button:has-text('Tính lộ trình')")
    page.wait_for_selector("article:has-text('Cần tăng')")
    current = page.locator("article:has-text('Hiện tại') .figure-label").inner_text()
    after = page.locator("article:has-text('Sau khắc phục') .figure-label").inner_text()
    current_rank = int(re.search(r"thứ (\d+)", current).group(1))
    new_rank = int(re.search(r"thứ (\d+)", after).group(1))
    assert new_rank <= current_rank - 1
    assert page.locator("table tbody tr").count() >= 1
    officer.screenshot("lo-trinh-len-hang")
