"""Flows 2 and 3: the commune fills and submits its self-assessment; the province appraises, closes the
appraisal, publishes, and the ranking shows ranks and rank changes. They share the demo, in this order."""

import re

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def accept_dialogs(page) -> None:  # type: ignore[no-untyped-def]
    page.on("dialog", lambda dialog: dialog.accept())


def save_row(page, row_id: str) -> None:  # type: ignore[no-untyped-def]
    row = page.locator(f"tr#{row_id}")
    with page.expect_response(re.compile(r"/tieu-chi/\d+/$")):
        row.locator("button:has-text('Lưu')").click()
    page.wait_for_selector(f"tr#{row_id}")


def fill_row(page, row_id: str) -> None:  # type: ignore[no-untyped-def]
    row = page.locator(f"tr#{row_id}")
    declared = row.locator("[name=declared]")
    if declared.count():
        field = declared.first
        if field.evaluate("element => element.tagName") == "SELECT":
            options = field.locator("option")
            field.select_option(index=options.count() - 1)
        else:
            placeholder = field.get_attribute("placeholder") or ""
            maximum = field.get_attribute("max") or "1"
            field.fill("100" if "%" in placeholder else "0" if "lần" in placeholder else maximum)
    explanation = row.locator("textarea[name=explanation]")
    if explanation.count() and not explanation.input_value():
        explanation.fill("Đã thực hiện; hồ sơ lưu tại Văn phòng UBND xã, sẽ số hóa bổ sung.")
    save_row(page, row_id)


def test_flow_2_officer_fills_the_self_assessment_and_the_leader_submits(session_factory, tmp_path):
    officer = session_factory("canbo")
    page = officer.page
    officer.goto("/chi-so/cua-don-vi/")
    page.wait_for_selector("table")
    self_assessment_url = page.url
    unfinished = [
        element.get_attribute("id")
        for element in page.locator("tr:has(.badge-warn)").element_handles()
        if element.get_attribute("id")
    ]
    assert unfinished, "the demo commune should have leaves left to fill"

    # One leaf gets an evidence file, the others a written explanation where evidence is missing.
    first = unfinished[0]
    evidence = tmp_path / "bien-ban.pdf"
    evidence.write_bytes(PDF)
    row = page.locator(f"tr#{first}")
    row.locator("summary:has-text('Gắn minh chứng')").click()
    row.locator("input[type=file]").set_input_files(str(evidence))
    row.locator("input[name=title]").fill("Biên bản kiểm tra CCHC")
    row.locator("button:has-text('Gắn')").click()
    page.wait_for_load_state()
    assert "Biên bản kiểm tra CCHC" in page.content()

    for row_id in unfinished:
        if page.locator(f"tr#{row_id}:has(.badge-warn)").count():
            fill_row(page, row_id)
    assert page.locator("tr:has(.badge-warn)").count() == 0

    leader = session_factory("chutich")
    accept_dialogs(leader.page)
    leader.page.goto(self_assessment_url)
    leader.page.click("button:has-text('Gửi tự đánh giá')")
    leader.page.wait_for_load_state()
    assert "Đã gửi" in leader.page.content() or "đã gửi" in leader.page.content()

    page.goto(self_assessment_url)
    assert page.locator("button:has-text('Lưu')").count() == 0
    assert page.locator("[name=declared]").count() == 0


def test_flow_3_appraiser_adjusts_requests_closes_and_admin_publishes(session_factory):
    appraiser = session_factory("thamdinh")
    accept_dialogs(appraiser.page)
    page = appraiser.page
    appraiser.goto("/chi-so/")
    page.locator("a[href*='/chi-so/dot/']").first.click()
    round_url = page.url
    # The home commune submitted in flow 2; appraise it.
    page.locator("tr:has-text('Xã Tân Phước') a:has-text('Thẩm định')").click()
    page.wait_for_selector("form[hx-post*='/tham-dinh/']")
    forms = page.locator("form[hx-post*='/tham-dinh/']")
    first_row = forms.nth(0).locator("xpath=ancestor::tr").get_attribute("id")
    second_row = forms.nth(1).locator("xpath=ancestor::tr").get_attribute("id")

    row = page.locator(f"tr#{first_row}")
    row.locator("input[name=points]").fill("0")
    row.locator("textarea[id^=note-]").fill("Kế hoạch ban hành sau thời hạn, không đạt điểm.")
    with page.expect_response(re.compile(r"/tham-dinh/")):
        row.locator("button:has-text('Lưu điểm')").click()
    page.wait_for_selector(f"tr#{first_row} .badge-good")
    assert "Kế hoạch ban hành sau thời hạn" in page.locator(f"tr#{first_row}").inner_text()

    row = page.locator(f"tr#{second_row}")
    row.locator("summary:has-text('Yêu cầu bổ sung')").click()
    row.locator("textarea[id^=request-]").fill("Đề nghị bổ sung văn bản chứng minh.")
    row.locator("button:has-text('Gửi yêu cầu')").click()
    page.wait_for_load_state()
    assert "Đề nghị bổ sung văn bản chứng minh." in page.content()

    page.goto(round_url)
    page.locator("tr:has(th:has-text('Thẩm định')) button:has-text('Đóng giai đoạn')").click()
    page.wait_for_load_state()
    assert "Đã đóng giai đoạn «Thẩm định»" in page.content()

    admin = session_factory("quantri")
    accept_dialogs(admin.page)
    admin.page.goto(round_url + "cong-bo/")
    admin.page.click("button:has-text('Công bố kết quả')")
    admin.page.wait_for_load_state()
    admin.page.goto(round_url + "ket-qua/")
    ranking = admin.page.locator("table").first.inner_text()
    assert re.search(r"\b1\b", ranking)
    assert "▲" in ranking or "▼" in ranking
    admin.screenshot("xep-hang")
