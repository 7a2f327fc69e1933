"""Flow 1: a commune focal officer sees what is due this week, updates a task's progress with a note and
an evidence file, and the provincial view shows the new progress."""

import re

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_progress_update_reaches_the_provincial_rollup(session_factory, tmp_path):
    officer = session_factory("canbo")
    page = officer.page
    officer.goto("/")
    page.click("a:has-text('Nhiệm vụ đến hạn tuần này')")
    page.wait_for_url(re.compile(r"/ke-hoach/den-han/"))
    assert page.locator("h2:has-text('Đến hạn từ hôm nay đến Chủ nhật')").count() == 1
    # A task of the commune's plan that implements a task the province assigned to it.
    officer.goto("/ke-hoach/viec-cua-don-vi/")
    candidates = [
        link.get_attribute("href")
        for link in page.locator(
            "tr:has(td:text-is('Chủ trì')):not(:has(.badge-good)) a[href*='/ke-hoach/nhiem-vu/']"
        ).element_handles()
    ]
    for href in candidates:
        officer.goto(href)
        if page.locator("dt:has-text('Thực hiện nhiệm vụ cấp trên')").count():
            break
    else:
        raise AssertionError("no open task implementing a provincial task in the inbox")
    task_title = page.locator("h1").inner_text().strip()
    evidence = tmp_path / "ket-qua.pdf"
    evidence.write_bytes(PDF)
    page.fill("input[name=percent]", "85")
    page.fill("textarea[name=note]", "Đã tổng hợp đủ tài liệu kiểm chứng của 8 lĩnh vực.")
    page.set_input_files("input[name=evidence]", str(evidence))
    page.click("button:has-text('Lưu tiến độ')")
    page.wait_for_load_state()
    content = page.content()
    assert "Đã tổng hợp đủ tài liệu kiểm chứng của 8 lĩnh vực." in content
    assert "ket-qua" in content or "Tệp minh chứng" in content

    province = session_factory("daumoi.tinh")
    province.goto("/ke-hoach/")
    province.page.locator("a[href^='/ke-hoach/']:has-text('Cải cách hành chính tỉnh Hòa Sơn')").first.click()
    province.page.click("a:has-text('Tổng hợp đơn vị cấp dưới')")
    row = province.page.locator("tr:has-text('Xã Tân Phước')").first
    row.locator("summary").click()
    text = row.inner_text()
    line = next(item for item in text.splitlines() if task_title.split(". ", 1)[-1][:40] in item)
    assert line.endswith("85%"), line
